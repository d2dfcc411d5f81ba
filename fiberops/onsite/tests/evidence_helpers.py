"""An install on site with some evidence (readings, photos, flags) for the page tests."""

import datetime as dt

import time_machine

from fiberops.accounts.choices import Role
from fiberops.onsite.acceptance import record_acceptance
from fiberops.onsite.actions import add_photo
from fiberops.onsite.models import Photo
from fiberops.onsite.tests.helpers import CHECK_IN, NEAR_SITE, UPLOAD_AT, encode, exif, picture
from fiberops.onsite.tests.helpers import order_on_site as order_on_site
from fiberops.testing import World, make_order, make_user
from fiberops.workorders.actions import accept_order, arrive_on_site, depart_order, dispatch_order
from fiberops.workorders.models import WorkOrder

FAR_AWAY = (30.70, 104.10)  # about 10 km from the site


def jpeg(seed: int, *, gps=NEAR_SITE, taken: str = "2026:11:03 10:20:00") -> bytes:
    return encode(picture(seed), exif_data=exif(taken=taken, offset="+08:00", gps=gps), quality=85)


def add(order: WorkOrder, actor, data: bytes, kind: str = "route") -> Photo:
    with time_machine.travel(UPLOAD_AT, tick=False):
        photo, _created = add_photo(order, kind=kind, data=data, actor=actor)
    return photo


def install_with_some_evidence(world: World) -> tuple[WorkOrder, WorkOrder]:
    """(install, earlier install): the earlier one holds a route photo; the install has a failed
    optical reading, a holding speed reading, its route photo reused from the earlier order, an
    ONT photo taken far away and before the check-in, and no splitter-label or form photo."""
    tech = world.technician_user
    earlier, order = order_on_site(world), order_on_site(world)
    add(earlier, tech, jpeg(31))
    with time_machine.travel(UPLOAD_AT, tick=False):
        record_acceptance(
            order, element="optical_power", values={"rx_power_dbm": "-25.0"}, actor=tech
        )
        record_acceptance(order, element="speed", values={"measured_mbps": "1000"}, actor=tech)
    add(order, tech, jpeg(31), "route")  # the same picture: reused
    add(order, tech, jpeg(32, gps=FAR_AWAY, taken="2026:11:03 07:00:00"), "ont_stb")
    return order, earlier


def rural_order_with_a_flagged_photo(world: World) -> WorkOrder:
    """An install of the other branch (蒲江县) on site, with a photo taken before the check-in
    (its customer has no location: no distance check)."""
    user = make_user("rural_tech", Role.TECHNICIAN)
    world.rural_technician.user = user
    world.rural_technician.save()
    with time_machine.travel(CHECK_IN - dt.timedelta(hours=1), tick=False):
        order = make_order(
            world, grid=world.rural_grid, accepted_at=CHECK_IN - dt.timedelta(days=1)
        )
        dispatch_order(order, technician=world.rural_technician, actor=world.foreign_dispatcher)
        accept_order(order, actor=user)
        depart_order(order, actor=user)
    with time_machine.travel(CHECK_IN, tick=False):
        arrive_on_site(order, actor=user)
    add(order, user, jpeg(41, taken="2026:11:03 07:00:00"), "route")
    return order
