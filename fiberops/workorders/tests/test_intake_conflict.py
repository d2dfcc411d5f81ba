"""A BSS replay of an order it already sent (R-ORD-2): the same body is answered 200 with the
stored order and writes nothing; a body that differs is refused 409 `bss_order_conflict`, naming
the fields that differ and never echoing personal values."""

import copy

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fiberops.core.errors import Conflict
from fiberops.customers.models import Customer, UnmaskEvent
from fiberops.network.models import SplitterBox, SplitterPort
from fiberops.testing import intake_payload
from fiberops.workorders.actions import intake_order
from fiberops.workorders.api.serializers import IntakeSerializer
from fiberops.workorders.models import OrderEvent, WorkOrder

URL = "/api/v1/work-orders/"
#: token; the failed-token counter; grid; splitter port; is the number known; the stored order
#: with its relations; its deadlines; its appointments; its visits (the order's JSON shows them
#: since issue 7). A BSS retry is normal traffic: it stays this cheap (the "known?" probe keeps
#: the join off the far commoner new number).
REPLAY_QUERIES = 9


def counts() -> tuple[int, ...]:
    return (
        WorkOrder.objects.count(),
        OrderEvent.objects.count(),
        Customer.objects.count(),
        UnmaskEvent.objects.count(),
    )


@pytest.fixture
def stored(world):
    """An install taken in from the BSS, with customer, plan, port and description."""
    payload = intake_payload(bss_order_no="BSS-REPLAY-1")
    response = world.client(world.bss).post(URL, payload, format="json")
    assert response.status_code == 201, response.content
    return payload, response.json()


def test_r_ord_2_an_identical_replay_answers_200_with_the_stored_order_and_writes_nothing(
    world, stored
):
    payload, first = stored
    before = counts()
    client = world.client(world.bss)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(URL, payload, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == first
    assert counts() == before
    assert len(queries) <= REPLAY_QUERIES
    assert not [q for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]


def test_r_ord_2_a_replay_compares_normalised_values(world, stored):
    """The same instant in another offset, the phone with spaces, a coordinate with fewer
    decimals, surrounding blanks: the same order."""
    payload, first = stored
    replay = copy.deepcopy(payload)
    replay["accepted_at"] = "2026-09-30T02:00:00Z"  # 10:00 in Shanghai
    replay["customer"]["phone"] = "138 1234 5678"
    replay["customer"]["lat"] = "30.6271"
    replay["customer"]["name"] = f"  {payload['customer']['name']} "
    response = world.client(world.bss).post(URL, replay, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["id"] == first["id"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"order_type": "relocation"}, "order_type"),
        ({"accepted_at": "2026-09-30T10:00:01+08:00"}, "accepted_at"),
        # The box belongs to the stored grid: a replay in another grid names no port of it.
        ({"grid": "WH-02", "resource": None}, "grid resource"),
        ({"customer.name": "王五"}, "customer.name"),
        ({"customer.phone": "13900000000"}, "customer.phone"),
        ({"customer.address": "成都市武侯区另一条街9号"}, "customer.address"),
        ({"customer.lat": "30.700000"}, "customer.lat"),
        ({"plan_mbps": 500}, "plan_mbps"),
        ({"broadband_account": "other@bb"}, "broadband_account"),
        ({"resource.port": 64}, "resource.port"),
        ({"description": "改为移机"}, "description"),
        ({"description": None}, "description"),  # left out: the stored one is not empty
        ({"requires_survey": True}, "requires_survey"),
    ],
)
def test_r_ord_2_a_replay_that_differs_in_one_field_is_409_naming_it(
    world, stored, change, expected
):
    payload, first = stored
    replay = copy.deepcopy(payload)
    for path, value in change.items():
        *parents, name = path.split(".")
        target = replay
        for parent in parents:
            target = target[parent]
        if value is None:
            del target[name]
        else:
            target[name] = value
    before = counts()
    response = world.client(world.bss).post(URL, replay, format="json")
    assert response.status_code == 409, response.content
    error = response.json()["error"]
    assert error["code"] == "bss_order_conflict"
    assert error["conflicting_fields"] == expected.split()
    assert set(error["fields"]) == set(expected.split())
    assert counts() == before
    assert WorkOrder.objects.get(pk=first["id"]).order_type == "install"


def test_r_ord_2_a_conflict_names_every_differing_field_and_echoes_no_personal_value(world, stored):
    payload, _first = stored
    replay = intake_payload(
        bss_order_no=payload["bss_order_no"],
        order_type="relocation",
        grid="WH-02",
        plan_mbps=200,
        broadband_account=payload["broadband_account"],
        resource=None,
        description="另一个描述",
    )
    del replay["resource"]
    replay["customer"] = {
        "name": "王五",
        "phone": "13900001111",
        "address": "成都市武侯区机投镇秘密路88号",
    }
    response = world.client(world.bss).post(URL, replay, format="json")
    assert response.status_code == 409, response.content
    error = response.json()["error"]
    assert error["conflicting_fields"] == [
        "order_type",
        "grid",
        "customer.name",
        "customer.phone",
        "customer.address",
        "customer.lat",
        "customer.lng",
        "plan_mbps",
        "resource",
        "description",
    ]
    text = response.content.decode()
    # Personal data of either side stays out of the answer, …
    for secret in ["13812345678", "13900001111", "佳灵路", "秘密路", "张三", "王五", "30.6271"]:
        assert secret not in text
    # … while the stored values that are not personal are shown.
    assert "install" in error["fields"]["order_type"][0]
    assert "WH-01" in error["fields"]["grid"][0]
    assert "1000" in error["fields"]["plan_mbps"][0]


def test_r_ord_2_a_replay_of_an_order_without_customer_that_now_has_one_conflicts(world):
    payload = intake_payload(order_type="inspection")
    del payload["customer"], payload["resource"]
    client = world.client(world.bss)
    assert client.post(URL, payload, format="json").status_code == 201
    replay = {**payload, "customer": intake_payload()["customer"]}
    response = client.post(URL, replay, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["conflicting_fields"] == ["customer"]


def test_r_ord_2_an_invalid_replay_is_400_like_any_invalid_intake(world, stored):
    payload, _first = stored
    replay = copy.deepcopy(payload)
    replay["customer"]["phone"] = "12345"
    before = counts()
    response = world.client(world.bss).post(URL, replay, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert set(response.json()["error"]["fields"]) == {"customer.phone"}
    assert counts() == before


# --- the race path: the number was absent at the look-up, present at the insert -------------


def intake_data(world, payload: dict):
    serializer = IntakeSerializer(data=payload)
    assert serializer.is_valid(), serializer.errors
    return serializer.to_intake()


def test_r_ord_2_an_identical_intake_that_loses_the_race_returns_the_stored_order(world, stored):
    """`known_absent`: the look-up said absent, the insert meets the stored order. Its port is
    taken by that very order: that is the replay, not a port conflict."""
    payload, first = stored
    before = counts()
    order, created = intake_order(
        actor=world.bss, data=intake_data(world, payload), known_absent=True
    )
    assert (order.pk, created) == (first["id"], False)
    assert counts() == before


def test_r_ord_2_a_differing_intake_that_loses_the_race_is_a_conflict(world, stored):
    payload, _first = stored
    replay = {**copy.deepcopy(payload), "plan_mbps": 300}
    before = counts()
    with pytest.raises(Conflict) as refused:
        intake_order(actor=world.bss, data=intake_data(world, replay), known_absent=True)
    assert refused.value.code == "bss_order_conflict"
    assert refused.value.details["conflicting_fields"] == ["plan_mbps"]
    assert counts() == before


def test_r_ord_2_a_port_of_another_box_is_named_by_its_box(world, stored):
    payload, _first = stored
    box = SplitterBox.objects.create(code="WH01-FX-002", grid=world.grid, port_count=8)
    SplitterPort.objects.create(box=box, number=payload["resource"]["port"])
    replay = {
        **copy.deepcopy(payload),
        "resource": {**payload["resource"], "splitter_box": box.code},
    }
    response = world.client(world.bss).post(URL, replay, format="json")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["conflicting_fields"] == ["resource.splitter_box"]
    assert "WH01-FX-001" in error["fields"]["resource.splitter_box"][0]
