"""The two-dispatcher race on PostgreSQL (issue 9): dispatchers assigning or reassigning one order
at the same moment, released together by a barrier, each on its own connection. The row lock
serialises them; the first wins, every other one gets 409 with the order's current state."""

import pytest

from fiberops.accounts.choices import Role
from fiberops.testing import make_order, make_user, make_world, require_postgresql, run_concurrently
from fiberops.workorders.actions import dispatch_order
from fiberops.workorders.models import OrderEvent, WorkOrder

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def dispatchers(world, count: int):
    users = [make_user(f"race{n}", Role.DISPATCHER, branch=world.urban) for n in range(count)]
    return [world.client(user) for user in users]  # tokens made before the race


def test_two_dispatchers_dispatching_one_order_one_wins_the_other_gets_409():
    require_postgresql()
    world = make_world()
    order = make_order(world)
    clients = iter(zip(dispatchers(world, 2), ["Z001", "Z002"], strict=True))

    def dispatch():
        client, staff_no = next(clients)
        response = client.post(
            f"/api/v1/work-orders/{order.pk}/dispatch/",
            {"technician": staff_no, "expected_technician": ""},
            format="json",
        )
        return response.status_code, response.json(), staff_no

    results = run_concurrently(dispatch, workers=2)
    codes = sorted(code for code, _body, _staff in results)
    assert codes == [200, 409]
    winner = next(staff for code, _body, staff in results if code == 200)
    loser = next(body for code, body, _staff in results if code == 409)
    assert loser["error"]["current"] == {
        "status": "dispatched",
        "technician": winner,
        "updated_at": loser["error"]["current"]["updated_at"],
    }
    order.refresh_from_db()
    assert order.technician.staff_no == winner  # type: ignore[union-attr]
    assert OrderEvent.objects.filter(order=order, action="dispatch").count() == 1


def test_four_dispatchers_reassigning_one_order_one_wins_the_rest_get_409_order_changed():
    require_postgresql()
    world = make_world()
    order = make_order(world)
    dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    targets = iter(
        zip(
            dispatchers(world, 4),
            [("Z002", ""), ("Z003", "支援"), ("Z002", ""), ("Z003", "支援")],
            strict=True,
        )
    )

    def reassign():
        client, (staff_no, borrow) = next(targets)
        response = client.post(
            f"/api/v1/work-orders/{order.pk}/handover/",
            {
                "technician": staff_no,
                "reason": "就近改派",
                "borrow_reason": borrow,
                "expected_technician": "Z001",
            },
            format="json",
        )
        return response.status_code, response.json()

    results = run_concurrently(reassign, workers=4)
    assert sorted(code for code, _body in results) == [200, 409, 409, 409]
    order = WorkOrder.objects.select_related("technician").get(pk=order.pk)
    for code, body in results:
        if code == 409:
            assert body["error"]["code"] == "order_changed"
            assert body["error"]["current"]["technician"] == order.technician.staff_no  # type: ignore[union-attr]
    assert OrderEvent.objects.filter(order=order, action="handover").count() == 1
