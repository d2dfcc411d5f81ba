"""`manage.py load_demo`: the demo city of `fiberops/demo` (make demo), loaded once, with a line
of progress per phase.

`--ready-file PATH` is touched as soon as the logins and the newest orders exist (at once when the
demo is already loaded); `make demo` starts the web server then, while the rest loads.
"""

import random
import time
from collections import Counter
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import connection

from fiberops.accounts.models import User
from fiberops.core.clock import SHANGHAI
from fiberops.core.clock import now as clock_now
from fiberops.customers.models import Customer
from fiberops.demo.builder import DemoBuilder
from fiberops.demo.data import DEMO_PASSWORD, MARKER_BRANCH, ORDER_COUNT, SEED
from fiberops.dispatch.models import ContactAttempt
from fiberops.dispatch.plans import plan_booked_grids
from fiberops.network.models import SplitterBox, SplitterPort
from fiberops.sla.models import Deadline
from fiberops.workforce.models import Branch, Grid, Team, Technician
from fiberops.workorders.models import OrderEvent, WorkOrder
from fiberops.workorders.states import OrderType, Status

#: With --ready-file on SQLite, the loader waits half of each order's time before the next (see
#: `DemoBuilder`): the load takes about 50 % longer, the web server's writes wait under 0.2 s.
SHARE_WHILE_SERVING = 0.5
#: Solver seconds per grid for today's demo plans: the demo's grids are small.
PLAN_SECONDS = 0.5


def counts() -> dict[str, int]:
    return {
        "区县 branches": Branch.objects.count(),
        "网格 grids": Grid.objects.count(),
        "班组 teams": Team.objects.count(),
        "装维人员 technicians": Technician.objects.count(),
        "用户 users": User.objects.count(),
        "客户 customers": Customer.objects.count(),
        "分纤箱 splitter boxes": SplitterBox.objects.count(),
        "端口 ports": SplitterPort.objects.count(),
        "工单 work orders": WorkOrder.objects.count(),
        "工单事件 order events": OrderEvent.objects.count(),
        "SLA时限 deadlines": Deadline.objects.count(),
        "联系记录 contact attempts": ContactAttempt.objects.count(),
    }


class Command(BaseCommand):
    help = "Load the demo city (once): organisation, people, customers, boxes and work orders."

    def add_arguments(self, parser):
        parser.add_argument(
            "--ready-file",
            type=Path,
            help="file to create once the logins and the newest orders exist (make demo waits "
            "for it before serving)",
        )
        parser.add_argument(
            "--no-plans",
            action="store_true",
            help="skip the day plans of today's grids made at the end (issue 9)",
        )

    def handle(self, *args, ready_file: Path | None, no_plans: bool = False, **options):
        started = time.perf_counter()

        def report(line: str) -> None:
            self.stdout.write(f"load_demo {time.perf_counter() - started:5.1f} s  {line}")
            self.stdout.flush()

        def ready() -> None:
            if ready_file is not None:
                ready_file.touch()

        if Branch.objects.filter(code=MARKER_BRANCH).exists():
            self.stdout.write("Demo data is already loaded (branch WH exists); nothing to do.")
            orders = WorkOrder.objects.count()
            if orders < ORDER_COUNT:
                self.stdout.write(
                    self.style.WARNING(
                        f"Only {orders} of the demo's {ORDER_COUNT} work orders exist: an earlier "
                        "load was stopped part-way. The demo runs on what is there; to load it "
                        "afresh, delete var/fiberops.sqlite3 (or empty DATABASE_URL's database)."
                    )
                )
            ready()
            return

        def first_slice() -> None:
            report("logins and the newest orders are ready; the rest keeps loading")
            ready()

        builder = DemoBuilder(
            random.Random(SEED),
            clock_now(),
            make_password(DEMO_PASSWORD),
            report,
            # Served while loading: leave SQLite's one write lock free part of the time.
            pause_share=SHARE_WHILE_SERVING if ready_file and connection.vendor == "sqlite" else 0,
        )
        builder.build(on_first_slice=first_slice)
        if not no_plans:
            # Today's day plans (issue 9), a short solver run per grid booked today.
            plans = plan_booked_grids(
                clock_now().astimezone(SHANGHAI).date(),
                reason="demo",
                time_limit_s=PLAN_SECONDS,
            )
            report(f"{len(plans)} day plans of today's grids made")
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded in {elapsed:.1f} s:"))
        for label, value in counts().items():
            self.stdout.write(f"  {label:<28} {value:>7}")
        by_status = Counter(WorkOrder.objects.values_list("status", flat=True))
        by_type = Counter(WorkOrder.objects.values_list("order_type", flat=True))
        self.stdout.write("  by status: " + ", ".join(f"{s} {by_status[s]}" for s in Status.values))
        self.stdout.write(
            "  by type:   " + ", ".join(f"{t} {by_type[t]}" for t in OrderType.values)
        )
