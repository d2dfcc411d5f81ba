"""A breach shows when it happened (the due time) beside when the sweeper noticed it; a warning
its warn time beside its raised time; the desk is ordered by when it happened, newest first
(R-SLA-6)."""

import datetime as dt
import re

import time_machine

from fiberops.sla.actions import sweep
from fiberops.sla.tests.test_alert_desk import T0, login
from fiberops.testing import make_order
from fiberops.workorders.actions import dispatch_order


def rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.split(r"<tr\b", body)[1:]


def text(row: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))


def test_r_sla_6_a_breach_shows_its_due_time_and_when_the_sweeper_noticed_it(world):
    with time_machine.travel(T0, tick=False):
        order = make_order(world, order_type="fault", accepted_at=T0)
        dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    sweep(T0 + dt.timedelta(minutes=13))  # the response warning, noticed a minute late
    sweep(T0 + dt.timedelta(hours=2))  # then the sweeper was down: the breach noticed at 12:00
    html = login(world.dispatcher).get("/alerts/?kind=breach").content.decode()
    response_row = text(next(r for r in rows(html) if "响应（15分钟）" in r))
    assert "超时时间 11-02 10:15" in response_row  # due 15 minutes after dispatch at 10:00
    assert "发现时间 11-02 12:00" in response_row
    warnings = login(world.dispatcher).get("/alerts/?kind=warning").content.decode()
    warning_row = text(next(r for r in rows(warnings) if "响应（15分钟）" in r))
    assert "预警时间 11-02 10:12" in warning_row  # 80 % of the 15 minutes
    assert "截止 11-02 10:15" in warning_row
    assert "发现时间 11-02 10:13" in warning_row


def test_r_sla_6_the_desk_is_ordered_by_when_the_alert_happened_newest_first(world):
    with time_machine.travel(T0, tick=False):
        recent = make_order(world, order_type="fault", accepted_at=T0)
        dispatch_order(recent, technician=world.technician, actor=world.dispatcher)
    sweep(T0 + dt.timedelta(minutes=20))  # recent: breach due 10:15, noticed 10:20
    with time_machine.travel(T0 + dt.timedelta(minutes=25), tick=False):
        # Dispatched offline an hour earlier and synchronised now: its breaches happened long ago
        # but are noticed after the other order's.
        older = make_order(world, order_type="fault", accepted_at=T0 - dt.timedelta(hours=2))
        dispatch_order(
            older,
            technician=world.teammate,
            actor=world.dispatcher,
            occurred_at=T0 - dt.timedelta(hours=1),
        )
    sweep(T0 + dt.timedelta(minutes=26))  # older: breaches due 09:15 and 09:30, noticed 10:26
    html = login(world.dispatcher).get("/alerts/?kind=breach").content.decode()
    numbers = [
        number
        for row in rows(html)
        for number in (recent.bss_order_no, older.bss_order_no)
        if number in row
    ]
    assert numbers == [recent.bss_order_no, older.bss_order_no, older.bss_order_no]
