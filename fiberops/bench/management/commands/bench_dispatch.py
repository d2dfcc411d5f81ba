"""Benchmark: day plans with PyVRP (issue 9), `make bench-dispatch`; figures in docs/benchmarks.md.

Two parts, each optional:

- Solomon: the 56 Solomon 100-customer VRPTW instances in the DIMACS `distance/` convention
  (distances and times truncated to 0.1), solved at `--time-limit` seconds each; gap to
  `distance_only_bks` of `bks.csv`, mean and worst; every solution checked by
  `planning.check.check_vrptw`, which recomputes it without PyVRP.
- City: synthetic days (`planning.synthetic`, 60 technicians and 600 jobs over six grids, windows
  booked by customers), each grid planned by PyVRP (`--grid-time-limit` seconds) and by the
  greedy baseline in the same run; every plan checked by `planning.check.check_plan`; then urgent
  faults inserted into the optimised plans, timed.
"""

import csv
import os
import platform
import statistics
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fiberops.demo.data import AREA_OF_BRANCH, GRIDS, AreaType
from fiberops.dispatch.planning.check import check_plan, check_vrptw
from fiberops.dispatch.planning.greedy import plan_greedy
from fiberops.dispatch.planning.intraday import insert_urgent
from fiberops.dispatch.planning.problem import Plan, Problem
from fiberops.dispatch.planning.solomon import read_solomon, solve_solomon
from fiberops.dispatch.planning.solver import solve_problem
from fiberops.dispatch.planning.synthetic import (
    DEFAULT_MINUTES,
    TIGHT_MINUTES,
    GridCentre,
    city_day,
    urgent_fault,
)
from fiberops.dispatch.planning.travel import travel_for

DEFAULT_SOLOMON = Path(settings.BASE_DIR).parent / "shared" / "bench" / "solomon"
#: 60 technicians over the demo city's seven grids: ten in each urban grid of Wuhou, 8/6/6 in the
#: rural grids of Pujiang (by their customer counts); ten jobs each.
TECHNICIANS_PER_GRID = {"PJ-01": 8, "PJ-02": 6, "PJ-03": 6}


def demo_grids() -> list[GridCentre]:
    """The demo generator's grids (fiberops.demo.data.GRIDS) as benchmark grid centres."""
    return [
        GridCentre(
            code=grid.code,
            area="urban" if AREA_OF_BRANCH[grid.branch] == AreaType.URBAN else "rural",
            lat=grid.lat,
            lng=grid.lng,
            technicians=TECHNICIANS_PER_GRID.get(grid.code, 10),
        )
        for grid in GRIDS
    ]


class Command(BaseCommand):
    help = "Benchmark the dispatch planner: Solomon gaps and synthetic city days against greedy."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--solomon-dir", type=Path, default=DEFAULT_SOLOMON)
        parser.add_argument(
            "--instances",
            default="",
            help="comma-separated instance names or prefixes (C1, R2, RC101…); default all 56",
        )
        parser.add_argument("--time-limit", type=float, default=10.0, help="seconds per instance")
        parser.add_argument("--grid-time-limit", type=float, default=10.0, help="seconds per grid")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--tight",
            action="store_true",
            help="the over-full city day (installs 50 min, repairs 35, IPTV 30)",
        )
        parser.add_argument("--skip-solomon", action="store_true")
        parser.add_argument("--skip-city", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(
            f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
            f"Python {platform.python_version()}"
        )
        if not options["skip_solomon"]:
            self.solomon(options["solomon_dir"], options["instances"], options["time_limit"])
        if not options["skip_city"]:
            minutes = TIGHT_MINUTES if options["tight"] else DEFAULT_MINUTES
            self.city(options["seed"], options["grid_time_limit"], minutes)

    def solomon(self, directory: Path, wanted: str, seconds: float) -> None:
        bks_path = directory / "bks.csv"
        if not bks_path.exists():
            raise CommandError(f"{bks_path} not found (see --solomon-dir)")
        with bks_path.open() as handle:
            bks = {
                row["instance"]: float(row["distance_only_bks"]) for row in csv.DictReader(handle)
            }
        prefixes = [p.strip().upper() for p in wanted.split(",") if p.strip()]
        files = sorted((directory / "distance").glob("*.vrptw"))
        files = [f for f in files if not prefixes or f.name.upper().startswith(tuple(prefixes))]
        self.stdout.write(
            f"\nSolomon, DIMACS distance convention, {len(files)} instances, {seconds:g} s each\n"
        )
        self.stdout.write("| instance | vehicles | distance | BKS | gap % | feasible | s |")
        self.stdout.write("|---|---|---|---|---|---|---|")
        gaps: dict[str, float] = {}
        all_feasible = True
        for path in files:
            instance = read_solomon(path)
            result = solve_solomon(instance, seconds=seconds)
            violations, recomputed = check_vrptw(instance, result.routes)
            feasible = not violations and recomputed == round(result.distance * instance.scale)
            all_feasible &= feasible
            reference = bks[instance.name]
            gap = 100 * (recomputed / instance.scale - reference) / reference
            gaps[instance.name] = gap
            self.stdout.write(
                f"| {instance.name} | {result.vehicles} | {recomputed / instance.scale:.1f} | "
                f"{reference:.1f} | {gap:.2f} | {'yes' if feasible else 'NO'} | "
                f"{result.seconds:.1f} |"
            )
            if violations:
                self.stdout.write(f"  violations: {violations[:3]}")
        if gaps:
            worst = max(gaps, key=lambda name: gaps[name])
            self.stdout.write(
                f"\nmean gap {statistics.mean(gaps.values()):.2f} %, worst {gaps[worst]:.2f} % "
                f"({worst}), {len(gaps)} instances, every solution feasible: "
                f"{'yes' if all_feasible else 'NO'}"
            )

    def city(self, seed: int, seconds: float, minutes: dict[str, int]) -> None:
        grids = city_day(demo_grids(), seed=seed, minutes_by_kind=minutes)
        self.stdout.write(
            f"\nCity day (seed {seed}, minutes on site {minutes}, load average "
            f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}): "
            f"{sum(len(p.technicians) for _, p in grids)} technicians, "
            f"{sum(len(p.jobs) for _, p in grids)} jobs, {len(grids)} grids, "
            f"PyVRP {seconds:g} s per grid\n"
        )
        self.stdout.write(
            "| grid | area | techs | jobs | planner | served on time | unassigned | "
            "travel km | km per served job | run s | checker |"
        )
        self.stdout.write("|---|---|---|---|---|---|---|---|---|---|---|")
        totals: dict[str, dict[str, float]] = {
            name: {"jobs": 0, "served": 0, "km": 0.0, "s": 0.0, "max_s": 0.0}
            for name in ("pyvrp", "greedy")
        }
        optimised: list[tuple[Problem, Plan]] = []
        for grid, problem in grids:
            name, area = grid.code, grid.area
            travel = travel_for(problem)
            for planner in ("pyvrp", "greedy"):
                began = time.perf_counter()
                if planner == "pyvrp":
                    plan = solve_problem(problem, travel, time_limit_s=seconds, seed=seed)
                    optimised.append((problem, plan))
                else:
                    plan = plan_greedy(problem, travel)
                elapsed = time.perf_counter() - began
                errors = check_plan(problem, plan, travel)
                served = sum(len(r.stops) for r in plan.routes)
                metres = sum(_route_metres(travel, r.technician, r.stops) for r in plan.routes)
                row = totals[planner]
                row["jobs"] += len(problem.jobs)
                row["served"] += served
                row["km"] += metres / 1000
                row["s"] += elapsed
                row["max_s"] = max(row["max_s"], elapsed)
                self.stdout.write(
                    f"| {name} | {area} | {len(problem.technicians)} | {len(problem.jobs)} | "
                    f"{planner} | {100 * served / len(problem.jobs):.1f} % | "
                    f"{len(plan.unassigned)} | {metres / 1000:.1f} | "
                    f"{metres / 1000 / max(served, 1):.2f} | {elapsed:.1f} | "
                    f"{'valid' if not errors else f'{len(errors)} violations'} |"
                )
                if errors:
                    self.stdout.write(f"  violations: {errors[:3]}")
        self.stdout.write("")
        for planner, row in totals.items():
            self.stdout.write(
                f"{planner}: served on time {100 * row['served'] / row['jobs']:.1f} % "
                f"({int(row['served'])}/{int(row['jobs'])}), unassigned "
                f"{int(row['jobs'] - row['served'])}, travel {row['km']:.1f} km, "
                f"{row['km'] / max(row['served'], 1):.2f} km per served job, run "
                f"{row['s']:.1f} s in all, slowest grid {row['max_s']:.1f} s"
            )
        py, gr = totals["pyvrp"], totals["greedy"]
        saving = 1 - (py["km"] / py["served"]) / (gr["km"] / gr["served"])
        self.stdout.write(f"travel per served job: {100 * saving:.1f} % less than greedy")

        timings = []
        landed = 0
        for number, (problem, plan) in enumerate(optimised):
            for k in range(5):
                job, now = urgent_fault(problem, seed=seed + 100 * number + k)
                began = time.perf_counter()
                result = insert_urgent(problem, plan, job, now=now, travel=travel_for(problem))
                timings.append(time.perf_counter() - began)
                if result.technician is not None:
                    landed += 1
                    extended = result.problem
                    errors = check_plan(extended, result.plan, travel_for(extended))
                    if errors:
                        self.stdout.write(f"  urgent insertion violations: {errors[:3]}")
        self.stdout.write(
            f"urgent insertion: {len(timings)} faults, {landed} placed, median "
            f"{1000 * statistics.median(timings):.0f} ms, worst {1000 * max(timings):.0f} ms"
        )


def _route_metres(travel: Any, technician: str, stops: list[Any]) -> int:
    where = technician
    total = 0
    for stop in stops:
        total += travel.metres(where, stop.job)
        where = stop.job
    return total + (travel.metres(where, technician) if stops else 0)
