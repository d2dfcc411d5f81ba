"""The solver's file format (`docs/dispatch.md`): the day's problem in, the plan out.

Times inside are whole minutes after midnight of the plan's date; the files say "HH:MM".
`parse_problem` validates a decoded JSON object and raises `ProblemError` naming the field path
(`jobs[3].window.end`) of the first thing wrong.
"""

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


class ProblemError(ValueError):
    """The problem file is wrong at `path` (e.g. `jobs[3].window.end`)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


@dataclass(frozen=True)
class BreakRule:
    """A technician's lunch break (午休): `minutes` long, inside [earliest, latest]."""

    earliest: int
    latest: int
    minutes: int


@dataclass(frozen=True)
class Technician:
    """One technician's day: start point (also the end point), shift, skills, lunch break."""

    id: str
    lat: float
    lng: float
    shift_start: int
    shift_end: int
    skills: tuple[str, ...]
    lunch: BreakRule | None = None


@dataclass(frozen=True)
class Job:
    """One job: the window bounds the *start* of service (R-APT-1); priority ≥ 2 is urgent."""

    id: str
    lat: float
    lng: float
    window_start: int
    window_end: int
    duration_min: int
    skills: tuple[str, ...]
    priority: int = 1
    pinned_to: str | None = None


@dataclass(frozen=True)
class TravelMatrix:
    """Given travel minutes between the technicians' start points and the jobs, by id."""

    points: tuple[str, ...]
    minutes: tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class Problem:
    """A day to plan."""

    date: datetime.date
    technicians: tuple[Technician, ...]
    jobs: tuple[Job, ...]
    travel_minutes: TravelMatrix | None = None


@dataclass(frozen=True)
class Stop:
    """A planned visit: arrival at the customer, start and end of service (minutes)."""

    job: str
    arrival: int
    start: int
    end: int


@dataclass(frozen=True)
class PlannedBreak:
    """Where the lunch break falls: after stop `after_stop` (−1: before the first), start/end."""

    after_stop: int
    start: int
    end: int


@dataclass
class Route:
    """One technician's ordered stops."""

    technician: str
    stops: list[Stop] = field(default_factory=list)
    lunch: PlannedBreak | None = None


@dataclass(frozen=True)
class Unassigned:
    """A job the plan leaves out, and why."""

    job: str
    reason: str


@dataclass
class Plan:
    """The solver's answer; `feasible` is true when every job is planned."""

    routes: list[Route]
    unassigned: list[Unassigned]
    feasible: bool


def format_clock(minutes: int) -> str:
    """420 → "07:00"; minutes past 24:00 keep counting hours ("24:10")."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The plan as the JSON object of `docs/dispatch.md` (plus each route's `break`)."""
    routes = []
    for route in plan.routes:
        item: dict[str, Any] = {
            "technician": route.technician,
            "stops": [
                {
                    "job": stop.job,
                    "arrival": format_clock(stop.arrival),
                    "start": format_clock(stop.start),
                    "end": format_clock(stop.end),
                }
                for stop in route.stops
            ],
        }
        if route.lunch is not None:
            after = route.stops[route.lunch.after_stop].job if route.lunch.after_stop >= 0 else None
            item["break"] = {
                "after": after,
                "start": format_clock(route.lunch.start),
                "end": format_clock(route.lunch.end),
            }
        routes.append(item)
    return {
        "routes": routes,
        "unassigned": [{"job": item.job, "reason": item.reason} for item in plan.unassigned],
        "feasible": plan.feasible,
    }


def plan_from_dict(data: dict[str, Any]) -> Plan:
    """Read a plan printed by `plan_to_dict` back (for the checker); trusts its shape."""
    routes = []
    for item in data["routes"]:
        stops = [
            Stop(
                job=stop["job"],
                arrival=_clock(stop["arrival"], "arrival"),
                start=_clock(stop["start"], "start"),
                end=_clock(stop["end"], "end"),
            )
            for stop in item["stops"]
        ]
        lunch = None
        if item.get("break"):
            after_job = item["break"]["after"]
            after = -1 if after_job is None else [s.job for s in stops].index(after_job)
            lunch = PlannedBreak(
                after_stop=after,
                start=_clock(item["break"]["start"], "break.start"),
                end=_clock(item["break"]["end"], "break.end"),
            )
        routes.append(Route(technician=item["technician"], stops=stops, lunch=lunch))
    unassigned = [Unassigned(job=u["job"], reason=u["reason"]) for u in data["unassigned"]]
    return Plan(routes=routes, unassigned=unassigned, feasible=bool(data["feasible"]))


def _clock(value: object, path: str) -> int:
    if not isinstance(value, str) or not (match := CLOCK.match(value)):
        raise ProblemError(path, f'expected a time "HH:MM", got {value!r}')
    return int(match.group(1)) * 60 + int(match.group(2))


def _object(data: object, path: str, required: set[str], optional: set[str]) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ProblemError(path or "(top level)", "expected an object")
    for key in sorted(required):
        if key not in data:
            raise ProblemError(_join(path, key), "is missing")
    for key in data:
        if key not in required | optional:
            raise ProblemError(_join(path, str(key)), "is not a known field")
    return data


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _text(value: object, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ProblemError(path, "expected a non-empty string")
    return value


def _number(value: object, path: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProblemError(path, "expected a number")
    if not low <= value <= high:
        raise ProblemError(path, f"must be between {low} and {high}")
    return float(value)


def _whole(value: object, path: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProblemError(path, "expected a whole number")
    if not low <= value <= high:
        raise ProblemError(path, f"must be between {low} and {high}")
    return value


def _point(value: object, path: str) -> tuple[float, float]:
    data = _object(value, path, {"lat", "lng"}, set())
    return (
        _number(data["lat"], f"{path}.lat", -90, 90),
        _number(data["lng"], f"{path}.lng", -180, 180),
    )


def _skills(value: object, path: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ProblemError(path, "expected a list of skill names")
    return tuple(_text(item, f"{path}[{i}]") for i, item in enumerate(value))


def _interval(value: object, path: str, first: str, second: str) -> tuple[int, int]:
    data = _object(value, path, {first, second}, set())
    low = _clock(data[first], f"{path}.{first}")
    high = _clock(data[second], f"{path}.{second}")
    if high < low:
        raise ProblemError(f"{path}.{second}", f"is before {path}.{first}")
    return low, high


def parse_problem(data: object) -> Problem:
    """Validate a decoded problem file and return it; `ProblemError` names the bad field."""
    top = _object(data, "", {"date", "technicians", "jobs"}, {"travel_minutes"})
    try:
        date = datetime.date.fromisoformat(_text(top["date"], "date"))
    except ValueError as error:
        if isinstance(error, ProblemError):
            raise
        raise ProblemError("date", "expected a date YYYY-MM-DD") from None

    if not isinstance(top["technicians"], list):
        raise ProblemError("technicians", "expected a list")
    technicians: list[Technician] = []
    for i, raw in enumerate(top["technicians"]):
        path = f"technicians[{i}]"
        item = _object(raw, path, {"id", "start", "shift", "skills"}, {"break"})
        identifier = _text(item["id"], f"{path}.id")
        lat, lng = _point(item["start"], f"{path}.start")
        shift_start, shift_end = _interval(item["shift"], f"{path}.shift", "start", "end")
        if shift_end == shift_start:
            raise ProblemError(f"{path}.shift.end", "must be after the shift start")
        lunch = None
        if item.get("break") is not None:
            bpath = f"{path}.break"
            rule = _object(item["break"], bpath, {"earliest", "latest", "minutes"}, set())
            earliest = _clock(rule["earliest"], f"{bpath}.earliest")
            latest = _clock(rule["latest"], f"{bpath}.latest")
            minutes = _whole(rule["minutes"], f"{bpath}.minutes", 1, 240)
            if latest - earliest < minutes:
                raise ProblemError(f"{bpath}.latest", "leaves less room than the break's minutes")
            if earliest < shift_start or latest > shift_end:
                raise ProblemError(bpath, "must lie inside the shift")
            lunch = BreakRule(earliest=earliest, latest=latest, minutes=minutes)
        technicians.append(
            Technician(
                id=identifier,
                lat=lat,
                lng=lng,
                shift_start=shift_start,
                shift_end=shift_end,
                skills=_skills(item["skills"], f"{path}.skills"),
                lunch=lunch,
            )
        )
    _unique([t.id for t in technicians], "technicians")

    if not isinstance(top["jobs"], list):
        raise ProblemError("jobs", "expected a list")
    technician_ids = {t.id for t in technicians}
    jobs: list[Job] = []
    for i, raw in enumerate(top["jobs"]):
        path = f"jobs[{i}]"
        item = _object(
            raw,
            path,
            {"id", "location", "window", "duration_min", "skills", "priority"},
            {"pinned_to"},
        )
        identifier = _text(item["id"], f"{path}.id")
        lat, lng = _point(item["location"], f"{path}.location")
        window_start, window_end = _interval(item["window"], f"{path}.window", "start", "end")
        pinned = item.get("pinned_to")
        if pinned is not None and pinned not in technician_ids:
            raise ProblemError(f"{path}.pinned_to", f"names no technician: {pinned!r}")
        jobs.append(
            Job(
                id=identifier,
                lat=lat,
                lng=lng,
                window_start=window_start,
                window_end=window_end,
                duration_min=_whole(item["duration_min"], f"{path}.duration_min", 1, 720),
                skills=_skills(item["skills"], f"{path}.skills"),
                priority=_whole(item["priority"], f"{path}.priority", 0, 9),
                pinned_to=pinned,
            )
        )
    _unique([j.id for j in jobs], "jobs")
    if technician_ids & {j.id for j in jobs}:
        raise ProblemError("jobs", "a job id repeats a technician id")

    matrix = None
    if top.get("travel_minutes") is not None:
        matrix = _travel_matrix(top["travel_minutes"], technician_ids | {j.id for j in jobs})
    return Problem(
        date=date, technicians=tuple(technicians), jobs=tuple(jobs), travel_minutes=matrix
    )


def _unique(ids: list[str], path: str) -> None:
    seen: set[str] = set()
    for i, identifier in enumerate(ids):
        if identifier in seen:
            raise ProblemError(f"{path}[{i}].id", f"repeats {identifier!r}")
        seen.add(identifier)


def _travel_matrix(value: object, needed: set[str]) -> TravelMatrix:
    data = _object(value, "travel_minutes", {"points", "matrix"}, set())
    points = data["points"]
    if not isinstance(points, list):
        raise ProblemError("travel_minutes.points", "expected a list of ids")
    names = tuple(_text(p, f"travel_minutes.points[{i}]") for i, p in enumerate(points))
    missing = sorted(needed - set(names))
    if missing:
        raise ProblemError("travel_minutes.points", f"lacks {', '.join(missing[:5])}")
    if len(set(names)) != len(names):
        raise ProblemError("travel_minutes.points", "repeats an id")
    rows = data["matrix"]
    if not isinstance(rows, list) or len(rows) != len(names):
        raise ProblemError("travel_minutes.matrix", f"expected {len(names)} rows")
    matrix: list[tuple[int, ...]] = []
    for r, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != len(names):
            raise ProblemError(f"travel_minutes.matrix[{r}]", f"expected {len(names)} values")
        matrix.append(
            tuple(_whole(v, f"travel_minutes.matrix[{r}][{c}]", 0, 1440) for c, v in enumerate(row))
        )
    return TravelMatrix(points=names, minutes=tuple(matrix))
