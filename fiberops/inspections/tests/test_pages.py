"""The inspection pages (R-INS-1/2, R-RES-3, R-KPI-2): the order page's inspection section,
`/inspections/` and `/inspections/reports/` with its CSV and Excel downloads. Scoped by
`visible_to`; query counts do not grow with the rows."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from fiberops.inspections.actions import (
    LogInput,
    generate_inspection_orders,
    record_log_entry,
    transfer_finding,
)
from fiberops.inspections.models import PlanKind
from fiberops.inspections.tests.helpers import (
    T0,
    answer_checklist,
    generated_round,
    make_plan,
    walk_to_site,
)
from fiberops.testing import make_order
from fiberops.workorders.actions import perform

#: session; user; the report's aggregate; open discrepancies by grid; the open ones listed
REPORT_PAGE = 5
#: session; user; plans; their grids; rounds
INDEX_PAGE = 5


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def queries(request) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = request()
    assert response.status_code == 200, response.content
    return len(captured), response


def test_R_INS_1_the_order_page_shows_the_checklist_log_and_transfers(world):
    inspection = generated_round(world, make_plan(world))
    at = T0 + dt.timedelta(hours=1)
    with time_machine.travel(at, tick=False):
        walk_to_site(world, inspection)
        entry = LogInput(kind="checklist", item_code="cooling", is_ok=False, note="风扇停转")
        record_log_entry(inspection.order, actor=world.technician_user, entry=entry)
        record_log_entry(
            inspection.order,
            actor=world.technician_user,
            entry=LogInput(kind="replaced", element_code="WH01-FX-001", note="更换风扇"),
        )
        transfer_finding(
            inspection.order,
            actor=world.technician_user,
            department="power_environment",
            reason="机房空调故障",
        )
    page = login(world.dispatcher).get(f"/orders/{inspection.order_id}/").content.decode()
    assert 'id="inspection"' in page
    for text in ["设备清洁", "散热良好", "风扇停转", "更换风扇", "WH01-FX-001", "机房空调故障"]:
        assert text in page


def test_R_INS_1_other_orders_pages_have_no_inspection_section(world):
    order = make_order(world)
    page = login(world.dispatcher).get(f"/orders/{order.pk}/").content.decode()
    assert 'id="inspection"' not in page


def add_rounds(world, months: int) -> None:
    """A monthly plan over all three grids, its rounds generated for `months` months."""
    make_plan(
        world,
        kind=PlanKind.SWITCH_MONTHLY,
        interval_months=1,
        grids=[world.grid, world.other_grid, world.rural_grid],
        name="交换机月度检查",
    )
    for month in range(months):
        at = dt.datetime(2026, 1 + month, 5, 2, 0, tzinfo=dt.UTC)
        with time_machine.travel(at, tick=False):
            generate_inspection_orders(at)


def test_R_KPI_2_coverage_counts_planned_completed_on_time_and_overdue(world):
    plan = make_plan(world, grids=[world.grid, world.other_grid])
    done = generated_round(world, plan)
    with time_machine.travel(T0 + dt.timedelta(days=1), tick=False):
        walk_to_site(world, done)
        answer_checklist(world, done)
        perform(done.order, "complete", actor=world.technician_user)
    after = dt.datetime(2026, 5, 2, 2, 0, tzinfo=dt.UTC)  # the period Mar–Apr has ended
    with time_machine.travel(after, tick=False):
        response = login(world.manager).get(
            "/inspections/reports/?since=2026-03-01&until=2026-04-30"
        )
    rows = response.context["rows"]
    assert [(r.grid_code, r.planned, r.completed, r.on_time, r.overdue) for r in rows] == [
        ("WH-01", 1, 1, 1, 0),
        ("WH-02", 1, 0, 0, 1),
    ]
    assert response.context["coverage_pct"] == 50.0


def test_R_KPI_2_the_report_is_scoped_and_refused_to_technicians(world):
    add_rounds(world, 1)
    with time_machine.travel(T0, tick=False):
        foreign = login(world.foreign_dispatcher).get("/inspections/reports/?since=2026-01-01")
        assert [r.grid_code for r in foreign.context["rows"]] == ["PJ-01"]
        assert login(world.technician_user).get("/inspections/reports/").status_code == 403


def test_R_KPI_2_csv_and_excel_carry_the_same_rows(world):
    add_rounds(world, 2)
    client = login(world.admin)
    with time_machine.travel(T0, tick=False):
        csv_body = client.get("/inspections/reports/?since=2026-01-01&format=csv")
        xlsx = client.get("/inspections/reports/?since=2026-01-01&format=xlsx")
    lines = list(csv.reader(io.StringIO(csv_body.content.decode("utf-8-sig"))))
    coverage_lines = lines[2 : 2 + 6]
    assert sorted(line[1] for line in coverage_lines) == [
        "PJ-01",
        "PJ-01",
        "WH-01",
        "WH-01",
        "WH-02",
        "WH-02",
    ]
    book = load_workbook(io.BytesIO(xlsx.content))
    sheet = book.worksheets[0]
    assert sheet.max_row == 1 + 6
    assert [cell.value for cell in sheet[2]][1:4] == coverage_lines[0][1:4]


@pytest.mark.parametrize("path", ["/inspections/reports/?since=2026-01-01", "/inspections/"])
def test_R_KPI_2_the_pages_keep_their_query_count(world, path):
    ceiling = REPORT_PAGE if "reports" in path else INDEX_PAGE
    add_rounds(world, 1)
    client = login(world.admin)
    with time_machine.travel(T0, tick=False):
        small, _ = queries(lambda: client.get(path))
    add_rounds(world, 3)
    with time_machine.travel(T0, tick=False):
        large, response = queries(lambda: client.get(path))
    assert small == large <= ceiling
    assert "交换机月度检查" in response.content.decode()


def test_R_INS_2_the_inspection_order_page_keeps_its_query_count(world):
    inspection = generated_round(world, make_plan(world))
    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        walk_to_site(world, inspection)
    client = login(world.dispatcher)

    def log(number: int) -> None:
        with time_machine.travel(T0 + dt.timedelta(hours=2), tick=False):
            for n in range(number):
                entry = LogInput(kind="inspected", element_code=f"WH01-FX-{n:03d}")
                record_log_entry(inspection.order, actor=world.technician_user, entry=entry)
                transfer_finding(
                    inspection.order,
                    actor=world.dispatcher,
                    department="transmission",
                    reason="告警",
                )

    log(1)
    small, _ = queries(lambda: client.get(f"/orders/{inspection.order_id}/"))
    log(5)
    large, _ = queries(lambda: client.get(f"/orders/{inspection.order_id}/"))
    assert small == large
