"""Rule-based suggestions of who should take an order (R-WF-1, R-ORD-5; issue 9): every
technician the dispatch rule allows, ranked by fit, each with a short "why" in the reader's
language. Read-only; a fixed number of queries whatever the candidates (`test_suggestions.py`).

The score starts at 100 and moves by these weights (documented in docs/dispatch.md):

- the order's own grid +30; another grid's team (a borrowing, R-WF-1) −20;
- distance from the technician's last known position: −3 per km, at most −45;
- today's load: −8 per job (appointments today and open orders without one);
- already owns this customer's problem (R-ORD-5): +40 for an open order of the same customer,
  +25 for one closed in the last 30 days.

Technicians the rule refuses (no certification, missing skill, inactive, another branch) are not
suggested at all: a suggestion is always dispatchable, apart from the borrowing reason.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from fiberops.core.clock import local_date, start_of_day
from fiberops.dispatch.positions import Point, distance_km, grid_centres, last_positions
from fiberops.workforce.models import Technician
from fiberops.workforce.queries import dispatch_candidates
from fiberops.workorders.models import Appointment, AppointmentOutcome, WorkOrder
from fiberops.workorders.policy import policy_for
from fiberops.workorders.states import OWNED, TERMINAL, Status

SAME_GRID_POINTS = 30
BORROW_POINTS = -20
POINTS_PER_KM = -3
DISTANCE_FLOOR = -45
POINTS_PER_JOB = -8
OWNS_OPEN_POINTS = 40
OWNED_RECENTLY_POINTS = 25
#: How far back a closed order of the same customer counts as "already owned" (R-ORD-5).
RECENT_DAYS = 30
#: How many suggestions an answer lists at most.
LIMIT = 20


@dataclass
class Suggestion:
    technician: Technician
    score: int
    same_grid: bool
    distance_km: float | None
    position_source: str
    jobs_today: int
    owns_customer_problem: bool
    why: list[str] = field(default_factory=list)


def _jobs_today(technician_ids: list[int], day: dt.date) -> dict[int, int]:
    """Per technician: appointments starting on `day` (Shanghai) plus open orders that have no
    pending appointment at all (work still to fit in somewhere). Two queries."""
    booked = dict(
        Appointment.objects.filter(
            order__technician_id__in=technician_ids,
            starts_at__gte=start_of_day(day),
            starts_at__lt=start_of_day(day + dt.timedelta(days=1)),
        )
        .filter(
            outcome__in=[
                AppointmentOutcome.PENDING,
                AppointmentOutcome.KEPT,
                AppointmentOutcome.KEPT_LATE,
            ]
        )
        .values_list("order__technician_id")
        .annotate(n=Count("id"))
    )
    unbooked = dict(
        WorkOrder.objects.filter(
            technician_id__in=technician_ids, status__in=[Status.DISPATCHED, Status.ACCEPTED]
        )
        .values_list("technician_id")
        .annotate(n=Count("id"))
    )
    return {pk: booked.get(pk, 0) + unbooked.get(pk, 0) for pk in technician_ids}


def _customer_owners(order: WorkOrder, now: dt.datetime) -> dict[int, bool]:
    """Technicians who hold (True) or recently closed (False) another order of this customer
    (首问负责制, R-ORD-5). One query."""
    if order.customer_id is None:
        return {}
    rows = (
        WorkOrder.objects.filter(customer_id=order.customer_id, technician__isnull=False)
        .exclude(pk=order.pk)
        .filter(
            ~Q(status__in=TERMINAL)
            | Q(completed_at__gte=now - dt.timedelta(days=RECENT_DAYS))
            | Q(closed_at__gte=now - dt.timedelta(days=RECENT_DAYS))
        )
        .values_list("technician_id", "status")
    )
    owners: dict[int, bool] = {}
    for technician_id, status in rows:
        owners[technician_id] = owners.get(technician_id, False) or status in OWNED
    return owners


def suggest(order: WorkOrder, *, user, now: dt.datetime, limit: int = LIMIT) -> list[Suggestion]:
    """The technicians `user` may give `order` to, best first (ties: staff number)."""
    day = local_date(now)
    needed = policy_for(order.order_type).skills
    candidates = [
        t
        for t in dispatch_candidates(user, branch_id=order.grid.branch_id, grid_id=order.grid_id)
        if t.pk != order.technician_id
        and t.is_certified_on(day)
        and set(needed) <= {skill.code for skill in t.skills.all()}
    ]
    ids = [t.pk for t in candidates]
    centres = grid_centres({order.grid_id, *(t.team.grid_id for t in candidates)})
    positions = last_positions(ids, now)
    loads = _jobs_today(ids, day)
    owners = _customer_owners(order, now)
    customer = order.customer
    target: Point | None = (
        Point(float(customer.lat), float(customer.lng))
        if customer is not None and customer.lat is not None and customer.lng is not None
        else centres.get(order.grid_id)
    )
    skill_names = {
        skill.code: skill.name
        for t in candidates
        for skill in t.skills.all()
        if skill.code in needed
    }
    suggestions = []
    for technician in candidates:
        score, why = 100, []
        same_grid = technician.team.grid_id == order.grid_id
        if same_grid:
            score += SAME_GRID_POINTS
            why.append(_("same grid"))
        else:
            score += BORROW_POINTS
            why.append(
                _("borrowed from %(grid)s (give a reason)") % {"grid": technician.team.grid.name}
            )
        if needed:
            why.append(
                _("has the skill: %(skills)s")
                % {"skills": "、".join(skill_names.get(code, code) for code in needed)}
            )
        position = positions.get(technician.pk)
        source = position.source if position else "grid_centre"
        origin = position.point if position else centres.get(technician.team.grid_id)
        km = distance_km(origin, target) if origin and target else None
        if km is not None:
            score += max(round(POINTS_PER_KM * km), DISTANCE_FLOOR)
            why.append(
                {
                    "check_in": _("%(km).1f km from the last check-in"),
                    "next_stop": _("%(km).1f km from the next stop"),
                    "grid_centre": _("%(km).1f km from the grid centre"),
                }[source]
                % {"km": km}
            )
        jobs = loads.get(technician.pk, 0)
        score += POINTS_PER_JOB * jobs
        why.append(_("%(count)d jobs today") % {"count": jobs})
        owns = technician.pk in owners
        if owns:
            if owners[technician.pk]:
                score += OWNS_OPEN_POINTS
                why.append(_("already handles this customer's problem"))
            else:
                score += OWNED_RECENTLY_POINTS
                why.append(_("handled this customer's fault before"))
        suggestions.append(
            Suggestion(
                technician=technician,
                score=score,
                same_grid=same_grid,
                distance_km=round(km, 1) if km is not None else None,
                position_source=source,
                jobs_today=jobs,
                owns_customer_problem=owns,
                why=why,
            )
        )
    suggestions.sort(key=lambda s: (-s.score, s.technician.staff_no))
    return suggestions[:limit]
