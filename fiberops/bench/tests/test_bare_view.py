"""The bare-Django intake of the HTTP benchmark (fiberops/bench/views.py): mounted only by the
benchmark's settings module, and the same write as POST /api/v1/work-orders/."""

import json

import pytest
from django.urls import NoReverseMatch, reverse
from rest_framework.authtoken.models import Token

from fiberops.testing import intake_payload
from fiberops.workorders.models import WorkOrder

API = "/api/v1/work-orders/"
BARE = "/bench/intake/"


@pytest.fixture
def bench_views(settings):
    """What fiberops.bench.settings changes (pytest-django clears the URL caches both ways)."""
    settings.ROOT_URLCONF = "fiberops.bench.urls"


def _post_bare(client, user, body, **headers):
    token, _ = Token.objects.get_or_create(user=user)
    return client.post(
        BARE,
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Token {token.key}", **headers},
    )


def test_the_bare_view_is_not_mounted_by_the_application_settings(client, world, settings):
    assert settings.ROOT_URLCONF == "fiberops.urls"
    with pytest.raises(NoReverseMatch):
        reverse("bench-intake")
    response = _post_bare(client, world.bss, intake_payload())
    assert response.status_code == 404
    assert not WorkOrder.objects.exists()


def test_r_ord_2_the_bare_view_makes_the_same_order_as_the_api(client, world, bench_views):
    port_for_api, port_for_bare = 5, 6
    api_body = intake_payload(
        bss_order_no="BSS-API-1", resource={"splitter_box": "WH01-FX-001", "port": port_for_api}
    )
    bare_body = {
        **api_body,
        "bss_order_no": "BSS-BARE-1",
        "resource": {"splitter_box": "WH01-FX-001", "port": port_for_bare},
    }
    assert world.client(world.bss).post(API, api_body, format="json").status_code == 201

    response = _post_bare(client, world.bss, bare_body)

    assert response.status_code == 201, response.content
    by_api = WorkOrder.objects.get(bss_order_no="BSS-API-1")
    by_bare = WorkOrder.objects.get(bss_order_no="BSS-BARE-1")
    assert response.json() == {"id": by_bare.pk, "bss_order_no": "BSS-BARE-1", "status": "new"}

    def shape(order: WorkOrder) -> dict:
        return {
            "order_type": order.order_type,
            "status": order.status,
            "accepted_at": order.accepted_at,
            "grid": order.grid_id,
            "customer": order.customer_id,  # found by phone and address: the same file
            "plan_mbps": order.plan_mbps,
            "box": order.splitter_port.box_id if order.splitter_port else None,
            "holds_port": order.holds_port,
            "description": order.description,
            "requires_survey": order.requires_survey,
            "created_by": order.created_by_id,
            "deadlines": sorted((d.kind, d.starts_at, d.due_at) for d in order.deadlines.all()),
            "events": sorted(e.kind for e in order.events.all()),
        }

    assert shape(by_bare) == shape(by_api)
    assert by_api.deadlines.count() == by_bare.deadlines.count() == 1
    assert (by_api.splitter_port.number, by_bare.splitter_port.number) == (5, 6)


def test_the_bare_view_answers_a_replay_200_and_writes_nothing(client, world, bench_views):
    body = intake_payload(bss_order_no="BSS-BARE-2")
    assert _post_bare(client, world.bss, body).status_code == 201
    again = _post_bare(client, world.bss, body)
    assert again.status_code == 200
    assert WorkOrder.objects.filter(bss_order_no="BSS-BARE-2").count() == 1


def test_the_bare_view_requires_the_integration_token(client, world, bench_views):
    body = intake_payload()
    anonymous = client.post(BARE, json.dumps(body), content_type="application/json")
    wrong = client.post(
        BARE,
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": "Token x"},
    )
    dispatcher = _post_bare(client, world.dispatcher, body)
    assert (anonymous.status_code, wrong.status_code, dispatcher.status_code) == (401, 401, 403)
    assert not WorkOrder.objects.exists()


def test_the_bare_view_refuses_a_body_without_the_intake_shape(client, world, bench_views):
    body = intake_payload(grid="NOPE")
    assert _post_bare(client, world.bss, body).status_code == 400
    assert _post_bare(client, world.bss, ["not", "an", "object"]).status_code == 400
    assert not WorkOrder.objects.exists()


def test_the_benchmark_settings_are_production_settings_with_the_bench_urls():
    import fiberops.bench.settings as bench
    import fiberops.settings as production

    assert bench.ROOT_URLCONF == "fiberops.bench.urls"
    assert bench.DEBUG == production.DEBUG
    assert bench.MIDDLEWARE == production.MIDDLEWARE
    assert bench.REST_FRAMEWORK == production.REST_FRAMEWORK
