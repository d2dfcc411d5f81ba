"""Resource checks and asset inventory (核查/盘点, R-RES-3): the checklist is the area's
elements; the technician confirms or corrects each; each difference is a discrepancy with its
events; the office fixes it once."""

import datetime as dt

import pytest
import time_machine
from django.test import Client

from fiberops.inspections.models import (
    Discrepancy,
    DiscrepancyEvent,
    DiscrepancyStatus,
    ElementCheck,
    PlanKind,
)
from fiberops.inspections.tests.helpers import T0, generated_round, make_plan, walk_to_site
from fiberops.testing import make_order

LATER = T0 + dt.timedelta(hours=2)


@pytest.fixture
def check(world):
    plan = make_plan(world, kind=PlanKind.RESOURCE_CHECK, interval_months=3, name="资源核查")
    inspection = generated_round(world, plan)
    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        walk_to_site(world, inspection)
    return inspection


def post_check(world, inspection, body):
    with time_machine.travel(LATER, tick=False):
        return world.client(world.technician_user).post(
            f"/api/v1/work-orders/{inspection.order_id}/inspection/checks/", body, format="json"
        )


def test_R_RES_3_the_checklist_is_the_areas_elements_with_their_records(world, check):
    make_order(world, splitter_port=world.box.ports.get(number=3))
    body = (
        world.client(world.technician_user)
        .get(f"/api/v1/work-orders/{check.order_id}/inspection/")
        .json()
    )
    elements = {(e["kind"], e["code"]): e for e in body["elements"]}
    assert len(elements) == 1 + 64  # the box and its ports
    assert elements[("splitter_box", "WH01-FX-001")]["recorded"]["port_count"] == "64"
    assert elements[("splitter_port", "WH01-FX-001-03")]["recorded"] == {"state": "occupied"}
    assert elements[("splitter_port", "WH01-FX-001-04")]["recorded"] == {"state": "free"}


def test_R_RES_3_a_confirmed_element_records_no_discrepancy(world, check):
    response = post_check(
        world, check, {"element_kind": "splitter_box", "element_code": "WH01-FX-001"}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["is_confirmed"] is True
    assert not Discrepancy.objects.exists()


def test_R_RES_3_a_correction_is_a_discrepancy_with_expected_found_who_and_when(world, check):
    response = post_check(
        world,
        check,
        {
            "element_kind": "splitter_port",
            "element_code": "WH01-FX-001-05",
            "corrections": [{"field": "state", "found": "faulty"}],
        },
    )
    assert response.status_code == 201, response.json()
    discrepancy = Discrepancy.objects.get()
    assert (discrepancy.expected, discrepancy.found, discrepancy.field) == (
        "free",
        "faulty",
        "state",
    )
    assert (discrepancy.recorded_by, discrepancy.recorded_at) == (world.technician_user, LATER)
    assert (discrepancy.grid, discrepancy.status) == (world.grid, DiscrepancyStatus.OPEN)
    assert ElementCheck.objects.get().is_confirmed is False
    assert list(discrepancy.events.values_list("kind", flat=True)) == ["recorded"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"element_kind": "splitter_box", "element_code": "XX-999"}, "unknown_element"),
        ({"element_kind": "olt", "element_code": "WH01-FX-001"}, "unknown_element"),
        (
            {
                "element_kind": "splitter_box",
                "element_code": "WH01-FX-001",
                "corrections": [{"field": "colour", "found": "red"}],
            },
            "unknown_element_field",
        ),
    ],
)
def test_R_RES_3_unknown_elements_and_fields_are_refused(world, check, body, code):
    response = post_check(world, check, body)
    assert (response.status_code, response.json()["error"]["code"]) == (422, code)
    assert not ElementCheck.objects.exists()


def test_R_RES_3_an_ordinary_inspection_checks_no_elements(world):
    inspection = generated_round(world, make_plan(world))
    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        walk_to_site(world, inspection)
    response = post_check(
        world, inspection, {"element_kind": "splitter_box", "element_code": "WH01-FX-001"}
    )
    assert response.json()["error"]["code"] == "not_a_resource_check"


def test_R_RES_3_the_office_fixes_a_discrepancy_once_and_the_fix_is_an_event(world, check):
    post_check(
        world,
        check,
        {
            "element_kind": "splitter_box",
            "element_code": "WH01-FX-001",
            "corrections": [{"field": "port_count", "found": "32"}],
        },
    )
    discrepancy = Discrepancy.objects.get()
    fix = f"/api/v1/discrepancies/{discrepancy.pk}/fix/"
    assert world.client(world.technician_user).post(fix, {"note": "x"}).status_code == 403
    assert world.client(world.foreign_dispatcher).post(fix, {"note": "x"}).status_code == 404
    response = world.client(world.dispatcher).post(fix, {"note": "资源系统已改为32口"})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "fixed"
    again = world.client(world.dispatcher).post(fix, {"note": "再次"})
    assert (again.status_code, again.json()["error"]["code"]) == (409, "illegal_transition")
    events = DiscrepancyEvent.objects.filter(discrepancy=discrepancy).order_by("id")
    assert [(e.kind, e.actor) for e in events] == [
        ("recorded", world.technician_user),
        ("fixed", world.dispatcher),
    ]
    listed = world.client(world.dispatcher).get("/api/v1/discrepancies/?status=open").json()
    assert listed == []
    assert world.client(world.foreign_dispatcher).get("/api/v1/discrepancies/").json() == []


def test_R_RES_3_the_report_lists_each_open_discrepancy_in_scope(world, check):
    post_check(
        world,
        check,
        {
            "element_kind": "splitter_port",
            "element_code": "WH01-FX-001-05",
            "corrections": [{"field": "state", "found": "faulty"}],
        },
    )
    discrepancy = Discrepancy.objects.get()

    def page(user, query=""):
        client = Client()
        client.force_login(user)
        return client.get(f"/inspections/reports/?since=2026-01-01{query}")

    with time_machine.travel(LATER, tick=False):
        own, foreign = page(world.manager), page(world.foreign_dispatcher)
        exported = page(world.manager, "&format=csv")
    assert [d.pk for d in own.context["open_list"]] == [discrepancy.pk]
    assert f'data-discrepancy="{discrepancy.pk}"' in own.content.decode()
    assert foreign.context["open_list"] == []
    rows = exported.content.decode("utf-8-sig").splitlines()
    assert any("WH01-FX-001-05" in row and "faulty" in row and "free" in row for row in rows)
