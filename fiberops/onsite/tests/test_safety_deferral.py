"""Deferring for safety (R-SITE-4: 夜间作业…不能确保安全的情况下，和用户沟通协调第二天处理):
with the customer's agreement the work moves to a later day and the follow-up visit is booked;
the visit counts against nobody's 履约率."""

import datetime as dt

import time_machine

from fiberops.core.clock import SHANGHAI
from fiberops.messaging.models import OutboundMessage
from fiberops.onsite.checklist import checklist_blockers
from fiberops.onsite.models import SafetyDeferral
from fiberops.onsite.tests.helpers import order_on_site
from fiberops.reporting.queries import fulfilment
from fiberops.testing import World, make_order, record_checklist
from fiberops.workorders.actions import (
    accept_order,
    arrive_on_site,
    book_appointment,
    depart_order,
    dispatch_order,
)
from fiberops.workorders.models import Appointment, OrderEvent, WorkOrder

#: The evening visit: 19:30 in Shanghai; the next morning's window 09:00–11:00.
EVENING = dt.datetime(2026, 11, 3, 19, 30, tzinfo=SHANGHAI)
NEXT_MORNING = dt.datetime(2026, 11, 4, 9, 0, tzinfo=SHANGHAI)


def url(order: WorkOrder) -> str:
    return f"/api/v1/work-orders/{order.pk}/safety-deferral/"


def defer(world: World, order: WorkOrder, **overrides):
    body = {
        "reason": "夜间楼道无照明，登高作业无法确保安全",
        "customer_agreed": True,
        "starts_at": NEXT_MORNING.isoformat(),
        "ends_at": (NEXT_MORNING + dt.timedelta(hours=2)).isoformat(),
        "item": "night_work_safe",
        **overrides,
    }
    with time_machine.travel(EVENING, tick=False):
        return world.client(world.technician_user).post(url(order), body, format="json")


def test_r_site_4_a_deferral_books_the_follow_up_visit_next_day(world):
    order = order_on_site(world)

    response = defer(world, order)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["starts_at"] == "2026-11-04T09:00:00+08:00"
    assert body["outcome"] == "pending"
    assert body["is_second"] is False
    order.refresh_from_db()
    assert order.status == "appointed"
    deferral = SafetyDeferral.objects.get(order=order)
    assert deferral.customer_agreed is True
    assert deferral.item_code == "night_work_safe"
    assert deferral.appointment_id == body["id"]
    assert deferral.recorded_by == world.technician_user
    event = OrderEvent.objects.filter(order=order, kind="transition", action="appoint").last()
    assert event is not None
    assert event.from_status == "on_site" and event.to_status == "appointed"
    assert event.note == "夜间楼道无照明，登高作业无法确保安全"
    assert event.data["safety_deferral"]["id"] == deferral.pk
    assert OutboundMessage.objects.filter(order=order, kind="booked").exists()


def test_r_site_4_a_same_day_window_is_refused(world):
    order = order_on_site(world)
    later_tonight = EVENING + dt.timedelta(hours=2)

    response = defer(
        world,
        order,
        starts_at=later_tonight.isoformat(),
        ends_at=(later_tonight + dt.timedelta(hours=1)).isoformat(),
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "deferral_same_day"
    assert WorkOrder.objects.get(pk=order.pk).status == "on_site"
    assert SafetyDeferral.objects.count() == 0
    assert Appointment.objects.filter(order=order).count() == 0
    assert not OutboundMessage.objects.filter(order=order, kind="booked").exists()


def test_r_site_4_without_the_customers_agreement_nothing_is_deferred(world):
    order = order_on_site(world)

    refused = defer(world, order, customer_agreed=False)
    no_reason = defer(world, order, reason=" ")

    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "customer_agreement_required"
    assert no_reason.status_code in (400, 422)
    assert WorkOrder.objects.get(pk=order.pk).status == "on_site"
    assert SafetyDeferral.objects.count() == 0


def test_r_site_4_the_item_must_be_a_safety_item_of_the_checklist(world):
    order = order_on_site(world)

    response = defer(world, order, item="shoe_covers")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "unknown_checklist_item"


def test_r_site_4_only_from_the_site(world):
    order = order_on_site(world)
    assert defer(world, order).status_code == 201

    again = defer(world, order)

    assert again.status_code == 409
    assert again.json()["error"]["code"] == "illegal_transition"


def test_r_site_4_another_branch_sees_nothing_and_the_dispatcher_may_not_defer(world):
    order = order_on_site(world)
    with time_machine.travel(EVENING, tick=False):
        foreign = world.client(world.foreign_dispatcher).post(url(order), {}, format="json")
        dispatcher = world.client(world.dispatcher).post(
            url(order),
            {
                "reason": "x",
                "customer_agreed": True,
                "starts_at": NEXT_MORNING.isoformat(),
                "ends_at": (NEXT_MORNING + dt.timedelta(hours=2)).isoformat(),
            },
            format="json",
        )

    assert foreign.status_code == 404
    assert dispatcher.status_code == 403


def test_r_site_4_the_deferred_visit_counts_against_nobodys_fulfilment_rate(world):
    tech = world.technician_user
    with time_machine.travel(EVENING - dt.timedelta(hours=3), tick=False):
        order = make_order(world, accepted_at=EVENING - dt.timedelta(days=1))
        dispatch_order(order, technician=world.technician, actor=world.dispatcher)
        accept_order(order, actor=tech)
        book_appointment(
            order,
            starts_at=EVENING - dt.timedelta(minutes=10),
            ends_at=EVENING + dt.timedelta(hours=1),
            actor=tech,
        )
        depart_order(order, actor=tech)
    with time_machine.travel(EVENING - dt.timedelta(minutes=15), tick=False):
        arrive_on_site(order, actor=tech)  # on time: kept

    assert defer(world, order).status_code == 201
    # the evening's appointment keeps its outcome; the follow-up is a new window, kept too
    with time_machine.travel(NEXT_MORNING - dt.timedelta(minutes=30), tick=False):
        depart_order(order, actor=tech)
    with time_machine.travel(NEXT_MORNING - dt.timedelta(minutes=8), tick=False):
        arrive_on_site(order, actor=tech)

    outcomes = list(order.appointments.order_by("sequence").values_list("outcome", flat=True))
    assert outcomes == ["kept", "kept"]
    [row] = fulfilment(
        world.dispatcher,
        date_from=EVENING.date(),
        date_to=NEXT_MORNING.date(),
        by="technician",
        now=NEXT_MORNING + dt.timedelta(hours=1),
    )
    assert (row.key, row.due, row.kept) == (world.technician.staff_no, 2, 2)


def test_r_site_4_the_follow_up_visit_answers_the_checklist_anew(world):
    order = order_on_site(world)
    record_checklist(order, world.technician_user)
    assert checklist_blockers(order) == []
    assert defer(world, order).status_code == 201

    with time_machine.travel(NEXT_MORNING - dt.timedelta(minutes=30), tick=False):
        depart_order(order, actor=world.technician_user)
    with time_machine.travel(NEXT_MORNING - dt.timedelta(minutes=8), tick=False):
        arrive_on_site(order, actor=world.technician_user)
        blockers = checklist_blockers(order)

    assert "checklist:night_work_safe" in [blocker.item for blocker in blockers]
    assert "checklist:shoe_covers" in [blocker.item for blocker in blockers]
