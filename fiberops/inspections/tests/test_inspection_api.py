"""The inspection order's checklist, log and transfers over the API (R-INS-1/2, R-ORD-5): the
technician logs the own order; findings outside maintenance go to a named department, recorded
and on the timeline; other orders and other scopes are refused."""

import datetime as dt

import pytest
import time_machine

from fiberops.inspections.models import Department, InspectionLogEntry, Transfer
from fiberops.inspections.tests.helpers import T0, generated_round, make_plan, walk_to_site
from fiberops.testing import make_order
from fiberops.workorders.models import EventKind, OrderEvent
from fiberops.workorders.timeline import order_timeline

LATER = T0 + dt.timedelta(hours=2)


@pytest.fixture
def on_site(world):
    inspection = generated_round(world, make_plan(world))
    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        walk_to_site(world, inspection)
    return inspection


def url(inspection, tail=""):
    return f"/api/v1/work-orders/{inspection.order_id}/inspection/{tail}"


def test_R_INS_1_the_order_carries_its_plans_checklist(world, on_site):
    body = world.client(world.technician_user).get(url(on_site)).json()
    assert [row["label"] for row in body["checklist"]] == [
        "设备清洁",
        "散热良好",
        "无飞线/光纤无下垂",
        "标签齐全正确",
    ]
    assert body["checklist"][0]["is_ok"] is None
    assert body["due_at"] == "2026-04-30T23:59:59+08:00"
    assert (body["log"], body["transfers"], body["elements"]) == ([], [], [])


def test_R_INS_2_the_technician_logs_checks_replacements_and_repairs(world, on_site):
    client = world.client(world.technician_user)
    with time_machine.travel(LATER, tick=False):
        posts = [
            {"kind": "checklist", "item_code": "clean", "is_ok": True},
            {"kind": "checklist", "item_code": "labels", "is_ok": False, "note": "2号箱标签脱落"},
            {"kind": "inspected", "element_kind": "splitter_box", "element_code": "WH01-FX-001"},
            {"kind": "replaced", "element_code": "WH01-FX-001", "note": "更换箱门锁"},
            {
                "kind": "repaired",
                "element_code": "WH01-FX-001",
                "fault_kind": "尾纤弯曲过度",
                "note": "重新盘纤",
            },
        ]
        for post in posts:
            response = client.post(url(on_site, "log/"), post, format="json")
            assert response.status_code == 201, response.json()
    body = client.get(url(on_site)).json()
    checklist = {row["code"]: row for row in body["checklist"]}
    assert checklist["clean"]["is_ok"] is True
    assert (checklist["labels"]["is_ok"], checklist["labels"]["note"]) == (False, "2号箱标签脱落")
    assert checklist["cooling"]["is_ok"] is None
    assert [entry["kind"] for entry in body["log"]] == ["inspected", "replaced", "repaired"]
    assert body["log"][2]["fault_kind"] == "尾纤弯曲过度"
    assert body["log"][2]["recorded_by"] == "tech"
    assert (
        OrderEvent.objects.filter(order=on_site.order, kind=EventKind.INSPECTION_LOGGED).count()
        == 5
    )


@pytest.mark.parametrize(
    ("post", "code"),
    [
        ({"kind": "checklist", "item_code": "nope", "is_ok": True}, "unknown_checklist_item"),
        ({"kind": "checklist", "item_code": "clean"}, "checklist_result_required"),
        ({"kind": "checklist", "item_code": "clean", "is_ok": False}, "note_required"),
        ({"kind": "inspected"}, "element_required"),
        ({"kind": "repaired", "element_code": "WH01-FX-001"}, "fault_kind_required"),
    ],
)
def test_R_INS_2_an_incomplete_log_line_is_refused_and_writes_nothing(world, on_site, post, code):
    response = world.client(world.technician_user).post(url(on_site, "log/"), post, format="json")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == code
    assert not InspectionLogEntry.objects.exists()


def test_R_INS_2_only_the_orders_technician_logs_it(world, on_site):
    post = {"kind": "inspected", "element_code": "WH01-FX-001"}
    response = world.client(world.dispatcher).post(url(on_site, "log/"), post, format="json")
    assert response.status_code == 403
    assert not InspectionLogEntry.objects.exists()


def test_R_ORD_5_a_finding_outside_maintenance_is_transferred_and_recorded(world, on_site):
    client = world.client(world.technician_user)
    with time_machine.travel(LATER, tick=False):
        response = client.post(
            url(on_site, "transfers/"),
            {
                "department": "line_centre",
                "reason": "主干光缆被施工挖断，非装维范围",
                "element_code": "WH01-GL-003",
            },
            format="json",
        )
    assert response.status_code == 201, response.json()
    assert response.json()["department_label"] == str(Department.LINE_CENTRE.label)
    transfer = Transfer.objects.get()
    assert (transfer.transferred_by, transfer.transferred_at) == (world.technician_user, LATER)
    event = OrderEvent.objects.get(order=on_site.order, kind=EventKind.INSPECTION_TRANSFERRED)
    assert (event.note, event.data["department"]) == (transfer.reason, "line_centre")
    lines = [line for line in order_timeline(on_site.order) if line.kind == event.kind]
    assert lines[0].detail_label == f"{Department.LINE_CENTRE.label} · WH01-GL-003"


def test_R_ORD_5_a_transfer_needs_a_reason(world, on_site):
    response = world.client(world.dispatcher).post(
        url(on_site, "transfers/"), {"department": "transmission", "reason": "  "}, format="json"
    )
    assert (response.status_code, response.json()["error"]["code"]) == (400, "invalid")
    assert not Transfer.objects.exists()


def test_R_INS_1_other_orders_have_no_inspection_and_other_branches_see_nothing(world, on_site):
    install = make_order(world)
    response = world.client(world.admin).get(f"/api/v1/work-orders/{install.pk}/inspection/")
    assert (response.status_code, response.json()["error"]["code"]) == (
        404,
        "not_an_inspection_order",
    )
    assert world.client(world.foreign_dispatcher).get(url(on_site)).status_code == 404
    transfer = {"department": "transmission", "reason": "传输设备告警"}
    response = world.client(world.foreign_dispatcher).post(
        url(on_site, "transfers/"), transfer, format="json"
    )
    assert response.status_code == 404
