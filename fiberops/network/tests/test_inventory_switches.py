"""Switches in the inventory (R-RES-1): community and village switches with their SNMP settings
and uplinks import and export like the other kinds — a dry run lists every refused row, an
import writes every row or none — and the SNMP community leaves only to administrators."""

import io

import pytest
import tablib
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fiberops.network.actions import import_inventory
from fiberops.network.inventory import export_dataset
from fiberops.network.models import DeviceProfile, Olt, Switch

HEADER = (
    "code,name,kind,grid,lat,lng,state,management_address,snmp_port,snmp_community,"
    "device_model,profile,uplink_interface,uplink_if_index,uplink_olt,uplink_switch\n"
)
# A village cascade: SW-002 hangs behind SW-001, which connects to the OLT.
SWITCHES_OK = HEADER + (
    "PJ01-SW-001,鹤山村交换机1,village,PJ-01,30.2,103.5,in_service,10.1.0.1,161,c-one,"
    "S5735,HW-S5735,GE0/0/1,3,OLT-PJ-01,\n"
    "PJ01-SW-002,鹤山村交换机2,village,PJ-01,,,in_service,10.1.0.2,1161,c-two,"
    "S2700,,GE0/0/1,1,,PJ01-SW-001\n"
)


def csv_dataset(text: str) -> tablib.Dataset:
    return tablib.Dataset().load(io.StringIO(text), format="csv")


@pytest.fixture
def olt(world):
    DeviceProfile.objects.create(name="HW-S5735")
    return Olt.objects.create(code="OLT-PJ-01", grid=world.rural_grid)


def test_r_res_1_switches_import_with_their_profile_and_uplinks(world, olt):
    report = import_inventory("switch", csv_dataset(SWITCHES_OK), actor=world.admin)
    assert report.valid, report.errors
    assert report.created == 2
    first = Switch.objects.get(code="PJ01-SW-001")
    second = Switch.objects.get(code="PJ01-SW-002")
    assert (first.uplink_olt, first.uplink_switch, first.profile.name) == (olt, None, "HW-S5735")
    assert (first.snmp_community, first.uplink_if_index) == ("c-one", 3)
    assert (second.uplink_olt, second.uplink_switch, second.snmp_port) == (None, first, 1161)


def test_r_res_1_a_switch_import_with_one_bad_row_imports_nothing_and_names_the_row(world, olt):
    text = SWITCHES_OK + (
        "PJ01-SW-003,坏地址,village,PJ-01,,,in_service,not-an-ip,161,c,,,,1,,\n"
        "PJ01-SW-004,坏上联,village,PJ-01,,,in_service,10.1.0.4,161,c,,,,1,NO-OLT,\n"
    )
    report = import_inventory("switch", csv_dataset(text), actor=world.admin)
    assert [(e.row, e.field) for e in report.errors] == [
        (4, "management_address"),
        (5, "uplink_olt"),
    ]
    assert "NO-OLT" in report.errors[1].message
    assert not Switch.objects.exists()


def test_r_res_1_a_switch_dry_run_lists_the_refusals_and_writes_nothing(world, olt):
    text = SWITCHES_OK + "PJ01-SW-005,,village,PJ-01,,,in_service,10.1.0.5,70000,c,,,,1,,\n"
    report = import_inventory("switch", csv_dataset(text), actor=world.admin, dry_run=True)
    assert report.dry_run
    assert [e.row for e in report.errors] == [4]
    assert not Switch.objects.exists()
    valid = import_inventory("switch", csv_dataset(SWITCHES_OK), actor=world.admin, dry_run=True)
    assert valid.valid and valid.created == 2
    assert not Switch.objects.exists()


def test_r_res_1_an_uplink_to_both_an_olt_and_a_switch_is_refused(world, olt):
    import_inventory("switch", csv_dataset(SWITCHES_OK), actor=world.admin)
    text = HEADER + (
        "PJ01-SW-009,,village,PJ-01,,,in_service,10.1.0.9,161,c,,,,1,OLT-PJ-01,PJ01-SW-001\n"
    )
    report = import_inventory("switch", csv_dataset(text), actor=world.admin)
    assert [e.row for e in report.errors] == [2]
    assert not Switch.objects.filter(code="PJ01-SW-009").exists()


def test_r_res_1_a_cascade_loop_is_refused(world, olt):
    import_inventory("switch", csv_dataset(SWITCHES_OK), actor=world.admin)
    # SW-001 behind SW-002, which is behind SW-001.
    text = HEADER + (
        "PJ01-SW-001,,village,PJ-01,,,in_service,10.1.0.1,161,c-one,,,,1,,PJ01-SW-002\n"
    )
    report = import_inventory("switch", csv_dataset(text), actor=world.admin)
    assert [(e.row, e.field) for e in report.errors] == [(2, "uplink_switch")]
    assert Switch.objects.get(code="PJ01-SW-001").uplink_olt == olt


@pytest.mark.parametrize(
    ("persona", "community"),
    [("admin", "c-one"), ("bss", ""), ("manager", ""), ("foreign_dispatcher", "")],
)
def test_r_res_1_the_snmp_community_is_exported_to_administrators_only(
    world, olt, persona, community
):
    import_inventory("switch", csv_dataset(SWITCHES_OK), actor=world.admin)
    response = world.client(getattr(world, persona)).get("/api/v1/inventory/switch/export/")
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = tablib.Dataset().load(text, format="csv")
    if persona == "manager":  # the urban branch's manager sees no rural switch
        assert len(rows) == 0
        return
    assert rows.headers == HEADER.strip().split(",")
    row = dict(zip(rows.headers, rows[0], strict=True))
    assert row["snmp_community"] == community
    assert "c-one" not in text or persona == "admin"
    assert (row["uplink_olt"], rows.dict[1]["uplink_switch"]) == ("OLT-PJ-01", "PJ01-SW-001")


def test_r_res_1_an_export_without_communities_imports_back_keeping_them(world, olt):
    import_inventory("switch", csv_dataset(SWITCHES_OK), actor=world.admin)
    exported = export_dataset("switch", world.bss)
    assert set(exported["snmp_community"]) == {""}
    Switch.objects.filter(code="PJ01-SW-002").update(name="改过的名字")
    report = import_inventory("switch", csv_dataset(exported.export("csv")), actor=world.bss)
    assert report.valid, report.errors
    assert report.updated == 2
    second = Switch.objects.get(code="PJ01-SW-002")
    assert (second.name, second.snmp_community) == ("鹤山村交换机2", "c-two")


def test_r_res_1_the_switch_export_reads_the_same_queries_for_2_and_12_switches(world, olt):
    import_inventory("switch", csv_dataset(SWITCHES_OK), actor=world.admin)
    client = world.client(world.admin)

    def export_queries() -> list[str]:
        with CaptureQueriesContext(connection) as context:
            assert client.get("/api/v1/inventory/switch/export/").status_code == 200
        return [query["sql"] for query in context.captured_queries]

    export_queries()  # the session and user, once
    few = export_queries()
    first = Switch.objects.get(code="PJ01-SW-001")
    for n in range(10, 20):
        Switch.objects.create(
            code=f"PJ01-SW-{n:03d}",
            grid=world.rural_grid,
            management_address="10.1.0.10",
            uplink_switch=first,
            profile=first.profile,
        )
    many = export_queries()
    assert len(many) == len(few), many
