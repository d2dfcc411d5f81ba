"""A grid's day of booked orders for the stored-plan tests (issue 9): orders with positions,
dispatched, accepted and booked through the verbs, at a frozen morning."""

import datetime as dt
from decimal import Decimal

import time_machine

from fiberops.core.clock import SHANGHAI
from fiberops.testing import World, make_order
from fiberops.workforce.models import Skill
from fiberops.workorders.actions import accept_order, book_appointment, dispatch_order
from fiberops.workorders.models import WorkOrder

DAY = dt.date(2026, 10, 13)
#: 08:00 in Chengdu on the planned day.
MORNING = dt.datetime(2026, 10, 13, 8, 0, tzinfo=SHANGHAI)


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


def give_skills(world: World) -> None:
    """Of the world's technicians of the grid, Z001 installs and repairs, Z002 only installs
    (R-WF-1); `make_world` gives everyone every skill, so they are set, not added."""
    repair, _ = Skill.objects.get_or_create(code="repair", defaults={"name": "故障维修"})
    ftth, _ = Skill.objects.get_or_create(code="ftth", defaults={"name": "FTTH"})
    world.technician.skills.set([ftth, repair])
    world.teammate.skills.set([ftth])


def placed_order(
    world: World, *, order_type: str = "install", lat: str = "30.6271", lng: str = "104.0362"
) -> WorkOrder:
    """A new order of the world's grid whose customer has a map position."""
    order = make_order(world, order_type=order_type, accepted_at=MORNING - dt.timedelta(days=1))
    customer = order.customer
    assert customer is not None
    customer.lat, customer.lng, customer.grid = Decimal(lat), Decimal(lng), world.grid
    customer.save(update_fields=["lat", "lng", "grid"])
    return order


def booked(
    world: World,
    *,
    starts_at: dt.datetime,
    technician=None,
    order_type: str = "install",
    lat: str = "30.6271",
    lng: str = "104.0362",
) -> WorkOrder:
    """Placed, dispatched to `technician` (the world's), accepted and booked for two hours."""
    technician = technician or world.technician
    with time_machine.travel(MORNING - dt.timedelta(hours=12), tick=False):
        order = placed_order(world, order_type=order_type, lat=lat, lng=lng)
        dispatch_order(order, technician=technician, actor=world.dispatcher)
        accept_order(order, actor=technician.user)
        book_appointment(
            order,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=2),
            actor=technician.user,
        )
    order.refresh_from_db()
    return order
