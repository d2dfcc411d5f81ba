"""A port's occupancy changes only through the actions, each change one event (R-RES-1)."""

import pytest

from fiberops.core.errors import Conflict, NotPermitted, RuleViolation
from fiberops.network.actions import (
    mark_port_faulty,
    mark_port_repaired,
    occupy_port,
    release_port,
)
from fiberops.network.choices import PortState
from fiberops.network.models import PortEvent
from fiberops.testing import run_concurrently


@pytest.fixture
def port(world):
    return world.box.ports.get(number=3)


def test_r_res_1_a_port_goes_free_occupied_free_faulty_free_with_one_event_each(world, port):
    occupy_port(port, actor=world.admin, work_order_id=41)
    port.refresh_from_db()
    assert (port.state, port.work_order_id) == (PortState.OCCUPIED, 41)
    release_port(port, actor=world.admin, work_order_id=41)
    mark_port_faulty(port, actor=world.admin, reason="尾纤断")
    port.refresh_from_db()
    assert port.state == PortState.FAULTY
    mark_port_repaired(port, actor=world.admin)
    port.refresh_from_db()
    assert (port.state, port.work_order_id, port.customer_id) == (PortState.FREE, None, None)
    events = list(PortEvent.objects.filter(port=port).values_list("kind", "from_state", "to_state"))
    assert events == [
        ("occupied", "free", "occupied"),
        ("released", "occupied", "free"),
        ("marked_faulty", "free", "faulty"),
        ("repaired", "faulty", "free"),
    ]
    assert PortEvent.objects.filter(port=port, work_order_id=41).count() == 2


def occupy_again(port, actor):
    occupy_port(port, actor=actor, work_order_id=2)


def mark_faulty(port, actor):
    mark_port_faulty(port, actor=actor, reason="x")


def release(port, actor):
    release_port(port, actor=actor)


def release_for_another_order(port, actor):
    release_port(port, actor=actor, work_order_id=99)


def repair(port, actor):
    mark_port_repaired(port, actor=actor)


@pytest.mark.parametrize(
    ("setup", "action", "error", "code"),
    [
        ("occupied", occupy_again, RuleViolation, "port_taken"),
        ("faulty", occupy_again, RuleViolation, "port_faulty"),
        ("occupied", mark_faulty, Conflict, "port_occupied"),
        ("free", release, Conflict, "illegal_port_transition"),
        ("free", repair, Conflict, "illegal_port_transition"),
        ("occupied", release_for_another_order, Conflict, "port_held_by_another_order"),
    ],
)
def test_r_res_1_an_illegal_port_move_is_refused_with_its_code_and_changes_nothing(
    world, port, setup, action, error, code
):
    if setup == "occupied":
        occupy_port(port, actor=world.admin, work_order_id=1)
    elif setup == "faulty":
        mark_port_faulty(port, actor=world.admin, reason="脏污")
    port.refresh_from_db()
    before = (port.state, port.work_order_id)
    events = PortEvent.objects.count()
    with pytest.raises(error) as refused:
        action(port, world.admin)
    assert refused.value.code == code
    port.refresh_from_db()
    assert (port.state, port.work_order_id) == before
    assert PortEvent.objects.count() == events


def test_r_res_1_port_events_are_append_only(world, port):
    occupy_port(port, actor=world.admin, work_order_id=5)
    event = PortEvent.objects.get(port=port)
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        PortEvent.objects.update(note="x")
    with pytest.raises(TypeError):
        PortEvent.objects.all().delete()


def test_r_res_1_marking_a_port_faulty_needs_a_reason(world, port):
    with pytest.raises(RuleViolation) as refused:
        mark_port_faulty(port, actor=world.admin, reason=" ")
    assert refused.value.code == "reason_required"


def test_r_res_1_only_administrators_and_integrations_import_the_inventory(world):
    import tablib

    from fiberops.network.actions import import_inventory

    with pytest.raises(NotPermitted):
        import_inventory("olt", tablib.Dataset(headers=["code"]), actor=world.dispatcher)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_r_res_1_concurrent_occupations_of_one_port_let_exactly_one_through():
    from itertools import count

    from fiberops.testing import make_world, require_postgresql

    require_postgresql()
    world = make_world()
    port = world.box.ports.get(number=2)
    orders = count(100)

    def occupy() -> str:
        try:
            occupy_port(port, actor=world.admin, work_order_id=next(orders))
        except RuleViolation as refused:
            return refused.code
        return "occupied"

    assert sorted(run_concurrently(occupy)) == [
        "occupied",
        "port_taken",
        "port_taken",
        "port_taken",
    ]
    assert PortEvent.objects.filter(port=port).count() == 1
