"""The SLA sweeper: records warnings and breaches exactly once (R-SLA-6). Safe to run several
at once on PostgreSQL (SKIP LOCKED) and on SQLite (IMMEDIATE transactions).

SIGTERM and SIGINT (Ctrl-C) stop the loop within `POLL_SECONDS`, also while it waits between
ticks or before retrying a failed tick; a tick under way ends after its current transaction.
A failed tick, whatever the error, is logged and tried again at the next interval; a deadline
the sweeper cannot record is skipped and reported (`SweepProblem`, R-SLA-6)."""

import logging
import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from fiberops.core.clock import now
from fiberops.core.idempotency import purge_expired
from fiberops.sla.actions import sweep
from fiberops.sla.hooks import TICK_HOOKS

logger = logging.getLogger(__name__)

#: Longest a stop request waits while the clock sleeps between ticks.
POLL_SECONDS = 0.2
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class Command(BaseCommand):
    help = "Run one tick of the SLA clock, or keep ticking with --loop (SIGTERM/Ctrl-C stop it)."

    stopping = False

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="tick until interrupted")
        parser.add_argument("--interval", type=float, default=30.0, help="seconds between ticks")

    def handle(self, *args, loop, interval, **options):
        if not loop:
            self.tick(loop=False)
            return
        self.stopping = False
        previous = {signum: signal.getsignal(signum) for signum in STOP_SIGNALS}
        for signum in STOP_SIGNALS:
            signal.signal(signum, self.request_stop)
        self.stdout.write(f"SLA clock: ticking every {interval:g} s (SIGTERM or Ctrl-C stops it)")
        self.stdout.flush()
        try:
            while not self.stopping:
                try:
                    self.tick(loop=True)
                except Exception:
                    # A locked SQLite file, a dropped connection or a bug in one tick must not
                    # stop the clock for good: log, reconnect, try again at the next interval.
                    logger.exception("SLA clock tick failed; retrying in %s s", interval)
                    self.reconnect()
                self.pause(interval)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def request_stop(self, signum, frame) -> None:
        # Only a flag: the tick under way finishes its transaction, `pause` notices within
        # POLL_SECONDS.
        self.stopping = True

    def reconnect(self) -> None:
        try:
            close_old_connections()
        except Exception:
            logger.exception("SLA clock: closing the broken database connection failed")

    def tick(self, *, loop: bool) -> None:
        started = time.perf_counter()
        current = now()
        result = sweep(current, stop_requested=lambda: self.stopping)
        # The worker also keeps the stored Idempotency-Key answers within their time to live.
        purge_expired(current)
        handled = {name: hook(current) for name, hook in TICK_HOOKS.items()}
        for name, count in handled.items():
            if count:
                self.stdout.write(f"SLA clock: {count} {name}")
        elapsed = time.perf_counter() - started
        if result.warned or result.breached or result.skipped or not loop:
            skipped = (
                f", {result.skipped} skipped (see SLA sweep problems in the admin)"
                if result.skipped
                else ""
            )
            self.stdout.write(
                f"SLA clock: {result.breached} breaches, {result.warned} warnings "
                f"recorded{skipped} in {elapsed:.3f} s"
            )
            self.stdout.flush()

    def pause(self, seconds: float) -> None:
        """Wait `seconds` in short sleeps, so a stop request is noticed within POLL_SECONDS
        (one long `time.sleep` would outlive SIGTERM by up to the whole interval)."""
        resume_at = time.monotonic() + seconds
        try:
            while not self.stopping:
                remaining = resume_at - time.monotonic()
                time.sleep(max(0.0, min(remaining, POLL_SECONDS)))
                if remaining <= POLL_SECONDS:
                    return
        except KeyboardInterrupt:
            self.stopping = True
