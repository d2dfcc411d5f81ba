"""Look-ups of the workforce shared by the API and the forms."""

from django.db.models import Case, IntegerField, Value, When

from fiberops.accounts.choices import Role
from fiberops.accounts.permissions import is_role
from fiberops.workforce.models import Technician


def dispatch_candidates(user, *, branch_id: int, grid_id: int | None = None):
    """Technicians `user` may dispatch or hand an order of `branch_id` to (R-WF-1, R-ORD-5):
    the active ones of that branch within the user's scope — a technician handing over may name
    any colleague of the branch — the order's own grid (`grid_id`) first, then by grid and staff
    number. Certification, skills and the grid are checked by the dispatch rule (another grid's
    technician is a borrowing, with a reason); pages show the ones the rule refuses disabled."""
    if is_role(user, Role.TECHNICIAN):
        base = Technician.objects.all()
    else:
        base = Technician.objects.visible_to(user)
    return (
        base.filter(team__grid__branch_id=branch_id, is_active=True)
        .select_related("team__grid")
        .prefetch_related("skills")
        .annotate(
            other_grid=Case(
                When(team__grid_id=grid_id, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("other_grid", "team__grid__code", "staff_no")
    )
