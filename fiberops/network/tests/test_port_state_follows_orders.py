"""The port's state and the orders' `holds_port` never disagree (R-RES-1): the work-order verbs
that take or give back a port call the network's actions in their own transaction."""

from django.apps import apps

from fiberops.customers.models import Customer
from fiberops.network.choices import PortState
from fiberops.network.models import PortEvent, SplitterPort
from fiberops.testing import dispatch_and_complete, intake_payload, make_order
from fiberops.workorders.actions import cancel_order, change_resource, perform
from fiberops.workorders.models import WorkOrder

URL = "/api/v1/work-orders/"


def assert_agree() -> None:
    """Every occupied port is held by exactly the order it names, and every hold occupies."""
    held = dict(WorkOrder.objects.filter(holds_port=True).values_list("splitter_port_id", "pk"))
    occupied = dict(
        SplitterPort.objects.filter(state=PortState.OCCUPIED).values_list("pk", "work_order_id")
    )
    assert held == occupied


def test_r_res_1_an_install_occupies_its_port_for_its_customer(world):
    port = world.box.ports.get(number=5)
    order = make_order(world, splitter_port=port)
    port.refresh_from_db()
    assert port.state == PortState.OCCUPIED
    assert (port.work_order_id, port.customer_id) == (order.pk, order.customer_id)
    assert PortEvent.objects.get(port=port).actor == world.bss
    assert_agree()


def test_r_res_1_a_fault_order_on_a_taken_port_does_not_occupy_it_again(world):
    port = world.box.ports.get(number=5)
    install = make_order(world, splitter_port=port)
    make_order(world, order_type="fault", splitter_port=port)
    port.refresh_from_db()
    assert port.work_order_id == install.pk
    assert PortEvent.objects.filter(port=port).count() == 1
    assert_agree()


def test_r_res_1_an_install_on_a_faulty_port_is_refused_with_port_faulty(world):
    from fiberops.network.actions import mark_port_faulty

    mark_port_faulty(world.box.ports.get(number=6), actor=world.admin, reason="端口损坏")
    response = world.client(world.bss).post(
        URL, intake_payload(resource={"splitter_box": "WH01-FX-001", "port": 6}), format="json"
    )
    assert response.status_code == 422, response.content
    assert response.json()["error"]["code"] == "port_faulty"
    assert not WorkOrder.objects.exists()
    assert not Customer.objects.exists()


def test_r_res_1_cancelling_frees_the_port_with_a_released_event(world):
    port = world.box.ports.get(number=5)
    order = make_order(world, splitter_port=port)
    cancel_order(order, actor=world.dispatcher, reason="客户取消")
    port.refresh_from_db()
    assert port.state == PortState.FREE
    released = PortEvent.objects.filter(port=port).last()
    assert released is not None
    assert (released.kind, released.work_order_id, released.actor) == (
        "released",
        order.pk,
        world.dispatcher,
    )
    assert_agree()


def test_r_res_1_a_resource_change_frees_the_old_port_and_occupies_the_new(world):
    old, new = world.box.ports.get(number=5), world.box.ports.get(number=7)
    order = make_order(world, splitter_port=old)
    perform_to_site(world, order)
    change_resource(
        order, box="WH01-FX-001", port=7, reason="原端口损坏", actor=world.technician_user
    )
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.state == PortState.FREE
    assert (new.state, new.work_order_id) == (PortState.OCCUPIED, order.pk)
    assert_agree()


def test_r_res_1_an_install_without_a_port_takes_one_by_a_resource_change(world):
    order = make_order(world)
    perform_to_site(world, order)
    change_resource(
        order, box="WH01-FX-001", port=9, reason="现场选定", actor=world.technician_user
    )
    order.refresh_from_db()
    assert order.holds_port
    assert world.box.ports.get(number=9).state == PortState.OCCUPIED
    assert_agree()


def test_r_res_1_a_completed_removal_frees_the_port_its_install_held(world):
    port = world.box.ports.get(number=5)
    install = make_order(world, splitter_port=port, customer_phone="13900000001")
    removal = make_order(
        world, order_type="removal", splitter_port=port, customer_phone="13900000001"
    )
    assert removal.customer_id == install.customer_id
    dispatch_and_complete(world, removal)
    port.refresh_from_db()
    install.refresh_from_db()
    assert port.state == PortState.FREE
    assert not install.holds_port
    completed = removal.events.filter(action="complete").get()
    assert completed.data["released_from_order"] == install.pk
    assert_agree()


def test_r_res_1_a_removal_for_another_customer_leaves_the_port_held(world):
    port = world.box.ports.get(number=5)
    install = make_order(world, splitter_port=port, customer_phone="13900000001")
    removal = make_order(
        world, order_type="removal", splitter_port=port, customer_phone="13900000002"
    )
    dispatch_and_complete(world, removal)
    port.refresh_from_db()
    install.refresh_from_db()
    assert (port.state, port.work_order_id) == (PortState.OCCUPIED, install.pk)
    assert install.holds_port
    completed = removal.events.filter(action="complete").get()
    assert completed.data["reason"] == "held_by_another_customer"
    assert_agree()


def test_r_res_1_a_completed_relocation_frees_the_customers_old_port(world):
    old, new = world.box.ports.get(number=5), world.box.ports.get(number=6)
    install = make_order(world, splitter_port=old, customer_phone="13900000001")
    relocation = make_order(
        world, order_type="relocation", splitter_port=new, customer_phone="13900000001"
    )
    old.refresh_from_db()
    assert old.state == PortState.OCCUPIED  # the service runs on the old port until the move
    dispatch_and_complete(world, relocation)
    old.refresh_from_db()
    new.refresh_from_db()
    install.refresh_from_db()
    assert old.state == PortState.FREE and not install.holds_port
    assert (new.state, new.work_order_id) == (PortState.OCCUPIED, relocation.pk)
    completed = relocation.events.filter(action="complete").get()
    assert completed.data["released_from_order"] == install.pk
    assert_agree()


def test_r_res_1_the_data_migration_occupies_the_ports_existing_orders_hold(world):
    import importlib

    migration = importlib.import_module("fiberops.network.migrations.0003_port_states")
    port = world.box.ports.get(number=5)
    order = make_order(world, splitter_port=port)
    # As before the migration: the order holds the port, the port knows nothing.
    PortEvent.objects.filter(port=port)._raw_delete(PortEvent.objects.db)
    SplitterPort.objects.filter(pk=port.pk).update(
        state=PortState.FREE, customer=None, work_order_id=None
    )
    migration.occupy_held_ports(apps, None)
    port.refresh_from_db()
    assert (port.state, port.work_order_id, port.customer_id) == (
        PortState.OCCUPIED,
        order.pk,
        order.customer_id,
    )
    assert PortEvent.objects.filter(port=port, kind="occupied").count() == 1
    assert_agree()


def perform_to_site(world, order) -> None:
    from fiberops.workorders.actions import dispatch_order

    dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    for action in ["accept", "depart", "arrive"]:
        perform(order, action, actor=world.technician_user)
