"""Bulk acknowledgement on the desk (R-SLA-6, R-SEC-1, R-SEC-2): only alerts in the user's scope
are acknowledged, ids out of scope are ignored, a role that may not acknowledge gets 403."""

import datetime as dt

import time_machine

from fiberops.sla.actions import sweep
from fiberops.sla.models import SlaAlert
from fiberops.sla.tests.test_alert_desk import T0, breached_fault, login
from fiberops.testing import make_order
from fiberops.workorders.actions import dispatch_order


def warned_then_breached(world):
    """A fault with a response warning (swept at 10:12) and a response breach (10:20)."""
    order = breached_fault_at(world, T0 + dt.timedelta(minutes=12))
    sweep(T0 + dt.timedelta(minutes=20))
    return order


def breached_fault_at(world, swept_at):
    with time_machine.travel(T0, tick=False):
        order = make_order(world, order_type="fault", accepted_at=T0)
        dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    sweep(swept_at)
    return order


def foreign_breach(world) -> SlaAlert:
    """A breach of the rural branch, which the urban dispatcher may not see."""
    with time_machine.travel(T0, tick=False):
        order = make_order(world, order_type="fault", accepted_at=T0, grid=world.rural_grid)
        dispatch_order(order, technician=world.rural_technician, actor=world.foreign_dispatcher)
    sweep(T0 + dt.timedelta(minutes=20))
    return SlaAlert.objects.get(deadline__order=order, deadline__kind="response", kind="breach")


def test_r_sla_6_a_dispatcher_acknowledges_the_selected_alerts_of_the_own_branch_only(world):
    order = warned_then_breached(world)
    foreign = foreign_breach(world)
    own = list(SlaAlert.objects.filter(deadline__order=order))
    assert len(own) == 2  # response warning and breach
    response = login(world.dispatcher).post(
        "/alerts/acknowledge/",
        {
            "alert": [own[0].pk, own[1].pk, foreign.pk, "999999", "x"],
            "next": "/alerts/?kind=breach",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/alerts/?kind=breach"
    for alert in own:
        alert.refresh_from_db()
        assert alert.acknowledged_by == world.dispatcher
    foreign.refresh_from_db()
    assert foreign.acknowledged_at is None  # out of scope: silently not found, never acknowledged


def test_r_sla_6_the_desk_offers_checkboxes_select_all_and_acknowledge_selected(world):
    order = breached_fault(world)
    html = login(world.dispatcher).get("/alerts/").content.decode()
    alert = SlaAlert.objects.filter(deadline__order=order).first()
    assert 'action="/alerts/acknowledge/"' in html
    assert f'name="alert" value="{alert.pk}"' in html
    assert "全选" in html and "确认所选" in html
    assert f"/alerts/{alert.pk}/acknowledge/" in html  # the per-row button stays
    # A technician sees the alerts of his orders but gets no acknowledgement controls.
    technician_page = login(world.technician_user).get("/alerts/").content.decode()
    assert order.bss_order_no in technician_page
    assert "确认所选" not in technician_page and 'name="alert"' not in technician_page


def test_r_sec_2_a_role_that_may_not_acknowledge_gets_403_and_nothing_changes(world):
    order = breached_fault(world)
    ids = list(SlaAlert.objects.filter(deadline__order=order).values_list("pk", flat=True))
    for user in (world.technician_user, world.cs_agent, world.auditor):
        response = login(user).post("/alerts/acknowledge/", {"alert": ids})
        assert response.status_code == 403
    assert not SlaAlert.objects.filter(acknowledged_at__isnull=False).exists()


def test_r_sla_6_acknowledge_all_matching_the_filter_keeps_to_the_filter_and_the_scope(world):
    order = warned_then_breached(world)
    foreign = foreign_breach(world)
    response = login(world.admin).get("/alerts/?kind=breach")
    assert "确认全部符合筛选的告警" in response.content.decode()
    login(world.dispatcher).post("/alerts/acknowledge/?kind=breach", {"matching": "1"})
    breach = SlaAlert.objects.get(deadline__order=order, kind="breach")
    warning = SlaAlert.objects.get(deadline__order=order, kind="warning")
    foreign.refresh_from_db()
    breach.refresh_from_db()
    warning.refresh_from_db()
    assert breach.acknowledged_by == world.dispatcher
    assert warning.acknowledged_at is None  # not of the filtered kind
    assert foreign.acknowledged_at is None  # another branch's


def test_r_sla_6_acknowledging_none_selected_changes_nothing_and_redirects_safely(world):
    breached_fault(world)
    response = login(world.dispatcher).post(
        "/alerts/acknowledge/", {"next": "https://evil.example/alerts/"}
    )
    assert response.status_code == 302 and response["Location"] == "/alerts/"
    assert not SlaAlert.objects.filter(acknowledged_at__isnull=False).exists()


def test_r_sla_6_acknowledge_all_matching_leaves_alerts_raised_after_the_page_was_shown(world):
    order = breached_fault_at(world, T0 + dt.timedelta(minutes=12))  # the response warning
    shown_at = (T0 + dt.timedelta(minutes=13)).isoformat()
    sweep(T0 + dt.timedelta(minutes=20))  # the breach, raised after the page was shown
    login(world.dispatcher).post("/alerts/acknowledge/", {"matching": "1", "seen_at": shown_at})
    warning = SlaAlert.objects.get(deadline__order=order, kind="warning")
    breach = SlaAlert.objects.get(deadline__order=order, kind="breach")
    assert warning.acknowledged_at is not None
    assert breach.acknowledged_at is None
