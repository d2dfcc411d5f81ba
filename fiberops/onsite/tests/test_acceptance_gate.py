"""The acceptance gate (issue 8): an install completes only when every element holds, each
recorded with its reading (R-ACC-1..5); a refusal lists every missing or failed item."""

import datetime as dt

import time_machine

from fiberops.network.models import SplitterPort
from fiberops.onsite.models import AcceptanceReading, ChecklistItem
from fiberops.testing import (
    World,
    add_evidence_photos,
    make_order,
    record_checklist,
    sign_off,
    synthetic_photo,
)
from fiberops.workorders.actions import dispatch_order, perform
from fiberops.workorders.models import WorkOrder

NOW = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)  # Monday 10:00 in Shanghai


def url(order, action=""):
    return f"/api/v1/work-orders/{order.pk}/{action}"


def on_site(
    world: World, order_type: str = "install", port_number: int = 7, *, checklist: bool = True
) -> WorkOrder:
    """An order checked in on site; its ten-step checklist answered unless `checklist` is
    False (these tests are about the acceptance elements and the photos)."""
    port = SplitterPort.objects.get(box=world.box, number=port_number)
    order = make_order(
        world, order_type=order_type, accepted_at=NOW - dt.timedelta(hours=2), splitter_port=port
    )
    dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    for action in ["accept", "depart", "arrive"]:
        perform(order, action, actor=world.technician_user)
    if checklist:
        record_checklist(order, world.technician_user)
    return order


def record(world, order, element, values=None):
    return world.client(world.technician_user).post(
        url(order, "acceptance/"), {"element": element, "values": values or {}}, format="json"
    )


def record_all_holding(world, order, *, port=7):
    for element, values in [
        ("resource", {"box": "WH01-FX-001", "port": port}),
        ("optical_power", {"rx_power_dbm": "-19.8"}),
        ("speed", {"measured_mbps": "480"}),
        ("ont", {"loid": "LOID12345678", "pppoe_dial_ok": True}),
        ("aaa", {}),
    ]:
        response = record(world, order, element, values)
        assert response.status_code == 201, response.content


@time_machine.travel(NOW, tick=False)
def test_r_acc_completion_without_evidence_lists_every_missing_element(world):
    order = on_site(world, checklist=False)
    response = world.client(world.technician_user).post(url(order, "complete/"), {})
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "completion_blocked"
    checklist = ChecklistItem.objects.filter(template__order_type="install").order_by("position")
    assert [(b["item"], b["code"]) for b in error["blocking"]] == [
        # the ten-step checklist first (R-SITE-1), then the elements, then the photos
        *((f"checklist:{item.code}", "checklist_missing") for item in checklist),
        ("resource", "missing"),
        ("aaa", "missing"),
        ("optical_power", "missing"),
        ("speed", "missing"),
        ("ont", "missing"),
        ("photo:route", "photo_missing"),
        ("photo:splitter_label", "photo_missing"),
        ("photo:ont_stb", "photo_missing"),
        ("photo:acceptance_form", "photo_missing"),
        ("satisfaction", "satisfaction_missing"),  # R-SITE-6
        ("signature", "signature_missing"),  # R-SITE-3
    ]
    assert WorkOrder.objects.get(pk=order.pk).status == "on_site"


@time_machine.travel(NOW, tick=False)
def test_r_acc_3_minus_25_is_refused_minus_24_9_passes_minus_7_5_is_overload(world):
    order = on_site(world)
    blocked = record(world, order, "optical_power", {"rx_power_dbm": "-25.0"}).json()
    optical = [b for b in blocked["blocking"] if b["item"] == "optical_power"][0]
    assert optical["code"] == "optical_power_too_low"
    assert optical["reading"] == {"rx_power_dbm": "-25.0"}
    assert "-25.0" in optical["message"]
    over = record(world, order, "optical_power", {"rx_power_dbm": "-7.5"}).json()
    assert [b["code"] for b in over["blocking"] if b["item"] == "optical_power"] == [
        "optical_power_overload"
    ]
    fine = record(world, order, "optical_power", {"rx_power_dbm": "-24.9"}).json()
    assert "optical_power" not in [b["item"] for b in fine["blocking"]]
    assert AcceptanceReading.objects.filter(order=order, element="optical_power").count() == 3


@time_machine.travel(NOW, tick=False)
def test_r_acc_1_a_port_mismatch_blocks_completion_until_a_resource_change(world):
    order = on_site(world, port_number=7)
    record_all_holding(world, order, port=9)  # the technician used port 9, the record says 7
    client = world.client(world.technician_user)
    blocked = client.post(url(order, "complete/"), {})
    assert blocked.status_code == 409
    blocking = blocked.json()["error"]["blocking"]
    assert [(b["item"], b["code"]) for b in blocking if not b["item"].startswith("photo:")] == [
        ("resource", "resource_mismatch"),
        ("satisfaction", "satisfaction_missing"),
        ("signature", "signature_missing"),
    ]
    changed = client.post(
        url(order, "resource-change/"),
        {"box": "WH01-FX-001", "port": 9, "reason": "7号端口损坏，改用9号"},
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["resource"] == {"splitter_box": "WH01-FX-001", "port": 9}
    add_evidence_photos(WorkOrder.objects.get(pk=order.pk), world.technician_user)
    sign_off(order, world.technician_user)
    event = order.events.get(kind="resource_changed")
    assert (event.data["before"], event.data["after"]) == ("WH01-FX-001-07", "WH01-FX-001-09")
    assert event.note == "7号端口损坏，改用9号"
    done = client.post(url(order, "complete/"), {})
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "completed"


@time_machine.travel(NOW, tick=False)
def test_r_acc_1_a_resource_change_to_a_port_serving_another_order_is_refused(world):
    first = on_site(world, port_number=7)
    second = on_site(world, port_number=8)
    response = world.client(world.technician_user).post(
        url(second, "resource-change/"), {"box": "WH01-FX-001", "port": 7, "reason": "试试"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "port_taken"
    assert WorkOrder.objects.get(pk=second.pk).splitter_port.number == 8
    assert WorkOrder.objects.get(pk=first.pk).splitter_port.number == 7


@time_machine.travel(NOW, tick=False)
def test_r_acc_2_aaa_is_synchronised_only_after_the_pppoe_dial_up(world):
    order = on_site(world)
    early = record(world, order, "aaa").json()
    assert [b["code"] for b in early["blocking"] if b["item"] == "aaa"] == ["aaa_not_synchronised"]
    record(world, order, "ont", {"loid": "LOID1", "pppoe_dial_ok": True})
    later = record(world, order, "aaa").json()
    assert "aaa" not in [b["item"] for b in later["blocking"]]
    aaa = [r for r in later["readings"] if r["element"] == "aaa"][0]
    assert aaa["source"] == "adapter" and aaa["values"]["synchronised"] is True
    # The adapter is asked about the account the BSS opened for the order (宽带账号).
    assert order.broadband_account and aaa["values"]["account"] == order.broadband_account


@time_machine.travel(NOW, tick=False)
def test_r_acc_4_speed_below_90_percent_of_the_plan_blocks(world):
    order = on_site(world)  # plan 500M
    state = record(world, order, "speed", {"measured_mbps": "449.9"}).json()
    speed = [b for b in state["blocking"] if b["item"] == "speed"][0]
    assert speed["code"] == "speed_below_plan" and speed["reading"]["required_mbps"] == "450.0"


@time_machine.travel(NOW, tick=False)
def test_r_acc_a_complete_install_with_all_evidence_completes_and_a_fault_needs_none(world):
    order = on_site(world)
    record_all_holding(world, order)
    add_evidence_photos(order, world.technician_user)
    sign_off(order, world.technician_user)
    client = world.client(world.technician_user)
    assert client.get(url(order, "acceptance/")).json()["blocking"] == []
    assert client.post(url(order, "complete/"), {}).json()["status"] == "completed"
    fault = make_order(world, order_type="fault", accepted_at=NOW - dt.timedelta(hours=1))
    dispatch_order(fault, technician=world.technician, actor=world.dispatcher)
    for action in ["accept", "depart", "arrive", "complete"]:
        perform(fault, action, actor=world.technician_user)
    assert fault.status == "completed"


@time_machine.travel(NOW, tick=False)
def test_r_sec_2_only_the_orders_technician_records_readings(world):
    order = on_site(world)
    teammate = world.client(world.teammate.user).post(
        url(order, "acceptance/"),
        {"element": "speed", "values": {"measured_mbps": "500"}},
        format="json",
    )
    assert teammate.status_code == 404
    bad = record(world, order, "speed", {"measured_mbps": "fast"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_reading"
    assert not AcceptanceReading.objects.filter(order=order).exists()


@time_machine.travel(NOW, tick=False)
def test_r_pho_5_a_reused_photo_blocks_completion_a_photo_without_exif_does_not(world):
    from fiberops.onsite.actions import add_photo

    first = on_site(world, port_number=7)
    add_evidence_photos(first, world.technician_user)
    second = on_site(world, port_number=8)
    record_all_holding(world, second, port=8)
    add_evidence_photos(second, world.technician_user)
    sign_off(second, world.technician_user)
    # the route photo of the first order, sent again for the second: flagged reused
    add_photo(
        second,
        kind="route",
        data=synthetic_photo(first.pk * 10),
        filename="route.jpg",
        actor=world.technician_user,
    )
    blocked = world.client(world.technician_user).post(url(second, "complete/"), {})
    assert blocked.status_code == 409
    blocking = blocked.json()["error"]["blocking"]
    assert [(b["item"], b["code"]) for b in blocking] == [("photo:route", "reused")]
    assert blocking[0]["reading"]["evidence"]["matches"][0]["order"] == first.bss_order_no
