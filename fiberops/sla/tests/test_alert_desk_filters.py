"""The desk filters by grid and technician within the user's scope, beside the alert kind, and
keeps the filters across pages (R-SLA-6, R-SEC-1)."""

import datetime as dt
import re

import time_machine

from fiberops.sla import views
from fiberops.sla.actions import sweep
from fiberops.sla.tests.test_alert_desk import T0, login
from fiberops.testing import make_order
from fiberops.workorders.actions import dispatch_order


def table_body(html: str) -> str:
    return html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]


def faults(world, *pairs):
    """One fault per (grid, technician), dispatched at T0 and swept at 10:20 (one response
    breach each)."""
    orders = []
    with time_machine.travel(T0, tick=False):
        for grid, technician in pairs:
            order = make_order(world, order_type="fault", accepted_at=T0, grid=grid)
            dispatch_order(order, technician=technician, actor=world.dispatcher)
            orders.append(order)
    sweep(T0 + dt.timedelta(minutes=20))
    return orders


def test_r_sla_6_the_desk_filters_by_grid_and_by_technician(world):
    here, teammate, there = faults(
        world,
        (world.grid, world.technician),
        (world.grid, world.teammate),
        (world.other_grid, world.other_team_technician),
    )
    desk = login(world.dispatcher)
    by_grid = table_body(desk.get("/alerts/?grid=WH-02").content.decode())
    assert there.bss_order_no in by_grid
    assert here.bss_order_no not in by_grid and teammate.bss_order_no not in by_grid
    by_technician = table_body(desk.get("/alerts/?technician=Z002").content.decode())
    assert teammate.bss_order_no in by_technician
    assert here.bss_order_no not in by_technician and there.bss_order_no not in by_technician
    both = table_body(desk.get("/alerts/?grid=WH-01&technician=Z001&kind=breach").content.decode())
    assert here.bss_order_no in both and teammate.bss_order_no not in both


def test_r_sec_1_the_filter_choices_are_the_grids_and_technicians_in_scope(world):
    faults(world, (world.grid, world.technician))
    page = login(world.dispatcher).get("/alerts/").content.decode()
    grid_select = re.search(r'<select name="grid".*?</select>', page, re.S).group(0)
    technician_select = re.search(r'<select name="technician".*?</select>', page, re.S).group(0)
    assert 'value="WH-01"' in grid_select and 'value="WH-02"' in grid_select
    assert 'value="PJ-01"' not in grid_select  # the rural branch's grid
    assert 'value="Z001"' in technician_select and 'value="Z003"' in technician_select
    assert 'value="P001"' not in technician_select
    leader_page = login(world.leader).get("/alerts/").content.decode()
    leader_technicians = re.search(
        r'<select name="technician".*?</select>', leader_page, re.S
    ).group(0)
    assert 'value="Z001"' in leader_technicians and 'value="Z003"' not in leader_technicians


def test_r_sec_1_a_grid_out_of_scope_is_not_a_filter_and_shows_no_other_branch(world):
    rural = make_order(world, order_type="fault", accepted_at=T0, grid=world.rural_grid)
    with time_machine.travel(T0, tick=False):
        dispatch_order(rural, technician=world.rural_technician, actor=world.foreign_dispatcher)
    (here,) = faults(world, (world.grid, world.technician))
    body = table_body(login(world.dispatcher).get("/alerts/?grid=PJ-01").content.decode())
    assert rural.bss_order_no not in body


def test_r_sla_6_pagination_keeps_the_filters(world):
    faults(world, *[(world.grid, world.technician)] * (views.PAGE_SIZE + 1))
    page = login(world.dispatcher).get("/alerts/?kind=breach&grid=WH-01&technician=Z001&handled=1")
    html = page.content.decode()
    next_link = re.search(r'<a href="\?([^"]*)">[^<]*下一页', html).group(1).replace("&amp;", "&")
    assert set(next_link.split("&")) == {
        "kind=breach",
        "grid=WH-01",
        "technician=Z001",
        "handled=1",
        "page=2",
    }
    second = table_body(login(world.dispatcher).get("/alerts/?" + next_link).content.decode())
    assert second.count("<tr") == 1
