"""Plans and generated inspection orders for the inspections tests, set up through the actions."""

import datetime as dt

import time_machine

from fiberops.inspections.actions import LogInput, generate_inspection_orders, record_log_entry
from fiberops.inspections.models import InspectionPlan, InspectionRound, PlanChecklistItem, PlanKind
from fiberops.testing import World
from fiberops.workorders.actions import dispatch_order, perform

#: 2026-03-10 10:00 Shanghai: in the period Mar–Apr of a two-monthly plan from January.
T0 = dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC)

CHECKLIST = [
    ("clean", "设备清洁"),
    ("cooling", "散热良好"),
    ("no_sagging_fibre", "无飞线/光纤无下垂"),
    ("labels", "标签齐全正确"),
]


def make_plan(
    world: World,
    *,
    kind: str = PlanKind.LINES_EQUIPMENT,
    interval_months: int = 2,
    grids=None,
    starts_on: dt.date = dt.date(2026, 1, 1),
    name: str = "线路设备巡检",
) -> InspectionPlan:
    plan = InspectionPlan.objects.create(
        name=name, kind=kind, interval_months=interval_months, starts_on=starts_on
    )
    plan.grids.set(grids if grids is not None else [world.grid])
    PlanChecklistItem.objects.bulk_create(
        [
            PlanChecklistItem(plan=plan, code=code, label=label, position=n)
            for n, (code, label) in enumerate(CHECKLIST)
        ]
    )
    return plan


def generated_round(world: World, plan: InspectionPlan, at: dt.datetime = T0) -> InspectionRound:
    """The round of `plan` in the world's grid generated at `at`."""
    with time_machine.travel(at, tick=False):
        generate_inspection_orders(at)
    return InspectionRound.objects.select_related("order").get(plan=plan, grid=world.grid)


def walk_to_site(world: World, inspection: InspectionRound) -> None:
    """Dispatch the round's order to the world's technician, who accepts, sets off, arrives."""
    order = inspection.order
    dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    for action in ["accept", "depart", "arrive"]:
        perform(order, action, actor=world.technician_user)


def answer_checklist(world: World, inspection: InspectionRound) -> None:
    """The technician answers every item of the round's checklist: in order."""
    for code, _label in CHECKLIST:
        record_log_entry(
            inspection.order,
            actor=world.technician_user,
            entry=LogInput(kind="checklist", item_code=code, is_ok=True),
        )
