"""Benchmark: polling 10,000 switches over SNMP within 5 minutes (R-INS-3, issue 10).

snmpsim serves the recorded switches of `inspections/snmpdata/` on N local agent addresses
(127.1.x.y, one UDP endpoint per switch, each answering the communities `switch-normal` and
`switch-hot`); N switches are stored pointing at them, 1 % over threshold. Then one
`poll_switches` run is timed: the SNMP part (two samples per switch `--sample-seconds` apart,
bounded concurrency) and the storing part (a reading per switch through `record_poll`, with the
breach rule; the hot ones open rectification orders). Figures in docs/benchmarks.md ("Switch
poll"). Like `bench_sla`, the database named by --database-url is emptied first and the command
re-executes itself with DATABASE_URL set to it.

Why one address per switch and not one community per switch: snmpsim (like pysnmp's engine)
looks communities up in a table that grows with their number; at 10,000 communities the agent
answered about 20 requests/s. Real switches have addresses of their own anyway.
"""

import os
import platform
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import django
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from fiberops.bench.management.commands.bench_sla import load_average, prepare_database
from fiberops.inspections import snmp
from fiberops.inspections.switch_actions import poll_settings, poll_switches
from fiberops.inspections.switch_models import SwitchReading
from fiberops.network.models import Switch
from fiberops.workforce.models import Branch, Grid
from fiberops.workorders.models import WorkOrder

DATA = Path(__file__).resolve().parents[3] / "inspections" / "snmpdata"
PORT = 16300
GOAL_SECONDS = 300


def address(index: int) -> str:
    return f"127.1.{index // 250}.{index % 250 + 1}"


class Command(BaseCommand):
    help = "Time one SNMP poll of N switches served by snmpsim. EMPTIES --database-url first."

    def add_arguments(self, parser):
        parser.add_argument("--database-url", default="sqlite:///var/bench-snmp.sqlite3")
        parser.add_argument("--switches", type=int, default=10_000)
        parser.add_argument("--sample-seconds", type=float, default=10.0)
        parser.add_argument("--concurrency", type=int, default=200)
        parser.add_argument("--timeout", type=float, default=5.0)
        parser.add_argument("--retries", type=int, default=2)
        parser.add_argument("--inner", action="store_true", help="internal: run the measurements")

    def handle(self, *args, database_url, inner, **options):
        if not 1 <= options["switches"] <= 60_000:
            raise CommandError("--switches must lie between 1 and 60000.")
        if inner:
            self.measure(**options)
            return
        url = prepare_database(database_url)
        command = [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "bench_snmp_poll",
            "--inner",
            f"--database-url={url}",
            *[
                f"--{name.replace('_', '-')}={options[name]}"
                for name in ("switches", "sample_seconds", "concurrency", "timeout", "retries")
            ],
        ]
        env = {**os.environ, "DATABASE_URL": url, "DEBUG": "false"}
        env.setdefault("SECRET_KEY", "fiberops-benchmark-" + secrets.token_urlsafe(32))
        self.stdout.flush()
        child = subprocess.run(command, env=env, cwd=settings.BASE_DIR, check=False)  # noqa: S603
        if child.returncode:
            raise CommandError(f"benchmark failed (exit status {child.returncode})")

    def measure(self, *, switches, sample_seconds, concurrency, timeout, retries, **options):
        write = self.stdout.write
        db = connection.settings_dict
        write(f"FiberOps switch poll benchmark — {connection.vendor} {db['NAME']}")
        write(
            f"  Python {platform.python_version()}, Django {django.get_version()}, "
            f"{os.cpu_count()} CPUs, {load_average()}"
        )
        call_command("migrate", interactive=False, verbosity=0)
        branch = Branch.objects.create(code="BENCH", name="基准", area_type="urban")
        grid = Grid.objects.create(code="BENCH-01", name="基准网格", branch=branch)
        Switch.objects.bulk_create(
            [
                Switch(
                    code=f"SW{index:05d}",
                    grid=grid,
                    management_address=address(index),
                    snmp_port=PORT,
                    snmp_community="switch-hot" if index % 100 == 0 else "switch-normal",
                )
                for index in range(switches)
            ],
            batch_size=2000,
        )
        root = Path(tempfile.mkdtemp(prefix="fiberops-bench-snmp-"))
        root.chmod(0o755)
        agent = self.start_agent(root, switches)
        try:
            self.wait(agent, switches)
            self.poll(switches, sample_seconds, concurrency, timeout, retries)
        finally:
            agent.terminate()
            agent.wait(timeout=30)
            shutil.rmtree(root, ignore_errors=True)

    def start_agent(self, root: Path, switches: int) -> subprocess.Popen:
        data = root / "data"
        shutil.copytree(DATA, data)
        (root / "cache").mkdir(mode=0o777)
        (root / "cache").chmod(0o777)
        endpoints = [f"--agent-udpv4-endpoint={address(i)}:{PORT}" for i in range(switches)]
        self.started = time.perf_counter()
        return subprocess.Popen(  # noqa: S603 - our interpreter, our module, fixed arguments
            [
                sys.executable,
                "-m",
                "fiberops.inspections.snmp_agent",
                f"--data-dir={data}",
                f"--cache-dir={root / 'cache'}",
                "--logging-method=null",
                *endpoints,
            ],
            stdout=subprocess.DEVNULL,
        )

    def wait(self, agent: subprocess.Popen, switches: int) -> None:
        last = snmp.Target(0, address(switches - 1), PORT, "switch-normal", 1)
        quick = snmp.PollSettings(interval_s=0.01, timeout_s=0.5, retries=0)
        while not snmp.poll_targets([last], quick)[0].answered:
            if agent.poll() is not None:
                raise CommandError("snmpsim stopped")
            time.sleep(0.5)
        self.line(
            "snmpsim ready", f"{time.perf_counter() - self.started:.1f} s ({switches:,} agents)"
        )

    def poll(self, switches, sample_seconds, concurrency, timeout, retries) -> None:
        started = time.perf_counter()
        summary = poll_switches(
            list(Switch.objects.select_related("profile")),
            settings_=poll_settings(
                interval_s=sample_seconds,
                timeout_s=timeout,
                retries=retries,
                concurrency=concurrency,
            ),
        )
        total = time.perf_counter() - started
        self.line("switches polled / answered", f"{summary.polled:,} / {summary.answered:,}")
        self.line("unreachable", f"{summary.unreachable:,}")
        self.line("over threshold / orders opened", f"{summary.breached:,} / {summary.orders:,}")
        self.line(
            "SNMP (2 GETs each, sample interval)",
            f"{summary.poll_seconds:.1f} s ({2 * summary.answered / summary.poll_seconds:,.0f} "
            f"requests/s, {sample_seconds:g} s interval, {concurrency} in flight)",
        )
        self.line("storing readings + breach rule", f"{summary.store_seconds:.1f} s")
        self.line(
            "total",
            f"{total:.1f} s — goal {switches:,} in {GOAL_SECONDS} s: "
            f"{'MET' if total <= GOAL_SECONDS and summary.answered == switches else 'MISSED'}",
        )
        self.line("readings stored", f"{SwitchReading.objects.count():,}")
        self.line("rectification orders", f"{WorkOrder.objects.count():,}")

    def line(self, label: str, value: str) -> None:
        self.stdout.write(f"  {label:<38} {value}")
        self.stdout.flush()
