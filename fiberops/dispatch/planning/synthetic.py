"""Synthetic city days for the benchmark and the tests: technicians and customer-booked jobs
around grid centres, generated deterministically from a seed.

The benchmark passes the demo city's grids (`fiberops.demo.data.GRIDS`: four urban grids in
Wuhou, Chengdu, and three rural ones in Pujiang county); the planning package itself imports no
demo code. Ten jobs per technician, booked by customers into two-hour windows (start of service
between 09:00–11:00, 11:00–13:00, 13:00–15:00 or 15:00–17:00), installs 45 min, repairs 30,
IPTV set-ups 25 by default; one in ten urgent (faults, second appointments R-APT-7); one in
twenty pinned to a technician (the one who already owns the customer's problem, R-ORD-5).
"""

import datetime
import math
import random
from dataclasses import dataclass

from fiberops.dispatch.planning.problem import BreakRule, Job, Problem, Technician

SLOTS = ((9 * 60, 11 * 60), (11 * 60, 13 * 60), (13 * 60, 15 * 60), (15 * 60, 17 * 60))
SLOT_WEIGHTS = (0.3, 0.2, 0.3, 0.2)
#: (job kind = the skill it needs, share of jobs)
KINDS = (("install", 0.45), ("repair", 0.45), ("iptv", 0.10))
#: Minutes on site by kind. The default day is one a booking desk would fill: ten such jobs, the
#: drives and the break fit a shift. `TIGHT_MINUTES` (the first setting tried) overfills it: even
#: 30 s of PyVRP serves only about 93 % of an urban grid's jobs.
DEFAULT_MINUTES = {"install": 45, "repair": 30, "iptv": 25}
TIGHT_MINUTES = {"install": 50, "repair": 35, "iptv": 30}


@dataclass(frozen=True)
class GridCentre:
    """Where a grid lies, its area type and how many technicians work it."""

    code: str
    area: str  # "urban" or "rural"
    lat: float
    lng: float
    technicians: int


def _around(rng: random.Random, lat: float, lng: float, radius_km: float) -> tuple[float, float]:
    distance = radius_km * math.sqrt(rng.random())
    angle = rng.random() * 2 * math.pi
    dlat = distance * math.cos(angle) / 111.2
    dlng = distance * math.sin(angle) / (111.2 * math.cos(math.radians(lat)))
    return round(lat + dlat, 6), round(lng + dlng, 6)


def grid_day(
    grid: GridCentre,
    *,
    seed: int,
    jobs_per_technician: int = 10,
    minutes_by_kind: dict[str, int] | None = None,
    date: datetime.date = datetime.date(2026, 11, 26),
) -> Problem:
    """One grid's day: its technicians and `jobs_per_technician` × as many booked jobs."""
    rng = random.Random(f"{seed}:{grid.code}")  # noqa: S311 - reproducible test data
    radius = 2.5 if grid.area == "urban" else 6.0
    technicians = []
    for number in range(grid.technicians):
        skills = ["repair"]
        if number % 10 < 7:
            skills.append("install")
        if number % 10 in (0, 3, 5, 8):
            skills.append("iptv")
        lat, lng = _around(rng, grid.lat, grid.lng, radius * 0.6)
        technicians.append(
            Technician(
                id=f"{grid.code}-T{number + 1:02d}",
                lat=lat,
                lng=lng,
                shift_start=8 * 60 + 30,
                shift_end=18 * 60,
                skills=tuple(skills),
                lunch=BreakRule(earliest=11 * 60 + 30, latest=13 * 60 + 30, minutes=30),
            )
        )
    jobs = []
    for number in range(grid.technicians * jobs_per_technician):
        kind = rng.choices([k[0] for k in KINDS], weights=[k[1] for k in KINDS])[0]
        minutes = (minutes_by_kind or DEFAULT_MINUTES)[kind]
        window = rng.choices(SLOTS, weights=SLOT_WEIGHTS)[0]
        lat, lng = _around(rng, grid.lat, grid.lng, radius)
        pinned = None
        if rng.random() < 0.05:
            pinned = rng.choice([t.id for t in technicians if kind in t.skills])
        jobs.append(
            Job(
                id=f"{grid.code}-J{number + 1:03d}",
                lat=lat,
                lng=lng,
                window_start=window[0],
                window_end=window[1],
                duration_min=minutes,
                skills=(kind,),
                priority=2 if rng.random() < 0.1 else 1,
                pinned_to=pinned,
            )
        )
    return Problem(date=date, technicians=tuple(technicians), jobs=tuple(jobs))


def city_day(
    grids: list[GridCentre], *, seed: int, minutes_by_kind: dict[str, int] | None = None
) -> list[tuple[GridCentre, Problem]]:
    """Every grid's day."""
    return [(grid, grid_day(grid, seed=seed, minutes_by_kind=minutes_by_kind)) for grid in grids]


def urgent_fault(problem: Problem, *, seed: int) -> tuple[Job, int]:
    """A fault reported between 10:00 and 15:00 near one of the day's jobs; (job, now)."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data
    near = rng.choice(problem.jobs)
    now = rng.randrange(10 * 60, 15 * 60)
    lat, lng = _around(rng, near.lat, near.lng, 1.5)
    job = Job(
        id=f"URGENT-{seed}",
        lat=lat,
        lng=lng,
        window_start=now,
        window_end=now + 180,
        duration_min=30,
        skills=("repair",),
        priority=2,
    )
    return job, now
