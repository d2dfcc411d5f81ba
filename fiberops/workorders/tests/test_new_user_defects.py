"""Defects a new user hit (issue 5), each pinned by a test that failed before its fix."""

import datetime as dt
import itertools

import time_machine
from django.test import Client

from fiberops.dispatch.actions import record_contact_attempt
from fiberops.sla.choices import DeadlineState
from fiberops.sla.models import Deadline, state_q
from fiberops.testing import make_order, make_technician
from fiberops.workforce.models import Team
from fiberops.workorders.actions import (
    accept_order,
    arrive_on_site,
    complete_order,
    depart_order,
    dispatch_order,
)

NOW = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_r_sla_6_breached_filter_means_still_late_and_met_late_is_its_own(world):
    """ "已超时" used to mix orders whose breach is past and met with ones still late."""
    three_days_ago = NOW - dt.timedelta(days=3)
    finished_late = make_order(world, order_type="fault", accepted_at=three_days_ago)
    still_late = make_order(world, order_type="fault", accepted_at=three_days_ago)
    with time_machine.travel(NOW, tick=False):
        # 72 h after intake the repair clock (48 h) is late; every other clock is met in time.
        dispatch_order(finished_late, technician=world.technician, actor=world.dispatcher)
        accept_order(finished_late, actor=world.technician_user)
        record_contact_attempt(
            finished_late, channel="phone", outcome="reached", actor=world.technician_user
        )
        depart_order(finished_late, actor=world.technician_user)
        arrive_on_site(finished_late, actor=world.technician_user)
        complete_order(finished_late, actor=world.technician_user)
        client = world.client(world.dispatcher)
        breached = client.get("/api/v1/work-orders/?sla=breached").json()["results"]
        met_late = client.get("/api/v1/work-orders/?sla=met_late").json()["results"]
        page = login(world.dispatcher).get("/orders/?sla=breached").content.decode()
    assert [o["id"] for o in breached] == [still_late.pk]
    assert [o["id"] for o in met_late] == [finished_late.pk]
    assert still_late.bss_order_no in page and finished_late.bss_order_no not in page


def test_r_sla_6_the_state_rule_in_sql_agrees_with_python_on_every_combination(world):
    """The deadline-state rule lives in sla (`state_at` and its SQL twin `state_q`)."""
    order = make_order(world, order_type="survey")
    Deadline.objects.filter(order=order).delete()
    moments = [None, NOW + dt.timedelta(hours=9), NOW + dt.timedelta(hours=11)]
    checked = 0
    pauses = [None, NOW + dt.timedelta(hours=9)]
    for met_at, breached_at, voided_at, paused_at in itertools.product(
        moments, moments, moments, pauses
    ):
        if met_at and voided_at:
            continue  # never both: meeting skips voided clocks and voiding skips met ones
        Deadline.objects.filter(order=order).delete()
        row = Deadline.objects.create(
            order=order,
            kind="survey",
            starts_at=NOW,
            warn_at=NOW + dt.timedelta(hours=8),
            due_at=NOW + dt.timedelta(hours=10),
            met_at=met_at,
            breached_at=breached_at,
            voided_at=voided_at,
            paused_at=paused_at,
        )
        for now in [NOW + dt.timedelta(hours=h) for h in (1, 9, 12)]:
            in_sql = [
                state
                for state in DeadlineState.values
                if Deadline.objects.filter(state_q(state, now), pk=row.pk).exists()
            ]
            assert in_sql == [row.state_at(now)], (met_at, breached_at, voided_at, paused_at, now)
            checked += 1
    assert checked == 15 * 2 * 3  # 27 combinations, 12 with both met and voided; paused or not


def test_r_sla_6_order_list_puts_urgent_orders_first(world):
    """The list used to be sorted by acceptance time; a dispatcher needs urgency first."""

    def fault(hours_ago: float, order_type: str = "fault"):
        return make_order(
            world, order_type=order_type, accepted_at=NOW - dt.timedelta(hours=hours_ago)
        )

    late = fault(72)  # the repair clock (48 h) is late
    soon = fault(40)  # 40 of 48 h gone: past the 80 % warning
    later = fault(1)
    no_clock = fault(1, "removal")  # a removal carries no clock until dispatch
    earlier = fault(2)
    with time_machine.travel(NOW, tick=False):
        api = world.client(world.dispatcher).get("/api/v1/work-orders/?ordering=urgency").json()
        page = login(world.dispatcher).get("/orders/").content.decode()
    expected = [late, soon, earlier, later, no_clock]
    assert [o["id"] for o in api["results"]] == [o.pk for o in expected]
    positions = [page.index(o.bss_order_no) for o in expected]
    assert positions == sorted(positions)


def test_r_wf_1_dispatch_picker_lists_the_orders_grid_first_and_expired_ones_disabled(world):
    expired = make_technician("Z009", world.team, certified_until=dt.date(2020, 1, 1))
    other_grid_first_by_code = Team.objects.create(
        code="T-WH-00", name="簇桥零班", grid=world.other_grid
    )
    make_technician("A001", other_grid_first_by_code)
    order = make_order(world, grid=world.other_grid)  # WH-02: sorts after WH-01 by code
    page = login(world.dispatcher).get(f"/orders/{order.pk}/").content.decode()
    picker = page.split('name="technician"', 1)[1].split("</select>", 1)[0]
    staff = [part.split('"', 1)[0] for part in picker.split('value="')[2:]]
    assert staff == ["A001", "Z003", "Z001", "Z002", "Z009"]  # the order's grid (WH-02) first
    assert f'value="{expired.staff_no}" disabled' in picker
    assert "rural" not in picker and "P001" not in picker  # other branch never offered
    response = login(world.dispatcher).post(
        f"/orders/{order.pk}/dispatch/", {"technician": "Z009"}, follow=True
    )
    order.refresh_from_db()
    assert order.status == "new"
    assert "上岗认证已过期" in response.content.decode()


def test_r_ord_3_refusals_on_pages_are_chinese_without_raw_codes(world):
    order = make_order(world)
    dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    response = login(world.technician_user).post(
        f"/orders/{order.pk}/return/", {"reason": ""}, follow=True
    )
    html = response.content.decode()
    assert "请填写原因" in html or "原因" in html
    assert "reason_required" not in html


def test_r_wf_1_api_and_pages_offer_the_same_technicians(world):
    """One query (`dispatch_candidates`) for both: a technician the page does not list is
    unknown to the API too."""
    order = make_order(world)
    client = world.client(world.leader)
    refused = client.post(
        f"/api/v1/work-orders/{order.pk}/dispatch/", {"technician": "Z003"}, format="json"
    )
    assert refused.status_code == 400
    assert "technician" in refused.json()["error"]["fields"]
    page = login(world.leader).get(f"/orders/{order.pk}/").content.decode()
    assert "Z003" not in page and "Z001" in page
