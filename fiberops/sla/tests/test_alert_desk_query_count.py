"""The desk's query count does not grow with the number of alerts (STYLE habit 13)."""

import datetime as dt

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fiberops.sla.actions import acknowledge_alert, sweep
from fiberops.sla.models import SlaAlert
from fiberops.sla.tests.test_alert_desk import T0, login
from fiberops.testing import make_order
from fiberops.workorders.actions import dispatch_order


def dispatch_faults(world, count: int, at: dt.datetime) -> None:
    """`count` faults dispatched at `at`, over two grids, three technicians and two teams."""
    technicians = [world.technician, world.teammate, world.other_team_technician]
    with time_machine.travel(at, tick=False):
        for n in range(count):
            technician = technicians[n % len(technicians)]
            order = make_order(world, order_type="fault", accepted_at=at, grid=technician.team.grid)
            dispatch_order(order, technician=technician, actor=world.dispatcher)


def desk_queries(world, expected_rows: int) -> int:
    client = login(world.dispatcher)
    client.get("/alerts/")  # the session and language are settled before counting
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/alerts/?handled=1")
    assert response.status_code == 200
    assert response.content.decode().count('<tr class="alert') == expected_rows
    return len(queries)


def test_the_desk_runs_as_many_queries_for_13_alerts_as_for_3(world):
    # 3 alerts: a response warning and its escalated breach (acknowledged), another warning.
    dispatch_faults(world, 1, T0 - dt.timedelta(minutes=8))
    dispatch_faults(world, 1, T0)
    sweep(T0 + dt.timedelta(minutes=5))  # the first fault's warning (due 10:07, warned 10:04)
    sweep(T0 + dt.timedelta(minutes=12))  # its breach and the second fault's warning
    breach = SlaAlert.objects.get(kind="breach")
    assert breach.escalated_to_team == world.team
    acknowledge_alert(breach, actor=world.leader, at=T0 + dt.timedelta(minutes=12))
    assert SlaAlert.objects.count() == 3
    three = desk_queries(world, 3)

    dispatch_faults(world, 10, T0 + dt.timedelta(minutes=1))  # ten more response warnings
    sweep(T0 + dt.timedelta(minutes=13, seconds=30))
    assert SlaAlert.objects.count() == 13
    thirteen = desk_queries(world, 13)
    assert thirteen == three, (three, thirteen)
    assert three <= 12, three
