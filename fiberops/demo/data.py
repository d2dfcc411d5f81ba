"""The demo city as plain data: its branches, grids, people's names, phone prefixes and the
texts and weights that shape its work orders. No code that writes: `builder.py` turns this into
rows, `plans.py` into order timelines."""

from dataclasses import dataclass

from fiberops.accounts.choices import Role
from fiberops.workforce.choices import AreaType
from fiberops.workorders.policy import ORDER_TYPES
from fiberops.workorders.states import OrderType, Status

SEED = 20261124
DEMO_PASSWORD = "fiberops-demo"  # noqa: S105 - the documented demo password
#: The branch whose presence means the demo is already loaded.
MARKER_BRANCH = "WH"
ORDER_COUNT = 1050
#: Orders are accepted within this many days before now.
HISTORY_DAYS = 30

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
#: Villages lie around the township seat, a few kilometres apart: (Δlat, Δlng) by village index.
VILLAGE_OFFSETS = ((0.0, 0.0), (0.010, -0.012), (-0.011, 0.009), (0.006, 0.013), (-0.008, -0.010))
#: Residential compounds (小区) per urban grid, and the heights they are built to.
COMPOUNDS_PER_GRID = 24
COMPOUND_FLOORS = (7, 11, 18, 26, 33)
TEAM_ORDINALS = ("一班", "二班", "三班")
TECHNICIANS_PER_TEAM: dict[str, int] = {AreaType.URBAN: 6, AreaType.RURAL: 5}
#: The feeders above the boxes (R-RES-1): PON ports of each grid's OLT, and boxes per
#: first-level splitter (its split ratio).
PON_PORTS_PER_OLT = 2
BOXES_PER_SPLITTER = 4
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

TYPE_WEIGHTS: dict[str, int] = {
    OrderType.FAULT: 34,
    OrderType.INSTALL: 26,
    OrderType.COMPLAINT: 7,
    OrderType.RELOCATION: 7,
    OrderType.REMOVAL: 6,
    OrderType.SURVEY: 6,
    OrderType.INSPECTION: 8,
    OrderType.RECTIFICATION: 6,
}
STATUS_WEIGHTS: dict[str, int] = {
    Status.CLOSED: 62,
    Status.CONFIRMED: 4,
    Status.COMPLETED: 3,
    Status.CANCELLED: 5,
    Status.NEW: 4,
    Status.DISPATCHED: 3,
    Status.ACCEPTED: 4,
    Status.APPOINTED: 5,
    Status.EN_ROUTE: 2,
    Status.ON_SITE: 2,
    Status.SUSPENDED: 3,
    Status.RETURNED: 3,
}
OPEN_STATUSES = {
    Status.NEW,
    Status.DISPATCHED,
    Status.ACCEPTED,
    Status.APPOINTED,
    Status.EN_ROUTE,
    Status.ON_SITE,
    Status.SUSPENDED,
    Status.RETURNED,
}
#: The skill each order type needs: the dispatch rule's (R-WF-1, `workorders.policy`).
SKILL_FOR_TYPE: dict[str, str] = {str(t): policy.skills[0] for t, policy in ORDER_TYPES.items()}
#: Minutes a technician works on site, per order type.
WORK_MINUTES: dict[str, tuple[int, int]] = {
    OrderType.INSTALL: (60, 180),
    OrderType.RELOCATION: (60, 150),
    OrderType.REMOVAL: (20, 60),
    OrderType.FAULT: (20, 120),
    OrderType.COMPLAINT: (30, 120),
    OrderType.SURVEY: (20, 60),
    OrderType.INSPECTION: (30, 90),
    OrderType.RECTIFICATION: (60, 240),
}
APPOINTMENT_HOURS = (9, 10, 11, 14, 15, 16, 17, 18)

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
REMOVALS = ("拆机：用户销户，回收光猫及机顶盒", "拆机：用户搬离，回收光猫")
SURVEYS = ("新装前入户勘察：确认分纤箱及入户管道", "用户申请FTTR，勘察布线条件")
SURVEY_NOTE_MET = "入户勘察完成：分纤箱有空余端口，入户管道畅通，具备装机条件"
SURVEY_NOTE_NOT_MET = "入户勘察完成：楼道分纤箱无空余端口"
CONTACT_NOTE_REACHED = "已与用户约定上门时间"
CONTACT_NOTE_MISSED = "用户未接听，稍后再联系"
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
