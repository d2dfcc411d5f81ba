"""Switch uplinks in the hierarchy (R-RES-1): a switch's uplink is a reference to the OLT above it
or, for a village switch cascaded behind another, to that switch — shown on the switch page and
in the API, resolved from the old codes by migration 0005."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from fiberops.inspections.tests.switch_helpers import make_switch
from fiberops.network.models import Olt, Switch


@pytest.fixture
def olt(world):
    return Olt.objects.create(code="OLT-WH-01", name="武侯OLT", grid=world.grid)


def test_r_res_1_the_switch_page_shows_the_olt_or_the_switch_above(world, olt):
    top = make_switch(world.grid, "WH01-SW-001", uplink_olt=olt)
    cascaded = make_switch(world.grid, "WH01-SW-002", uplink_switch=top)
    client = Client()
    client.force_login(world.admin)
    page = client.get(f"/switches/{top.code}/").content.decode()
    assert "OLT-WH-01" in page
    page = client.get(f"/switches/{cascaded.code}/").content.decode()
    assert f'href="/switches/{top.code}/"' in page


def test_r_res_1_the_api_names_the_uplink_and_its_kind(world, olt):
    top = make_switch(world.grid, "WH01-SW-001", uplink_olt=olt)
    make_switch(world.grid, "WH01-SW-002", uplink_switch=top)
    make_switch(world.grid, "WH01-SW-003")
    body = world.client(world.admin).get("/api/v1/switches/").json()
    rows = body["results"] if isinstance(body, dict) else body
    assert [(r["code"], r["uplink_to"], r["uplink_kind"]) for r in rows] == [
        ("WH01-SW-001", "OLT-WH-01", "olt"),
        ("WH01-SW-002", "WH01-SW-001", "switch"),
        ("WH01-SW-003", "", None),
    ]


def test_r_res_1_an_uplink_to_both_is_refused_by_the_database(world, olt):
    top = make_switch(world.grid, "WH01-SW-001")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_switch(world.grid, "WH01-SW-002", uplink_olt=olt, uplink_switch=top)


def test_r_res_1_a_switch_cannot_be_above_itself(world):
    a = make_switch(world.grid, "WH01-SW-001")
    b = make_switch(world.grid, "WH01-SW-002", uplink_switch=a)
    a.uplink_switch = b
    with pytest.raises(ValidationError):
        a.full_clean()


@pytest.mark.django_db(transaction=True)
def test_r_res_1_migration_0005_resolves_the_old_uplink_codes():
    executor = MigrationExecutor(connection)
    executor.migrate([("network", "0004_switches")])
    apps = executor.loader.project_state([("network", "0004_switches")]).apps
    Branch = apps.get_model("workforce", "Branch")
    Grid = apps.get_model("workforce", "Grid")
    OldOlt = apps.get_model("network", "Olt")
    OldSwitch = apps.get_model("network", "Switch")
    branch = Branch.objects.create(code="WH", name="武侯区", area_type="urban")
    grid = Grid.objects.create(code="WH-01", name="红牌楼网格", branch=branch)
    OldOlt.objects.create(code="OLT-WH-01", grid=grid)

    def old(code: str, uplink_to: str) -> None:
        OldSwitch.objects.create(
            code=code, grid=grid, management_address="127.0.0.1", uplink_to=uplink_to
        )

    old("SW-1", "OLT-WH-01")
    old("SW-2", "SW-1")
    old("SW-3", "NOWHERE")
    old("SW-4", "")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    found = {
        s.code: (s.uplink_olt and s.uplink_olt.code, s.uplink_switch and s.uplink_switch.code)
        for s in Switch.objects.select_related("uplink_olt", "uplink_switch")
    }
    assert found == {
        "SW-1": ("OLT-WH-01", None),
        "SW-2": (None, "SW-1"),
        "SW-3": (None, None),
        "SW-4": (None, None),
    }
