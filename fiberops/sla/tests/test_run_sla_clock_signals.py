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

    def start(database: Path, *args: str) -> subprocess.Popen:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "PYTHONUNBUFFERED": "1"}
        child = subprocess.Popen(  # noqa: S603 - our own manage.py with fixed arguments
            [sys.executable, str(MANAGE), *args],
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


def wait_for_line(stream, text: str, timeout: float = 60.0) -> None:
    """Read `stream` until a line contains `text` (the child has reached that point)."""
    found = threading.Event()

    def read() -> None:
        for line in stream:
            if text in line:
                found.set()
                return

    threading.Thread(target=read, daemon=True).start()
    assert found.wait(timeout), f"the clock never printed {text!r}"


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
