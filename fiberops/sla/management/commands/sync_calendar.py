"""Load the statutory calendar from the installed chinesecalendar package (R-SLA-7) and
recalculate the running survey and install deadlines."""

from django.core.management.base import BaseCommand

from fiberops.core.clock import now
from fiberops.sla.actions import recalculate_working_day_deadlines
from fiberops.sla.calendar import package_years, sync_from_package


class Command(BaseCommand):
    help = "Load every year the chinesecalendar package knows; recalculate running deadlines."

    def handle(self, *args, **options):
        added = sync_from_package()
        changed = recalculate_working_day_deadlines(now())
        years = package_years()
        self.stdout.write(
            f"Calendar: package covers {years.start}–{years.stop - 1}; "
            f"new years {added or 'none'}; {changed} deadlines recalculated."
        )
