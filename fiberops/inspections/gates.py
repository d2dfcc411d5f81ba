"""An inspection completes only when it was done (R-INS-1/2, R-RES-3): every active item of its
plan's checklist answered and, for a resource check or asset inventory, every element of the area
confirmed or corrected. Registered for the inspection order type in
`workorders.gates.TYPE_GATES`, so the coverage report never counts an empty round as done."""

from django.utils.translation import gettext as _

from fiberops.inspections.queries import inspection_state
from fiberops.workorders.gates import Blocker
from fiberops.workorders.models import WorkOrder


def inspection_blockers(order: WorkOrder) -> list[Blocker]:
    """What is still to record on the inspection order; nothing for an order of no plan."""
    state = inspection_state(order)
    if state is None:
        return []
    blockers = [
        Blocker(
            item=row.item.code,
            code="missing",
            message=_("checklist item not answered: %(label)s") % {"label": row.item.label},
        )
        for row in state.checklist
        if row.latest is None
    ]
    unchecked = [row.element.code for row in state.elements if row.latest is None]
    if unchecked:
        blockers.append(
            Blocker(
                item="elements",
                code="elements_unchecked",
                message=_("%(count)d network elements not checked, e.g. %(first)s")
                % {"count": len(unchecked), "first": unchecked[0]},
                reading={"unchecked": unchecked[:50]},
            )
        )
    return blockers
