"""Inputs a fuzzer sent that answered 500 or the wrong envelope (issue 6), each now a 4xx in the
JSON error envelope."""

import datetime as dt
import json

import pytest

from fiberops.testing import intake_payload, make_order

URL = "/api/v1/work-orders/"


def envelope(response) -> dict:
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return response.json()["error"]


@pytest.mark.parametrize("path", ["abc/accept/", "abc/events/", "abc/", "abc/contact-attempts/"])
def test_r_sec_2_a_non_integer_order_id_is_a_json_404(world, path):
    response = world.client(world.admin).post(URL + path, {}, format="json")
    if path in {"abc/", "abc/events/"}:
        response = world.client(world.admin).get(URL + path)
    assert response.status_code == 404
    assert envelope(response)["code"] == "not_found"


@pytest.mark.parametrize(
    "query",
    ["?status=A%00B", "?grid=A%00B", "?order_type=A%00B", "?technician=A%00B", "?bss_order_no=%00"],
)
def test_r_sec_2_a_nul_byte_in_a_query_is_400(world, query):
    response = world.client(world.dispatcher).get(URL + query)
    assert response.status_code == 400
    assert envelope(response)["code"] == "invalid"


def test_r_sec_2_a_nul_byte_in_a_lookup_is_400(world):
    response = world.client(world.dispatcher).get("/api/v1/grids/A%00B/")
    assert response.status_code == 400


def test_r_ord_2_a_lone_surrogate_or_nul_in_the_body_is_refused_before_validation(world):
    client = world.client(world.bss)
    body = json.dumps(intake_payload(bss_order_no="BSS\ud800X"))
    response = client.post(URL, body, content_type="application/json")
    assert response.status_code == 400
    assert envelope(response)["code"] == "parse_error"
    nul = client.post(URL, intake_payload(bss_order_no="BSS\x00X"), format="json")
    assert nul.status_code == 400


def test_r_ord_2_json_nested_2000_deep_is_a_400(world):
    body = "[" * 2000 + "]" * 2000
    response = world.client(world.bss).post(URL, body, content_type="application/json")
    assert response.status_code == 400
    assert envelope(response)["code"] == "parse_error"


def test_r_ord_2_a_3_mb_body_is_a_json_413(world):
    payload = intake_payload(description="x" * (3 * 1024 * 1024))
    response = world.client(world.bss).post(URL, payload, format="json")
    assert response.status_code == 413
    assert envelope(response)["code"] == "request_too_large"


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+08:00", "1900-01-01T00:00:00+08:00"])
def test_r_ord_2_an_acceptance_time_of_year_1_or_1900_is_refused(world, when):
    response = world.client(world.bss).post(URL, intake_payload(accepted_at=when), format="json")
    assert response.status_code == 400
    assert "accepted_at" in envelope(response)["fields"]


def test_r_ord_2_times_are_written_with_plus_eight_hours(world):
    import datetime as dt

    from fiberops.core.clock import isoformat_shanghai

    assert isoformat_shanghai(dt.datetime(1900, 1, 1, tzinfo=dt.UTC)).endswith("+08:00")


@pytest.mark.parametrize(
    "window",
    [
        ("1900-01-01T09:00:00+08:00", "1900-01-01T11:00:00+08:00"),
        ("2026-11-03T09:00:00+08:00", "9999-01-01T11:00:00+08:00"),
        ("2026-11-03T09:00:00+08:00", "2026-11-05T09:00:00+08:00"),
    ],
)
def test_r_apt_1_appointment_windows_are_bounded(world, window):
    from fiberops.workorders.actions import accept_order, dispatch_order

    order = make_order(world)
    dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    accept_order(order, actor=world.technician_user)
    response = world.client(world.technician_user).post(
        f"{URL}{order.pk}/appoint/",
        {"starts_at": window[0], "ends_at": window[1]},
        format="json",
    )
    assert response.status_code == 400


def test_r_cus_5_a_phone_with_non_ascii_digits_is_refused(world):
    payload = intake_payload()
    payload["customer"]["phone"] = "1٣812345678"
    response = world.client(world.bss).post(URL, payload, format="json")
    assert response.status_code == 400
    assert "customer.phone" in envelope(response)["fields"]


def test_r_ord_2_the_bss_posting_an_existing_manual_number_is_refused(world):
    """It used to get the manual order back as its own."""
    from fiberops.workorders.actions import IntakeData, create_manual_order

    manual = create_manual_order(
        actor=world.dispatcher,
        data=IntakeData(
            bss_order_no="",
            order_type="inspection",
            accepted_at=dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC),
            grid=world.grid,
        ),
    )
    payload = intake_payload(bss_order_no=manual.bss_order_no)
    response = world.client(world.bss).post(URL, payload, format="json")
    assert response.status_code == 400
    assert "bss_order_no" in envelope(response)["fields"]
