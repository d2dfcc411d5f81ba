"""The dispatcher board `/dispatch/board/` (issue 9): who may open it, the queue's urgency order
(faults and complaints, second appointments R-APT-7, deadlines), the day rows, pinning, and a
page whose query count stays flat as the day grows."""

import datetime as dt
import json

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fiberops.dispatch.models import DayPin
from fiberops.dispatch.tests.appointment_helpers import note_left
from fiberops.dispatch.tests.board_helpers import (
    BOARD_DAY,
    MORNING,
    board_technicians,
    booked_jobs,
    unassigned_orders,
)
from fiberops.testing import make_order
from fiberops.workorders.actions import dispatch_order, return_order

URL = "/dispatch/board/"
#: session; user; the grids of the filter; the queue (with its second-visit and deadline
#: subqueries); technicians; the day's appointments; the orders to book; the pins; check-ins;
#: next stops; grid centres; the grids' current day plans (none here: no order numbers asked)
BOARD_PAGE = 12


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("dispatcher", 200),
        ("manager", 200),
        ("leader", 200),
        ("admin", 200),
        ("technician_user", 403),
        ("cs_agent", 403),
        ("auditor", 403),
    ],
)
def test_the_board_is_for_the_roles_that_dispatch(world, persona, status):
    assert login(getattr(world, persona)).get(URL).status_code == status


def test_the_board_is_chinese_by_default_and_shows_the_day_axis(world):
    html = login(world.dispatcher).get(URL).content.decode()
    assert "调度看板" in html and "待派" in html
    assert "08:00" in html and "20:00" in html
    assert "vendor/leaflet/leaflet.js" in html


@time_machine.travel(MORNING, tick=False)
def test_r_sla_1_r_apt_7_the_queue_puts_faults_then_second_appointments_then_deadlines(world):
    def accepted(order_type: str, minutes_ago: int):
        return make_order(
            world, order_type=order_type, accepted_at=MORNING - dt.timedelta(minutes=minutes_ago)
        )

    install = accepted("install", 300)  # install clock: 3 working days
    survey = accepted("survey", 60)  # survey clock: 2 working days, due first
    fault = accepted("fault", 10)
    complaint = accepted("complaint", 30)  # waited longer than the fault
    second = note_left(world, MORNING - dt.timedelta(days=2), MORNING - dt.timedelta(days=1))
    return_order(second, actor=world.technician_user, reason="客户要求改天")
    html = login(world.dispatcher).get(URL).content.decode()
    queue = html[html.index('class="queue"') : html.index("board-day")]
    expected = [complaint, fault, second, survey, install]
    found = sorted(expected, key=lambda order: queue.index(f'data-order="{order.pk}"'))
    assert found == expected
    assert queue.count('class="queue-item urgent') == 2


@time_machine.travel(MORNING, tick=False)
def test_the_day_rows_show_the_booked_jobs_and_the_orders_to_book(world):
    technicians = board_technicians(world, 3)
    booked = booked_jobs(world, technicians, 6)
    waiting = make_order(world)
    dispatch_order(waiting, technician=technicians[0], actor=world.dispatcher)
    response = login(world.dispatcher).get(URL, {"day": f"{BOARD_DAY:%Y-%m-%d}"})
    html = response.content.decode()
    for order in booked:
        assert f'data-order="{order.pk}" data-no="{order.bss_order_no}"' in html
    assert f'class="chip job" tabindex="0" data-order="{waiting.pk}"' in html
    data = json.loads(
        html.split('id="board-data" type="application/json">')[1].split("</script>")[0]
    )
    jobs = {job["order"] for tech in data["technicians"] for job in tech["jobs"]}
    assert {order.pk for order in booked} <= jobs


@time_machine.travel(MORNING, tick=False)
def test_a_leader_sees_the_own_team_and_the_grids_unassigned_orders_only(world):
    board_technicians(world, 3)  # Z100 in WH-02, Z101/Z102 in WH-01
    here = make_order(world, order_type="fault")
    there = make_order(world, order_type="fault", grid=world.other_grid)
    html = login(world.leader).get(URL).content.decode()
    assert f'data-order="{here.pk}"' in html and f'data-order="{there.pk}"' not in html
    assert 'data-staff="Z001"' in html and 'data-staff="Z003"' not in html


@time_machine.travel(MORNING, tick=False)
def test_pinning_keeps_the_order_on_its_technician_for_the_day(world):
    order = make_order(world)
    dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    client = login(world.dispatcher)
    day = f"{BOARD_DAY:%Y-%m-%d}"
    client.post("/dispatch/board/pin/", {"order": order.pk, "day": day})
    pin = DayPin.objects.get(order=order)
    assert (pin.technician, pin.day, pin.pinned_by) == (
        world.technician,
        BOARD_DAY,
        world.dispatcher,
    )
    html = client.get(URL, {"day": day}).content.decode()
    assert f'class="chip job pinned" tabindex="0" data-order="{order.pk}"' in html
    client.post("/dispatch/board/pin/", {"order": order.pk, "day": day, "unpin": "1"})
    assert not DayPin.objects.filter(order=order).exists()


def test_an_unassigned_order_cannot_be_pinned_and_technicians_may_not_pin(world):
    order = make_order(world)
    response = login(world.dispatcher).post(
        "/dispatch/board/pin/", {"order": order.pk, "day": "2026-11-24"}, follow=True
    )
    assert "只有已派单且尚未上门的工单可以锁定" in response.content.decode()
    dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    login(world.technician_user).post(
        "/dispatch/board/pin/", {"order": order.pk, "day": "2026-11-24"}
    )
    assert not DayPin.objects.exists()
    foreign = login(world.foreign_dispatcher).post(
        "/dispatch/board/pin/", {"order": order.pk, "day": "2026-11-24"}
    )
    assert foreign.status_code == 404


def count_board(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"day": f"{BOARD_DAY:%Y-%m-%d}"})
    assert response.status_code == 200
    return len(queries)


@time_machine.travel(MORNING, tick=False)
def test_the_board_costs_the_same_queries_for_a_small_and_a_busy_day(world):
    client = login(world.dispatcher)
    technicians = board_technicians(world, 2)
    booked_jobs(world, technicians, 2)
    unassigned_orders(world, 2)
    small = count_board(client)
    more = board_technicians(world, 10, start=200)
    booked_jobs(world, more, 30, first=100)
    unassigned_orders(world, 20, first=9100)
    dispatch_order(make_order(world), technician=more[0], actor=world.dispatcher)
    large = count_board(client)
    assert small == large == BOARD_PAGE


@time_machine.travel(MORNING, tick=False)
def test_r_apt_7_key_customers_come_after_faults_and_second_appointments_before_the_rest(world):
    def accepted(order_type: str, minutes_ago: int):
        return make_order(
            world, order_type=order_type, accepted_at=MORNING - dt.timedelta(minutes=minutes_ago)
        )

    survey = accepted("survey", 60)  # due before the key customer's install
    key = accepted("install", 30)
    key.customer.is_key = True  # type: ignore[union-attr]
    key.customer.save(update_fields=["is_key"])  # type: ignore[union-attr]
    fault = accepted("fault", 10)
    second = note_left(world, MORNING - dt.timedelta(days=2), MORNING - dt.timedelta(days=1))
    second.customer.is_key = False  # type: ignore[union-attr]
    return_order(second, actor=world.technician_user, reason="客户要求改天")
    html = login(world.dispatcher).get(URL).content.decode()
    queue = html[html.index('class="queue"') : html.index("board-day")]
    expected = [fault, second, key, survey]
    found = sorted(expected, key=lambda order: queue.index(f'data-order="{order.pk}"'))
    assert found == expected
    assert queue.count('class="key-mark"') == 1
