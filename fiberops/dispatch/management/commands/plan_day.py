"""Plan a grid's day from the database and store it as the current plan (issue 9).

    python manage.py plan_day --grid WH-01 --date 2026-11-30 [--time-limit 5]

Prints one line per technician (stops and the planned times) and the orders left unassigned
with the reason. The previous current plan of that grid and day is superseded, not deleted.
"""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fiberops.core.clock import SHANGHAI
from fiberops.core.errors import DomainError
from fiberops.dispatch.plans import pk_of, plan_day
from fiberops.workforce.models import Grid, Technician
from fiberops.workorders.models import WorkOrder


class Command(BaseCommand):
    help = "Plan a grid's day from its booked orders and store it as the current plan."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--grid", required=True, help="the grid's code, e.g. WH-01")
        parser.add_argument("--date", required=True, help="the day, YYYY-MM-DD (Asia/Shanghai)")
        parser.add_argument(
            "--time-limit", type=float, default=None, help="solver seconds (default: setting)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = dt.date.fromisoformat(options["date"])
        except ValueError:
            raise CommandError(f"--date {options['date']!r}: expected YYYY-MM-DD") from None
        grid = Grid.objects.filter(code=options["grid"]).first()
        if grid is None:
            raise CommandError(f"--grid {options['grid']!r}: no such grid")
        if options["time_limit"] is not None and options["time_limit"] <= 0:
            raise CommandError("--time-limit must be positive")
        try:
            plan = plan_day(
                grid, day, reason="plan_day command", time_limit_s=options["time_limit"]
            )
        except DomainError as error:
            raise CommandError(str(error)) from None
        names = {t.pk: t for t in Technician.objects.filter(team__grid=grid)}
        stops = plan.stops.select_related("order").order_by("technician_id", "sequence")
        routes: dict[int, list[str]] = {}
        for stop in stops:
            started = "*" if stop.is_started else ""
            routes.setdefault(stop.technician_id, []).append(
                f"{stop.order.bss_order_no}{started} {stop.starts_at.astimezone(SHANGHAI):%H:%M}"
            )
        self.stdout.write(
            f"Plan {plan.pk} of {grid.code} {day}: "
            f"{'every order planned' if plan.feasible else 'NOT every order planned'} "
            f"in {plan.solve_seconds:.1f} s"
        )
        for pk, items in routes.items():
            technician = names.get(pk)
            label = f"{technician.staff_no} {technician.name}" if technician else str(pk)
            self.stdout.write(f"  {label}: " + ", ".join(items))
        reasons = [*plan.plan.get("unassigned", []), *plan.plan.get("set_aside", [])]
        numbers = dict(
            WorkOrder.objects.filter(pk__in=[pk_of(r["job"]) for r in reasons]).values_list(
                "pk", "bss_order_no"
            )
        )
        for item in reasons:
            self.stdout.write(f"  unassigned {numbers.get(pk_of(item['job']))}: {item['reason']}")
