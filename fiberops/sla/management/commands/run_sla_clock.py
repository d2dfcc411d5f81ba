"""The SLA sweeper: records warnings and breaches exactly once (R-SLA-6). Safe to run several
at once on PostgreSQL (SKIP LOCKED) and on SQLite (IMMEDIATE transactions)."""

import logging
import signal
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from fiberops.core.clock import now
from fiberops.sla.actions import sweep

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run one tick of the SLA clock, or keep ticking with --loop."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="tick until interrupted")
        parser.add_argument("--interval", type=float, default=30.0, help="seconds between ticks")

    def handle(self, *args, loop, interval, **options):
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        while True:
            started = time.perf_counter()
            try:
                result = sweep(now())
            except DatabaseError:
                if not loop:
                    raise
                # A locked SQLite file or a dropped connection must not stop the clock for good.
                logger.exception("SLA clock tick failed; retrying in %s s", interval)
                close_old_connections()
                time.sleep(interval)
                continue
            elapsed = time.perf_counter() - started
            if result.warned or result.breached or not loop:
                self.stdout.write(
                    f"SLA clock: {result.breached} breaches, {result.warned} warnings "
                    f"recorded in {elapsed:.3f} s"
                )
            if not loop or stopping:
                return
            try:
                time.sleep(interval)
            except KeyboardInterrupt:
                return
