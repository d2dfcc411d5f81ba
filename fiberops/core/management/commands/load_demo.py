"""`manage.py load_demo`: a deterministic, realistic demo of one city's home-broadband field
service (家客装维), loaded once.

Organisation, people, customers and splitter boxes are bulk-created; every work order goes through
the actions (intake, dispatch, accept, contact, appointment, ..., close) with explicit past
`occurred_at` times, so each order has its timeline and SLA deadlines exactly as in production.
All random choices come from one `random.Random(SEED)`: two loads into empty databases give the
same rows, only shifted to the current time.
"""

import datetime as dt
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from rest_framework.authtoken.models import Token

from fiberops.accounts.choices import Role
from fiberops.accounts.models import User
from fiberops.core.clock import SHANGHAI
from fiberops.core.clock import now as clock_now
from fiberops.customers.models import Customer
from fiberops.dispatch.actions import record_contact_attempt
from fiberops.dispatch.models import ContactAttempt, ContactChannel, ContactOutcome
from fiberops.network.models import SplitterBox, SplitterPort
from fiberops.sla.models import Deadline
from fiberops.workforce.choices import AreaType
from fiberops.workforce.models import Branch, Grid, Skill, Team, Technician
from fiberops.workorders.actions import (
    CustomerData,
    IntakeData,
    dispatch_order,
    handover_order,
    intake_order,
    record_survey_completed,
    transition,
)
from fiberops.workorders.models import OrderEvent, WorkOrder
from fiberops.workorders.states import CUSTOMER_TYPES, OrderType, Status

SEED = 20261124
DEMO_PASSWORD = "fiberops-demo"  # noqa: S105 - the documented demo password
#: The branch whose presence means the demo is already loaded.
MARKER_BRANCH = "WH"
ORDER_COUNT = 1050
#: Orders are accepted within this many days before now.
HISTORY_DAYS = 30

ONE_MINUTE = dt.timedelta(minutes=1)
ONE_DAY = dt.timedelta(days=1)

# --- the city --------------------------------------------------------------------------------

SKILLS = (
    ("ftth", "光纤入户装机"),
    ("repair", "故障维修"),
    ("splice", "光纤熔接"),
    ("iptv", "智能组网/IPTV"),
)
BRANCHES = (("WH", "武侯区", AreaType.URBAN), ("PJ", "蒲江县", AreaType.RURAL))
AREA_OF_BRANCH: dict[str, str] = {code: area for code, _name, area in BRANCHES}
#: (latitude range, longitude range) customers and boxes of each area type fall into.
BOUNDS: dict[str, tuple[tuple[float, float], tuple[float, float]]] = {
    AreaType.URBAN: ((30.60, 30.66), (104.00, 104.07)),
    AreaType.RURAL: ((30.18, 30.22), (103.48, 103.53)),
}


@dataclass(frozen=True)
class GridSpec:
    """One grid of the demo city: its street or township, roads or villages, teams, customers."""

    code: str
    name: str
    branch: str
    street: str
    lat: float
    lng: float
    places: tuple[str, ...]
    teams: int
    customers: int


GRIDS = (
    GridSpec(
        code="WH-01",
        name="红牌楼网格",
        branch="WH",
        street="红牌楼街道",
        lat=30.630,
        lng=104.030,
        places=("佳灵路", "红牌楼路", "广福桥街", "太平园中一路", "佳音街"),
        teams=2,
        customers=950,
    ),
    GridSpec(
        code="WH-02",
        name="簇桥网格",
        branch="WH",
        street="簇桥街道",
        lat=30.612,
        lng=104.037,
        places=("簇桥路", "簇锦北路", "七里村路", "福锦路", "簇桥乡街"),
        teams=2,
        customers=950,
    ),
    GridSpec(
        code="WH-03",
        name="玉林网格",
        branch="WH",
        street="玉林街道",
        lat=30.636,
        lng=104.058,
        places=("玉林北路", "玉林西路", "玉林中路", "芳草街", "玉洁巷"),
        teams=2,
        customers=950,
    ),
    GridSpec(
        code="WH-04",
        name="晋阳网格",
        branch="WH",
        street="晋阳街道",
        lat=30.648,
        lng=104.012,
        places=("晋阳路", "晋吉南路", "逸都路", "晋平街", "武兴路"),
        teams=2,
        customers=950,
    ),
    GridSpec(
        code="PJ-01",
        name="鹤山网格",
        branch="PJ",
        street="鹤山街道",
        lat=30.198,
        lng=103.508,
        places=("飞龙村", "莲花村", "双石桥村", "东北村", "光明村"),
        teams=2,
        customers=520,
    ),
    GridSpec(
        code="PJ-02",
        name="寿安网格",
        branch="PJ",
        street="寿安街道",
        lat=30.210,
        lng=103.520,
        places=("马湖村", "五星村", "白马村", "石牛村"),
        teams=1,
        customers=450,
    ),
    GridSpec(
        code="PJ-03",
        name="西来网格",
        branch="PJ",
        street="西来镇",
        lat=30.188,
        lng=103.492,
        places=("铁牛村", "两河村", "红岩村", "临溪村"),
        teams=1,
        customers=450,
    ),
)
TEAM_ORDINALS = ("一班", "二班", "三班")
TECHNICIANS_PER_TEAM: dict[str, int] = {AreaType.URBAN: 6, AreaType.RURAL: 5}
#: (boxes, ports per box) per grid
BOXES_PER_GRID: dict[str, tuple[int, int]] = {AreaType.URBAN: (12, 16), AreaType.RURAL: (8, 8)}
#: Teams that get one technician whose certification (上岗认证) has expired.
TEAMS_WITH_EXPIRED_TECHNICIAN = ("WH01A", "WH03B", "PJ02A")

#: (username, role, display name, branch code) of the office staff.
STAFF = (
    ("admin", Role.ADMIN, "周建国", None),
    ("bss", Role.INTEGRATION, "BSS营业系统", None),
    ("dispatcher_wh", Role.DISPATCHER, "陈晓燕", "WH"),
    ("dispatcher_pj", Role.DISPATCHER, "杨丽萍", "PJ"),
    ("manager_wh", Role.BRANCH_MANAGER, "刘志强", "WH"),
    ("cs", Role.CS_AGENT, "何雨婷", None),
    ("auditor", Role.QUALITY_AUDITOR, "罗文静", None),
)

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢钟谭廖贾付邹熊秦邱江雷侯龙陶贺毛向汤文"
    "陈王李张刘杨黄周吴罗何冯邓曾彭谢唐蒋"  # common in Sichuan: drawn twice as often
)
GIVEN_MALE = "伟强军磊洋勇杰涛明超平刚斌波辉鹏宇浩俊凯林峰建华文志海亮鑫宏国德成永远家龙云飞翔彬川"
GIVEN_FEMALE = "丽芳娜敏静秀燕艳霞玲婷雪琳倩欣悦佳怡蓉莉红梅兰萍春晓雨思梓子慧琴英"
MOBILE_PREFIXES = (  # noqa: SIM905 - 29 three-digit strings read better this way
    "130 131 132 133 135 136 137 138 139 150 151 152 153 157 158 159 166 177 180 181 182 183 185 "
    "186 187 188 189 198 199"
).split()

# --- what happens to orders ------------------------------------------------------------------

S = Status
T = OrderType
TYPE_WEIGHTS: dict[str, int] = {
    T.FAULT: 34,
    T.INSTALL: 26,
    T.COMPLAINT: 7,
    T.RELOCATION: 7,
    T.REMOVAL: 6,
    T.SURVEY: 6,
    T.INSPECTION: 8,
    T.RECTIFICATION: 6,
}
STATUS_WEIGHTS: dict[str, int] = {
    S.CLOSED: 62,
    S.CONFIRMED: 4,
    S.COMPLETED: 3,
    S.CANCELLED: 5,
    S.NEW: 4,
    S.DISPATCHED: 3,
    S.ACCEPTED: 4,
    S.APPOINTED: 5,
    S.EN_ROUTE: 2,
    S.ON_SITE: 2,
    S.SUSPENDED: 3,
    S.RETURNED: 3,
}
OPEN_STATUSES = {
    S.NEW,
    S.DISPATCHED,
    S.ACCEPTED,
    S.APPOINTED,
    S.EN_ROUTE,
    S.ON_SITE,
    S.SUSPENDED,
    S.RETURNED,
}
SKILL_FOR_TYPE: dict[str, str] = {
    T.INSTALL: "ftth",
    T.RELOCATION: "ftth",
    T.SURVEY: "ftth",
    T.REMOVAL: "ftth",
    T.FAULT: "repair",
    T.COMPLAINT: "repair",
    T.INSPECTION: "splice",
    T.RECTIFICATION: "splice",
}
#: Minutes a technician works on site, per order type.
WORK_MINUTES: dict[str, tuple[int, int]] = {
    T.INSTALL: (60, 180),
    T.RELOCATION: (60, 150),
    T.REMOVAL: (20, 60),
    T.FAULT: (20, 120),
    T.COMPLAINT: (30, 120),
    T.SURVEY: (20, 60),
    T.INSPECTION: (30, 90),
    T.RECTIFICATION: (60, 240),
}
APPOINTMENT_HOURS = (9, 10, 11, 14, 15, 16, 17, 18)
SUPERVISOR_ACTIONS = {"suspend", "resume", "cancel", "close"}

FAULT_SYMPTOMS = (
    "宽带无法上网，光猫LOS灯红闪",
    "网速慢，测速不足签约速率一半",
    "频繁掉线，晚高峰尤甚",
    "IPTV卡顿花屏",
    "光猫PON灯不亮",
    "WiFi信号弱，卧室无法上网",
)
COMPLAINTS = (
    "投诉：装维人员未按约定时间上门",
    "投诉：多次报修仍未解决",
    "投诉：网速达不到签约速率",
    "投诉：装机后楼道线缆未整理",
)
INSTALL_EXTRAS = ("", "+IPTV", "+FTTR全屋光纤", "+智能组网")
RECTIFICATIONS = ("箱体破损更换", "尾纤杂乱整治", "箱门缺失加装", "标签缺失补贴")
RETURN_REASONS = (
    "地址不在本人负责片区，申请改派",
    "需光纤熔接，本人无熔接资质",
    "用户电话空号，无法联系，请核实",
    "工单地址与BSS登记不符",
)
SUSPEND_REASONS = (
    "用户出差，要求下周再上门",
    "小区物业未同意施工，待协调",
    "用户家中装修，暂缓安装",
    "等待光缆资源建设",
)
NO_RESOURCE_REASON = "勘察不具备装机条件：楼道无分纤箱空余端口，等待资源建设"
CANCEL_REASONS = (
    "用户撤单：已办理其他运营商宽带",
    "重复工单，BSS已另派",
    "用户搬离，不再需要服务",
    "地址无覆盖资源，营业厅撤单",
)
HANDOVER_REASONS = (
    "原装维人员请假，转同班组处理",
    "原装维人员工作量饱和，调度改派",
    "用户要求更换装维人员",
)
REWORK_REASONS = ("用户反映IPTV仍无法播放，返工", "用户验收不通过：网速未达签约速率")


@dataclass
class Step:
    """One planned action on an order; who performs it follows from the action (`execute`)."""

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
    description: str = ""
    requires_survey: bool = False
    #: Slow at every step: the completed order has met its clocks late.
    late: bool = False
    #: An open order left lying for days: the SLA clock breaches it.
    stale: bool = False
    steps: list[Step] = field(default_factory=list)

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


def coordinate(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


class DemoLoader:
    """Builds the demo city step by step; `run` is the whole load."""

    def __init__(self, rng: random.Random, now: dt.datetime, password: str):
        self.rng = rng
        self.now = now
        self.today = now.astimezone(SHANGHAI).date()
        self.password = password
        self.grid_specs = {spec.code: spec for spec in GRIDS}
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

    def run(self) -> None:
        self.create_organisation()
        self.create_staff()
        self.create_technicians()
        self.create_customers()
        self.create_splitter_boxes()
        self.create_orders()

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
        (lat_lo, lat_hi), (lng_lo, lng_hi) = BOUNDS[self.branch_area(spec)]
        lat = min(max(lat + self.rng.uniform(-spread, spread), lat_lo), lat_hi)
        lng = min(max(lng + self.rng.uniform(-spread, spread), lng_lo), lng_hi)
        return lat, lng

    @staticmethod
    def branch_area(spec: GridSpec) -> str:
        return AREA_OF_BRANCH[spec.branch]

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
                size = TECHNICIANS_PER_TEAM[self.branch_area(spec)]
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
                self.urban_customer
                if self.branch_area(spec) == AreaType.URBAN
                else self.rural_customer
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
            while len(found) < 24:
                label = f"{self.rng.choice(spec.places)}{self.rng.randint(1, 300)}号"
                lat, lng = self.point_near(spec, spec.lat, spec.lng, 0.012)
                floors = self.rng.choice((7, 11, 18, 26, 33))
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

    def village_centre(self, spec: GridSpec, village: str) -> tuple[float, float]:
        index = spec.places.index(village)
        # Villages lie around the township seat, a few kilometres apart.
        offsets = ((0.0, 0.0), (0.010, -0.012), (-0.011, 0.009), (0.006, 0.013), (-0.008, -0.010))
        dlat, dlng = offsets[index % len(offsets)]
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
            count, port_count = BOXES_PER_GRID[self.branch_area(spec)]
            prefix = spec.code.replace("-", "")
            grid_boxes = []
            for n in range(count):
                if self.branch_area(spec) == AreaType.URBAN:
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
        SplitterBox.objects.bulk_create(boxes)
        ports = SplitterPort.objects.bulk_create(
            [SplitterPort(box=box, number=n) for box in boxes for n in range(1, box.port_count + 1)]
        )
        for port in ports:
            self.free_ports.setdefault(port.box.grid.code, []).append(port)
        for grid_ports in self.free_ports.values():
            self.rng.shuffle(grid_ports)

    def take_port(self, grid_code: str) -> SplitterPort:
        """A free port of the grid (each installation gets its own while ports last)."""
        free = self.free_ports[grid_code]
        if len(free) > 1:
            return free.pop()
        return free[0]

    # --- work orders -------------------------------------------------------------------------

    def create_orders(self) -> None:
        plans = [self.plan_order(number) for number in range(ORDER_COUNT)]
        plans.sort(key=lambda plan: plan.accepted_at)
        for serial, plan in enumerate(plans, start=1):
            self.execute(plan, f"BSS{plan.accepted_at.astimezone(SHANGHAI):%Y%m%d}{serial:05d}")

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
            grid=self.grids[spec.code],
            accepted_at=dt.datetime.combine(self.today, self.intake_time(), tzinfo=SHANGHAI),
            late=rng.random() < 0.1,
            stale=status in OPEN_STATUSES and rng.random() < 0.35,
        )
        if order_type in CUSTOMER_TYPES:
            plan.customer = rng.choice(self.customers_by_grid[spec.code])
        if order_type in (T.INSTALL, T.RELOCATION):
            plan.splitter_port = self.take_port(spec.code)
            plan.requires_survey = order_type == T.INSTALL and rng.random() < 0.25
        if order_type in (T.INSTALL, T.RELOCATION, T.FAULT, T.COMPLAINT, T.REMOVAL):
            plan.plan_mbps = rng.choice((300, 500, 1000, 1000, 2000))
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
        box = rng.choice(self.boxes_by_grid[plan.grid.code])
        texts: dict[str, str] = {
            T.INSTALL: f"新装{plan.plan_mbps}M宽带{rng.choice(INSTALL_EXTRAS)}",
            T.RELOCATION: f"移机：{plan.plan_mbps}M宽带迁入本址",
            T.REMOVAL: rng.choice(("拆机：用户销户，回收光猫及机顶盒", "拆机：用户搬离，回收光猫")),
            T.FAULT: rng.choice(FAULT_SYMPTOMS),
            T.COMPLAINT: rng.choice(COMPLAINTS),
            T.SURVEY: rng.choice(
                ("新装前入户勘察：确认分纤箱及入户管道", "用户申请FTTR，勘察布线条件")
            ),
            T.INSPECTION: f"分纤箱季度巡检：{box.code}（{box.name}）",
            T.RECTIFICATION: f"网络整治：{box.code}{rng.choice(RECTIFICATIONS)}",
        }
        return texts[plan.order_type]

    def pick_technician(self, plan: OrderPlan, other_than: Technician | None = None) -> Technician:
        """A certified technician of the order's grid with the right skill (sometimes one from
        another grid of the branch helps out)."""
        pool = self.dispatchable[plan.grid.code]
        if self.rng.random() < 0.1:
            pool = [
                t
                for code, technicians in self.dispatchable.items()
                if self.grid_specs[code].branch == self.grid_specs[plan.grid.code].branch
                for t in technicians
            ]
        pool = [t for t in pool if t is not other_than]
        skill = SKILL_FOR_TYPE[plan.order_type]
        skilled = [t for t in pool if skill in self.skills_of[t.staff_no]]
        return self.rng.choice(skilled or pool)

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
        if plan.order_type in CUSTOMER_TYPES:
            self.plan_contacts(line, plan)
        if status == S.ACCEPTED:
            return line.steps
        if rng.random() < 0.06:
            self.plan_handover(line, plan, technician)
        starts = self.plan_appointment(line, plan)
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
            starts = self.plan_appointment(line, plan)
        self.plan_visit(line, plan, starts)
        return line.steps

    def plan_visit(self, line: Timeline, plan: OrderPlan, starts: dt.datetime) -> None:
        """From setting off to the booked visit at `starts` up to the order's target status:
        on site, (survey,) complete, customer confirmation, close."""
        rng, status = self.rng, plan.status
        line.add("depart", starts - self.minutes(10, 40))
        if status == S.EN_ROUTE:
            return
        line.add("arrive", starts + self.minutes(-10, 25))
        if plan.requires_survey:
            conditions_met = status != S.SUSPENDED
            note = (
                "入户勘察完成：分纤箱有空余端口，入户管道畅通，具备装机条件"
                if conditions_met
                else "入户勘察完成：楼道分纤箱无空余端口"
            )
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
            line.add("arrive", starts + self.minutes(-10, 25))
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
            note = "已与用户约定上门时间" if reached else "用户未接听，稍后再联系"
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

    def execute(self, plan: OrderPlan, bss_order_no: str) -> WorkOrder:
        """Create the order through intake and apply its steps through the actions, each by
        the person whose job it is."""
        customer = plan.customer
        order, _created = intake_order(
            actor=self.users["bss"],
            data=IntakeData(
                bss_order_no=bss_order_no,
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
                splitter_port=plan.splitter_port,
                description=plan.description,
                requires_survey=plan.requires_survey,
            ),
        )
        dispatcher = self.users[f"dispatcher_{self.grid_specs[plan.grid.code].branch.lower()}"]
        technician: Technician | None = None
        for step in plan.steps:
            if step.action == "dispatch":
                technician = planned(step.technician, "a dispatch names its technician")
                dispatch_order(order, technician=technician, actor=dispatcher, occurred_at=step.at)
            elif step.action == "handover":
                technician = planned(step.technician, "a handover names its technician")
                handover_order(
                    order, to=technician, reason=step.reason, actor=dispatcher, occurred_at=step.at
                )
            elif step.action in SUPERVISOR_ACTIONS:
                transition(
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
                else:
                    transition(
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


def counts() -> dict[str, int]:
    return {
        "区县 branches": Branch.objects.count(),
        "网格 grids": Grid.objects.count(),
        "班组 teams": Team.objects.count(),
        "装维人员 technicians": Technician.objects.count(),
        "用户 users": User.objects.count(),
        "客户 customers": Customer.objects.count(),
        "分纤箱 splitter boxes": SplitterBox.objects.count(),
        "端口 ports": SplitterPort.objects.count(),
        "工单 work orders": WorkOrder.objects.count(),
        "工单事件 order events": OrderEvent.objects.count(),
        "SLA时限 deadlines": Deadline.objects.count(),
        "联系记录 contact attempts": ContactAttempt.objects.count(),
    }


class Command(BaseCommand):
    help = "Load the demo city (once): organisation, people, customers, boxes and work orders."

    def handle(self, *args, **options):
        if Branch.objects.filter(code=MARKER_BRANCH).exists():
            self.stdout.write("Demo data is already loaded (branch WH exists); nothing to do.")
            return
        started = time.perf_counter()
        loader = DemoLoader(random.Random(SEED), clock_now(), make_password(DEMO_PASSWORD))
        with transaction.atomic():
            loader.run()
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded in {elapsed:.1f} s:"))
        for label, value in counts().items():
            self.stdout.write(f"  {label:<28} {value:>7}")
        by_status = Counter(WorkOrder.objects.values_list("status", flat=True))
        by_type = Counter(WorkOrder.objects.values_list("order_type", flat=True))
        self.stdout.write("  by status: " + ", ".join(f"{s} {by_status[s]}" for s in Status.values))
        self.stdout.write(
            "  by type:   " + ", ".join(f"{t} {by_type[t]}" for t in OrderType.values)
        )
