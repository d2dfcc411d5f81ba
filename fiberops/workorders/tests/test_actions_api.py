"""Actions over the API: dispatch, contact attempts (R-SLA-4), reveal with a log (R-CUS-5)."""

import datetime as dt

import time_machine

from fiberops.customers.models import UnmaskEvent
from fiberops.testing import make_order

NOW = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)


def url(order, action=""):
    return f"/api/v1/work-orders/{order.pk}/{action}"


@time_machine.travel(NOW, tick=False)
def test_r_sla_1_dispatch_by_staff_number_starts_the_clocks(world):
    order = make_order(world, order_type="fault", accepted_at=NOW)
    response = world.client(world.dispatcher).post(url(order, "dispatch/"), {"technician": "Z001"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "dispatched"
    assert body["technician"] == {"staff_no": "Z001", "name": "技术员Z001"}
    kinds = {d["kind"]: d for d in body["deadlines"]}
    assert kinds["response"]["due_at"] == "2026-11-02T10:15:00+08:00"
    assert kinds["contact"]["due_at"] == "2026-11-02T10:30:00+08:00"
    assert "accept" in body["allowed_actions"]


def test_r_ord_3_unknown_technician_is_400(world):
    order = make_order(world)
    response = world.client(world.dispatcher).post(
        url(order, "dispatch/"), {"technician": "NOBODY"}
    )
    assert response.status_code == 400
    assert "technician" in response.json()["error"]["fields"]


@time_machine.travel(NOW, tick=False)
def test_r_sla_4_first_contact_attempt_meets_the_contact_clock(world):
    order = make_order(world, order_type="install", accepted_at=NOW)
    world.client(world.dispatcher).post(url(order, "dispatch/"), {"technician": "Z001"})
    client = world.client(world.technician_user)
    payload = {"channel": "app_call", "outcome": "no_answer", "recording_ref": "REC-1"}
    assert client.post(url(order, "contact-attempts/"), payload).status_code == 201
    second = client.post(url(order, "contact-attempts/"), {**payload, "outcome": "reached"})
    contact = {d["kind"]: d for d in second.json()["deadlines"]}["contact"]
    assert contact["met_at"] == "2026-11-02T10:00:00+08:00"
    assert contact["state"] == "met"
    assert order.contact_attempts.count() == 2
    assert order.events.filter(kind="contact_attempt").count() == 2


def test_r_sla_4_only_the_assigned_technician_logs_contact(world):
    order = make_order(world)
    world.client(world.dispatcher).post(url(order, "dispatch/"), {"technician": "Z002"})
    response = world.client(world.technician_user).post(
        url(order, "contact-attempts/"), {"channel": "phone", "outcome": "reached"}
    )
    assert response.status_code == 404  # not his order: out of his scope


def test_r_cus_5_lists_are_masked_and_each_reveal_is_logged(world):
    order = make_order(world)
    client = world.client(world.cs_agent)
    shown = client.get(url(order)).json()["customer"]
    assert shown["phone"].count("*") == 4 and "*" in shown["address"] and shown["name"] == "李*"
    revealed = client.post(url(order, "reveal-contact/"), {"reason": "客户来电核实"}).json()
    assert revealed["phone"] == order.customer.phone
    assert revealed["address"] == order.customer.address
    log = UnmaskEvent.objects.get()
    assert (log.user, log.work_order, log.reason, log.channel) == (
        world.cs_agent,
        order,
        "客户来电核实",
        "api",
    )


def test_r_cus_5_an_auditor_may_not_unmask(world):
    order = make_order(world)
    response = world.client(world.auditor).post(url(order, "reveal-contact/"))
    assert response.status_code == 403
    assert not UnmaskEvent.objects.exists()


def test_r_ord_4_events_endpoint_lists_the_timeline(world):
    order = make_order(world)
    world.client(world.dispatcher).post(url(order, "dispatch/"), {"technician": "Z001"})
    events = world.client(world.dispatcher).get(url(order, "events/")).json()
    assert [(e["kind"], e["action"], e["to_status"]) for e in events] == [
        ("created", "", "new"),
        ("transition", "dispatch", "dispatched"),
    ]
    assert events[1]["actor"] == "dispatcher"


def test_r_sla_6_list_filters_by_sla_state(world):
    with time_machine.travel(NOW, tick=False):
        late = make_order(world, order_type="fault", accepted_at=NOW - dt.timedelta(days=3))
        fresh = make_order(world, order_type="fault", accepted_at=NOW)
        client = world.client(world.dispatcher)
        breached = client.get("/api/v1/work-orders/?sla=breached").json()["results"]
        on_track = client.get("/api/v1/work-orders/?sla=on_track").json()["results"]
    assert [o["id"] for o in breached] == [late.pk]
    assert [o["id"] for o in on_track] == [fresh.pk]
    assert client.get("/api/v1/work-orders/?sla=bogus").status_code == 400


def test_api_schema_and_docs_are_served(world):
    client = world.client(world.dispatcher)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/work-orders/{id}/dispatch/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs.content  # no CDN needed


def test_r_ord_5_a_technician_hands_over_to_a_colleague_over_the_api(world):
    order = make_order(world)
    world.client(world.dispatcher).post(url(order, "dispatch/"), {"technician": "Z001"})
    # Z003 works in another grid's team: a borrowing, with its reason (R-WF-1, issue 9).
    response = world.client(world.technician_user).post(
        url(order, "handover/"),
        {"technician": "Z003", "reason": "需要熔接", "borrow_reason": "簇桥熔接组支援"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["technician"]["staff_no"] == "Z003"


def test_r_sec_1_a_staff_number_outside_the_scope_reads_as_unknown(world):
    order = make_order(world, grid=world.rural_grid)
    response = world.client(world.foreign_dispatcher).post(
        url(order, "dispatch/"),
        {"technician": "Z001"},  # an urban technician
    )
    assert response.status_code == 400
    assert "technician" in response.json()["error"]["fields"]


def test_r_cus_5_coordinates_are_rounded_unless_revealed(world):
    order = make_order(world)
    order.customer.lat, order.customer.lng = "30.627123", "104.036456"
    order.customer.save()
    client = world.client(world.dispatcher)
    shown = client.get(url(order)).json()["customer"]
    assert (shown["lat"], shown["lng"]) == ("30.63", "104.04")
    revealed = client.post(url(order, "reveal-contact/")).json()
    assert (revealed["lat"], revealed["lng"]) == ("30.627123", "104.036456")
