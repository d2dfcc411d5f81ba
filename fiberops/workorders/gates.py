"""What must hold before an order may complete (issue 8, the acceptance gate): checks that apps
above `workorders` register in their `AppConfig.ready` (onsite: the acceptance readings), so this
app imports none of them — like `timeline.DESCRIBERS` and `sla.hooks.TICK_HOOKS`.

A gate takes the locked order and returns what blocks its completion; `complete_order` refuses
with 409 `completion_blocked` listing every blocker of every gate, for the order types whose
policy `needs_acceptance`.

`CONFIRMATION_GATES` work the same way for `confirm_order` (R-SITE-6: the customer confirms
only when satisfied and the confirmation form is signed; onsite registers the check)."""

from collections.abc import Callable
from dataclasses import dataclass, field

from fiberops.workorders.models import WorkOrder


@dataclass(frozen=True)
class Blocker:
    """One missing or failed item: `item` names it (e.g. "optical_power"), `code` says what is
    wrong ("missing", "optical_power_too_low", …), `message` says it to a person, `reading` keeps
    the values the verdict was made on."""

    item: str
    code: str
    message: str
    reading: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "item": self.item,
            "code": self.code,
            "message": self.message,
            "reading": self.reading,
        }


COMPLETION_GATES: dict[str, Callable[[WorkOrder], list[Blocker]]] = {}


def completion_blockers(order: WorkOrder) -> list[Blocker]:
    """Every blocker of every registered gate, in registration order."""
    return [blocker for gate in COMPLETION_GATES.values() for blocker in gate(order)]


#: Gates of one order type, run whatever its policy says (issue 10: an inspection completes only
#: when its checklist and, for a resource check, its elements are all recorded): order type →
#: name → gate. Inspections register theirs in `ready()`.
TYPE_GATES: dict[str, dict[str, Callable[[WorkOrder], list[Blocker]]]] = {}


def type_blockers(order: WorkOrder) -> list[Blocker]:
    """Every blocker of the gates registered for the order's type."""
    gates = TYPE_GATES.get(order.order_type, {})
    return [blocker for gate in gates.values() for blocker in gate(order)]


CONFIRMATION_GATES: dict[str, Callable[[WorkOrder], list[Blocker]]] = {}


def confirmation_blockers(order: WorkOrder) -> list[Blocker]:
    """Every blocker of every registered confirmation gate, in registration order."""
    return [blocker for gate in CONFIRMATION_GATES.values() for blocker in gate(order)]
