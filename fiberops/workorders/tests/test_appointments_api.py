"""Appointments as records over the API (R-APT-1..8): booking, the 2-hour rule, check-in, the
absent customer's server-timed wait and the service note, replays by `Idempotency-Key`."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from fiberops.customers.models import Customer
from fiberops.messaging.models import OutboundMessage
from fiberops.testing import World, make_order
from fiberops.workorders.actions import accept_order, dispatch_order
from fiberops.workorders.models import Appointment, SiteVisit, WorkOrder

NOW = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)  # Monday 10:00 in Shanghai
START = dt.datetime(2026, 11, 2, 6, 0, tzinfo=dt.UTC)  # the window: 14:00–16:00 Shanghai
END = START + dt.timedelta(hours=2)


def url(order, action=""):
    return f"/api/v1/work-orders/{order.pk}/{action}"


def shanghai(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone(dt.timedelta(hours=8))).isoformat()


def accepted_order(world: World) -> WorkOrder:
    order = make_order(world, order_type="install", accepted_at=NOW - dt.timedelta(hours=1))
    dispatch_order(order, technician=world.technician, actor=world.dispatcher, occurred_at=NOW)
    accept_order(order, actor=world.technician_user, occurred_at=NOW)
    return order


def book(world: World, order: WorkOrder, starts_at=START, ends_at=END):
    response = world.client(world.technician_user).post(
        url(order, "appoint/"), {"starts_at": shanghai(starts_at), "ends_at": shanghai(ends_at)}
    )
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def order(world) -> WorkOrder:
    with time_machine.travel(NOW, tick=False):
        return accepted_order(world)


@time_machine.travel(NOW, tick=False)
def test_r_apt_1_booking_creates_an_appointment_row_shown_on_the_order(world, order):
    body = book(world, order)
    assert body["status"] == "appointed"
    assert body["appointment"]["starts_at"] == "2026-11-02T14:00:00+08:00"
    assert body["appointment"]["outcome"] == "pending"
    assert body["appointment"]["sequence"] == 1
    assert body["appointment"]["initiated_by"] == "customer"
    assert body["appointment"]["is_second"] is False
    # R-APT-4: the app shows the target of arriving 10 to 5 minutes early
    assert body["appointment"]["arrive_from"] == "2026-11-02T13:50:00+08:00"
    assert body["appointment"]["arrive_by"] == "2026-11-02T13:55:00+08:00"
    assert [a["sequence"] for a in body["appointments"]] == [1]
    assert OutboundMessage.objects.get(order=order).kind == "booked"


def reschedule(world, order, *, at, initiated_by, reason="客户临时有事"):
    with time_machine.travel(at, tick=False):
        return world.client(world.technician_user).post(
            url(order, "reschedule/"),
            {
                "starts_at": shanghai(START + dt.timedelta(days=1)),
                "ends_at": shanghai(END + dt.timedelta(days=1)),
                "initiated_by": initiated_by,
                "reason": reason,
            },
        )


@pytest.mark.parametrize(
    ("notice", "outcome"),
    [
        (dt.timedelta(hours=1, minutes=59), "broken"),
        (dt.timedelta(hours=2, minutes=1), "rescheduled"),
        (dt.timedelta(hours=2), "rescheduled"),
    ],
)
def test_r_apt_6_technician_reschedule_needs_two_hours_notice(world, order, notice, outcome):
    with time_machine.travel(NOW, tick=False):
        book(world, order)
    response = reschedule(world, order, at=START - notice, initiated_by="technician")
    assert response.status_code == 200, response.content
    history = response.json()["appointments"]
    assert [a["outcome"] for a in history] == [outcome, "pending"]
    assert history[1]["initiated_by"] == "technician"
    apology = OutboundMessage.objects.filter(order=order, kind="rescheduled").get()
    assert "客户临时有事" in apology.text  # the reason goes with the apology
    assert order.events.filter(kind="rescheduled").count() == 1


@pytest.mark.parametrize("notice", [dt.timedelta(minutes=5), dt.timedelta(hours=5)])
def test_r_apt_6_customer_change_never_counts_against_the_technician(world, order, notice):
    with time_machine.travel(NOW, tick=False):
        book(world, order)
    response = reschedule(world, order, at=START - notice, initiated_by="customer", reason="")
    assert response.status_code == 200, response.content
    assert [a["outcome"] for a in response.json()["appointments"]] == [
        "customer_changed",
        "pending",
    ]


def test_r_apt_6_technician_reschedule_without_reason_is_refused_and_changes_nothing(world, order):
    with time_machine.travel(NOW, tick=False):
        book(world, order)
    response = reschedule(world, order, at=NOW, initiated_by="technician", reason=" ")
    assert response.status_code == 400
    assert "reason" in response.json()["error"]["fields"]
    assert list(order.appointments.values_list("outcome", flat=True)) == ["pending"]


@time_machine.travel(NOW, tick=False)
def test_r_apt_6_reschedule_without_a_pending_appointment_is_409(world, order):
    response = reschedule(world, order, at=NOW, initiated_by="customer")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "no_pending_appointment"


def walk_to_site(world, order, *, arrive_at, lat=None, lng=None):
    client = world.client(world.technician_user)
    with time_machine.travel(NOW, tick=False):
        book(world, order)
        assert client.post(url(order, "reconfirm/"), {}).status_code == 200
        depart = client.post(url(order, "depart/"), {"eta": shanghai(START)})
        assert depart.status_code == 200, depart.content
    body = {} if lat is None else {"lat": lat, "lng": lng, "accuracy_m": 12}
    with time_machine.travel(arrive_at, tick=False):
        response = client.post(url(order, "arrive/"), body)
    assert response.status_code == 200, response.content
    return response.json()


def test_r_apt_4_check_in_by_the_start_is_kept_with_position_and_distance(world, order):
    Customer.objects.filter(pk=order.customer_id).update(
        lat=Decimal("30.627100"), lng=Decimal("104.036200")
    )
    body = walk_to_site(
        world, order, arrive_at=START - dt.timedelta(minutes=7), lat="30.628000", lng="104.036200"
    )
    assert body["status"] == "on_site"
    assert body["appointment"]["outcome"] == "kept"
    assert body["appointment"]["reconfirmed_at"] == "2026-11-02T10:00:00+08:00"
    assert body["visit"]["checked_in_at"] == "2026-11-02T13:53:00+08:00"
    assert 95 <= body["visit"]["distance_m"] <= 105  # 0.0009° of latitude ≈ 100 m
    visit = SiteVisit.objects.get(order=order)
    assert visit.lat == Decimal("30.628000") and visit.accuracy_m == 12


def test_r_apt_4_check_in_after_the_start_is_kept_late(world, order):
    body = walk_to_site(world, order, arrive_at=START + dt.timedelta(seconds=1))
    assert body["appointment"]["outcome"] == "kept_late"
    assert body["visit"]["distance_m"] is None


def test_r_apt_5_running_late_is_told_before_the_start_only(world, order):
    client = world.client(world.technician_user)
    with time_machine.travel(NOW, tick=False):
        book(world, order)
    with time_machine.travel(START - dt.timedelta(minutes=20), tick=False):
        late = client.post(
            url(order, "running-late/"), {"eta": shanghai(START + dt.timedelta(minutes=30))}
        )
    assert late.status_code == 200, late.content
    assert late.json()["appointment"]["late_notice_at"] == "2026-11-02T13:40:00+08:00"
    assert late.json()["appointment"]["eta"] == "2026-11-02T14:30:00+08:00"
    message = OutboundMessage.objects.get(order=order, kind="running_late")
    assert "14:30" in message.text
    with time_machine.travel(START + dt.timedelta(minutes=1), tick=False):
        too_late = client.post(
            url(order, "running-late/"), {"eta": shanghai(START + dt.timedelta(minutes=40))}
        )
    assert too_late.status_code == 409
    assert too_late.json()["error"]["code"] == "appointment_started"
    assert order.events.filter(kind="running_late").count() == 1


def test_r_apt_7_absent_wait_is_timed_by_the_server_and_cannot_be_cut_short(world, order):
    arrived = START - dt.timedelta(minutes=6)
    walk_to_site(world, order, arrive_at=arrived)
    client = world.client(world.technician_user)
    with time_machine.travel(arrived + dt.timedelta(minutes=1), tick=False):
        absent = client.post(url(order, "customer-absent/"), {})
    assert absent.status_code == 200, absent.content
    assert absent.json()["wait_until"] == "2026-11-02T14:09:00+08:00"  # check-in 13:54 + 15 min
    assert absent.json()["visit"]["wait_until"] == "2026-11-02T14:09:00+08:00"
    # 14 minutes after the check-in, a device claiming 18 (within the 5 minutes of clock skew
    # allowed, past the wait) is not believed
    with time_machine.travel(arrived + dt.timedelta(minutes=14), tick=False):
        forged = client.post(
            url(order, "leave-note/"),
            {"occurred_at": shanghai(arrived + dt.timedelta(minutes=18))},
        )
    assert forged.status_code == 409
    assert forged.json()["error"]["code"] == "absence_wait_not_elapsed"
    assert WorkOrder.objects.get(pk=order.pk).status == "on_site"
    assert SiteVisit.objects.get(order=order).note_left_at is None
    with time_machine.travel(arrived + dt.timedelta(minutes=15), tick=False):
        left = client.post(url(order, "leave-note/"), {})
    assert left.status_code == 200, left.content
    assert left.json()["status"] == "accepted"
    assert left.json()["visit"]["note_left_at"] == "2026-11-02T14:09:00+08:00"
    assert OutboundMessage.objects.filter(order=order, kind="service_note").count() == 1


def test_r_apt_7_absent_wait_counts_from_when_the_server_got_the_check_in(world, order):
    """A check-in replayed from a phone's offline queue carries the device's earlier time: the
    wait still runs from when the server received it."""
    client = world.client(world.technician_user)
    with time_machine.travel(NOW, tick=False):
        book(world, order)
        client.post(url(order, "depart/"), {})
    received = START - dt.timedelta(minutes=5)
    with time_machine.travel(received, tick=False):
        client.post(
            url(order, "arrive/"), {"occurred_at": shanghai(received - dt.timedelta(minutes=30))}
        )
        absent = client.post(url(order, "customer-absent/"), {})
    assert absent.json()["wait_until"] == shanghai(received + dt.timedelta(minutes=15))


def test_r_apt_7_booking_after_an_absent_customer_is_a_second_appointment(world, order):
    arrived = START - dt.timedelta(minutes=6)
    walk_to_site(world, order, arrive_at=arrived)
    client = world.client(world.technician_user)
    with time_machine.travel(arrived + dt.timedelta(minutes=16), tick=False):
        client.post(url(order, "customer-absent/"), {})
    with time_machine.travel(arrived + dt.timedelta(minutes=31), tick=False):
        assert client.post(url(order, "leave-note/"), {}).status_code == 200
        body = book(world, order, START + dt.timedelta(days=1), END + dt.timedelta(days=1))
    assert body["appointment"]["is_second"] is True
    assert body["appointment"]["sequence"] == 2
    assert body["is_second_appointment"] is True
    assert [a["outcome"] for a in body["appointments"]] == ["kept", "pending"]


def test_r_apt_7_leave_note_before_reporting_absent_is_409(world, order):
    walk_to_site(world, order, arrive_at=START)
    with time_machine.travel(START + dt.timedelta(hours=1), tick=False):
        response = world.client(world.technician_user).post(url(order, "leave-note/"), {})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "customer_not_reported_absent"


def test_r_apt_6_replay_with_the_same_idempotency_key_changes_nothing(world, order):
    with time_machine.travel(NOW, tick=False):
        book(world, order)
    client = world.client(world.technician_user)
    body = {
        "starts_at": shanghai(START + dt.timedelta(days=1)),
        "ends_at": shanghai(END + dt.timedelta(days=1)),
        "initiated_by": "technician",
        "reason": "设备缺货",
    }
    with time_machine.travel(NOW, tick=False):
        first = client.post(url(order, "reschedule/"), body, HTTP_IDEMPOTENCY_KEY="k-1")
        again = client.post(url(order, "reschedule/"), body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Appointment.objects.filter(order=order).count() == 2
    assert OutboundMessage.objects.filter(order=order, kind="rescheduled").count() == 1
    assert order.events.filter(kind="rescheduled").count() == 1


@time_machine.travel(NOW, tick=False)
def test_r_apt_2_call_goes_through_the_call_service_and_the_outcome_is_logged(world, order):
    client = world.client(world.technician_user)
    call = client.post(url(order, "call/"), {})
    assert call.status_code == 200, call.content
    answer = call.json()
    assert answer["dial"].isdigit() and answer["recording_ref"].startswith("REC-SIM-")
    assert order.customer.phone not in str(answer)  # a privacy number, not the customer's
    logged = client.post(
        url(order, "contact-attempts/"),
        {"channel": "app_call", "outcome": "reached", "recording_ref": answer["recording_ref"]},
    )
    assert logged.status_code == 201
    assert order.contact_attempts.get().recording_ref == answer["recording_ref"]
    assert world.client(world.teammate.user).post(url(order, "call/"), {}).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_r_apt_7_queue_puts_second_appointments_before_earlier_first_ones(world):
    first = accepted_order(world)
    second = accepted_order(world)
    unbooked = accepted_order(world)
    Appointment.objects.create(
        order=first,
        sequence=1,
        starts_at=START,
        ends_at=END,
        initiated_by="customer",
        booked_by=world.technician_user,
        booked_at=NOW,
    )
    Appointment.objects.create(
        order=second,
        sequence=1,
        starts_at=START + dt.timedelta(days=1),
        ends_at=END + dt.timedelta(days=1),
        initiated_by="customer",
        booked_by=world.technician_user,
        booked_at=NOW,
        is_second=True,
    )
    WorkOrder.objects.filter(pk=first.pk).update(appointment_starts_at=START)
    WorkOrder.objects.filter(pk=second.pk).update(
        appointment_starts_at=START + dt.timedelta(days=1)
    )
    other = make_order(world)
    dispatch_order(other, technician=world.teammate, actor=world.dispatcher)
    response = world.client(world.technician_user).get("/api/v1/me/queue/")
    assert response.status_code == 200
    ids = [row["id"] for row in response.json()]
    assert ids == [second.pk, first.pk, unbooked.pk]
    assert world.client(world.dispatcher).get("/api/v1/me/queue/").json() == []


def test_r_apt_8_service_note_pdf_after_leaving_with_the_unmasking_logged(world, order):
    import io

    from pypdf import PdfReader

    from fiberops.customers.models import UnmaskEvent

    arrived = START - dt.timedelta(minutes=6)
    walk_to_site(world, order, arrive_at=arrived)
    client = world.client(world.technician_user)
    assert client.get(url(order, "service-note.pdf")).status_code == 404  # none left yet
    with time_machine.travel(arrived + dt.timedelta(minutes=1), tick=False):
        client.post(url(order, "customer-absent/"), {})
    with time_machine.travel(arrived + dt.timedelta(minutes=17), tick=False):
        assert client.post(url(order, "leave-note/"), {}).status_code == 200
        response = client.get(url(order, "service-note.pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    compact = "".join(text.split())
    assert "成都市武侯区簇锦街道1号" in compact  # the full address, for the door
    assert world.technician.name in compact
    assert "13:54" in compact and "14:11" in compact  # arrived, left (Shanghai)
    logged = UnmaskEvent.objects.get(work_order_id=order.pk)
    assert (logged.user, logged.channel) == (world.technician_user, "note")
    # an auditor may not unmask, so may not print it either
    assert world.client(world.auditor).get(url(order, "service-note.pdf")).status_code == 403


@time_machine.travel(NOW, tick=False)
def test_r_apt_6_booking_over_a_pending_appointment_is_refused_use_reschedule(world, order):
    book(world, order)
    response = world.client(world.technician_user).post(
        url(order, "appoint/"),
        {
            "starts_at": shanghai(START + dt.timedelta(hours=1)),
            "ends_at": shanghai(END + dt.timedelta(hours=1)),
        },
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "appointment_pending"
    assert list(order.appointments.values_list("outcome", flat=True)) == ["pending"]


@time_machine.travel(NOW, tick=False)
def test_r_apt_9_cancelling_the_order_takes_its_pending_visit_out_of_the_rate(world, order):
    book(world, order)
    response = world.client(world.dispatcher).post(url(order, "cancel/"), {"reason": "客户退订"})
    assert response.status_code == 200, response.content
    assert response.json()["appointment"]["outcome"] == "customer_changed"


def test_r_apt_6_notice_counts_from_when_the_server_got_the_change_not_the_device_time(
    world, order
):
    """1 h 59 min before the start, a change claiming to be 3 hours old is still broken: the
    customer's apology goes out now."""
    with time_machine.travel(NOW, tick=False):
        book(world, order)
    received = START - dt.timedelta(hours=1, minutes=59)
    with time_machine.travel(received, tick=False):
        response = world.client(world.technician_user).post(
            url(order, "reschedule/"),
            {
                "starts_at": shanghai(START + dt.timedelta(days=1)),
                "ends_at": shanghai(END + dt.timedelta(days=1)),
                "initiated_by": "technician",
                "reason": "设备缺货",
                "occurred_at": shanghai(received - dt.timedelta(hours=1, minutes=30)),
            },
        )
    assert response.status_code == 200, response.content
    assert response.json()["appointments"][0]["outcome"] == "broken"
