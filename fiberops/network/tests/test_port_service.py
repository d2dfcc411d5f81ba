"""A splitter port at intake: in the order's grid (R-RES-1), and one live service per port."""

import pytest
from django.test import Client

from fiberops.customers.models import Customer
from fiberops.network.models import SplitterBox, SplitterPort
from fiberops.testing import (
    dispatch_and_complete,
    intake_payload,
    make_world,
    require_postgresql,
    run_concurrently,
)
from fiberops.workorders.models import WorkOrder

URL = "/api/v1/work-orders/"
PORT_5 = {"splitter_box": "WH01-FX-001", "port": 5}


def intake(world, **overrides):
    return world.client(world.bss).post(URL, intake_payload(**overrides), format="json")


def make_box(code: str, grid) -> SplitterBox:
    box = SplitterBox.objects.create(code=code, grid=grid, port_count=8)
    SplitterPort.objects.bulk_create([SplitterPort(box=box, number=n) for n in range(1, 9)])
    return box


@pytest.mark.parametrize("grid_name", ["other_grid", "rural_grid"])
def test_r_res_1_intake_refuses_a_box_of_another_grid_with_400_on_resource(world, grid_name):
    box = make_box("XX-FX-001", getattr(world, grid_name))
    response = intake(world, resource={"splitter_box": box.code, "port": 1})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"resource"}
    assert not WorkOrder.objects.exists()
    assert not Customer.objects.exists()


def test_r_res_1_the_same_box_is_accepted_for_an_order_of_its_own_grid(world):
    box = make_box("WH02-FX-001", world.other_grid)
    response = intake(world, grid="WH-02", resource={"splitter_box": box.code, "port": 1})
    assert response.status_code == 201, response.content
    assert response.json()["resource"] == {"splitter_box": "WH02-FX-001", "port": 1}


def test_r_res_1_a_second_open_install_on_a_taken_port_is_422_port_taken(world):
    first = intake(world, resource=PORT_5)
    assert first.status_code == 201
    orders = WorkOrder.objects.count()
    second = intake(world, resource=PORT_5)
    assert second.status_code == 422, second.content
    error = second.json()["error"]
    assert error["code"] == "port_taken"
    assert "WH01-FX-001-05" in error["message"]
    assert WorkOrder.objects.count() == orders


def test_r_res_1_a_relocation_onto_a_taken_port_is_refused_too(world):
    intake(world, resource=PORT_5)
    response = intake(world, order_type="relocation", resource=PORT_5)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "port_taken"


@pytest.mark.parametrize("order_type", ["fault", "complaint", "removal"])
def test_r_res_1_orders_that_serve_an_existing_line_may_name_a_taken_port(world, order_type):
    intake(world, resource=PORT_5)
    response = intake(world, order_type=order_type, resource=PORT_5)
    assert response.status_code == 201, response.content
    assert WorkOrder.objects.filter(splitter_port__number=5).count() == 2
    assert WorkOrder.objects.filter(splitter_port__number=5, holds_port=True).count() == 1


def test_r_res_1_cancelling_the_install_frees_its_port(world):
    first = intake(world, resource=PORT_5).json()
    cancel = world.client(world.dispatcher).post(
        f"{URL}{first['id']}/cancel/", {"reason": "客户取消"}, format="json"
    )
    assert cancel.status_code == 200, cancel.content
    timeline = world.client(world.dispatcher).get(f"{URL}{first['id']}/events/").json()
    assert timeline[-1]["action"] == "cancel"
    assert timeline[-1]["data"] == {"released_port": "WH01-FX-001-05"}
    again = intake(world, resource=PORT_5)
    assert again.status_code == 201, again.content
    assert again.json()["resource"] == PORT_5


def test_r_res_1_a_completed_install_keeps_its_port_for_the_live_service(world):
    first = WorkOrder.objects.get(pk=intake(world, resource=PORT_5).json()["id"])
    dispatch_and_complete(world, first)
    response = intake(world, resource=PORT_5)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "port_taken"


def test_r_res_1_the_manual_form_refuses_a_taken_port_in_chinese(world):
    intake(world, resource=PORT_5)
    client = Client()
    client.force_login(world.dispatcher)
    form = {
        "order_type": "install",
        "grid": "WH-01",
        "customer_name": "王五",
        "customer_phone": "13900001111",
        "customer_address": "成都市武侯区佳灵路9号",
        "splitter_box": "WH01-FX-001",
        "port": 5,
    }
    response = client.post("/orders/new/", form, follow=True)
    assert "分光器端口 WH01-FX-001-05 已被另一张工单占用" in response.content.decode()
    assert WorkOrder.objects.count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_r_res_1_concurrent_installs_on_one_port_leave_one_live_service():
    require_postgresql()
    world = make_world()
    world.client(world.bss)  # creates the token before the race
    # Four customers (distinct phones) race for one port.
    payloads = []
    for n in range(4):
        payload = intake_payload(resource=PORT_5)
        payload["customer"]["phone"] = f"1391234560{n}"
        payloads.append(payload)
    queue = iter(payloads)
    codes = run_concurrently(
        lambda: world.client(world.bss).post(URL, next(queue), format="json").status_code
    )
    assert sorted(codes) == [201, 422, 422, 422]
    assert WorkOrder.objects.filter(holds_port=True, splitter_port__number=5).count() == 1
