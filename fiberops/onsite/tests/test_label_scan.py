"""资源准确 scanned from the machine label (R-RES-2, R-ACC-1): the box and port come from the
label's QR code, decoded on the server from a picture (zxing-cpp) or sent as the code's text."""

import time_machine

from fiberops.network.labels import label_payload
from fiberops.onsite.models import AcceptanceReading
from fiberops.onsite.tests.test_acceptance_gate import NOW, on_site, url
from fiberops.testing import synthetic_photo


def scan(world, order, **data):
    return world.client(world.technician_user).post(
        url(order, "acceptance/scan/"), data, format="multipart"
    )


def picture(payload: str | None, seed: int = 5):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("label.jpg", synthetic_photo(seed, qr_text=payload), "image/jpeg")


def resource_blockers(state: dict) -> list[str]:
    return [b["code"] for b in state["blocking"] if b["item"] == "resource"]


@time_machine.travel(NOW, tick=False)
def test_r_res_2_a_picture_of_the_order_label_records_a_scanned_resource_that_holds(world):
    order = on_site(world)
    response = scan(world, order, file=picture(label_payload(order.bss_order_no, "WH01-FX-001", 7)))
    assert response.status_code == 201, response.content
    assert resource_blockers(response.json()) == []
    reading = AcceptanceReading.objects.get(order=order, element="resource")
    assert reading.source == "scanned" and reading.ok
    assert reading.values["label"] == {"order": order.bss_order_no, "box": "WH01-FX-001", "port": 7}


@time_machine.travel(NOW, tick=False)
def test_r_acc_1_a_scanned_label_of_another_port_is_a_mismatch_until_a_resource_change(world):
    order = on_site(world)
    text = label_payload(order.bss_order_no, "WH01-FX-001", 9)
    state = scan(world, order, qr_text=text).json()
    assert resource_blockers(state) == ["resource_mismatch"]
    changed = world.client(world.technician_user).post(
        url(order, "resource-change/"),
        {"box": "WH01-FX-001", "port": 9, "reason": "实际使用9号口"},
        format="json",
    )
    assert changed.status_code == 200, changed.content
    again = world.client(world.technician_user).get(url(order, "acceptance/")).json()
    assert resource_blockers(again) == []


@time_machine.travel(NOW, tick=False)
def test_r_res_2_the_label_of_another_order_is_refused_and_nothing_recorded(world):
    order = on_site(world)
    response = scan(world, order, file=picture(label_payload("BSS99999999", "WH01-FX-001", 7)))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "label_other_order" and "BSS99999999" in error["message"]
    assert not AcceptanceReading.objects.filter(order=order).exists()


@time_machine.travel(NOW, tick=False)
def test_r_res_2_a_picture_without_a_label_code_is_unreadable_and_nothing_recorded(world):
    order = on_site(world)
    for data in [{"file": picture(None)}, {"qr_text": '{"order":"x"}'}]:
        response = scan(world, order, **data)
        assert response.status_code == 422, data
        assert response.json()["error"]["code"] == "label_unreadable"
    from django.core.files.uploadedfile import SimpleUploadedFile

    text_file = SimpleUploadedFile("label.jpg", b"not a picture at all", "image/jpeg")
    bad = scan(world, order, file=text_file)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "not_an_image"
    assert not AcceptanceReading.objects.filter(order=order).exists()


@time_machine.travel(NOW, tick=False)
def test_r_res_2_a_scan_needs_exactly_one_of_picture_and_text(world):
    order = on_site(world)
    text = label_payload(order.bss_order_no, "WH01-FX-001", 7)
    assert scan(world, order).status_code == 400
    assert scan(world, order, qr_text=text, file=picture(text)).status_code == 400
    assert not AcceptanceReading.objects.filter(order=order).exists()


@time_machine.travel(NOW, tick=False)
def test_r_res_2_only_the_order_technician_scans_for_it(world):
    order = on_site(world)
    for user in (world.dispatcher, world.auditor):
        response = world.client(user).post(
            url(order, "acceptance/scan/"),
            {"qr_text": label_payload(order.bss_order_no, "WH01-FX-001", 7)},
            format="multipart",
        )
        assert response.status_code == 403, user
    assert not AcceptanceReading.objects.filter(order=order).exists()
