"""What each order type needs (R-ORD-1, R-SLA-1..5): one table keyed by `OrderType`.

The durations of the clocks (15 minutes, 2 and 3 working days, 48/72 hours, the contact minutes
per type) are operator settings in `settings.SLA_POLICY`, validated at start-up; this table says
which clocks each type carries and when they start. docs/sla.md shows the same table in prose.
"""

from dataclasses import dataclass

from fiberops.sla.choices import DeadlineKind
from fiberops.workorders.states import OrderType

K = DeadlineKind


@dataclass(frozen=True)
class OrderTypePolicy:
    """The rules of one order type.

    needs_customer: served at a customer's home, so it needs a customer and a contact with them.
    surveyable: `requires_survey` applies: the survey clock runs first, the install clock starts
        on the day the survey finds the conditions met (R-SLA-3).
    clocks_at_intake / clocks_at_dispatch: the SLA clocks started when the order is accepted from
        the BSS / dispatched to a technician.
    completion_clock: the clock that completing the order meets (None: no completion clock).
    holds_port: the order takes its splitter port for a live service; a port holds one.
    skills: skill codes (`workforce.Skill.code`) a technician must hold to be given an order of
        this type (R-WF-1, `actions.check_dispatchable`; the suggestions and the planner too).
    needs_acceptance: completing needs the acceptance evidence (装机挂测四要素, issue 8): the
        completion gates of `workorders.gates` must all pass.
    releases_port: completing the order ends the service on its port (a removal, 拆机): the
        port is freed and the order that held it holds it no more (R-RES-1).
    moves_service: completing the order moves the customer's service to its port (a relocation,
        移机): the port the customer's earlier order held is freed the same way.
    """

    needs_customer: bool
    surveyable: bool
    clocks_at_intake: tuple[str, ...]
    clocks_at_dispatch: tuple[str, ...]
    completion_clock: str | None
    holds_port: bool
    skills: tuple[str, ...]
    needs_acceptance: bool = False
    releases_port: bool = False
    moves_service: bool = False


ORDER_TYPES: dict[str, OrderTypePolicy] = {
    OrderType.SURVEY: OrderTypePolicy(
        needs_customer=True,
        surveyable=False,
        clocks_at_intake=(K.SURVEY,),
        clocks_at_dispatch=(K.CONTACT,),
        completion_clock=K.SURVEY,
        holds_port=False,
        # Surveys are done by the install technicians: the conditions are theirs to judge.
        skills=("ftth",),
    ),
    OrderType.INSTALL: OrderTypePolicy(
        needs_customer=True,
        surveyable=True,
        clocks_at_intake=(K.INSTALL,),
        clocks_at_dispatch=(K.CONTACT,),
        completion_clock=K.INSTALL,
        holds_port=True,
        skills=("ftth",),
        needs_acceptance=True,
    ),
    OrderType.RELOCATION: OrderTypePolicy(
        needs_customer=True,
        surveyable=True,
        clocks_at_intake=(K.INSTALL,),
        clocks_at_dispatch=(K.CONTACT,),
        completion_clock=K.INSTALL,
        holds_port=True,
        skills=("ftth",),
        needs_acceptance=True,
        moves_service=True,
    ),
    OrderType.REMOVAL: OrderTypePolicy(
        needs_customer=True,
        surveyable=False,
        clocks_at_intake=(),
        clocks_at_dispatch=(K.CONTACT,),
        completion_clock=None,
        holds_port=False,
        skills=("ftth",),
        releases_port=True,
    ),
    OrderType.FAULT: OrderTypePolicy(
        needs_customer=True,
        surveyable=False,
        clocks_at_intake=(K.REPAIR,),
        clocks_at_dispatch=(K.RESPONSE, K.CONTACT),
        completion_clock=K.REPAIR,
        holds_port=False,
        skills=("repair",),
    ),
    OrderType.COMPLAINT: OrderTypePolicy(
        needs_customer=True,
        surveyable=False,
        clocks_at_intake=(K.REPAIR,),
        clocks_at_dispatch=(K.RESPONSE, K.CONTACT),
        completion_clock=K.REPAIR,
        holds_port=False,
        skills=("repair",),
    ),
    OrderType.INSPECTION: OrderTypePolicy(
        needs_customer=False,
        surveyable=False,
        # The inspection clock is due at the round's period end, not after a duration: the
        # verb that creates the order opens it (`actions.create_inspection_order`, R-INS-4).
        clocks_at_intake=(),
        clocks_at_dispatch=(),
        completion_clock=K.INSPECTION,
        holds_port=False,
        skills=("splice",),
    ),
    OrderType.RECTIFICATION: OrderTypePolicy(
        needs_customer=False,
        surveyable=False,
        clocks_at_intake=(),
        clocks_at_dispatch=(),
        completion_clock=None,
        holds_port=False,
        skills=("splice",),
    ),
}


def policy_for(order_type: str) -> OrderTypePolicy:
    return ORDER_TYPES[OrderType(order_type)]


def clocks_at_intake(order_type: str, *, requires_survey: bool) -> tuple[str, ...]:
    """The clocks an accepted order starts with. An install that needs a survey first runs the
    survey clock instead; its install clock starts when the survey is recorded (R-SLA-3)."""
    policy = policy_for(order_type)
    if requires_survey and policy.surveyable:
        return tuple(K.SURVEY if kind == K.INSTALL else kind for kind in policy.clocks_at_intake)
    return policy.clocks_at_intake


def types_needing_customer() -> frozenset[str]:
    return frozenset(str(t) for t, p in ORDER_TYPES.items() if p.needs_customer)
