"""Benchmark: BSS intake over HTTP against the production server (gunicorn, DEBUG off) on
PostgreSQL, beside a bare Django view doing the same write without DRF.

`make bench` runs it; the figures and what they mean are in docs/benchmarks.md, "Intake over
HTTP (production server)".

The database named by --database-url is emptied first (dropped and created again, by bench_sla's
`prepare_database`). Settings read DATABASE_URL at import time, so the command re-executes itself
in a child process with DATABASE_URL set to that URL and the internal flag --inner. The child
migrates, creates the reference data and the integration account's token, then for each worker
count starts gunicorn with the project's gunicorn.conf.py and the benchmark's settings module
(`fiberops.bench.settings`: production settings plus /bench/intake/), POSTs the orders from
client threads and stops the server with SIGTERM.
"""

import dataclasses
import datetime as dt
import http.client
import io
import itertools
import json
import multiprocessing
import os
import platform
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import dj_database_url
import django
import rest_framework
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from fiberops.bench.management.commands.bench_sla import load_average, prepare_database, verdict
from fiberops.core.clock import SHANGHAI
from fiberops.network.models import SplitterBox, SplitterPort
from fiberops.workforce.models import Branch, Grid, Team, Technician
from fiberops.workorders.models import WorkOrder

GRID = "HTTP-01"
PORTS_PER_BOX = 64
INTEGRATION_USER = "bench-bss"
API_PATH = "/api/v1/work-orders/"
BARE_PATH = "/bench/intake/"
#: The aim of issue 6 ("Serving like production"), on the 2-core machine of docs/benchmarks.md.
TARGET_PER_S = 200.0
#: gunicorn.conf.py's own default for WEB_CONCURRENCY.
DEFAULT_WORKERS = multiprocessing.cpu_count() * 2 + 1
POSTGRES_ENGINES = {"django.db.backends.postgresql", "django.db.backends.postgresql_psycopg2"}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class Command(BaseCommand):
    help = (
        "Measure BSS intake over HTTP (gunicorn, DEBUG off, PostgreSQL): the DRF API beside a "
        "bare Django view doing the same write. EMPTIES the database named by --database-url."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--database-url",
            required=True,
            help="PostgreSQL database to benchmark, e.g. "
            "postgres://postgres@127.0.0.1:5432/fiberops_bench_http (it is dropped and created!)",
        )
        parser.add_argument("--orders", type=int, default=2000, help="orders POSTed per endpoint")
        parser.add_argument(
            "--concurrency", type=int, default=8, help="client threads sending at once"
        )
        parser.add_argument(
            "--rounds",
            type=int,
            default=4,
            help="the orders of each endpoint are sent in this many rounds, alternating API and "
            "bare view, so both see the same background load",
        )
        parser.add_argument(
            "--workers",
            type=int,
            nargs="+",
            default=[DEFAULT_WORKERS],
            help="gunicorn worker counts (WEB_CONCURRENCY) to measure in turn; default "
            f"{DEFAULT_WORKERS}, as gunicorn.conf.py computes (2 × CPUs + 1)",
        )
        parser.add_argument(
            "--synchronous-commit-off",
            action="store_true",
            help="VARIATION, not production: ALTER DATABASE … SET synchronous_commit = off for "
            "the benchmark database, to show what the commit's WAL flush costs",
        )
        parser.add_argument("--inner", action="store_true", help="internal: run the measurements")

    def handle(self, *args, database_url, orders, concurrency, rounds, workers, inner, **options):
        if min(orders, concurrency, rounds, *workers) < 1:
            raise CommandError("--orders, --concurrency, --rounds and --workers must be ≥ 1.")
        if dj_database_url.parse(database_url)["ENGINE"] not in POSTGRES_ENGINES:
            raise CommandError("This benchmark runs on PostgreSQL: give a postgres:// URL.")
        if inner:
            # Only ever measure the database this child was started for, never the default one.
            wanted = dj_database_url.parse(database_url)
            if wanted["NAME"] != connection.settings_dict["NAME"]:
                raise CommandError("--inner is internal: run without it.")
            HttpBench(self.stdout.write, database_url).run(
                orders=orders,
                concurrency=concurrency,
                rounds=rounds,
                worker_counts=workers,
                synchronous_commit_off=options["synchronous_commit_off"],
            )
            return
        url = prepare_database(database_url)
        command = [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "bench_intake_http",
            "--inner",
            "--database-url",
            url,
            f"--orders={orders}",
            f"--concurrency={concurrency}",
            f"--rounds={rounds}",
            "--workers",
            *[str(count) for count in workers],
        ]
        if options["synchronous_commit_off"]:
            command.append("--synchronous-commit-off")
        # The child sets up and counts through the ORM with DEBUG off (DEBUG keeps every SQL
        # statement in memory); the server it starts never sees DEBUG at all.
        env = {**os.environ, "DATABASE_URL": url, "DEBUG": "false"}
        env.setdefault("SECRET_KEY", "fiberops-benchmark-" + secrets.token_urlsafe(32))
        self.stdout.flush()
        signal.signal(signal.SIGTERM, _terminate)  # Python's default would end without cleanup
        # This very command, run by the current interpreter; the URL is passed as one argument.
        child = subprocess.Popen(command, env=env, cwd=settings.BASE_DIR)  # noqa: S603
        try:
            returncode = child.wait()
        except BaseException:
            # Ctrl-C reaches the child too; a TERM to this process is passed on, so the child
            # stops its gunicorn before it ends.
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
                try:
                    child.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    child.kill()
            raise
        if returncode:
            raise CommandError(f"benchmark failed (exit status {returncode})")


def _terminate(signum, frame):
    """SIGTERM as an exception, so that `finally` stops the server (and the child)."""
    raise SystemExit(128 + signum)


# --- measurements (child process) -------------------------------------------------------------


@dataclasses.dataclass
class Sample:
    status: int
    seconds: float
    body: bytes


@dataclasses.dataclass
class Run:
    """One endpoint's measured POSTs."""

    label: str
    path: str
    samples: list[Sample]
    seconds: float
    cpu: dict[str, float]

    @property
    def rate(self) -> float:
        return len(self.samples) / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> list[Sample]:
        return [sample for sample in self.samples if sample.status != 201]

    def percentile(self, p: int) -> float:
        cuts = statistics.quantiles([s.seconds for s in self.samples], n=100, method="inclusive")
        return cuts[p - 1]

    @property
    def mean(self) -> float:
        return statistics.fmean(s.seconds for s in self.samples)

    def cpu_ms(self, key: str) -> float:
        """CPU milliseconds per order of one kind of process (see `cpu_jiffies`)."""
        return self.cpu[key] / CLOCK_TICKS / len(self.samples) * 1000


def cpu_jiffies(server_pid: int, database: str) -> dict[str, float]:
    """CPU time (in clock ticks) used so far by the gunicorn master and workers, PostgreSQL
    (its background processes and the backends of `database`; backends of other databases are
    someone else's work), this process (the client), and the whole machine."""
    used = {"server": 0.0, "postgresql": 0.0, "client": 0.0}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                text = stat.read()
            pid = int(entry.name)
            name = text[text.index("(") + 1 : text.rindex(")")]
            fields = text[text.rindex(")") + 2 :].split()
            ppid, ticks = int(fields[1]), float(fields[11]) + float(fields[12])  # utime + stime
            if pid == server_pid or ppid == server_pid:
                used["server"] += ticks
            elif pid == os.getpid():
                used["client"] += ticks
            elif name == "postgres" and not _other_database_backend(pid, database):
                used["postgresql"] += ticks
        except (OSError, ValueError, IndexError):
            continue  # ended meanwhile, or not ours to read
    with open("/proc/stat") as stat:
        values = [float(v) for v in stat.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    used["machine_total"] = sum(values[:8])
    used["machine_busy"] = sum(values[:8]) - idle
    return used


def _other_database_backend(pid: int, database: str) -> bool:
    """A backend's title is `postgres: [cluster: ]user database host(port) state` (Debian puts
    the cluster name, `15/main:`, first); background processes (`walwriter`, `checkpointer`, …)
    have no host word."""
    with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
        words = cmdline.read().replace(b"\0", b" ").decode(errors="replace").split()
    for index, word in enumerate(words[2:], start=2):
        if word == "[local]" or (word.endswith(")") and "(" in word):
            return words[index - 1] != database
    return False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class HttpBench:
    def __init__(self, write, database_url: str):
        self.write = write
        self.database_url = database_url
        self.serials = itertools.count(1)
        self.built = 0  # request bodies made, each sent once
        self.results: list[tuple[int, Run, Run]] = []

    def line(self, label: str, value: str) -> None:
        self.write(f"  {label:<36} {value}")

    def run(
        self,
        *,
        orders: int,
        concurrency: int,
        rounds: int,
        worker_counts: Sequence[int],
        synchronous_commit_off: bool,
    ) -> None:
        signal.signal(signal.SIGTERM, _terminate)
        self.write(f"FiberOps HTTP intake benchmark — {self.describe_database()}")
        self.write(
            f"  Python {platform.python_version()}, Django {django.get_version()}, "
            f"DRF {rest_framework.__version__}, {os.cpu_count()} CPUs, {load_average()}"
        )
        self.write(f"  code {self.code_version()}")
        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        self.line("migrate (empty database)", f"{time.perf_counter() - started:.1f} s")
        warm_up = max(20, 10 * max(worker_counts))
        serials_needed = len(worker_counts) * 2 * (warm_up + orders)
        token = self.reference_data(serials_needed)
        if synchronous_commit_off:
            self.set_synchronous_commit_off()
        self.line("synchronous_commit", self.show("synchronous_commit"))
        self.line(
            "client",
            f"{concurrency} threads in this process, http.client, one connection per request",
        )
        for workers in worker_counts:
            self.measure(
                workers=workers,
                orders=orders,
                rounds=rounds,
                warm_up=warm_up,
                concurrency=concurrency,
                token=token,
            )
        self.summary(concurrency, synchronous_commit_off)

    def describe_database(self) -> str:
        version = connection.pg_version  # type: ignore[attr-defined]
        major, minor = divmod(version, 10000)
        db = connection.settings_dict
        return f"PostgreSQL {major}.{minor} at {db['HOST']}:{db['PORT']}/{db['NAME']}"

    def show(self, name: str) -> str:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting(%s)", [name])
            return str(cursor.fetchone()[0])

    @staticmethod
    def code_version() -> str:
        # git describes the code the server runs: the commit, "-dirty" with uncommitted work.
        try:
            found = subprocess.run(
                ["git", "describe", "--always", "--dirty"],  # noqa: S607 - git from PATH
                cwd=settings.BASE_DIR,
                capture_output=True,
                text=True,
                check=False,
            )
        except OSError:
            return "unknown"
        return found.stdout.strip() or "unknown"

    def set_synchronous_commit_off(self) -> None:
        name = connection.ops.quote_name(str(connection.settings_dict["NAME"]))
        with connection.cursor() as cursor:
            # The name is the benchmark database's own, quoted; ALTER DATABASE takes no parameter.
            cursor.execute(f"ALTER DATABASE {name} SET synchronous_commit = off")
            cursor.execute("SET synchronous_commit = off")  # this session too, for SHOW
        self.write("  VARIATION: synchronous_commit = off for this database (not production)")

    # -- reference data --

    def reference_data(self, serials: int) -> str:
        """One grid, one splitter port per order serial (a port holds one live service), one
        technician, and the integration account's token (as docs/deploy.md creates it)."""
        branch = Branch.objects.create(code="HTTP", name="基准分公司", area_type="urban")
        grid = Grid.objects.create(code=GRID, name="基准网格", branch=branch)
        team = Team.objects.create(code="T-HTTP-01", name="基准一班", grid=grid)
        Technician.objects.create(
            staff_no="H0001", name="技术员H0001", team=team, certified_until=dt.date(2030, 12, 31)
        )
        boxes = SplitterBox.objects.bulk_create(
            [
                SplitterBox(code=self.box_code(n), grid=grid, port_count=PORTS_PER_BOX)
                for n in range(serials // PORTS_PER_BOX + 1)
            ]
        )
        SplitterPort.objects.bulk_create(
            [
                SplitterPort(box=box, number=number)
                for box in boxes
                for number in range(1, PORTS_PER_BOX + 1)
            ],
            batch_size=5000,
        )
        out = io.StringIO()
        call_command("create_api_token", INTEGRATION_USER, create_integration=True, stdout=out)
        self.line(
            "reference data",
            f"1 grid, {len(boxes)} splitter boxes, {len(boxes) * PORTS_PER_BOX:,} ports, "
            f"integration account {INTEGRATION_USER!r} with a token",
        )
        return out.getvalue().strip()

    @staticmethod
    def box_code(index: int) -> str:
        return f"HTTP-FX-{index:05d}"

    def payload(self, prefix: str, accepted_at: str) -> bytes:
        """Install with its own splitter port, fault repair and survey orders, in turn; each
        with a new customer (the same mix as bench_sla)."""
        serial = next(self.serials)
        self.built += 1
        body: dict[str, Any] = {
            "bss_order_no": f"{prefix}{serial:08d}",
            "accepted_at": accepted_at,
            "grid": GRID,
            "customer": {
                "name": "张三",
                "phone": f"139{serial:08d}",
                "address": f"成都市武侯区红牌楼街道佳灵路{serial}号2栋1单元502",
                "lat": "30.627100",
                "lng": "104.036200",
            },
        }
        kind = serial % 3
        if kind == 0:
            body.update(
                order_type="install",
                plan_mbps=1000,
                resource={
                    "splitter_box": self.box_code(serial // PORTS_PER_BOX),
                    "port": serial % PORTS_PER_BOX + 1,
                },
                description="新装1000M宽带",
            )
        elif kind == 1:
            body.update(order_type="fault", description="光猫LOS灯红，无法上网")
        else:
            body.update(order_type="survey", description="新装前勘察")
        return json.dumps(body, ensure_ascii=False).encode()

    # -- the server --

    def start_server(self, workers: int, log) -> tuple[subprocess.Popen, int]:
        port = free_port()
        env = {
            key: value
            for key, value in os.environ.items()
            # As production: no DEBUG, plain HTTP on the loopback; the benchmark's settings.
            if key not in {"DEBUG", "HTTPS", "DJANGO_SETTINGS_MODULE", "LOG_FORMAT"}
        }
        env.update(
            DJANGO_SETTINGS_MODULE="fiberops.bench.settings",
            DATABASE_URL=self.database_url,
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="127.0.0.1",
            BIND=f"127.0.0.1:{port}",
            WEB_CONCURRENCY=str(workers),
            ACCESS_LOG="0",  # one log line per request would be measured too
        )
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            str(Path(settings.BASE_DIR) / "gunicorn.conf.py"),
            "fiberops.wsgi",
        ]
        # Fixed arguments and this interpreter; its own session, so a Ctrl-C reaches this process
        # only, which then stops the server with SIGTERM as production would.
        server = subprocess.Popen(  # noqa: S603
            command,
            env=env,
            cwd=settings.BASE_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return server, port

    def wait_healthy(self, server: subprocess.Popen, port: int, log) -> float:
        started = time.perf_counter()
        deadline = started + 60
        while time.perf_counter() < deadline:
            if server.poll() is not None:
                raise CommandError(f"gunicorn ended ({server.returncode}):\n{self.tail(log)}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/healthz")
                response = conn.getresponse()
                response.read()
                conn.close()
                if response.status == 200:
                    return time.perf_counter() - started
            except OSError:
                pass
            time.sleep(0.1)
        raise CommandError(f"/healthz did not answer 200 within 60 s:\n{self.tail(log)}")

    @staticmethod
    def tail(log) -> str:
        log.flush()
        with open(log.name, encoding="utf-8", errors="replace") as text:
            return "".join(text.readlines()[-30:])

    @staticmethod
    def stop_server(server: subprocess.Popen) -> float:
        # A second TERM or Ctrl-C must not interrupt the stop and leave the server running.
        previous = (
            signal.signal(signal.SIGTERM, signal.SIG_IGN),
            signal.signal(signal.SIGINT, signal.SIG_IGN),
        )
        started = time.perf_counter()
        try:
            if server.poll() is None:
                server.send_signal(signal.SIGTERM)
                try:
                    server.wait(timeout=30)  # graceful_timeout is 20 s
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
        finally:
            signal.signal(signal.SIGTERM, previous[0])
            signal.signal(signal.SIGINT, previous[1])
        return time.perf_counter() - started

    # -- the client --

    def post_all(
        self, port: int, path: str, bodies: Sequence[bytes], token: str, concurrency: int
    ) -> tuple[list[Sample], float]:
        """POST every body from `concurrency` threads, one connection per request (gunicorn's
        sync workers close each connection after the answer)."""
        samples: list[Sample | None] = [None] * len(bodies)
        claim = threading.Lock()
        indexes = iter(range(len(bodies)))
        headers = {
            "Authorization": f"Token {token}",
            "Content-Type": "application/json",
            "Connection": "close",
        }

        def send() -> None:
            while True:
                with claim:
                    index = next(indexes, None)
                if index is None:
                    return
                started = time.perf_counter()
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                    conn.request("POST", path, body=bodies[index], headers=headers)
                    response = conn.getresponse()
                    answer = response.read()
                    conn.close()
                    status = response.status
                except OSError as error:
                    status, answer = 0, repr(error).encode()
                samples[index] = Sample(
                    status, time.perf_counter() - started, b"" if status == 201 else answer[:300]
                )

        threads = [threading.Thread(target=send, daemon=True) for _ in range(concurrency)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
        done = [sample for sample in samples if sample is not None]
        if len(done) != len(bodies):
            raise CommandError(f"{len(bodies) - len(done)} requests never ran")
        return done, seconds

    def timed(
        self,
        run: Run,
        port: int,
        bodies: Sequence[bytes],
        *,
        token: str,
        concurrency: int,
        server_pid: int,
    ) -> None:
        """POST `bodies` to `run.path` and add the samples, time and CPU to `run`."""
        database = str(connection.settings_dict["NAME"])
        before = cpu_jiffies(server_pid, database)
        samples, seconds = self.post_all(port, run.path, bodies, token, concurrency)
        after = cpu_jiffies(server_pid, database)
        run.samples += samples
        run.seconds += seconds
        for key in before:
            run.cpu[key] = run.cpu.get(key, 0.0) + after[key] - before[key]

    # -- one server --

    def measure(
        self, *, workers: int, orders: int, rounds: int, warm_up: int, concurrency: int, token: str
    ) -> None:
        accepted_at = (timezone.now() - dt.timedelta(minutes=10)).astimezone(SHANGHAI).isoformat()
        warm_api = [self.payload("WAPI", accepted_at) for _ in range(warm_up)]
        warm_bare = [self.payload("WBARE", accepted_at) for _ in range(warm_up)]
        api_bodies = [self.payload(f"API{workers}W", accepted_at) for _ in range(orders)]
        bare_bodies = [self.payload(f"BARE{workers}W", accepted_at) for _ in range(orders)]
        self.write(
            f"\ngunicorn, {workers} sync workers (WEB_CONCURRENCY), {concurrency} client "
            f"thread{'s' if concurrency > 1 else ''}, "
            f"{orders:,} orders per endpoint in {rounds} alternating rounds"
        )
        log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed in the finally below
            "w+b", prefix="bench-gunicorn-", suffix=".log", delete=False
        )
        server, port = self.start_server(workers, log)
        try:
            ready = self.wait_healthy(server, port, log)
            self.line("start until /healthz 200", f"{ready:.1f} s (127.0.0.1:{port})")
            for path, bodies in ((API_PATH, warm_api), (BARE_PATH, warm_bare)):
                samples, _ = self.post_all(port, path, bodies, token, concurrency)
                self.check(path, samples, log)
            self.line("warm-up (not timed)", f"{warm_up} orders to each endpoint")

            api = Run("API (DRF)", API_PATH, [], 0.0, {})
            bare = Run("bare Django view", BARE_PATH, [], 0.0, {})
            # The machine may be shared: rounds in the order API, bare, bare, API, API, … let
            # both endpoints see the same background load.
            size = -(-orders // rounds)
            for index, start in enumerate(range(0, orders, size)):
                pair = [(api, api_bodies), (bare, bare_bodies)]
                for run, bodies in pair if index % 2 == 0 else reversed(pair):
                    self.timed(
                        run,
                        port,
                        bodies[start : start + size],
                        token=token,
                        concurrency=concurrency,
                        server_pid=server.pid,
                    )
                    self.check(run.path, run.samples, log)
        finally:
            stopped = self.stop_server(server)
            log.close()
            os.unlink(log.name)  # a failure's message carries the log's tail already
        self.line("stop (SIGTERM)", f"{stopped:.1f} s, exit status {server.returncode}")
        self.report(api, bare)
        self.verify({f"API{workers}W": orders, f"BARE{workers}W": orders})
        self.results.append((workers, api, bare))

    def check(self, path: str, samples: Sequence[Sample], log) -> None:
        errors = [sample for sample in samples if sample.status != 201]
        if errors:
            first = errors[0]
            raise CommandError(
                f"{len(errors)} of {len(samples)} POSTs to {path} did not answer 201; first: "
                f"HTTP {first.status} {first.body!r}\nserver log:\n{self.tail(log)}"
            )

    def verify(self, expected: dict[str, int]) -> None:
        """Every POST answered 201 (checked above); the database holds exactly what was sent:
        the measured orders of each endpoint, and in all every body made so far (warm-ups too)."""
        for prefix, count in expected.items():
            found = WorkOrder.objects.filter(bss_order_no__startswith=prefix).count()
            if found != count:
                raise CommandError(f"{found} orders {prefix}… in the database, {count} sent")
        total = WorkOrder.objects.count()
        if total != self.built:
            raise CommandError(f"{total} orders in the database, {self.built} sent")
        self.line("database check", f"{total:,} orders = {self.built:,} sent, every answer 201")

    def report(self, api: Run, bare: Run) -> None:
        self.write(
            f"  {'endpoint (latency in ms)':<34} {'orders/s':>8} {'mean':>6} {'p50':>6}"
            f" {'p95':>6} {'p99':>6} {'errors':>6}"
        )
        for run in (api, bare):
            self.write(
                f"  {run.label + ' ' + run.path:<34} {run.rate:>8.1f} {run.mean * 1000:>6.1f}"
                f" {run.percentile(50) * 1000:>6.1f} {run.percentile(95) * 1000:>6.1f}"
                f" {run.percentile(99) * 1000:>6.1f} {len(run.errors):>6}"
            )
        cpus = os.cpu_count() or 1
        self.write(
            f"  {'CPU ms per order':<34} {'server':>8} {'PgSQL':>6} {'client':>6} {'= ours':>6}"
            f" {'others':>6}  machine busy; CPU-bound ceiling on an idle machine"
        )
        for run in (api, bare):
            ours = run.cpu_ms("server") + run.cpu_ms("postgresql") + run.cpu_ms("client")
            others = run.cpu_ms("machine_busy") - ours
            self.write(
                f"  {run.label:<34} {run.cpu_ms('server'):>8.1f} {run.cpu_ms('postgresql'):>6.1f}"
                f" {run.cpu_ms('client'):>6.1f} {ours:>6.1f} {others:>6.1f}"
                f"  {run.cpu['machine_busy'] / run.cpu['machine_total'] * 100:.0f} %;"
                f" {cpus} × 1000 / {ours:.1f} ≈ {cpus * 1000 / ours:.0f} orders/s"
            )
        share = 1 - api.rate / bare.rate if bare.rate else 0.0
        self.line(
            "framework's share (throughput)",
            f"{share * 100:.0f} % = (1/{api.rate:.0f} − 1/{bare.rate:.0f}) / (1/{api.rate:.0f})",
        )
        api_server, bare_server = api.cpu_ms("server"), bare.cpu_ms("server")
        self.line(
            "framework's share (server CPU)",
            f"{(1 - bare_server / api_server) * 100:.0f} % = "
            f"({api_server:.1f} − {bare_server:.1f}) / {api_server:.1f} ms per order",
        )

    def summary(self, concurrency: int, synchronous_commit_off: bool) -> None:
        self.write(f"\nSummary ({load_average()})")
        for workers, api, bare in self.results:
            self.line(
                f"{workers} workers, {concurrency} clients",
                f"API {api.rate:.0f} orders/s, bare view {bare.rate:.0f} orders/s",
            )
        best = max(api.rate for _, api, _ in self.results)
        variation = " (VARIATION: synchronous_commit off)" if synchronous_commit_off else ""
        self.line(
            "API over HTTP ≥ 200 orders/s",
            f"{best:.0f} orders/s → {verdict(best >= TARGET_PER_S)}{variation}",
        )
