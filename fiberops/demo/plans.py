"""Planning the demo's work orders: what type, where, which target status, and the timeline of
actions that brings each order there. Pure: nothing here writes; `builder.py` performs the plans
through the actions.

All choices come from the builder's one `random.Random`, drawn in a fixed order, so the same seed
gives the same plans, shifted to the current time.
"""

import datetime as dt
import random
import zlib
from dataclasses import dataclass, field

from fiberops.core.clock import SHANGHAI
from fiberops.customers.models import Customer
from fiberops.demo.data import (
    APPOINTMENT_HOURS,
    CANCEL_REASONS,
    COMPLAINTS,
    CONTACT_NOTE_MISSED,
    CONTACT_NOTE_REACHED,
    FAULT_SYMPTOMS,
    GRIDS,
    HANDOVER_REASONS,
    HISTORY_DAYS,
    INSTALL_EXTRAS,
    NO_RESOURCE_REASON,
    OPEN_STATUSES,
    RECTIFICATIONS,
    REMOVALS,
    RETURN_REASONS,
    REWORK_REASONS,
    SKILL_FOR_TYPE,
    STATUS_WEIGHTS,
    SURVEY_NOTE_MET,
    SURVEY_NOTE_NOT_MET,
    SURVEYS,
    SUSPEND_REASONS,
    TYPE_WEIGHTS,
    WORK_MINUTES,
    GridSpec,
)
from fiberops.dispatch.models import ContactChannel, ContactOutcome
from fiberops.network.models import SplitterBox, SplitterPort
from fiberops.workforce.models import Grid, Technician
from fiberops.workorders.policy import policy_for
from fiberops.workorders.states import OrderType, Status

S = Status
T = OrderType
ONE_MINUTE = dt.timedelta(minutes=1)
ONE_DAY = dt.timedelta(days=1)


TECHNICIAN_RESCHEDULE_REASONS = (
    "前一单施工超时，无法按时到达",
    "光猫库存不足，需改日携带设备上门",
    "暴雨天气，高处作业不安全",
)
CUSTOMER_RESCHEDULE_REASONS = ("客户临时出差", "客户家中装修未完成", "客户要求周末上门")


@dataclass
class Step:
    """One planned action on an order; who performs it follows from the action (the builder's
    `perform_plan`)."""

    action: str
    at: dt.datetime
    technician: Technician | None = None
    reason: str = ""
    details: dict = field(default_factory=dict)


@dataclass
class OrderPlan:
    """A work order to create, and the actions to apply to it in time order."""

    order_type: str
    status: str
    grid: Grid
    accepted_at: dt.datetime
    customer: Customer | None = None
    splitter_port: SplitterPort | None = None
    plan_mbps: int | None = None
    broadband_account: str = ""
    description: str = ""
    requires_survey: bool = False
    #: Slow at every step: the completed order has met its clocks late.
    late: bool = False
    #: An open order left lying for days: the SLA clock breaches it.
    stale: bool = False
    steps: list[Step] = field(default_factory=list)
    #: The BSS's order number, given once all plans are sorted by acceptance time.
    bss_order_no: str = ""

    @property
    def last_at(self) -> dt.datetime:
        return self.steps[-1].at if self.steps else self.accepted_at

    def shift(self, delta: dt.timedelta) -> None:
        """Move the whole order in time (whole days keep the time of day in Shanghai)."""
        self.accepted_at += delta
        for step in self.steps:
            step.at += delta
            for key in ("starts_at", "ends_at"):
                if key in step.details:
                    step.details[key] += delta


class Timeline:
    """The steps of one order, each strictly after the one before."""

    def __init__(self, start: dt.datetime):
        self.at = start
        self.steps: list[Step] = []

    def add(self, action: str, at: dt.datetime, **fields) -> dt.datetime:
        self.at = max(at, self.at + ONE_MINUTE)
        self.steps.append(Step(action, self.at, **fields))
        return self.at


def planned[V](value: V | None, rule: str) -> V:
    """`value`, which the plan guarantees; a None means the planner broke `rule`."""
    if value is None:
        raise RuntimeError(f"Inconsistent demo plan: {rule}.")
    return value


def borrow_reason(technician: Technician, plan: "OrderPlan") -> str:
    """A technician of another grid's team is borrowed with a reason (R-WF-1); none otherwise."""
    if technician.team.grid_id == plan.grid.pk:
        return ""
    return "本网格人手不足，借调支援"


def at_a_customer(order_type: str) -> bool:
    """Served at a customer's home: the order names a customer, who is called first."""
    return policy_for(order_type).needs_customer


@dataclass
class City:
    """The rows the builder created that orders are planned on, by grid code."""

    grids: dict[str, Grid]
    customers_by_grid: dict[str, list[Customer]]
    boxes_by_grid: dict[str, list[SplitterBox]]
    #: Shuffled free ports; an installation takes its own while they last.
    free_ports: dict[str, list[SplitterPort]]
    #: Certified technicians, by the grid of their team.
    dispatchable: dict[str, list[Technician]]
    #: Skill codes by staff number.
    skills_of: dict[str, set[str]]


class OrderPlanner:
    """Plans `ORDER_COUNT` orders on a `City`; `plan_all` returns them sorted by acceptance."""

    def __init__(self, rng: random.Random, now: dt.datetime, city: City):
        self.rng = rng
        self.now = now
        self.today = now.astimezone(SHANGHAI).date()
        self.city = city
        self.grid_specs: dict[str, GridSpec] = {spec.code: spec for spec in GRIDS}

    def plan_all(self, count: int) -> list[OrderPlan]:
        """`count` plans sorted by acceptance time, numbered like the BSS does
        (BSS + acceptance date + serial)."""
        plans = [self.plan_order(number) for number in range(count)]
        plans.sort(key=lambda plan: plan.accepted_at)
        for serial, plan in enumerate(plans, start=1):
            plan.bss_order_no = f"BSS{plan.accepted_at.astimezone(SHANGHAI):%Y%m%d}{serial:05d}"
        return plans

    # --- random helpers ----------------------------------------------------------------------

    def minutes(self, low: int, high: int) -> dt.timedelta:
        return dt.timedelta(minutes=self.rng.randint(low, high))

    def in_working_hours(self, moment: dt.datetime) -> dt.datetime:
        """`moment`, or the next morning 08:00–09:00 (Shanghai) when it falls outside 08–21."""
        local = moment.astimezone(SHANGHAI)
        if 8 <= local.hour < 21:
            return moment
        day = local.date() + (ONE_DAY if local.hour >= 21 else dt.timedelta(0))
        morning = dt.datetime.combine(day, dt.time(8), tzinfo=SHANGHAI)
        return morning + self.minutes(0, 60)

    def take_port(self, grid_code: str) -> SplitterPort:
        """A free port of the grid (each installation gets its own while ports last)."""
        free = self.city.free_ports[grid_code]
        if len(free) > 1:
            return free.pop()
        return free[0]

    # --- one order ---------------------------------------------------------------------------

    def plan_order(self, number: int) -> OrderPlan:
        """Choose an order's type, place, target status and timeline; the first orders walk
        through every type and every status so each is present."""
        rng = self.rng
        types, statuses = list(TYPE_WEIGHTS), list(STATUS_WEIGHTS)
        order_type = (
            types[number]
            if number < len(types)
            else rng.choices(types, weights=list(TYPE_WEIGHTS.values()))[0]
        )
        status = (
            statuses[number]
            if number < len(statuses)
            else rng.choices(statuses, weights=list(STATUS_WEIGHTS.values()))[0]
        )
        spec = rng.choices(GRIDS, weights=[g.customers for g in GRIDS])[0]
        plan = OrderPlan(
            order_type=order_type,
            status=status,
            grid=self.city.grids[spec.code],
            accepted_at=dt.datetime.combine(self.today, self.intake_time(), tzinfo=SHANGHAI),
            late=rng.random() < 0.1,
            stale=status in OPEN_STATUSES and rng.random() < 0.35,
        )
        if at_a_customer(order_type):
            plan.customer = rng.choice(self.city.customers_by_grid[spec.code])
        if order_type in (T.INSTALL, T.RELOCATION):
            plan.splitter_port = self.take_port(spec.code)
            plan.requires_survey = order_type == T.INSTALL and rng.random() < 0.25
        if order_type in (T.INSTALL, T.RELOCATION, T.FAULT, T.COMPLAINT, T.REMOVAL):
            plan.plan_mbps = rng.choice((300, 500, 1000, 1000, 2000))
        if order_type in (T.INSTALL, T.RELOCATION) and plan.customer is not None:
            # The PPPoE account the BSS opened, derived (not drawn) so the rest stays as seeded.
            plan.broadband_account = f"cd{zlib.crc32(plan.customer.phone.encode()):010d}@bb"
        plan.description = self.describe(plan)
        plan.steps = self.plan_steps(plan)
        self.settle_in_time(plan)
        return plan

    def intake_time(self) -> dt.time:
        """When the BSS accepted an order: mostly business hours, some evenings and mornings."""
        u = self.rng.random()
        low, high = (
            (8 * 60, 20 * 60) if u < 0.85 else (20 * 60, 24 * 60) if u < 0.95 else (360, 480)
        )
        minute = self.rng.randrange(low, high)
        return dt.time(minute // 60, minute % 60, self.rng.randrange(60))

    def describe(self, plan: OrderPlan) -> str:
        rng = self.rng
        box = rng.choice(self.city.boxes_by_grid[plan.grid.code])
        texts: dict[str, str] = {
            T.INSTALL: f"新装{plan.plan_mbps}M宽带{rng.choice(INSTALL_EXTRAS)}",
            T.RELOCATION: f"移机：{plan.plan_mbps}M宽带迁入本址",
            T.REMOVAL: rng.choice(REMOVALS),
            T.FAULT: rng.choice(FAULT_SYMPTOMS),
            T.COMPLAINT: rng.choice(COMPLAINTS),
            T.SURVEY: rng.choice(SURVEYS),
            T.INSPECTION: f"分纤箱季度巡检：{box.code}（{box.name}）",
            T.RECTIFICATION: f"网络整治：{box.code}{rng.choice(RECTIFICATIONS)}",
        }
        return texts[plan.order_type]

    def pick_technician(self, plan: OrderPlan, other_than: Technician | None = None) -> Technician:
        """A certified technician of the order's grid with the right skill (sometimes one from
        another grid of the branch helps out)."""
        dispatchable = self.city.dispatchable
        pool = dispatchable[plan.grid.code]
        if self.rng.random() < 0.1:
            pool = [
                t
                for code, technicians in dispatchable.items()
                if self.grid_specs[code].branch == self.grid_specs[plan.grid.code].branch
                for t in technicians
            ]
        pool = [t for t in pool if t is not other_than]
        skill = SKILL_FOR_TYPE[plan.order_type]
        skilled = [t for t in pool if skill in self.city.skills_of[t.staff_no]]
        if not skilled:
            # The dispatch rule never gives an order to a technician without its skill (R-WF-1):
            # fall back to the skilled ones of the whole branch (a borrowing).
            skilled = [
                t
                for code, technicians in self.city.dispatchable.items()
                if self.grid_specs[code].branch == self.grid_specs[plan.grid.code].branch
                for t in technicians
                if t is not other_than and skill in self.city.skills_of[t.staff_no]
            ]
        return self.rng.choice(skilled)

    def plan_steps(self, plan: OrderPlan) -> list[Step]:
        """The actions that bring an order from `new` to its target status, in time order."""
        rng, status, late = self.rng, plan.status, plan.late
        line = Timeline(plan.accepted_at)
        if status == S.NEW:
            return line.steps
        if status == S.CANCELLED and rng.random() < 0.35:
            line.add(
                "cancel",
                self.in_working_hours(line.at + self.minutes(20, 600)),
                reason=rng.choice(CANCEL_REASONS),
            )
            return line.steps

        technician = self.pick_technician(plan)
        delay = self.minutes(120, 900) if late else self.minutes(5, 60)
        line.add("dispatch", self.in_working_hours(line.at + delay), technician=technician)
        if status == S.DISPATCHED:
            if rng.random() < 0.15:
                self.plan_handover(line, plan, technician)
            return line.steps
        if status == S.RETURNED or rng.random() < 0.04:
            if rng.random() < 0.5:
                line.add("accept", line.at + self.minutes(1, 12))
            line.add("return", line.at + self.minutes(5, 90), reason=rng.choice(RETURN_REASONS))
            if status == S.RETURNED:
                return line.steps
            technician = self.pick_technician(plan, other_than=technician)
            redispatch = self.in_working_hours(line.at + self.minutes(10, 120))
            line.add("dispatch", redispatch, technician=technician)

        line.add("accept", line.at + (self.minutes(16, 90) if late else self.minutes(1, 12)))
        if status == S.CANCELLED and rng.random() < 0.5:
            line.add(
                "cancel",
                self.in_working_hours(line.at + self.minutes(30, 900)),
                reason=rng.choice(CANCEL_REASONS),
            )
            return line.steps
        if at_a_customer(plan.order_type):
            self.plan_contacts(line, plan)
        if status == S.ACCEPTED:
            return line.steps
        if rng.random() < 0.06:
            self.plan_handover(line, plan, technician)
        starts = self.plan_appointment(line, plan)
        if rng.random() < 0.12:
            starts = self.plan_reschedule(line, plan, starts)
        if status == S.APPOINTED:
            return line.steps
        if status == S.CANCELLED:
            if rng.random() < 0.5:
                line.add(
                    "suspend",
                    self.in_working_hours(line.at + self.minutes(30, 600)),
                    reason=rng.choice(SUSPEND_REASONS),
                )
            line.add(
                "cancel",
                self.in_working_hours(line.at + self.minutes(60, 2000)),
                reason=rng.choice(CANCEL_REASONS),
            )
            return line.steps
        if status == S.SUSPENDED and not plan.requires_survey:
            line.add(
                "suspend",
                self.in_working_hours(line.at + self.minutes(30, 600)),
                reason=rng.choice(SUSPEND_REASONS),
            )
            return line.steps
        if status not in OPEN_STATUSES and rng.random() < 0.05:
            # Put on hold for a while at the customer's request, then picked up again.
            line.add(
                "suspend",
                self.in_working_hours(line.at + self.minutes(30, 600)),
                reason=rng.choice(SUSPEND_REASONS),
            )
            line.add("resume", self.in_working_hours(line.at + self.minutes(600, 2800)))
            starts = self.plan_customer_change(line, plan)
        self.plan_visit(line, plan, starts)
        return line.steps

    def plan_visit(self, line: Timeline, plan: OrderPlan, starts: dt.datetime) -> None:
        """From setting off to the booked visit at `starts` up to the order's target status:
        on site, (survey,) complete, customer confirmation, close."""
        rng, status = self.rng, plan.status
        if rng.random() < 0.85:  # R-APT-3: most reconfirm before setting off
            line.add("reconfirm", starts - self.minutes(45, 120))
        line.add("depart", starts - self.minutes(10, 40))
        if status == S.EN_ROUTE:
            return
        line.add("arrive", starts + self.arrival_offset())
        if rng.random() < 0.06 and status not in (S.EN_ROUTE, S.ON_SITE):
            starts = self.plan_absent_customer(line, plan)
            line.add("depart", starts - self.minutes(10, 40))
            line.add("arrive", starts + self.arrival_offset())
        if plan.requires_survey:
            conditions_met = status != S.SUSPENDED
            note = SURVEY_NOTE_MET if conditions_met else SURVEY_NOTE_NOT_MET
            line.add(
                "survey",
                line.at + self.minutes(20, 60),
                details={"conditions_met": conditions_met, "note": note},
            )
            if status == S.SUSPENDED:
                line.add(
                    "suspend",
                    self.in_working_hours(line.at + self.minutes(10, 60)),
                    reason=NO_RESOURCE_REASON,
                )
                return
            if status == S.ON_SITE and rng.random() < 0.5:
                return
            starts = self.plan_appointment(line, plan, days=rng.randint(1, 2))
            line.add("depart", starts - self.minutes(10, 40))
            line.add("arrive", starts + self.arrival_offset())
        if status == S.ON_SITE:
            return
        line.add("complete", line.at + self.minutes(*WORK_MINUTES[plan.order_type]))
        if rng.random() < 0.03:
            line.add(
                "rework",
                self.in_working_hours(line.at + self.minutes(30, 1440)),
                reason=rng.choice(REWORK_REASONS),
            )
            line.add("complete", line.at + self.minutes(30, 120))
        if status == S.COMPLETED:
            return
        line.add("confirm", line.at + self.minutes(2, 30))
        if status == S.CONFIRMED:
            return
        line.add("close", self.in_working_hours(line.at + self.minutes(60, 1800)))

    def arrival_offset(self) -> dt.timedelta:
        """Most technicians arrive 5–10 minutes early as the standard asks (R-APT-4); some are
        late, a few very late."""
        u = self.rng.random()
        if u < 0.78:
            return self.minutes(-14, -1)
        return self.minutes(1, 15) if u < 0.95 else self.minutes(16, 40)

    def plan_reschedule(self, line: Timeline, plan: OrderPlan, starts: dt.datetime) -> dt.datetime:
        """The window moves (R-APT-6): at the customer's request, or the technician's with a
        reason — mostly in time (≥ 2 h before), sometimes too late (broken). Returns the new
        start."""
        rng = self.rng
        by_technician = rng.random() < 0.5
        notice = (
            self.minutes(150, 600)
            if not by_technician or rng.random() < 0.7
            else self.minutes(20, 100)
        )
        at = max(starts - notice, line.at + ONE_MINUTE)
        new_starts = starts + ONE_DAY
        line.add(
            "reschedule",
            at,
            details={
                "starts_at": new_starts,
                "ends_at": new_starts + dt.timedelta(hours=2),
                "initiated_by": "technician" if by_technician else "customer",
                "reason": rng.choice(TECHNICIAN_RESCHEDULE_REASONS)
                if by_technician
                else rng.choice(CUSTOMER_RESCHEDULE_REASONS),
            },
        )
        return new_starts

    def plan_customer_change(self, line: Timeline, plan: OrderPlan) -> dt.datetime:
        """After a suspension the customer agrees a new window: the old one was their change."""
        booked = line.at + self.minutes(1, 20)
        day = booked.astimezone(SHANGHAI).date() + dt.timedelta(days=self.rng.randint(1, 2))
        starts = dt.datetime.combine(
            day, dt.time(self.rng.choice(APPOINTMENT_HOURS)), tzinfo=SHANGHAI
        )
        line.add(
            "reschedule",
            booked,
            details={
                "starts_at": starts,
                "ends_at": starts + dt.timedelta(hours=2),
                "initiated_by": "customer",
                "reason": "客户要求暂缓后重新约定",
            },
        )
        return starts

    def plan_absent_customer(self, line: Timeline, plan: OrderPlan) -> dt.datetime:
        """Nobody home (R-APT-7, R-APT-8): the 15-minute wait, the service note, a second
        appointment the next day or the one after. Returns its start."""
        arrived = line.at
        line.add("customer_absent", arrived + self.minutes(1, 4))
        line.add("leave_note", arrived + self.minutes(16, 25))
        return self.plan_appointment(line, plan, days=self.rng.randint(1, 2))

    def plan_handover(self, line: Timeline, plan: OrderPlan, current: Technician) -> Technician:
        colleague = self.pick_technician(plan, other_than=current)
        line.add(
            "handover",
            line.at + self.minutes(10, 240),
            technician=colleague,
            reason=self.rng.choice(HANDOVER_REASONS),
        )
        return colleague

    def plan_contacts(self, line: Timeline, plan: OrderPlan) -> None:
        """One to three calls; the last one reaches the customer."""
        rng = self.rng
        attempts = rng.choices((1, 2, 3), weights=(70, 22, 8))[0]
        at = line.at + (self.minutes(45, 300) if plan.late else self.minutes(2, 15))
        for attempt in range(1, attempts + 1):
            reached = attempt == attempts
            channel = ContactChannel.APP_CALL if rng.random() < 0.75 else ContactChannel.PHONE
            outcome = (
                ContactOutcome.REACHED
                if reached
                else rng.choice(
                    (ContactOutcome.NO_ANSWER, ContactOutcome.NO_ANSWER, ContactOutcome.BUSY)
                )
            )
            note = CONTACT_NOTE_REACHED if reached else CONTACT_NOTE_MISSED
            recording = f"REC-{line.at.astimezone(SHANGHAI):%Y%m%d%H%M}-{rng.randrange(10**6):06d}"
            line.add(
                "contact",
                at,
                details={
                    "channel": channel,
                    "outcome": outcome,
                    "note": note,
                    "recording_ref": recording if channel == ContactChannel.APP_CALL else "",
                },
            )
            at = line.at + self.minutes(10, 60)

    def plan_appointment(
        self, line: Timeline, plan: OrderPlan, days: int | None = None
    ) -> dt.datetime:
        """Book a two-hour visit window; returns its start."""
        rng = self.rng
        booked = line.at + self.minutes(1, 20)
        if days is None:
            if plan.late:
                days = rng.randint(2, 4)
            elif plan.order_type in (T.FAULT, T.COMPLAINT):
                days = rng.choice((0, 0, 1, 1, 2))
            else:
                days = rng.choice((0, 1, 1, 2, 3))
        day = booked.astimezone(SHANGHAI).date() + dt.timedelta(days=days)
        starts = dt.datetime.combine(day, dt.time(rng.choice(APPOINTMENT_HOURS)), tzinfo=SHANGHAI)
        while starts < booked + dt.timedelta(hours=1):
            starts += ONE_DAY
        ends = starts + dt.timedelta(hours=2)
        line.add("appoint", booked, details={"starts_at": starts, "ends_at": ends})
        return starts

    def settle_in_time(self, plan: OrderPlan) -> None:
        """Move the order back by whole days so its last action lies in the past: finished orders
        spread over the last 30 days, open ones are recent, stale open ones days old."""
        latest = self.now - dt.timedelta(minutes=2)
        behind = 0
        while plan.last_at - behind * ONE_DAY > latest:
            behind += 1
        room = max(0, HISTORY_DAYS - 1 - behind)
        u = self.rng.random()
        if plan.status in (S.CLOSED, S.CANCELLED):
            extra = int(u * (room + 1))
        elif plan.status in (S.COMPLETED, S.CONFIRMED):
            extra = min(room, int(u * 3))
        elif plan.stale:
            extra = min(room, 2 + int(u * 8))
        else:
            extra = 0 if u < 0.6 else 1 if u < 0.9 else 2
        plan.shift(-(behind + extra) * ONE_DAY)
