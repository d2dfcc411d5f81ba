"""Two dispatchers assigning one order (issue 9): the slower one gets 409 with the order's current
state, and nothing changes. Sequential here (the check is on the locked row); the real race, with
threads on PostgreSQL, is `dispatch/tests/test_dispatch_race.py`."""

import datetime as dt

from fiberops.accounts.choices import Role
from fiberops.testing import make_order, make_user
from fiberops.workorders.models import OrderEvent, WorkOrder


def url(order: WorkOrder, tail: str) -> str:
    return f"/api/v1/work-orders/{order.pk}/{tail}"


def test_a_second_dispatch_of_the_same_order_is_409_with_who_has_it_now(world):
    order = make_order(world)
    first = world.client(world.dispatcher)
    second = world.client(world.manager)
    assert first.post(url(order, "dispatch/"), {"technician": "Z001"}).status_code == 200
    late = second.post(url(order, "dispatch/"), {"technician": "Z002"}, format="json")
    assert late.status_code == 409
    error = late.json()["error"]
    assert error["code"] == "illegal_transition"
    assert error["current"]["technician"] == "Z001"
    assert error["current"]["status"] == "dispatched"


def test_a_reassignment_seen_on_a_stale_board_is_409_order_changed(world):
    order = make_order(world)
    world.client(world.dispatcher).post(url(order, "dispatch/"), {"technician": "Z001"})
    other = make_user("dispatcher2", Role.DISPATCHER, branch=world.urban)
    # Dispatcher 1 moves it to Z002; dispatcher 2 still sees Z001 and moves it to Z003.
    moved = world.client(world.dispatcher).post(
        url(order, "handover/"),
        {"technician": "Z002", "reason": "就近", "expected_technician": "Z001"},
        format="json",
    )
    assert moved.status_code == 200, moved.content
    stale = world.client(other).post(
        url(order, "handover/"),
        {
            "technician": "Z003",
            "reason": "就近",
            "borrow_reason": "支援",
            "expected_technician": "Z001",
        },
        format="json",
    )
    assert stale.status_code == 409
    error = stale.json()["error"]
    assert error["code"] == "order_changed"
    assert error["current"] == {
        "status": "dispatched",
        "technician": "Z002",
        "updated_at": WorkOrder.objects.get(pk=order.pk)
        .updated_at.astimezone(dt.timezone(dt.timedelta(hours=8)))
        .isoformat(),
    }
    assert "其他调度员" in error["message"]
    assert OrderEvent.objects.filter(order=order, action="handover").count() == 1


def test_expecting_an_unassigned_order_that_was_just_dispatched_is_409(world):
    order = make_order(world)
    world.client(world.dispatcher).post(url(order, "dispatch/"), {"technician": "Z001"})
    response = world.client(world.manager).post(
        url(order, "handover/"),
        {"technician": "Z002", "reason": "改派", "expected_technician": ""},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["current"]["technician"] == "Z001"


def test_if_unmodified_since_refuses_a_change_made_after_the_client_read(world):
    order = make_order(world)
    client = world.client(world.dispatcher)
    read = client.get(f"/api/v1/work-orders/{order.pk}/").json()["updated_at"]
    client.post(url(order, "dispatch/"), {"technician": "Z001"})
    response = client.post(
        url(order, "handover/"),
        {"technician": "Z002", "reason": "改派", "if_unmodified_since": read},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "order_changed"
    fresh = client.get(f"/api/v1/work-orders/{order.pk}/").json()["updated_at"]
    ok = client.post(
        url(order, "handover/"),
        {"technician": "Z002", "reason": "改派", "if_unmodified_since": fresh},
        format="json",
    )
    assert ok.status_code == 200, ok.content


def test_old_clients_without_the_checks_keep_working(world):
    order = make_order(world)
    response = world.client(world.dispatcher).post(
        url(order, "dispatch/"), {"technician": "Z001"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["technician"]["staff_no"] == "Z001"
