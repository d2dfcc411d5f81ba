"""Poll the switches over SNMP and store their readings (R-INS-3): once, or every `--interval`
seconds with `--loop` (SIGTERM/Ctrl-C stop it between polls). A switch that does not answer is
marked unreachable; the rest are stored."""

import logging
import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from fiberops.inspections.switch_actions import poll_settings, poll_switches
from fiberops.network.models import Switch, SwitchState

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Poll the in-service switches over SNMP once, or every --interval seconds with --loop."

    stopping = False

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="poll until interrupted")
        parser.add_argument("--interval", type=float, default=300.0, help="seconds between polls")
        parser.add_argument("--grid", help="only the switches of this grid (code)")
        parser.add_argument("--sample-seconds", type=float, help="seconds between two samples")
        parser.add_argument("--timeout", type=float, help="seconds to wait for an answer")
        parser.add_argument("--retries", type=int, help="retries after a timeout")
        parser.add_argument("--concurrency", type=int, help="requests in flight at once")

    def handle(self, *args, loop, interval, grid, **options):
        overrides = {
            "interval_s": options["sample_seconds"],
            "timeout_s": options["timeout"],
            "retries": options["retries"],
            "concurrency": options["concurrency"],
        }
        if loop:
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, self.request_stop)
        while True:
            try:
                self.poll(grid, overrides)
            except Exception:
                if not loop:
                    raise
                logger.exception("Switch poll failed; retrying in %s s", interval)
                close_old_connections()
            if not loop:
                return
            deadline = time.monotonic() + interval
            while not self.stopping and time.monotonic() < deadline:
                time.sleep(0.2)
            if self.stopping:
                return

    def request_stop(self, signum, frame) -> None:
        self.stopping = True

    def poll(self, grid, overrides) -> None:
        switches = Switch.objects.filter(state=SwitchState.IN_SERVICE).select_related("profile")
        if grid:
            switches = switches.filter(grid__code=grid)
        summary = poll_switches(list(switches), settings_=poll_settings(**overrides))
        self.stdout.write(
            f"switches polled: {summary.polled}, answered: {summary.answered}, "
            f"unreachable: {summary.unreachable}, not stored (see the log): {summary.failed}, "
            f"over threshold: {summary.breached}, "
            f"rectification orders: {summary.orders} "
            f"(SNMP {summary.poll_seconds:.1f} s, storing {summary.store_seconds:.1f} s)"
        )
        self.stdout.flush()
