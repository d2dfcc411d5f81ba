"""Manual creation in the UI (R-ORD-2): the desk's calls and the network's own jobs."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from fiberops.core.errors import NotPermitted
from fiberops.workorders.actions import IntakeData, create_manual_order
from fiberops.workorders.models import WorkOrder

NOW = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


FAULT = {
    "order_type": "fault",
    "grid": "WH-01",
    "customer_name": "王五",
    "customer_phone": "13900001111",
    "customer_address": "成都市武侯区佳灵路9号",
    "description": "光猫LOS灯红",
}


@time_machine.travel(NOW, tick=False)
def test_r_ord_2_the_service_desk_creates_a_fault_order_numbered_by_day(world):
    client = login(world.cs_agent)
    response = client.post("/orders/new/", FAULT)
    assert response.status_code == 302
    order = WorkOrder.objects.get()
    assert order.bss_order_no == "M202611240001"
    assert order.accepted_at == NOW
    assert order.deadlines.get(kind="repair").due_at == NOW + dt.timedelta(hours=48)
    assert order.events.get().data == {"source": "manual"}
    client.post("/orders/new/", {**FAULT, "customer_phone": "13900002222"})
    assert WorkOrder.objects.filter(bss_order_no="M202611240002").exists()


def test_r_ord_2_bad_input_is_shown_in_chinese_and_nothing_is_created(world):
    response = login(world.dispatcher).post(
        "/orders/new/", {**FAULT, "customer_phone": "12345", "customer_address": ""}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "不是有效的手机号或固定电话号码" in html and "该类型工单必须包含客户信息" in html
    assert not WorkOrder.objects.exists()


def test_r_ord_2_an_inspection_needs_no_customer(world):
    response = login(world.dispatcher).post(
        "/orders/new/", {"order_type": "inspection", "grid": "WH-02", "description": "季度巡检"}
    )
    assert response.status_code == 302
    assert WorkOrder.objects.get().customer is None


def test_r_sec_2_a_dispatcher_cannot_create_in_another_branch(world):
    with pytest.raises(NotPermitted):
        create_manual_order(
            actor=world.dispatcher,
            data=IntakeData(
                bss_order_no="", order_type="inspection", accepted_at=NOW, grid=world.rural_grid
            ),
        )
    # and the form does not even offer the other branch's grids
    page = login(world.dispatcher).get("/orders/new/").content.decode()
    assert "PJ-01" not in page and "WH-01" in page


def test_r_sec_2_technicians_and_auditors_may_not_create(world):
    assert login(world.technician_user).get("/orders/new/").status_code == 403
    assert login(world.auditor).get("/orders/new/").status_code == 403


@time_machine.travel(NOW, tick=False)
def test_r_ord_2_manual_numbers_continue_after_the_highest_and_the_bss_may_not_take_them(world):
    client = login(world.cs_agent)
    client.post("/orders/new/", FAULT)
    bss = world.client(world.bss).post(
        "/api/v1/work-orders/",
        {
            "bss_order_no": "M202611240002",
            "order_type": "inspection",
            "accepted_at": "2026-11-24T09:00:00+08:00",
            "grid": "WH-01",
        },
        format="json",
    )
    assert bss.status_code == 400
    assert "bss_order_no" in bss.json()["error"]["fields"]
    WorkOrder.objects.filter(bss_order_no="M202611240001").update(bss_order_no="M202611240007")
    client.post("/orders/new/", {**FAULT, "customer_phone": "13900003333"})
    assert WorkOrder.objects.filter(bss_order_no="M202611240008").exists()


def test_r_res_1_a_splitter_port_of_another_grid_is_refused(world):
    response = login(world.dispatcher).post(
        "/orders/new/",
        {
            **FAULT,
            "order_type": "install",
            "grid": "WH-02",
            "splitter_box": "WH01-FX-001",
            "port": 2,
        },
    )
    assert response.status_code == 200
    assert not WorkOrder.objects.exists()
