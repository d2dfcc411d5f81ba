"""Building the demo city (家客装维) from `data.py`: organisation, people, customers and splitter
boxes are bulk-created (no action exists for them; one transaction); every work order is then
created and moved through its timeline by the actions (intake, dispatch, accept, contact,
appointment, …, close) with explicit past `occurred_at` times, so each order has its timeline and
SLA clocks exactly as in production.

The actions run in their own (durable) transactions, one order after the other, newest order
first: the orders a dispatcher looks at first exist after a few seconds, and `make demo` serves
from then on while the rest loads (`on_first_slice`). `perform_plan` is the one place that calls
the work-order and dispatch actions.
"""

import datetime as dt
import random
import time
from collections.abc import Callable
from contextlib import contextmanager
from decimal import Decimal
from unittest import mock

from django.db import transaction
from rest_framework.authtoken.models import Token

from fiberops.accounts.choices import Role
from fiberops.accounts.models import User
from fiberops.core.clock import SHANGHAI
from fiberops.customers.models import Customer
from fiberops.demo.data import (
    AREA_OF_BRANCH,
    BOUNDS,
    BOXES_PER_GRID,
    BOXES_PER_SPLITTER,
    BRANCHES,
    COMPOUND_FLOORS,
    COMPOUNDS_PER_GRID,
    GIVEN_FEMALE,
    GIVEN_MALE,
    GRIDS,
    MOBILE_PREFIXES,
    ORDER_COUNT,
    PON_PORTS_PER_OLT,
    SKILLS,
    STAFF,
    SURNAMES,
    TEAM_ORDINALS,
    TEAMS_WITH_EXPIRED_TECHNICIAN,
    TECHNICIANS_PER_TEAM,
    VILLAGE_OFFSETS,
    GridSpec,
)
from fiberops.demo.plans import City, OrderPlan, OrderPlanner, borrow_reason, planned
from fiberops.demo.switches import create_switches
from fiberops.dispatch.actions import record_contact_attempt
from fiberops.inspections.actions import (
    Correction,
    LogInput,
    create_round,
    fix_discrepancy,
    generate_inspection_orders,
    record_element_check,
    record_log_entry,
    transfer_finding,
)
from fiberops.inspections.defaults import DEFAULT_PLANS
from fiberops.inspections.models import InspectionPlan, InspectionRound, PlanChecklistItem
from fiberops.inspections.periods import period_containing
from fiberops.network.choices import PortState
from fiberops.network.labels import label_payload
from fiberops.network.models import Olt, PonPort, Splitter, SplitterBox, SplitterPort
from fiberops.onsite.acceptance import record_acceptance
from fiberops.onsite.actions import add_photo
from fiberops.onsite.checklist import Answer, record_checklist_items
from fiberops.onsite.models import ChecklistItem, PhotoKind
from fiberops.onsite.signoff import record_satisfaction, sign_confirmation
from fiberops.testing import synthetic_photo, synthetic_signature
from fiberops.workforce.choices import AreaType
from fiberops.workforce.models import Branch, Grid, Skill, Team, Technician
from fiberops.workorders.actions import (
    CustomerData,
    IntakeData,
    arrive_on_site,
    dispatch_order,
    handover_order,
    intake_order,
    leave_service_note,
    perform,
    reconfirm_appointment,
    record_survey_completed,
    report_customer_absent,
    reschedule_appointment,
)
from fiberops.workorders.models import OrderEvent, WorkOrder
from fiberops.workorders.policy import policy_for

#: Orders made before `make demo` starts serving (newest first: today's open work).
FIRST_SLICE = 100
#: A progress line every this many orders.
PROGRESS_EVERY = 150
#: One customer in this many is a key customer (重点客户, `Customer.is_key`): about 2 %.
KEY_CUSTOMER_EVERY = 50
#: Customers' signatures drawn for the demo: a few, drawn once (R-SITE-3).
SIGNATURE_VARIANTS = 8
#: Lifecycle actions the branch's dispatcher performs; the order's technician does the others.
SUPERVISOR_ACTIONS = {"suspend", "resume", "cancel", "close"}
#: Steps whose rule reads the server's clock, not the device's time (the absent customer's wait).
SERVER_TIMED: dict[str, Callable[..., object]] = {
    "arrive": arrive_on_site,
    "customer_absent": report_customer_absent,
    "leave_note": leave_service_note,
}


@contextmanager
def server_clock_at(moment: dt.datetime):
    """Let `django.utils.timezone.now` answer `moment` (the demo replays past days)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


BRANCH_OF_GRID: dict[str, str] = {spec.code: spec.branch for spec in GRIDS}


def coordinate(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


def branch_area(spec: GridSpec) -> str:
    return AREA_OF_BRANCH[spec.branch]


class DemoBuilder:
    """Builds the demo city phase by phase; `build` is the whole load. `report` receives one line
    per phase (and every `PROGRESS_EVERY` orders) with the counts made.

    `pause_share`: after the first slice, wait this share of each order's own time before the
    next one. On SQLite, where one write lock serves the whole file, back-to-back actions starve
    the web server's writes (a login waited 1–8 s); a pause of half the order's time keeps its
    waits under 0.2 s."""

    def __init__(
        self,
        rng: random.Random,
        now: dt.datetime,
        password: str,
        report: Callable[[str], None] = lambda line: None,
        pause_share: float = 0.0,
    ):
        self.rng = rng
        self.now = now
        self.today = now.astimezone(SHANGHAI).date()
        self.password = password
        self.report = report
        self.pause_share = pause_share
        self.branches: dict[str, Branch] = {}
        self.grids: dict[str, Grid] = {}
        self.teams_by_grid: dict[str, list[Team]] = {}
        self.skills: dict[str, Skill] = {}
        self.users: dict[str, User] = {}
        self.dispatchable: dict[str, list[Technician]] = {}  # by grid code
        self.skills_of: dict[str, set[str]] = {}  # staff number -> skill codes
        self.customers_by_grid: dict[str, list[Customer]] = {}
        self.boxes_by_grid: dict[str, list[SplitterBox]] = {}
        self.free_ports: dict[str, list[SplitterPort]] = {}
        self.phones: set[str] = set()
        self._compounds: dict[str, list[tuple[str, float, float, int, int]]] = {}
        self._checklists: dict[str, list[ChecklistItem]] = {}
        self.signatures: dict[int, str] = {}

    def build(self, *, on_first_slice: Callable[[], None] = lambda: None) -> None:
        """The city in one transaction, then the orders through the actions; `on_first_slice`
        is called once the logins and the newest `FIRST_SLICE` orders exist."""
        with transaction.atomic():
            city = self.build_city()
        plans = OrderPlanner(self.rng, self.now, city).plan_all(ORDER_COUNT)
        self.report(f"planned {len(plans)} work orders")
        self.perform_plans(plans, on_first_slice)
        self.build_inspections()
        # Switches and 30 days of their readings (issue 10); the hot ones open rectification
        # orders through the breach rule.
        switches, readings = create_switches(self.rng, self.now, list(self.grids.values()))
        self.report(f"switches: {switches}, readings: {readings}")

    def build_inspections(self) -> None:
        """The standard inspection plans over every grid, their current rounds generated by the
        worker's own function a day ago; in the first grid every current round worked: log lines, a
        transfer to another department, a resource check with discrepancies (one fixed)."""
        with transaction.atomic():
            for name, kind, months, checklist in DEFAULT_PLANS:
                plan = InspectionPlan.objects.create(
                    name=name,
                    kind=kind,
                    interval_months=months,
                    starts_on=dt.date(self.today.year, 1, 1),
                )
                plan.grids.set(self.grids.values())
                PlanChecklistItem.objects.bulk_create(
                    [
                        PlanChecklistItem(plan=plan, code=code, label=label, position=n)
                        for n, (code, label) in enumerate(checklist)
                    ]
                )
        generated_at = self.now - dt.timedelta(days=1)
        with server_clock_at(generated_at):
            created = generate_inspection_orders(generated_at)
        with server_clock_at(self.now):
            created += generate_inspection_orders(self.now)  # a period that began today
        done, missed = self.build_past_switch_checks()
        grid = next(iter(self.grids.values()))
        rounds = list(
            InspectionRound.objects.filter(grid=grid, order__status="new")
            .select_related("plan", "order")
            .order_by("plan__name")
        )
        technicians = [
            t for t in self.dispatchable[grid.code] if "splice" in self.skills_of[t.staff_no]
        ]
        worked = 0
        if technicians:
            for inspection in rounds:
                self.work_inspection(inspection, technicians[0], generated_at)
                worked += 1
        self.report(
            f"inspections: {created} rounds generated, {worked} worked; past monthly switch "
            f"checks: {done} done, {missed} missed"
        )

    def build_past_switch_checks(self, months: int = 3) -> tuple[int, int]:
        """The monthly switch checks of the last `months` months, as the worker made them on each
        month's first working morning: every grid's done within its month (checklist answered,
        completed), but the last grid's of last month, left undone — missed, so the SLA sweeper
        breaches it and the coverage report shows it overdue (R-INS-4, R-KPI-2)."""
        plan = InspectionPlan.objects.get(kind="switch_monthly")
        grids = list(self.grids.values())
        done = missed = 0
        for back in range(months, 0, -1):
            year, month = divmod(self.today.year * 12 + self.today.month - 1 - back, 12)
            first = dt.date(year, month + 1, 1)
            period = period_containing(plan.starts_on, plan.interval_months, first)
            if period is None:
                continue
            at = dt.datetime.combine(first, dt.time(1, 0), tzinfo=dt.UTC)  # 09:00 Shanghai
            for grid in grids:
                with server_clock_at(at):
                    create_round(plan, grid, period, at)
                inspection = InspectionRound.objects.select_related("order", "plan").get(
                    plan=plan, grid=grid, period_start=period.start
                )
                if back == 1 and grid is grids[-1]:
                    missed += 1
                    continue
                technicians = [
                    t
                    for t in self.dispatchable[grid.code]
                    if "splice" in self.skills_of[t.staff_no]
                ]
                if not technicians:
                    continue
                self.complete_switch_check(inspection, technicians[0], at + dt.timedelta(days=3))
                done += 1
        return done, missed

    def complete_switch_check(self, inspection: InspectionRound, technician, at: dt.datetime):
        order, user = inspection.order, technician.user
        dispatcher = self.users[f"dispatcher_{BRANCH_OF_GRID[inspection.grid.code].lower()}"]
        steps = iter(at + dt.timedelta(minutes=20 * n) for n in range(1, 20))
        step = next(steps)
        with server_clock_at(step):
            dispatch_order(order, technician=technician, actor=dispatcher, occurred_at=step)
        for action in ["accept", "depart", "arrive"]:
            step = next(steps)
            with server_clock_at(step):
                perform(order, action, actor=user, occurred_at=step)
        for item in inspection.plan.checklist_items.filter(is_active=True).order_by("position"):
            step = next(steps)
            with server_clock_at(step):
                record_log_entry(
                    order,
                    actor=user,
                    entry=LogInput(kind="checklist", item_code=item.code, is_ok=True),
                    occurred_at=step,
                )
        step = next(steps)
        with server_clock_at(step):
            perform(order, "complete", actor=user, occurred_at=step)

    def work_inspection(self, inspection: InspectionRound, technician, at: dt.datetime) -> None:
        order = inspection.order
        user = technician.user
        dispatcher = self.users[f"dispatcher_{BRANCH_OF_GRID[inspection.grid.code].lower()}"]
        moments = iter(at + dt.timedelta(hours=h) for h in (2, 3, 4, 5, 6, 7, 8, 9, 10))
        step = next(moments)
        with server_clock_at(step):
            dispatch_order(order, technician=technician, actor=dispatcher, occurred_at=step)
        for action in ["accept", "depart", "arrive"]:
            step = next(moments)
            with server_clock_at(step):
                perform(order, action, actor=user, occurred_at=step)
        step = next(moments)
        with server_clock_at(step):
            boxes = self.boxes_by_grid[inspection.grid.code]
            box = boxes[0]
            if inspection.plan.checks_elements:
                record_element_check(
                    order,
                    actor=user,
                    element_kind="splitter_box",
                    element_code=box.code,
                    corrections=[],
                )
                # A free port found faulty: the fix marks it so through the port action
                # (an occupied one would be refused: move the customer first).
                free = (
                    SplitterPort.objects.filter(box__code=box.code, state=PortState.FREE)
                    .order_by("number")
                    .first()
                )
                number = free.number if free else 1
                _check, found = record_element_check(
                    order,
                    actor=user,
                    element_kind="splitter_port",
                    element_code=f"{box.code}-{number:02d}",
                    corrections=[Correction("state", "faulty")],
                )
                record_element_check(
                    order,
                    actor=user,
                    element_kind="splitter_box",
                    element_code=boxes[-1].code,
                    corrections=[Correction("port_count", str(box.port_count // 2))],
                )
                fix_discrepancy(found[0], actor=dispatcher, note="端口已报修，资源系统已标记故障")
                return
            items = list(inspection.plan.checklist_items.order_by("position"))
            for n, item in enumerate(items[:3]):
                ok = n != 1
                record_log_entry(
                    order,
                    actor=user,
                    entry=LogInput(
                        kind="checklist",
                        item_code=item.code,
                        is_ok=ok,
                        note="" if ok else "需清理积尘，已处理",
                    ),
                )
            record_log_entry(
                order,
                actor=user,
                entry=LogInput(
                    kind="inspected", element_kind="splitter_box", element_code=box.code
                ),
            )
            record_log_entry(
                order,
                actor=user,
                entry=LogInput(
                    kind="repaired",
                    element_code=box.code,
                    fault_kind="尾纤弯曲半径过小",
                    note="重新盘纤并绑扎",
                ),
            )
            if not InspectionRound.objects.filter(transfers__isnull=False).exists():
                transfer_finding(
                    order,
                    actor=user,
                    department="line_centre",
                    reason="小区主干光缆被施工破坏，非装维范围，转线路中心处理",
                    element_code=f"{inspection.grid.code}-GL-001",
                )

    def build_city(self) -> City:
        self.create_organisation()
        self.report(
            f"organisation: {len(self.branches)} branches, {len(self.grids)} grids, "
            f"{sum(len(teams) for teams in self.teams_by_grid.values())} teams, "
            f"{len(self.skills)} skills"
        )
        self.create_staff()
        self.create_technicians()
        certified = sum(len(t) for t in self.dispatchable.values())
        self.report(
            f"people: {len(self.users)} logins, {len(self.skills_of)} technicians "
            f"({len(self.skills_of) - certified} with an expired certification)"
        )
        self.create_customers()
        self.report(
            f"customers: {sum(len(c) for c in self.customers_by_grid.values())} "
            f"in {len(self.customers_by_grid)} grids"
        )
        self.create_splitter_boxes()
        self.report(
            f"network: {len(GRIDS)} OLTs, {Splitter.objects.count()} first-level splitters, "
            f"{sum(len(b) for b in self.boxes_by_grid.values())} splitter boxes, "
            f"{sum(len(p) for p in self.free_ports.values())} ports"
        )
        return City(
            grids=self.grids,
            customers_by_grid=self.customers_by_grid,
            boxes_by_grid=self.boxes_by_grid,
            free_ports=self.free_ports,
            dispatchable=self.dispatchable,
            skills_of=self.skills_of,
        )

    # --- random helpers ----------------------------------------------------------------------

    def person_name(self, *, male: bool | None = None) -> str:
        rng = self.rng
        if male is None:
            male = rng.random() < 0.5
        pool = GIVEN_MALE if male else GIVEN_FEMALE
        given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.6 else "")
        return rng.choice(SURNAMES) + given

    def mobile(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def point_near(
        self, spec: GridSpec, lat: float, lng: float, spread: float
    ) -> tuple[float, float]:
        """A point within `spread` degrees of (lat, lng), kept inside the area's bounds."""
        (lat_lo, lat_hi), (lng_lo, lng_hi) = BOUNDS[branch_area(spec)]
        lat = min(max(lat + self.rng.uniform(-spread, spread), lat_lo), lat_hi)
        lng = min(max(lng + self.rng.uniform(-spread, spread), lng_lo), lng_hi)
        return lat, lng

    # --- organisation and people -------------------------------------------------------------

    def create_organisation(self) -> None:
        for code, name in SKILLS:
            self.skills[code], _created = Skill.objects.get_or_create(
                code=code, defaults={"name": name}
            )
        for code, name, area in BRANCHES:
            self.branches[code] = Branch.objects.create(code=code, name=name, area_type=area)
        for spec in GRIDS:
            grid = Grid.objects.create(
                code=spec.code, name=spec.name, branch=self.branches[spec.branch]
            )
            self.grids[spec.code] = grid
            place = spec.name.removesuffix("网格")
            self.teams_by_grid[spec.code] = [
                Team.objects.create(
                    code=spec.code.replace("-", "") + "ABC"[n],
                    name=place + TEAM_ORDINALS[n],
                    grid=grid,
                )
                for n in range(spec.teams)
            ]

    def create_users(self, users: list[User]) -> list[User]:
        """Create users (one password hash for all); names taken already are left as they are."""
        taken = set(
            User.objects.filter(username__in=[u.username for u in users]).values_list(
                "username", flat=True
            )
        )
        for user in users:
            # Integration accounts are API-only: no password to sign in with (R-SEC-1).
            if user.role == Role.INTEGRATION:
                user.set_unusable_password()
            else:
                user.password = self.password
        User.objects.bulk_create([u for u in users if u.username not in taken])
        stored = {
            u.username: u for u in User.objects.filter(username__in=[u.username for u in users])
        }
        self.users.update(stored)
        return [stored[u.username] for u in users]

    def create_staff(self) -> None:
        staff = [
            User(
                username=username,
                role=role,
                display_name=display_name,
                branch=self.branches[branch] if branch else None,
                is_staff=role == Role.ADMIN,
                is_superuser=role == Role.ADMIN,
            )
            for username, role, display_name, branch in STAFF
        ]
        leaders = [
            User(
                username=f"leader_{team.code.lower()}",
                role=Role.TEAM_LEADER,
                display_name=self.person_name(male=self.rng.random() < 0.8),
                team=team,
            )
            for teams in self.teams_by_grid.values()
            for team in teams
        ]
        self.create_users(staff + leaders)
        Token.objects.get_or_create(user=self.users["bss"])

    def certified_until(self) -> dt.date:
        """A date in 2027 (or a year ahead when that has passed): valid for the whole demo."""
        year = max(2027, self.today.year + 1)
        day = dt.date(year, self.rng.randint(1, 12), self.rng.randint(1, 28))
        return day if day >= self.today + dt.timedelta(days=60) else day + dt.timedelta(days=365)

    def create_technicians(self) -> None:
        technicians: list[Technician] = []
        skill_rows: list[tuple[Technician, str]] = []
        for spec in GRIDS:
            for team in self.teams_by_grid[spec.code]:
                size = TECHNICIANS_PER_TEAM[branch_area(spec)]
                expired_slot = (
                    self.rng.randrange(size) if team.code in TEAMS_WITH_EXPIRED_TECHNICIAN else -1
                )
                for slot in range(size):
                    staff_no = f"Z{len(technicians) + 1:04d}"
                    expired = slot == expired_slot
                    technician = Technician(
                        staff_no=staff_no,
                        name=self.person_name(male=self.rng.random() < 0.9),
                        phone=self.mobile(),
                        team=team,
                        certified_until=(
                            self.today - dt.timedelta(days=self.rng.randint(20, 200))
                            if expired
                            else self.certified_until()
                        ),
                    )
                    technicians.append(technician)
                    # Everyone installs or repairs; some splice fibre, some set up IPTV and Wi-Fi.
                    codes = (
                        {"ftth", "repair"} if slot % 3 else {self.rng.choice(["ftth", "repair"])}
                    )
                    codes |= {code for code in ("splice", "iptv") if self.rng.random() < 0.35}
                    if slot == 0:
                        codes.add("splice")  # every team can splice
                    self.skills_of[staff_no] = codes
                    skill_rows += [(technician, code) for code in sorted(codes)]
        users = self.create_users(
            [
                User(username=t.staff_no.lower(), role=Role.TECHNICIAN, display_name=t.name)
                for t in technicians
            ]
        )
        for technician, user in zip(technicians, users, strict=True):
            technician.user = user
        Technician.objects.bulk_create(technicians)
        through = Technician.skills.through
        through.objects.bulk_create(
            [
                through(technician_id=technician.pk, skill_id=self.skills[code].pk)
                for technician, code in skill_rows
            ]
        )
        for technician in technicians:
            if technician.is_certified_on(self.today):
                grid_code = technician.team.grid.code
                self.dispatchable.setdefault(grid_code, []).append(technician)

    # --- customers and network ---------------------------------------------------------------

    def create_customers(self) -> None:
        rows: list[Customer] = []
        for spec in GRIDS:
            grid = self.grids[spec.code]
            make = (
                self.urban_customer if branch_area(spec) == AreaType.URBAN else self.rural_customer
            )
            seen: set[str] = set()
            customers: list[Customer] = []
            while len(customers) < spec.customers:
                name, address, lat, lng = make(spec)
                if address in seen:
                    continue
                seen.add(address)
                customers.append(
                    Customer(
                        name=name,
                        phone=self.mobile(),
                        address=address,
                        lat=coordinate(lat),
                        lng=coordinate(lng),
                        grid=grid,
                        # a few key customers (重点客户) per grid, for the board's queue
                        is_key=len(customers) % KEY_CUSTOMER_EVERY == KEY_CUSTOMER_EVERY // 2,
                    )
                )
            self.customers_by_grid[spec.code] = customers
            rows += customers
        Customer.objects.bulk_create(rows, batch_size=1000)

    def compounds(self, spec: GridSpec) -> list[tuple[str, float, float, int, int]]:
        """Residential compounds (小区) of an urban grid: (road and number, lat, lng, buildings,
        floors). Computed once per grid so customers and boxes share them."""
        if spec.code not in self._compounds:
            found: dict[str, tuple[str, float, float, int, int]] = {}
            while len(found) < COMPOUNDS_PER_GRID:
                label = f"{self.rng.choice(spec.places)}{self.rng.randint(1, 300)}号"
                lat, lng = self.point_near(spec, spec.lat, spec.lng, 0.012)
                floors = self.rng.choice(COMPOUND_FLOORS)
                found.setdefault(label, (label, lat, lng, self.rng.randint(2, 15), floors))
            self._compounds[spec.code] = list(found.values())
        return self._compounds[spec.code]

    def urban_customer(self, spec: GridSpec) -> tuple[str, str, float, float]:
        label, lat, lng, buildings, floors = self.rng.choice(self.compounds(spec))
        building = self.rng.randint(1, buildings)
        unit = self.rng.randint(1, 4)
        room = f"{self.rng.randint(1, floors)}{self.rng.randint(1, 4):02d}"
        address = f"成都市武侯区{spec.street}{label}{building}栋{unit}单元{room}"
        lat, lng = self.point_near(spec, lat, lng, 0.0008)
        return self.person_name(), address, lat, lng

    @staticmethod
    def village_centre(spec: GridSpec, village: str) -> tuple[float, float]:
        dlat, dlng = VILLAGE_OFFSETS[spec.places.index(village) % len(VILLAGE_OFFSETS)]
        return spec.lat + dlat, spec.lng + dlng

    def rural_customer(self, spec: GridSpec) -> tuple[str, str, float, float]:
        village = self.rng.choice(spec.places)
        group = self.rng.randint(1, 12)
        address = f"成都市蒲江县{spec.street}{village}{group}组{self.rng.randint(1, 90)}号"
        lat, lng = self.point_near(spec, *self.village_centre(spec, village), 0.004)
        return self.person_name(), address, lat, lng

    def create_splitter_boxes(self) -> None:
        boxes: list[SplitterBox] = []
        for spec in GRIDS:
            count, port_count = BOXES_PER_GRID[branch_area(spec)]
            prefix = spec.code.replace("-", "")
            grid_boxes = []
            for n in range(count):
                if branch_area(spec) == AreaType.URBAN:
                    label, lat, lng, buildings, _floors = self.compounds(spec)[n]
                    name = f"{label}{self.rng.randint(1, buildings)}栋分纤箱"
                else:
                    village = spec.places[n % len(spec.places)]
                    lat, lng = self.point_near(spec, *self.village_centre(spec, village), 0.004)
                    name = f"{village}{self.rng.randint(1, 12)}组分纤箱"
                grid_boxes.append(
                    SplitterBox(
                        code=f"{prefix}-FX-{n + 1:04d}",
                        name=name,
                        grid=self.grids[spec.code],
                        port_count=port_count,
                        lat=coordinate(lat),
                        lng=coordinate(lng),
                    )
                )
            self.boxes_by_grid[spec.code] = grid_boxes
            boxes += grid_boxes
        self.create_feeders()
        SplitterBox.objects.bulk_create(boxes)
        ports = SplitterPort.objects.bulk_create(
            [SplitterPort(box=box, number=n) for box in boxes for n in range(1, box.port_count + 1)]
        )
        for port in ports:
            self.free_ports.setdefault(port.box.grid.code, []).append(port)
        for grid_ports in self.free_ports.values():
            self.rng.shuffle(grid_ports)

    def create_feeders(self) -> None:
        """Above each grid's boxes (R-RES-1): one OLT in the grid with `PON_PORTS_PER_OLT` PON
        ports, and a first-level splitter (1:`BOXES_PER_SPLITTER`) for every
        `BOXES_PER_SPLITTER` boxes, fed by the PON ports in turn, placed among its boxes. Sets
        each (unsaved) box's splitter. A few bulk inserts: the demo's load time barely moves.
        The ports' states are not set here: the orders' intake and verbs set them through
        `network.actions`, like in production."""

        def centre(items) -> tuple[Decimal, Decimal]:
            return (
                coordinate(sum(float(item.lat) for item in items) / len(items)),
                coordinate(sum(float(item.lng) for item in items) / len(items)),
            )

        olts = []
        for spec in GRIDS:
            lat, lng = centre(self.boxes_by_grid[spec.code])
            prefix = spec.code.replace("-", "")
            olts.append(
                Olt(
                    code=f"{prefix}-OLT-01",
                    name=f"{spec.name}OLT",
                    grid=self.grids[spec.code],
                    model_name="MA5800-X7",
                    lat=lat,
                    lng=lng,
                )
            )
        Olt.objects.bulk_create(olts)
        pon_ports = PonPort.objects.bulk_create(
            [
                PonPort(code=f"{olt.code}-1-{n}", olt=olt, slot=1, number=n)
                for olt in olts
                for n in range(1, PON_PORTS_PER_OLT + 1)
            ]
        )
        splitters: list[Splitter] = []
        for spec, olt in zip(GRIDS, olts, strict=True):
            feeders = [pon for pon in pon_ports if pon.olt is olt]
            grid_boxes = self.boxes_by_grid[spec.code]
            for n in range(0, len(grid_boxes), BOXES_PER_SPLITTER):
                group = grid_boxes[n : n + BOXES_PER_SPLITTER]
                lat, lng = centre(group)
                splitter = Splitter(
                    code=f"{spec.code.replace('-', '')}-OBD-{n // BOXES_PER_SPLITTER + 1:02d}",
                    name=f"{group[0].name}一级分光器",
                    pon_port=feeders[(n // BOXES_PER_SPLITTER) % len(feeders)],
                    grid=self.grids[spec.code],
                    ratio=BOXES_PER_SPLITTER,
                    lat=lat,
                    lng=lng,
                )
                splitters.append(splitter)
                for box in group:
                    box.splitter = splitter
        Splitter.objects.bulk_create(splitters)

    # --- work orders, through the actions ----------------------------------------------------

    def perform_plans(self, plans: list[OrderPlan], on_first_slice: Callable[[], None]) -> None:
        """Perform the plans newest first, reporting every `PROGRESS_EVERY` orders."""
        total = len(plans)
        for done, plan in enumerate(reversed(plans), start=1):
            started = time.perf_counter()
            self.perform_plan(plan)
            if done > FIRST_SLICE and self.pause_share:
                time.sleep((time.perf_counter() - started) * self.pause_share)
            if done in (FIRST_SLICE, total) or done % PROGRESS_EVERY == 0:
                events = OrderEvent.objects.count()
                self.report(f"work orders: {done}/{total} (newest first), {events} timeline events")
            if done == min(FIRST_SLICE, total):
                on_first_slice()

    def record_acceptance(self, order: WorkOrder, technician: User, at: dt.datetime) -> None:
        """The acceptance readings taken on site before completing an install (issue 8): once
        per order (a rework completes on the same evidence); now and then a first optical
        reading too low, fixed (re-spliced) and measured again."""
        if order.acceptance_readings.exists():
            return
        rng = self.rng
        port = order.splitter_port
        if port is None:
            return  # the gate refuses it: the plan makes no such install
        if rng.random() < 0.06:
            record_acceptance(
                order,
                element="optical_power",
                values={"rx_power_dbm": f"{rng.uniform(-28.5, -25.2):.1f}"},
                actor=technician,
                occurred_at=at,
            )
        readings: list[tuple[str, dict]] = [
            ("resource", {"box": port.box.code, "port": port.number}),
            ("optical_power", {"rx_power_dbm": f"{rng.uniform(-23.5, -14.0):.1f}"}),
            (
                "speed",
                {"measured_mbps": f"{(order.plan_mbps or 100) * rng.uniform(0.92, 1.04):.1f}"},
            ),
            ("ont", {"loid": f"LOID{rng.randrange(10**8):08d}", "pppoe_dial_ok": True}),
            ("aaa", {}),
        ]
        for element, values in readings:
            record_acceptance(
                order, element=element, values=values, actor=technician, occurred_at=at
            )
        # The four photos (R-PHO-1..4), made here: pictures of their own, the splitter's with
        # the order's label QR code.
        label = label_payload(order.bss_order_no, port.box.code, port.number)
        for n, kind in enumerate(PhotoKind.values):
            add_photo(
                order,
                kind=kind,
                data=synthetic_photo(order.pk * 10 + n, qr_text=label if n == 1 else None),
                filename=f"{kind}.jpg",
                actor=technician,
                occurred_at=at,
            )
        # The ten-step checklist (R-SITE-1..5), one transaction for all its answers; a
        # two-person item is not applicable (the technician worked alone).
        answers = [
            Answer(item=item.code, answer="not_applicable" if item.needs_partner else "done")
            for item in self.checklist_items(order.order_type)
            if not item.needs_partner or item.allows_not_applicable
        ]
        if answers:
            record_checklist_items(order, answers, actor=technician, occurred_at=at)
        # The customer's sign-off (R-SITE-3, R-SITE-6): satisfied, then a signature (one of a
        # few drawn once) on the confirmation form, whose PDF the gate needs.
        record_satisfaction(order, satisfied=True, actor=technician, occurred_at=at)
        sign_confirmation(
            order,
            signature_png=self.signature(order.pk % SIGNATURE_VARIANTS),
            actor=technician,
            occurred_at=at,
        )

    def checklist_items(self, order_type: str) -> list[ChecklistItem]:
        """The checklist of an order type, read once per build (demo speed)."""
        if order_type not in self._checklists:
            self._checklists[order_type] = list(
                ChecklistItem.objects.filter(
                    template__order_type=order_type, template__active=True, active=True
                ).order_by("position", "id")
            )
        return self._checklists[order_type]

    def signature(self, variant: int) -> str:
        if variant not in self.signatures:
            self.signatures[variant] = synthetic_signature(variant)
        return self.signatures[variant]

    def perform_plan(self, plan: OrderPlan) -> WorkOrder:
        """Create the order through intake and apply its steps through the actions, each by
        the person whose job it is. The only calls of the work-order and dispatch actions."""
        customer = plan.customer
        order, _created = intake_order(
            actor=self.users["bss"],
            data=IntakeData(
                bss_order_no=plan.bss_order_no,
                order_type=plan.order_type,
                accepted_at=plan.accepted_at,
                grid=plan.grid,
                customer=(
                    CustomerData(
                        name=customer.name,
                        phone=customer.phone,
                        address=customer.address,
                        lat=customer.lat,
                        lng=customer.lng,
                    )
                    if customer
                    else None
                ),
                plan_mbps=plan.plan_mbps,
                broadband_account=plan.broadband_account,
                splitter_port=plan.splitter_port,
                description=plan.description,
                requires_survey=plan.requires_survey,
            ),
        )
        dispatcher = self.users[f"dispatcher_{BRANCH_OF_GRID[plan.grid.code].lower()}"]
        technician: Technician | None = None
        for step in plan.steps:
            if step.action == "dispatch":
                technician = planned(step.technician, "a dispatch names its technician")
                dispatch_order(
                    order,
                    technician=technician,
                    actor=dispatcher,
                    occurred_at=step.at,
                    borrow_reason=borrow_reason(technician, plan),
                )
            elif step.action == "handover":
                technician = planned(step.technician, "a handover names its technician")
                handover_order(
                    order,
                    to=technician,
                    reason=step.reason,
                    actor=dispatcher,
                    occurred_at=step.at,
                    borrow_reason=borrow_reason(technician, plan),
                )
            elif step.action in SUPERVISOR_ACTIONS:
                perform(
                    order, step.action, actor=dispatcher, occurred_at=step.at, reason=step.reason
                )
            else:
                owner = planned(technician, f"“{step.action}” needs the order's technician")
                field_user = planned(owner.user, "every demo technician has a user")
                if step.action == "contact":
                    record_contact_attempt(
                        order, actor=field_user, occurred_at=step.at, **step.details
                    )
                elif step.action == "survey":
                    record_survey_completed(
                        order, actor=field_user, occurred_at=step.at, **step.details
                    )
                elif step.action == "reconfirm":
                    reconfirm_appointment(order, actor=field_user, occurred_at=step.at)
                elif step.action == "reschedule":
                    # The notice counts from when the server got the change (R-APT-6).
                    with server_clock_at(step.at):
                        reschedule_appointment(
                            order, actor=field_user, occurred_at=step.at, **step.details
                        )
                elif step.action in SERVER_TIMED:
                    # The absent customer's wait is timed by the server's clock from when it got
                    # the check-in (R-APT-7): the demo replays history, so the server's clock
                    # stands at the step's time.
                    with server_clock_at(step.at):
                        SERVER_TIMED[step.action](order, actor=field_user, occurred_at=step.at)
                else:
                    if step.action == "complete" and policy_for(order.order_type).needs_acceptance:
                        self.record_acceptance(order, field_user, step.at)
                    perform(
                        order,
                        step.action,
                        actor=field_user,
                        occurred_at=step.at,
                        reason=step.reason,
                        **step.details,
                    )
                    if step.action == "return":
                        technician = None
        return order
