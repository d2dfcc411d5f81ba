"""Benchmark: the reused-photo look-up (R-PHO-4) over 1,000,000 stored photo hashes.

`make bench` runs it on a throw-away PostgreSQL database; the figures and what they mean are in
docs/benchmarks.md ("Reused-photo look-up").

The database named by --database-url is dropped and created again, migrated, and filled with N
photo rows (random 64-bit hashes, four photos per order) by `INSERT … SELECT generate_series`
inside PostgreSQL. Then the look-up the upload runs (`onsite.actions.reuse_candidates` plus the
exact Hamming check, `audit.check_reuse`) is timed for hashes that match a stored one (a stored
hash with 0 to `max_distance` bits flipped) and for hashes that match none. Like `bench_sla`, the
command re-executes itself with DATABASE_URL set to that URL (settings read it at import time).
"""

import os
import platform
import random
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

import dj_database_url
import django
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Q

from fiberops.bench.management.commands.bench_sla import load_average, prepare_database
from fiberops.onsite.actions import band_probes, find_reuse, reuse_candidates
from fiberops.onsite.images import bands, hamming
from fiberops.onsite.models import Photo
from fiberops.workorders.models import WorkOrder

PHOTOS_PER_ORDER = 4
BATCH = 250_000


class Command(BaseCommand):
    help = (
        "Time the reused-photo look-up over a large photo table on PostgreSQL. DROPS and "
        "re-creates the database named by --database-url first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--database-url",
            required=True,
            help="e.g. postgres://postgres@127.0.0.1:5432/fiberops_bench_photos (it is dropped!)",
        )
        parser.add_argument("--photos", type=int, default=1_000_000, help="stored photo rows")
        parser.add_argument("--queries", type=int, default=200, help="look-ups per series")
        parser.add_argument("--inner", action="store_true", help="internal: run the measurements")

    def handle(self, *args, database_url, photos, queries, inner, **options):
        if photos < PHOTOS_PER_ORDER or queries < 1:
            raise CommandError(f"--photos must be ≥ {PHOTOS_PER_ORDER} and --queries ≥ 1.")
        if dj_database_url.parse(database_url)["ENGINE"] not in {
            "django.db.backends.postgresql",
            "django.db.backends.postgresql_psycopg2",
        }:
            raise CommandError("This benchmark fills the table inside PostgreSQL: use postgres://.")
        if inner:
            wanted = dj_database_url.parse(database_url)
            if wanted["NAME"] != connection.settings_dict["NAME"]:
                raise CommandError("--inner is internal: run without it.")
            PhotoBench(self.stdout.write).run(photos=photos, queries=queries)
            return
        url = prepare_database(database_url)
        command = [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "bench_photo_hash",
            "--inner",
            "--database-url",
            url,
            f"--photos={photos}",
            f"--queries={queries}",
        ]
        env = {**os.environ, "DATABASE_URL": url, "DEBUG": "false"}
        env.setdefault("SECRET_KEY", "fiberops-benchmark-" + secrets.token_urlsafe(32))
        self.stdout.flush()
        # This very command in a child process; the URL is passed as one argument, no shell.
        child = subprocess.run(command, env=env, cwd=settings.BASE_DIR, check=False)  # noqa: S603
        if child.returncode:
            raise CommandError(f"benchmark failed (exit status {child.returncode})")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


class PhotoBench:
    def __init__(self, write):
        self.write = write

    def line(self, label: str, value: str) -> None:
        self.write(f"  {label:<44} {value}")

    def run(self, *, photos: int, queries: int) -> None:
        db = connection.settings_dict
        major, minor = divmod(connection.pg_version, 10000)  # type: ignore[attr-defined]
        self.write(
            f"FiberOps reused-photo benchmark — PostgreSQL {major}.{minor} at "
            f"{db['HOST']}:{db['PORT']}/{db['NAME']}"
        )
        self.write(
            f"  Python {platform.python_version()}, Django {django.get_version()}, "
            f"{os.cpu_count()} CPUs, DEBUG={settings.DEBUG}, {load_average()}"
        )
        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        self.line("migrate (empty database)", f"{time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        self.load(photos)
        loaded = time.perf_counter() - started
        self.line(
            f"load {photos:,} photos (+ {photos // PHOTOS_PER_ORDER:,} orders)", f"{loaded:.1f} s"
        )
        stored = list(Photo.objects.order_by("?").values_list("phash", flat=True)[:queries])
        probe_order = WorkOrder.objects.order_by("pk").first()
        assert probe_order is not None  # noqa: S101 - the load just made them
        rng = random.Random(20261129)
        for max_distance in (3, settings.PHOTO_REUSE_MAX_DISTANCE):
            probes = "exact bands" if max_distance < 4 else "bands ± 1 bit"
            self.write(f"\n[threshold {max_distance} bits: {probes}]")
            matching = [
                flip(value, rng.sample(range(64), rng.randint(0, max_distance))) for value in stored
            ]
            missing = [rng.getrandbits(64) - (1 << 63) for _ in range(queries)]
            for label, hashes, expect in (
                ("with a match", matching, True),
                ("without a match", missing, False),
            ):
                times, counts, found = self.measure(probe_order, hashes, max_distance)
                self.line(
                    f"look-up {label} ({queries} queries)",
                    f"median {statistics.median(times) * 1000:.2f} ms, "
                    f"p95 {percentile(times, 0.95) * 1000:.2f} ms, "
                    f"max {max(times) * 1000:.2f} ms",
                )
                self.line(
                    "  candidates per look-up",
                    f"median {statistics.median(counts):.0f}, max {max(counts)}; "
                    f"flagged {found}/{queries}"
                    + (" (all expected)" if expect else " (none expected)"),
                )
        self.explain(probe_order, stored[0])
        self.full_scan(stored[0])
        self.write(f"\nDone ({load_average()})")

    def load(self, photos: int) -> None:
        """Orders and photos generated inside PostgreSQL, in batches."""
        from fiberops.accounts.models import User
        from fiberops.workforce.models import Branch, Grid

        branch = Branch.objects.create(code="BENCH", name="基准分公司", area_type="urban")
        grid = Grid.objects.create(code="BENCH-01", name="基准网格", branch=branch)
        user = User.objects.create_user(username="bench-tech", role="technician")
        orders = photos // PHOTOS_PER_ORDER
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO workorders_workorder (bss_order_no, order_type, status, accepted_at,
                    grid_id, holds_port, description, requires_survey, suspended_from,
                    created_at, updated_at)
                SELECT 'PB' || lpad(i::text, 10, '0'), 'install', 'completed', now(), %s,
                    false, '', false, '', now(), now()
                FROM generate_series(1, %s) AS i
                """,
                [grid.pk, orders],
            )
            first = WorkOrder.objects.order_by("pk").values_list("pk", flat=True).first()
            for start in range(0, photos, BATCH):
                stop = min(photos, start + BATCH)
                # hi, lo: two random 32-bit halves; the shift wraps like the signed 64-bit hash.
                cursor.execute(
                    """
                    INSERT INTO onsite_photo (order_id, kind, file, thumbnail, sha256,
                        content_type, width, height, bytes, taken_offset, phash,
                        band0, band1, band2, band3, flags, audit, uploaded_by_id,
                        uploaded_at, occurred_at)
                    SELECT %(first)s + (i / %(per)s), 'route', 'photos/x.jpg', 'photos/x-t.jpg',
                        md5(i::text) || md5((-i)::text), 'image/jpeg', 4000, 3000, 3000000, '',
                        (h.hi << 32) | h.lo,
                        h.lo & 65535, h.lo >> 16, h.hi & 65535, h.hi >> 16,
                        '[]', '{}', %(user)s, now(), now()
                    FROM generate_series(%(start)s, %(stop)s - 1) AS i,
                    LATERAL (SELECT floor(random() * 4294967296)::bigint + 0 * i AS hi,
                                    floor(random() * 4294967296)::bigint AS lo) AS h
                    """,
                    {
                        "first": first,
                        "per": PHOTOS_PER_ORDER,
                        "user": user.pk,
                        "start": start,
                        "stop": stop,
                    },
                )
            cursor.execute("ANALYZE onsite_photo")
            cursor.execute("ANALYZE workorders_workorder")

    @staticmethod
    def measure(order, hashes: list[int], max_distance: int) -> tuple[list[float], list[int], int]:
        times, counts, found = [], [], 0
        for value in hashes:
            started = time.perf_counter()
            flag, _evidence = find_reuse(order, value, max_distance)
            times.append(time.perf_counter() - started)
            counts.append(len(reuse_candidates(order, bands(value), max_distance)))
            found += flag is not None
        return times, counts, found

    def explain(self, order, value: int) -> None:
        condition = Q()
        for index, band in enumerate(bands(value)):
            condition |= Q(**{f"band{index}__in": band_probes(band, 1)})
        plan = (
            Photo.objects.filter(condition)
            .exclude(order=order)
            .order_by()
            .values_list("pk", "order_id", "phash")
            .explain()
        )
        self.write("\n[the plan of one look-up, threshold 6]")
        for text in plan.splitlines()[:16]:
            self.write(f"    {text}")

    def full_scan(self, value: int) -> None:
        """What the index saves: reading every hash into Python and comparing."""
        started = time.perf_counter()
        hashes = Photo.objects.values_list("phash", flat=True).iterator(chunk_size=20_000)
        near = sum(1 for stored in hashes if hamming(stored, value) <= 6)
        elapsed = time.perf_counter() - started
        self.write("\n[for comparison: every hash read into Python]")
        self.line("one full scan", f"{elapsed:.2f} s ({near} within 6 bits)")


def flip(value: int, bits: list[int]) -> int:
    unsigned = value & ((1 << 64) - 1)
    for bit in bits:
        unsigned ^= 1 << bit
    return unsigned - (1 << 64) if unsigned >= 1 << 63 else unsigned
