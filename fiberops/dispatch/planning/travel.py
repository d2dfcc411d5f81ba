"""Travel times between the day's points, behind a small interface (issue 9).

The default is straight-line (haversine) distance × a road factor, driven at a speed that depends
on the area (urban or rural); a road-network provider can plug in later by offering the same two
methods. A problem's `travel_minutes` matrix replaces the provider. Points are named by the
technicians' ids (their start points) and the jobs' ids. Minutes are whole (rounded up) so the
solver, the baseline and the checker all add the same integers.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from fiberops.dispatch.planning.problem import Problem, TravelMatrix

EARTH_RADIUS_KM = 6371.0088


class TravelTimes(Protocol):
    """Travel between two named points."""

    def minutes(self, origin: str, destination: str) -> int:
        """Whole minutes of driving."""
        ...

    def metres(self, origin: str, destination: str) -> int:
        """Road distance, the solver's cost."""
        ...


@dataclass(frozen=True)
class UrbanArea:
    """A disc (centre, radius) driven at the urban speed; everything outside is rural."""

    lat: float
    lng: float
    radius_km: float


@dataclass(frozen=True)
class StraightLineSettings:
    """Parameters of the straight-line provider (from settings, passed in)."""

    road_factor: float = 1.3
    urban_speed_kmh: float = 20.0
    rural_speed_kmh: float = 40.0
    urban_areas: tuple[UrbanArea, ...] = (UrbanArea(lat=30.66, lng=104.06, radius_km=15.0),)


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lng2 - lng1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


class StraightLineTravel:
    """Haversine × road factor; a leg with both ends in an urban area goes at the urban speed."""

    def __init__(
        self, points: Iterable[tuple[str, float, float]], settings: StraightLineSettings
    ) -> None:
        self.settings = settings
        self.points: dict[str, tuple[float, float]] = {}
        self.urban: dict[str, bool] = {}
        self._cache: dict[tuple[str, str], tuple[int, int]] = {}
        for name, lat, lng in points:
            self.add_point(name, lat, lng)

    def add_point(self, name: str, lat: float, lng: float) -> None:
        """Name one more point (a technician's current position, a new job)."""
        self.points[name] = (lat, lng)
        self.urban[name] = any(
            haversine_km(lat, lng, area.lat, area.lng) <= area.radius_km
            for area in self.settings.urban_areas
        )
        self._cache = {k: v for k, v in self._cache.items() if name not in k}

    def _leg(self, origin: str, destination: str) -> tuple[int, int]:
        key = (origin, destination)
        if key not in self._cache:
            if origin == destination:
                self._cache[key] = (0, 0)
            else:
                a, b = self.points[origin], self.points[destination]
                km = haversine_km(a[0], a[1], b[0], b[1]) * self.settings.road_factor
                urban = self.urban[origin] and self.urban[destination]
                speed = self.settings.urban_speed_kmh if urban else self.settings.rural_speed_kmh
                self._cache[key] = (math.ceil(km / speed * 60 - 1e-9), round(km * 1000))
        return self._cache[key]

    def minutes(self, origin: str, destination: str) -> int:
        return self._leg(origin, destination)[0]

    def metres(self, origin: str, destination: str) -> int:
        return self._leg(origin, destination)[1]


class MatrixTravel:
    """The problem's own `travel_minutes`; the cost is the minutes (no distances are known)."""

    #: Distance reported per minute of travel (30 km/h), so the figures read as metres.
    METRES_PER_MINUTE = 500

    def __init__(self, matrix: TravelMatrix) -> None:
        self.index = {name: i for i, name in enumerate(matrix.points)}
        self.matrix = matrix.minutes

    def minutes(self, origin: str, destination: str) -> int:
        return self.matrix[self.index[origin]][self.index[destination]]

    def metres(self, origin: str, destination: str) -> int:
        return self.minutes(origin, destination) * self.METRES_PER_MINUTE


def travel_for(problem: Problem, settings: StraightLineSettings | None = None) -> TravelTimes:
    """The problem's matrix when it has one, else the straight-line provider over its points."""
    if problem.travel_minutes is not None:
        return MatrixTravel(problem.travel_minutes)
    points = [(t.id, t.lat, t.lng) for t in problem.technicians]
    points += [(j.id, j.lat, j.lng) for j in problem.jobs]
    return StraightLineTravel(points, settings or StraightLineSettings())
