"""Who wants to hear that an order changed in a way that matters for planning (issue 9): apps
above `workorders` register here in their `AppConfig.ready` (dispatch: mark the day's plan for
re-planning), so this app imports none of them — like `gates.COMPLETION_GATES` and
`sla.hooks.TICK_HOOKS`.

A hook runs inside the verb's transaction, after the order row is written: what it writes
commits or rolls back with the change. It takes the locked order, the action name (a transition
of `states.TRANSITIONS`, or "handover"), the action's business time, and the local days the
order's appointment was on before and is on after the change.
"""

import datetime as dt
from collections.abc import Callable

from fiberops.core.clock import local_date
from fiberops.workorders.models import WorkOrder

OrderChangeHook = Callable[[WorkOrder, str, dt.datetime, frozenset[dt.date]], None]

ORDER_CHANGE_HOOKS: dict[str, OrderChangeHook] = {}


def order_changed(
    order: WorkOrder, action: str, at: dt.datetime, *appointment_starts: dt.datetime | None
) -> None:
    """Tell every registered hook; `appointment_starts` are the window starts before and after."""
    days = frozenset(local_date(start) for start in appointment_starts if start is not None)
    for hook in ORDER_CHANGE_HOOKS.values():
        hook(order, action, at, days)
