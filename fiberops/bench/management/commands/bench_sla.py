"""Benchmark: BSS intake throughput and one SLA sweeper tick over 1,000,000 open deadlines.

`make bench` runs it on a throw-away SQLite file and a throw-away PostgreSQL database; the figures
and what they mean are in docs/benchmarks.md.

The database named by --database-url is emptied first (SQLite: the file is deleted; PostgreSQL:
the database is dropped and created again) and migrated. Settings read DATABASE_URL at import
time, so the command re-executes itself in a child process with DATABASE_URL set to that URL and
the internal flag --inner; the child does the measuring.
"""

import datetime as dt
import functools
import itertools
import math
import os
import platform
import secrets
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

import dj_database_url
import django
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from fiberops.accounts.choices import Role
from fiberops.accounts.models import User
from fiberops.core.clock import SHANGHAI
from fiberops.network.models import SplitterBox, SplitterPort
from fiberops.sla.actions import claim_query, sweep
from fiberops.sla.choices import DeadlineKind
from fiberops.sla.models import Deadline
from fiberops.workforce.models import Branch, Grid, Team, Technician
from fiberops.workorders.models import WorkOrder

GRID = "BENCH-01"
BOX = "BENCH-FX-{:03d}"  # one box per PORTS installs: a port holds one live service
PORTS = 64
WARM_UP = 10
#: Targets from the spec (docs/benchmarks.md).
INTAKE_TARGET_PER_S = 200.0
TICK_TARGET_S = 0.5


class Command(BaseCommand):
    help = (
        "Measure BSS intake throughput and one SLA sweeper tick over a large deadline table. "
        "EMPTIES the database named by --database-url first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--database-url",
            required=True,
            help="database to benchmark, e.g. sqlite:///var/bench.sqlite3 or "
            "postgres://postgres@127.0.0.1:5432/fiberops_bench (it is emptied!)",
        )
        parser.add_argument("--orders", type=int, default=2000, help="orders POSTed to intake")
        parser.add_argument(
            "--deadlines", type=int, default=1_000_000, help="open deadlines bulk-loaded"
        )
        parser.add_argument("--due", type=int, default=1000, help="of those, already past due")
        parser.add_argument("--inner", action="store_true", help="internal: run the measurements")

    def handle(self, *args, database_url, orders, deadlines, due, inner, **options):
        if min(orders, deadlines, due) < 0 or due > deadlines:
            raise CommandError(
                "--orders, --deadlines and --due must be ≥ 0 and --due ≤ --deadlines."
            )
        if inner:
            # Only ever measure the database this child was started for, never the default one.
            wanted = dj_database_url.parse(database_url)
            if wanted["NAME"] != connection.settings_dict["NAME"]:
                raise CommandError("--inner is internal: run without it.")
            Bench(self.stdout.write).run(orders=orders, deadlines=deadlines, due=due)
            return
        url = prepare_database(database_url)
        command = [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "bench_sla",
            "--inner",
            "--database-url",
            url,
            f"--orders={orders}",
            f"--deadlines={deadlines}",
            f"--due={due}",
        ]
        # DEBUG off as in production: DEBUG keeps every SQL statement in memory.
        env = {**os.environ, "DATABASE_URL": url, "DEBUG": "false"}
        # Without DEBUG, settings refuse the development SECRET_KEY; nothing is signed here.
        env.setdefault("SECRET_KEY", "fiberops-benchmark-" + secrets.token_urlsafe(32))
        self.stdout.flush()
        # The child is this very command run by the current interpreter; no shell, no user input
        # beyond the database URL, which is passed as one argument.
        child = subprocess.run(command, env=env, cwd=settings.BASE_DIR, check=False)  # noqa: S603
        if child.returncode:
            raise CommandError(f"benchmark failed (exit status {child.returncode})")


# --- database preparation (parent process) ----------------------------------------------------


def prepare_database(database_url: str) -> str:
    """Empty the target database and return the URL the child should use."""
    target = dj_database_url.parse(database_url)
    engine = target["ENGINE"]
    default = settings.DATABASES["default"]
    if engine == "django.db.backends.sqlite3":
        name = str(target["NAME"])
        if not name or name == ":memory:":
            raise CommandError("Give a SQLite file, e.g. sqlite:///var/bench.sqlite3.")
        path = Path(name).resolve()
        if default["ENGINE"] == engine and Path(str(default["NAME"])).resolve() == path:
            raise CommandError(f"Refusing to empty the application's own database {path}.")
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    if engine in {"django.db.backends.postgresql", "django.db.backends.postgresql_psycopg2"}:
        name = str(target["NAME"])
        if not name or name in {"postgres", "template0", "template1"}:
            raise CommandError("Name a database of its own for the benchmark, e.g. fiberops_bench.")
        same = (target["HOST"], str(target["PORT"]), name) == (
            default.get("HOST"),
            str(default.get("PORT")),
            default.get("NAME"),
        )
        if default["ENGINE"] == target["ENGINE"] and same:
            raise CommandError(f"Refusing to drop the application's own database {name}.")
        recreate_postgres(target)
        return database_url
    raise CommandError(f"Unsupported database engine {engine}: use sqlite:// or postgres://.")


def recreate_postgres(target: Mapping[str, Any]) -> None:
    """DROP and CREATE the benchmark database through the `postgres` maintenance database."""
    import psycopg
    from psycopg import sql

    options = {k: v for k, v in (target.get("OPTIONS") or {}).items() if isinstance(v, str | int)}
    params = {
        "host": target["HOST"] or None,
        "port": target["PORT"] or None,
        "user": target["USER"] or None,
        "password": target["PASSWORD"] or None,
        **options,
        "dbname": "postgres",
        "autocommit": True,
    }
    try:
        with psycopg.connect(**params) as conn:  # type: ignore[arg-type]
            name = sql.Identifier(target["NAME"])
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
    except psycopg.Error as error:
        raise CommandError(
            f"Cannot prepare PostgreSQL database {target['NAME']}: {error}"
        ) from error


# --- measurements (child process) -------------------------------------------------------------


def load_average() -> str:
    """Other work on the machine skews every figure: show how busy it was."""
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return "load average unknown"
    return f"load average {one:.2f}/{five:.2f} (1/5 min)"


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}/s" if seconds > 0 else "n/a"


def verdict(ok: bool) -> str:
    return "MET" if ok else "MISSED"


class Bench:
    def __init__(self, write):
        self.write = write
        self.results: dict[str, Any] = {}

    def line(self, label: str, value: str) -> None:
        self.write(f"  {label:<36} {value}")

    def run(self, *, orders: int, deadlines: int, due: int) -> None:
        vendor = connection.vendor
        self.write(f"FiberOps benchmark — {self.describe_database()}")
        self.write(
            f"  Python {platform.python_version()}, Django {django.get_version()}, "
            f"{os.cpu_count()} CPUs, DEBUG={settings.DEBUG}, {load_average()}"
        )
        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        self.line("migrate (empty database)", f"{time.perf_counter() - started:.1f} s")
        reference = self.reference_data(orders)

        self.write("\n[a] BSS intake: POST /api/v1/work-orders/ (APIClient, token, one process)")
        self.bench_intake(reference, orders)

        self.write(f"\n[b] SLA sweeper tick over {deadlines:,} open deadlines ({due:,} past due)")
        self.bench_sweeper(reference, deadlines=deadlines, due=due)

        self.write(f"\nSummary ({load_average()})")
        intake_rate = self.results.get("intake_rate", 0.0)
        self.line(
            "intake ≥ 200 orders/s",
            f"{intake_rate:,.0f} orders/s → {verdict(intake_rate >= INTAKE_TARGET_PER_S)}",
        )
        tick = self.results["tick_s"]
        target = "" if vendor == "postgresql" else " (target is for PostgreSQL)"
        self.line(
            f"tick ≤ 0.5 s ({deadlines:,} open)",
            f"{tick:.3f} s → {verdict(tick <= TICK_TARGET_S)}{target}",
        )

    def describe_database(self) -> str:
        if connection.vendor == "postgresql":
            version = connection.pg_version  # type: ignore[attr-defined]
            major, minor = divmod(version, 10000)
            db = connection.settings_dict
            return f"PostgreSQL {major}.{minor} at {db['HOST']}:{db['PORT']}/{db['NAME']}"
        return f"SQLite {sqlite3.sqlite_version} at {connection.settings_dict['NAME']}"

    # -- reference data --

    @staticmethod
    def boxes_needed(orders: int) -> int:
        # Every third serial is an install (payload); the last ones are the query-count probe.
        installs = (orders + WARM_UP + 3) // 3 + 2
        return math.ceil(installs / PORTS)

    def reference_data(self, orders: int) -> dict[str, Any]:
        branch = Branch.objects.create(code="BENCH", name="基准分公司", area_type="urban")
        grid = Grid.objects.create(code=GRID, name="基准网格", branch=branch)
        team = Team.objects.create(code="T-BENCH-01", name="基准一班", grid=grid)
        technician = Technician.objects.create(
            staff_no="B0001", name="技术员B0001", team=team, certified_until=dt.date(2030, 12, 31)
        )
        boxes = SplitterBox.objects.bulk_create(
            [
                SplitterBox(code=BOX.format(b), grid=grid, port_count=PORTS)
                for b in range(self.boxes_needed(orders))
            ]
        )
        SplitterPort.objects.bulk_create(
            [SplitterPort(box=box, number=n) for box in boxes for n in range(1, PORTS + 1)]
        )
        bss = User.objects.create_user(username="bench-bss", password=None, role=Role.INTEGRATION)
        token = Token.objects.create(user=bss)
        return {"grid": grid, "technician": technician, "bss": bss, "token": token.key}

    # -- [a] intake --

    @staticmethod
    def payload(serial: int, accepted_at: str) -> dict:
        """Install with a splitter port, fault repair and survey orders, in turn."""
        body: dict[str, Any] = {
            "bss_order_no": f"BENCH{serial:08d}",
            "accepted_at": accepted_at,
            "grid": GRID,
            "customer": {
                "name": "张三",
                "phone": f"138{serial:08d}",
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
                    "splitter_box": BOX.format(serial // 3 // PORTS),
                    "port": 1 + serial // 3 % PORTS,
                },
                description="新装1000M宽带",
            )
        elif kind == 1:
            body.update(order_type="fault", description="光猫LOS灯红，无法上网")
        else:
            body.update(order_type="survey", description="新装前勘察")
        return body

    def post_all(self, client: APIClient, url: str, bodies: Sequence[dict], expect: int):
        durations = []
        started = time.perf_counter()
        for body in bodies:
            t0 = time.perf_counter()
            response = client.post(url, body, format="json")
            durations.append(time.perf_counter() - t0)
            if response.status_code != expect:
                raise CommandError(
                    f"{body['bss_order_no']}: HTTP {response.status_code} (expected {expect}): "
                    f"{response.content[:500]!r}"
                )
        return time.perf_counter() - started, durations

    def latency(self, durations: list[float]) -> str:
        if len(durations) < 2:
            return ""
        p95 = statistics.quantiles(durations, n=20)[-1]
        return f"mean {statistics.fmean(durations) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"

    def bench_intake(self, reference: dict, orders: int) -> None:
        accepted_at = (timezone.now() - dt.timedelta(minutes=10)).astimezone(SHANGHAI).isoformat()
        url = reverse("work-order-list")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {reference['token']}")
        bodies = [self.payload(n, accepted_at) for n in range(1, orders + 1)]
        warm = [self.payload(n, accepted_at) for n in range(orders + 1, orders + 1 + WARM_UP)]
        # The test client's host name; the real ALLOWED_HOSTS stay as configured otherwise.
        with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
            self.post_all(client, url, warm, 201)
            seconds, durations = self.post_all(client, url, bodies, 201)
            self.results["intake_rate"] = orders / seconds if seconds else 0.0
            self.line(
                f"new orders ({orders:,}, 1/3 each type)",
                f"{rate(orders, seconds)} in {seconds:.1f} s; {self.latency(durations)}",
            )
            seconds, durations = self.post_all(client, url, bodies, 200)
            self.line(
                "replays (same bss_order_no → 200)",
                f"{rate(orders, seconds)} in {seconds:.1f} s; {self.latency(durations)}",
            )
            counts = []
            # After the warm-up's numbers, ≡ 0 (mod 3): install, then fault, then survey.
            base = 3 * math.ceil((orders + 1 + WARM_UP) / 3)
            for serial in (base, base + 1, base + 2):
                with CaptureQueriesContext(connection) as queries:
                    self.post_all(client, url, [self.payload(serial, accepted_at)], 201)
                counts.append(len(queries))
            with CaptureQueriesContext(connection) as queries:
                self.post_all(client, url, [self.payload(base, accepted_at)], 200)
            self.line(
                "SQL statements per request",
                f"install {counts[0]}, fault {counts[1]}, survey {counts[2]}, "
                f"replay {len(queries)}",
            )

    # -- [b] sweeper --

    def bench_sweeper(self, reference: dict, *, deadlines: int, due: int) -> None:
        now = timezone.now()
        kinds = list(DeadlineKind.values)
        closed = deadlines // 10
        open_orders = math.ceil(deadlines / len(kinds))
        closed_orders = math.ceil(closed / len(kinds))
        adapt = connection.ops.adapt_datetimefield_value

        @functools.cache
        def at(minutes: int):
            """`now` + minutes, as the database driver wants it (cached: few distinct values)."""
            return adapt(now + dt.timedelta(minutes=minutes))

        load_started = time.perf_counter()
        technician = reference["technician"]
        order_types = ["install", "fault", "survey", "complaint", "relocation"]
        order_rows = (
            (
                f"LOAD{n:09d}",
                order_types[n % len(order_types)],
                "dispatched",
                at(-240 - n % 1440),
                reference["grid"].pk,
                "",
                False,
                "",
                False,
                technician.pk,
                at(-200),
                at(-240),
                at(-200),
            )
            for n in range(open_orders + closed_orders)
        )
        loaded = insert_rows(
            WorkOrder,
            [
                "bss_order_no",
                "order_type",
                "status",
                "accepted_at",
                "grid",
                "description",
                "requires_survey",
                "suspended_from",
                "holds_port",
                "technician",
                "dispatched_at",
                "created_at",
                "updated_at",
            ],
            order_rows,
        )
        orders_s = time.perf_counter() - load_started
        ids = list(
            WorkOrder.objects.filter(bss_order_no__startswith="LOAD")
            .order_by("id")
            .values_list("id", flat=True)
        )
        step = max(1, deadlines // due) if due else 0

        def deadline_rows() -> Iterable[tuple]:
            # Open: every `step`-th row is past due (spread over the table), the rest fall due
            # between 1 hour and ~2 weeks from now and are not yet at their 80 % warning.
            for k in range(deadlines):
                order_id, kind = ids[k // len(kinds)], kinds[k % len(kinds)]
                if step and k % step == 0 and k // step < due:
                    due_at = -1 - k % 60
                    yield (
                        order_id,
                        kind,
                        at(due_at - 240),
                        at(due_at),
                        at(due_at - 30),
                        None,
                        False,
                    )
                else:
                    due_at = 60 + k % 20_000
                    yield (order_id, kind, at(-60), at(due_at), at(due_at - 30), None, False)
            # Closed: met in time, due in the past. Only the partial index keeps them out of sight.
            for c in range(closed):
                order_id, kind = ids[open_orders + c // len(kinds)], kinds[c % len(kinds)]
                due_at = -60 - c % 20_000
                met = at(due_at - 5)
                yield (order_id, kind, at(due_at - 2880), at(due_at), at(due_at - 30), met, False)

        started = time.perf_counter()
        rows = insert_rows(
            Deadline,
            ["order", "kind", "starts_at", "due_at", "warn_at", "met_at", "used_calendar_fallback"],
            deadline_rows(),
        )
        deadlines_s = time.perf_counter() - started
        analyze_s = 0.0
        if connection.vendor == "postgresql":
            # Autovacuum would vacuum and analyse tables this size on its own soon after the load
            # (insert threshold); do it now, deterministically, so the tick sees a settled table.
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE)")
            analyze_s = time.perf_counter() - started
        total_s = time.perf_counter() - load_started
        self.line(
            "load work orders (bulk)",
            f"{loaded:,} rows in {orders_s:.1f} s ({rate(loaded, orders_s)})",
        )
        self.line(
            "load deadlines (bulk)",
            f"{rows:,} rows in {deadlines_s:.1f} s ({rate(rows, deadlines_s)}); "
            f"{deadlines:,} open + {closed:,} met",
        )
        if connection.vendor == "postgresql":
            self.line("VACUUM (ANALYZE)", f"{analyze_s:.1f} s")
        else:
            self.line("ANALYZE", "not run (Django never runs it on SQLite)")
        self.line("data load total", f"{total_s:.1f} s")
        open_count = Deadline.objects.open().count()
        due_count = Deadline.objects.due_for_breach(now).count()
        self.line("open deadlines in table", f"{open_count:,} ({due_count:,} past due)")

        self.explain(now)

        started = time.perf_counter()
        first = sweep(now)
        first_s = time.perf_counter() - started
        started = time.perf_counter()
        second = sweep(now)
        second_s = time.perf_counter() - started
        if first.breached != due_count or first.warned or second.breached or second.warned:
            raise CommandError(f"unexpected tick results: {first}, {second}")
        self.results["tick_s"] = first_s
        self.line(
            "tick 1 (records the due ones)",
            f"{first_s:.3f} s: {first.breached:,} breaches, {first.warned:,} warnings",
        )
        self.line("tick 2 (nothing due)", f"{second_s * 1000:.1f} ms: 0 breaches, 0 warnings")

    def explain(self, now: dt.datetime) -> None:
        plans = [
            ("Deadline.objects.due_for_breach(now)", Deadline.objects.due_for_breach(now)),
            (
                "sweeper, breaches: due_for_breach(now) FOR UPDATE SKIP LOCKED LIMIT 2000",
                claim_query(Deadline.objects.due_for_breach(now), "due_at", 2000),
            ),
            (
                "sweeper, warnings: due_for_warning(now) FOR UPDATE SKIP LOCKED LIMIT 2000",
                claim_query(Deadline.objects.due_for_warning(now), "warn_at", 2000),
            ),
        ]
        for title, queryset in plans:
            with transaction.atomic():  # FOR UPDATE needs a transaction even to be explained
                plan = queryset.explain()
            self.write(f"  EXPLAIN {title}:")
            for text in plan.splitlines():
                self.write(f"    {text}")


def insert_rows(
    model: type[models.Model], names: list[str], rows: Iterable[tuple], batch: int = 20_000
) -> int:
    """Bulk insert without model instances: COPY on PostgreSQL, executemany elsewhere."""
    meta = model._meta
    columns = [str(cast(models.Field, meta.get_field(name)).column) for name in names]
    count = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg import sql

            statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
                sql.Identifier(meta.db_table),
                sql.SQL(", ").join(sql.Identifier(c) for c in columns),
            )
            with cursor.cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        quote = connection.ops.quote_name
        # Table and column names come from the model's _meta, quoted; values are parameters.
        statement_text = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
            quote(meta.db_table),
            ", ".join(quote(column) for column in columns),
            ", ".join(["%s"] * len(columns)),
        )
        for chunk in itertools.batched(rows, batch):
            cursor.executemany(statement_text, chunk)
            count += len(chunk)
    return count
