"""`run_sla_clock --loop` stops at once on SIGTERM and Ctrl-C, also while it waits between ticks
or before retrying a failed one (`make demo` must not leave it running as an orphan)."""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings

MANAGE = Path(settings.BASE_DIR) / "manage.py"
#: A stopped clock must be gone within this many seconds (it polls every 0.2 s).
STOP_WITHIN_SECONDS = 3.0


@pytest.fixture
def manage():
    """Start `manage.py *args` in a child process on its own SQLite file (this process's test
    database is invisible to a child); children still running at the end are killed."""
    children: list[subprocess.Popen] = []

    def start(database: Path, *args: str, script: str | None = None) -> subprocess.Popen:
        """`manage.py *args`, or with `script` that Python code (`python -c script *args`)."""
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "PYTHONUNBUFFERED": "1"}
        program = ["-c", script] if script else [str(MANAGE)]
        child = subprocess.Popen(  # noqa: S603 - our own manage.py or script, fixed arguments
            [sys.executable, *program, *args],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        children.append(child)
        return child

    yield start
    for child in children:
        if child.poll() is None:
            child.kill()
        child.communicate()


def wait_for_line(stream, text: str, timeout: float = 60.0, times: int = 1) -> None:
    """Read `stream` until `times` lines contain `text` (the child has reached that point);
    fails at once if the child closes the stream first (it has exited)."""
    done = threading.Event()
    seen = []

    def read() -> None:
        for line in stream:
            if text in line:
                seen.append(line)
                if len(seen) == times:
                    break
        done.set()

    threading.Thread(target=read, daemon=True).start()
    done.wait(timeout)
    assert len(seen) == times, f"the clock printed {text!r} {len(seen)} times, not {times}"


def stop_and_time(process: subprocess.Popen, signum: int) -> float:
    """Send `signum` and return the seconds until the process has exited (10 s at most)."""
    sent_at = time.monotonic()
    process.send_signal(signum)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)
    return time.monotonic() - sent_at


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_r_sla_6_looping_clock_stops_within_seconds_while_waiting_between_ticks(
    manage, tmp_path, signum
):
    database = tmp_path / "clock.sqlite3"
    migrate = manage(database, "migrate", "--noinput")
    assert migrate.wait(timeout=120) == 0, migrate.communicate()[1]
    clock = manage(database, "run_sla_clock", "--loop", "--interval", "30")
    wait_for_line(clock.stdout, "ticking every 30 s")
    time.sleep(1.0)  # the first tick on an empty database is over; the clock is waiting 30 s

    assert stop_and_time(clock, signum) < STOP_WITHIN_SECONDS
    assert clock.returncode == 0


def test_r_sla_6_looping_clock_stops_within_seconds_while_waiting_to_retry_a_failed_tick(
    manage, tmp_path
):
    # No migrations: every tick fails ("no such table") and the clock waits 30 s to retry.
    clock = manage(tmp_path / "empty.sqlite3", "run_sla_clock", "--loop", "--interval", "30")
    wait_for_line(clock.stderr, "SLA clock tick failed; retrying in 30.0 s")

    assert stop_and_time(clock, signal.SIGTERM) < STOP_WITHIN_SECONDS
    assert clock.returncode == 0


#: A clock whose every tick fails with an error that is no DatabaseError (as a malformed stored
#: time did: ValueError): each tick prints "tick started", sleeps argv[1] seconds and raises.
FAILING_CLOCK = """
import os, sys, time
import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fiberops.settings")
django.setup()
from django.core.management import call_command
from fiberops.sla.management.commands import run_sla_clock

def failing_sweep(now, **options):
    print("tick started", flush=True)
    time.sleep(float(sys.argv[1]))
    raise ValueError("hour must be in 0..23")

run_sla_clock.sweep = failing_sweep
call_command("run_sla_clock", "--loop", "--interval", sys.argv[2])
"""


def test_r_sla_6_looping_clock_survives_unexpected_errors_and_stops_within_seconds(
    manage, tmp_path
):
    clock = manage(tmp_path / "clock.sqlite3", "0", "0.5", script=FAILING_CLOCK)
    # It keeps ticking after each failure (the tick's error is logged with its traceback).
    wait_for_line(clock.stderr, "SLA clock tick failed; retrying in 0.5 s", times=3)

    assert stop_and_time(clock, signal.SIGTERM) < STOP_WITHIN_SECONDS
    assert clock.returncode == 0


def test_r_sla_6_sigterm_during_a_failing_tick_stops_the_clock_after_that_tick(manage, tmp_path):
    tick_seconds = 2.0
    clock = manage(tmp_path / "clock.sqlite3", str(tick_seconds), "30", script=FAILING_CLOCK)
    wait_for_line(clock.stdout, "tick started")

    assert stop_and_time(clock, signal.SIGTERM) < tick_seconds + STOP_WITHIN_SECONDS
    assert clock.returncode == 0
    assert "tick started" not in clock.stdout.read()  # no retry after the stop request
