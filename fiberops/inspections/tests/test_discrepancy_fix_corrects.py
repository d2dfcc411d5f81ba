"""Correcting an element fixes the inventory (R-RES-3): fixing a discrepancy writes the found
value to the network element through `network.actions.correct_element` — with an append-only
`ElementEvent`, or for a port's state through the port actions and their `PortEvent` — in the
same transaction as the discrepancy's `fixed` event; a value the element refuses fixes nothing.
The OLT, PON port and first-level splitter are checkable elements too."""

import datetime as dt

import pytest
import time_machine

from fiberops.core.errors import Conflict, RuleViolation
from fiberops.inspections.actions import fix_discrepancy
from fiberops.inspections.models import Discrepancy, DiscrepancyEvent, DiscrepancyStatus, PlanKind
from fiberops.inspections.tests.helpers import T0, generated_round, make_plan, walk_to_site
from fiberops.network.models import ElementEvent, Olt, PonPort, PortEvent, Splitter, SplitterBox
from fiberops.testing import make_order

LATER = T0 + dt.timedelta(hours=2)


@pytest.fixture
def check(world):
    olt = Olt.objects.create(code="OLT-WH-01", name="武侯OLT", grid=world.grid, model_name="MA5800")
    pon = PonPort.objects.create(code="OLT-WH-01-1-1", olt=olt, number=1)
    Splitter.objects.create(code="WH01-OBD-01", pon_port=pon, grid=world.grid, ratio=8)
    plan = make_plan(world, kind=PlanKind.RESOURCE_CHECK, interval_months=3, name="资源核查")
    inspection = generated_round(world, plan)
    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        walk_to_site(world, inspection)
    return inspection


def found(world, inspection, kind: str, code: str, field: str, value: str) -> Discrepancy:
    with time_machine.travel(LATER, tick=False):
        response = world.client(world.technician_user).post(
            f"/api/v1/work-orders/{inspection.order_id}/inspection/checks/",
            {
                "element_kind": kind,
                "element_code": code,
                "corrections": [{"field": field, "found": value}],
            },
            format="json",
        )
    assert response.status_code == 201, response.json()
    return Discrepancy.objects.get(element_kind=kind, element_code=code, field=field)


def events_of(discrepancy: Discrepancy) -> list[str]:
    return list(
        DiscrepancyEvent.objects.filter(discrepancy=discrepancy)
        .order_by("id")
        .values_list("kind", flat=True)
    )


def test_R_RES_3_the_olt_pon_port_and_splitter_are_on_the_checklist(world, check):
    body = (
        world.client(world.technician_user)
        .get(f"/api/v1/work-orders/{check.order_id}/inspection/")
        .json()
    )
    elements = {(e["kind"], e["code"]): e["recorded"] for e in body["elements"]}
    assert list(elements)[:4] == [
        ("olt", "OLT-WH-01"),
        ("pon_port", "OLT-WH-01-1-1"),
        ("splitter", "WH01-OBD-01"),
        ("splitter_box", "WH01-FX-001"),
    ]
    assert elements[("olt", "OLT-WH-01")]["model_name"] == "MA5800"
    assert elements[("splitter", "WH01-OBD-01")]["ratio"] == "8"


def test_R_RES_3_a_fix_changes_the_element_and_writes_both_events(world, check):
    discrepancy = found(world, check, "olt", "OLT-WH-01", "model_name", "C600")
    response = world.client(world.dispatcher).post(
        f"/api/v1/discrepancies/{discrepancy.pk}/fix/", {"note": "现场为中兴C600"}
    )
    assert response.status_code == 200, response.json()
    assert Olt.objects.get(code="OLT-WH-01").model_name == "C600"
    event = ElementEvent.objects.get()
    assert (event.element_kind, event.element_code, event.field) == (
        "olt",
        "OLT-WH-01",
        "model_name",
    )
    assert (event.from_value, event.to_value, event.actor) == ("MA5800", "C600", world.dispatcher)
    assert events_of(discrepancy) == ["recorded", "fixed"]
    fixed = DiscrepancyEvent.objects.get(discrepancy=discrepancy, kind="fixed")
    assert fixed.occurred_at == event.at


def test_R_RES_3_a_box_fixed_to_fewer_ports_loses_the_unused_ones(world, check):
    discrepancy = found(world, check, "splitter_box", "WH01-FX-001", "port_count", "32")
    fix_discrepancy(discrepancy, actor=world.dispatcher, note="实为32口")
    box = SplitterBox.objects.get(code="WH01-FX-001")
    assert (box.port_count, box.ports.count()) == (32, 32)
    assert ElementEvent.objects.get().to_value == "32"


def test_R_RES_3_a_port_found_faulty_is_fixed_through_the_port_action(world, check):
    discrepancy = found(world, check, "splitter_port", "WH01-FX-001-05", "state", "faulty")
    fix_discrepancy(discrepancy, actor=world.leader, note="尾纤断")
    port = world.box.ports.get(number=5)
    assert port.state == "faulty"
    event = PortEvent.objects.get(port=port)
    assert (event.kind, event.actor, event.note) == ("marked_faulty", world.leader, "尾纤断")
    assert not ElementEvent.objects.exists()  # a port's state is the port actions' business
    assert events_of(discrepancy) == ["recorded", "fixed"]


@pytest.mark.parametrize(
    ("kind", "code", "field", "value", "error"),
    [
        ("splitter_box", "WH01-FX-001", "port_count", "eight", "invalid_element_value"),
        ("olt", "OLT-WH-01", "state", "melted", "invalid_element_value"),
        ("splitter", "WH01-OBD-01", "ratio", "1", "invalid_element_value"),
        ("splitter_port", "WH01-FX-001-05", "state", "borrowed", "invalid_element_value"),
    ],
)
def test_R_RES_3_a_refused_value_fixes_nothing(world, check, kind, code, field, value, error):
    discrepancy = found(world, check, kind, code, field, value)
    with pytest.raises(RuleViolation) as refused:
        fix_discrepancy(discrepancy, actor=world.dispatcher, note="按现场改")
    assert refused.value.code == error
    discrepancy.refresh_from_db()
    assert discrepancy.status == DiscrepancyStatus.OPEN
    assert events_of(discrepancy) == ["recorded"]
    assert not ElementEvent.objects.exists()
    assert not PortEvent.objects.exists()
    assert SplitterBox.objects.get(code="WH01-FX-001").port_count == 64
    assert Olt.objects.get(code="OLT-WH-01").state == "in_service"


def test_R_RES_3_a_refused_fix_answers_422_over_the_api(world, check):
    discrepancy = found(world, check, "splitter_box", "WH01-FX-001", "port_count", "eight")
    response = world.client(world.dispatcher).post(
        f"/api/v1/discrepancies/{discrepancy.pk}/fix/", {"note": "按现场改"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_element_value"
    assert Discrepancy.objects.get(pk=discrepancy.pk).status == DiscrepancyStatus.OPEN


def test_R_RES_3_a_port_an_order_holds_is_not_released_by_a_fix(world, check):
    order = make_order(world, splitter_port=world.box.ports.get(number=3))
    port = world.box.ports.get(number=3)
    assert (port.state, port.work_order_id) == ("occupied", order.pk)
    discrepancy = found(world, check, "splitter_port", "WH01-FX-001-03", "state", "free")
    with pytest.raises(Conflict) as refused:
        fix_discrepancy(discrepancy, actor=world.dispatcher, note="现场无人用")
    assert refused.value.code == "port_held_by_order"
    port.refresh_from_db()
    assert (port.state, port.work_order_id) == ("occupied", order.pk)
    assert Discrepancy.objects.get(pk=discrepancy.pk).status == DiscrepancyStatus.OPEN
