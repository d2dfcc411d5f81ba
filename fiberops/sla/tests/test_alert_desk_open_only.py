"""The desk lists open alerts only (R-SLA-6): an alert whose clock was met or voided afterwards
leaves by itself; "include handled" shows it, labelled resolved with the time."""

import datetime as dt

import time_machine

from fiberops.sla.models import SlaAlert
from fiberops.sla.tests.test_alert_desk import T0, breached_fault, login
from fiberops.workorders.actions import accept_order, cancel_order


def table_body(html: str) -> str:
    return html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]


def test_r_sla_6_an_alert_whose_clock_was_met_afterwards_leaves_the_desk(world):
    order = breached_fault(world)  # response warning and breach, swept at 10:20
    with time_machine.travel(T0 + dt.timedelta(minutes=25), tick=False):
        accept_order(order, actor=world.technician_user)  # meets the response clock at 10:25
    assert SlaAlert.objects.filter(deadline__order=order).open().count() == 0
    desk = login(world.dispatcher)
    assert order.bss_order_no not in table_body(desk.get("/alerts/").content.decode())
    handled = table_body(desk.get("/alerts/?handled=1").content.decode())
    assert order.bss_order_no in handled
    assert "已解除（时限已达成/作废）" in handled
    assert "11-02 10:25" in handled  # when it was resolved (Shanghai time)
    assert (
        f"/alerts/{SlaAlert.objects.filter(deadline__order=order).first().pk}/acknowledge/"
        not in handled
    )


def test_r_sla_6_an_alert_of_a_cancelled_order_leaves_the_desk(world):
    order = breached_fault(world)
    with time_machine.travel(T0 + dt.timedelta(minutes=40), tick=False):
        cancel_order(order, reason="客户取消", actor=world.dispatcher)
    desk = login(world.leader)
    assert order.bss_order_no not in table_body(desk.get("/alerts/").content.decode())
    handled = table_body(desk.get("/alerts/?handled=1").content.decode())
    assert "已解除（时限已达成/作废）" in handled and "11-02 10:40" in handled


def test_r_sla_6_an_acknowledged_alert_is_handled_and_shows_who(world):
    order = breached_fault(world)
    alert = SlaAlert.objects.get(deadline__order=order, kind="breach")
    login(world.leader).post(f"/alerts/{alert.pk}/acknowledge/")
    desk = login(world.dispatcher)
    open_rows = table_body(desk.get("/alerts/?kind=breach").content.decode())
    assert order.bss_order_no not in open_rows
    handled = table_body(desk.get("/alerts/?kind=breach&handled=1").content.decode())
    assert "已确认" in handled and "leader" in handled
    assert "已解除" not in handled  # acknowledged, not resolved: the clock still runs
