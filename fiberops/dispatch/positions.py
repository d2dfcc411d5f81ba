"""Where technicians and grids are, for the suggestions and the board's map (issue 9).

No live tracking: a technician's last known position is the latest check-in of the day that
carried a location (R-APT-4), else the customer of the next appointment still to come that day
(the next stop), else the centre of the team's grid. A grid has no stored centre: it is the mean
position of its orders' customers (one aggregate query), good enough to rank by distance.
"""

import datetime as dt
import math
from dataclasses import dataclass

from django.db.models import Avg

from fiberops.core.clock import local_date, start_of_day
from fiberops.workorders.models import Appointment, AppointmentOutcome, SiteVisit, WorkOrder

EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class Point:
    lat: float
    lng: float


@dataclass(frozen=True)
class Position:
    point: Point
    #: "check_in" or "next_stop" (the grid centre is the caller's fallback).
    source: str


def distance_km(a: Point, b: Point) -> float:
    """Great-circle distance (haversine)."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat, dlng = lat2 - lat1, math.radians(b.lng - a.lng)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlng / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def grid_centres(grid_ids) -> dict[int, Point]:
    """The mean customer position of each grid's orders. One query."""
    rows = (
        WorkOrder.objects.filter(grid_id__in=list(grid_ids), customer__lat__isnull=False)
        .values("grid_id")
        .annotate(lat=Avg("customer__lat"), lng=Avg("customer__lng"))
    )
    return {row["grid_id"]: Point(float(row["lat"]), float(row["lng"])) for row in rows}


def last_positions(technician_ids: list[int], now: dt.datetime) -> dict[int, Position]:
    """Each technician's last known position today (see the module's docstring). Two queries,
    bounded by one day's check-ins and appointments."""
    day = local_date(now)
    day_start, day_end = start_of_day(day), start_of_day(day + dt.timedelta(days=1))
    positions: dict[int, Position] = {}
    visits = (
        SiteVisit.objects.filter(
            technician_id__in=technician_ids,
            checked_in_at__gte=day_start,
            checked_in_at__lte=now,
            lat__isnull=False,
            lng__isnull=False,
        )
        .order_by("technician_id", "-checked_in_at")
        .values_list("technician_id", "lat", "lng")
    )
    for technician_id, lat, lng in visits:
        positions.setdefault(technician_id, Position(Point(float(lat), float(lng)), "check_in"))  # type: ignore[arg-type]
    stops = (
        Appointment.objects.filter(
            order__technician_id__in=technician_ids,
            outcome=AppointmentOutcome.PENDING,
            starts_at__gte=now,
            starts_at__lt=day_end,
            order__customer__lat__isnull=False,
        )
        .order_by("order__technician_id", "starts_at")
        .values_list("order__technician_id", "order__customer__lat", "order__customer__lng")
    )
    for technician_id, lat, lng in stops:
        positions.setdefault(technician_id, Position(Point(float(lat), float(lng)), "next_stop"))  # type: ignore[arg-type]
    return positions
