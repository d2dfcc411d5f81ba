"""The operator's standard plans (网络维护: 巡检, 交换机检查, 资源核查, 资产盘点) as data the demo
loads and an administrator copies in the admin: kind, interval in months, checklist. Which grids
each covers is the operator's choice, so nothing here names a grid (R-INS-4)."""

from fiberops.inspections.models import PlanKind

#: (name, kind, interval in months, checklist as (code, label))
DEFAULT_PLANS: list[tuple[str, str, int, list[tuple[str, str]]]] = [
    (
        "线路设备巡检",
        PlanKind.LINES_EQUIPMENT,
        2,
        [
            ("clean", "设备清洁"),
            ("cooling", "散热良好"),
            ("no_sagging_fibre", "无飞线/光纤无下垂"),
            ("labels", "标签齐全正确"),
            ("box_sealed", "分纤箱箱门完好、密封"),
        ],
    ),
    (
        "设备/传输线路/机房环境季度检查",
        PlanKind.QUARTERLY,
        3,
        [
            ("equipment", "设备运行正常、无告警"),
            ("transmission_lines", "传输线路完好"),
            ("room_environment", "机房温湿度、防尘正常"),
            ("power", "电源及接地良好"),
            ("labels", "标签齐全正确"),
        ],
    ),
    (
        "交换机月度检查",
        PlanKind.SWITCH_MONTHLY,
        1,
        [
            ("indicators", "指示灯状态正常"),
            ("cooling", "散热良好"),
            ("uplink", "上联链路正常"),
            ("labels", "标签齐全正确"),
        ],
    ),
    ("资源核查", PlanKind.RESOURCE_CHECK, 3, []),
]
