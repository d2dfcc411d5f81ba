"""Generate the current period's inspection orders now (the SLA worker does it every tick):
one per active plan, grid and period, never a second (R-INS-4)."""

from django.core.management.base import BaseCommand

from fiberops.core.clock import now
from fiberops.inspections.actions import generate_inspection_orders


class Command(BaseCommand):
    help = "Create the current period's inspection orders of every active plan (idempotent)."

    def handle(self, *args, **options) -> None:
        created = generate_inspection_orders(now())
        self.stdout.write(f"{created} inspection orders created.")
