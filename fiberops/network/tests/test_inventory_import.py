"""The inventory as CSV and Excel (R-RES-1): a dry run lists every row it would refuse; an import
writes every row or none; an export imports back; exports stay in the caller's scope."""

import io

import openpyxl
import pytest
import tablib
from django.core.management import CommandError, call_command

from fiberops.network.actions import import_inventory
from fiberops.network.models import Olt, PonPort, Splitter, SplitterBox, SplitterPort

BOXES_OK = (
    "code,name,grid,splitter,port_count,lat,lng,state\n"
    "WH01-FX-101,红牌楼1栋,WH-01,,8,30.640000,104.040000,in_service\n"
    "WH01-FX-102,红牌楼2栋,WH-01,,16,,,planned\n"
)
# Rows 3 and 5 are wrong (the header is row 1): an unknown grid, then an unknown state.
BOXES_TWO_BAD = (
    "code,name,grid,splitter,port_count,lat,lng,state\n"
    "WH01-FX-201,好,WH-01,,8,,,in_service\n"
    "WH01-FX-202,坏网格,XX-99,,8,,,in_service\n"
    "WH01-FX-203,好,WH-01,,8,,,in_service\n"
    "WH01-FX-204,坏状态,WH-01,,8,,,broken\n"
)


#: One element of each kind, top down; the box exists already (make_world) and is updated.
HIERARCHY = [
    (
        "olt",
        "code,name,grid,model_name,lat,lng,state\nOLT-WH-01,武侯OLT,WH-01,MA5800,,,in_service\n",
    ),
    ("pon_port", "code,name,olt,slot,number,state\nOLT-WH-01-1-1,,OLT-WH-01,1,1,in_service\n"),
    (
        "splitter",
        "code,name,pon_port,grid,ratio,lat,lng,state\n"
        "WH01-OBD-01,,OLT-WH-01-1-1,WH-01,8,,,in_service\n",
    ),
    (
        "box",
        "code,name,grid,splitter,port_count,lat,lng,state\n"
        "WH01-FX-001,,WH-01,WH01-OBD-01,64,,,in_service\n",
    ),
]


def csv_dataset(text: str) -> tablib.Dataset:
    return tablib.Dataset().load(io.StringIO(text), format="csv")


def upload(world, user, kind: str, content: bytes, name: str, *, dry_run: bool = False):
    query = "?dry_run=1" if dry_run else ""
    file = io.BytesIO(content)
    file.name = name
    return world.client(user).post(
        f"/api/v1/inventory/{kind}/import/{query}", {"file": file}, format="multipart"
    )


def test_r_res_1_an_import_with_one_bad_row_imports_nothing_and_names_the_row(world):
    text = BOXES_OK + "WH01-FX-103,坏,WH-01,,eight,,,in_service\n"
    report = import_inventory("box", csv_dataset(text), actor=world.admin)
    assert not report.valid
    assert [(e.row, e.field) for e in report.errors] == [(4, "port_count")]
    assert not SplitterBox.objects.filter(code__startswith="WH01-FX-10").exists()
    assert not SplitterPort.objects.filter(box__code__startswith="WH01-FX-10").exists()


def test_r_res_1_the_api_answers_400_inventory_invalid_naming_the_row_and_imports_nothing(world):
    response = upload(world, world.admin, "box", BOXES_TWO_BAD.encode(), "boxes.csv")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["error"]["code"] == "inventory_invalid"
    assert body["valid"] is False
    assert body["rows"] == 4
    assert [(e["row"], e["field"]) for e in body["errors"]] == [(3, "grid"), (5, "state")]
    assert "XX-99" in body["errors"][0]["message"]
    assert body["error"]["errors"] == body["errors"]
    assert not SplitterBox.objects.filter(code__startswith="WH01-FX-20").exists()


def test_r_res_1_a_dry_run_lists_every_bad_row_in_chinese_and_writes_nothing(world):
    response = upload(world, world.admin, "box", BOXES_TWO_BAD.encode(), "boxes.csv", dry_run=True)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(e["row"], e["field"]) for e in errors] == [(3, "grid"), (5, "state")]
    assert "编码" in errors[0]["message"]  # “没有编码为 XX-99 的网格”
    assert not SplitterBox.objects.filter(code__startswith="WH01-FX-20").exists()


def test_r_res_1_a_valid_dry_run_says_valid_and_writes_nothing(world):
    response = upload(world, world.admin, "box", BOXES_OK.encode(), "boxes.csv", dry_run=True)
    assert response.status_code == 200, response.content
    assert response.json() | {"errors": []} == response.json()
    assert response.json()["valid"] is True
    assert response.json()["dry_run"] is True
    assert not SplitterBox.objects.filter(code="WH01-FX-101").exists()


def test_r_res_1_a_valid_import_creates_boxes_with_their_ports(world):
    response = upload(world, world.bss, "box", BOXES_OK.encode(), "boxes.csv")
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 2
    box = SplitterBox.objects.get(code="WH01-FX-102")
    assert (box.grid, box.state, box.port_count) == (world.grid, "planned", 16)
    assert list(box.ports.values_list("number", flat=True)) == list(range(1, 17))
    assert set(box.ports.values_list("state", flat=True)) == {"free"}


def test_r_res_1_a_code_twice_in_one_file_is_refused_on_its_second_row(world):
    text = BOXES_OK + "WH01-FX-101,again,WH-01,,8,,,in_service\n"
    report = import_inventory("box", csv_dataset(text), actor=world.admin)
    assert [(e.row, e.field) for e in report.errors] == [(4, "code")]
    assert not SplitterBox.objects.filter(code="WH01-FX-101").exists()


def test_r_res_1_the_hierarchy_imports_kind_by_kind(world):
    for kind, text in HIERARCHY:
        report = import_inventory(kind, csv_dataset(text), actor=world.admin)
        assert report.valid, (kind, report.errors)
    box = SplitterBox.objects.select_related("splitter__pon_port__olt").get(code="WH01-FX-001")
    assert box.splitter is not None and box.splitter.pon_port is not None
    assert box.splitter.pon_port.olt.code == "OLT-WH-01"
    assert (Olt.objects.count(), PonPort.objects.count(), Splitter.objects.count()) == (1, 1, 1)
    assert box.ports.count() == 64  # the existing box was updated, its ports kept


def test_r_res_1_a_port_of_an_unknown_box_is_the_box_columns_error(world):
    text = "box,number\nWH01-FX-001,65\nNO-SUCH-BOX,1\n"
    report = import_inventory("port", csv_dataset(text), actor=world.admin)
    assert [(e.row, e.field) for e in report.errors] == [(3, "box")]
    assert not world.box.ports.filter(number=65).exists()


def test_r_res_1_export_then_import_round_trips(world):
    import_inventory("box", csv_dataset(BOXES_OK), actor=world.admin)
    exported = world.client(world.admin).get("/api/v1/inventory/box/export/?format=csv")
    assert exported.status_code == 200
    assert exported["Content-Type"].startswith("text/csv")
    content = exported.content
    assert content.startswith("\ufeff".encode())
    SplitterBox.objects.filter(code="WH01-FX-102").update(name="改过的名字", state="faulty")
    response = upload(world, world.admin, "box", content, "box.csv")
    assert response.status_code == 200, response.content
    assert response.json()["updated"] == 3  # WH01-FX-001 and the two imported ones
    assert response.json()["created"] == 0
    box = SplitterBox.objects.get(code="WH01-FX-102")
    assert (box.name, box.state) == ("红牌楼2栋", "planned")


def test_r_res_1_an_xlsx_file_imports(world):
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["code", "name", "grid", "model_name", "lat", "lng", "state"])
    sheet.append(["OLT-WH-09", "武侯九号", "WH-01", "C600", 30.6, 104.0, "in_service"])
    buffer = io.BytesIO()
    book.save(buffer)
    response = upload(world, world.admin, "olt", buffer.getvalue(), "olts.xlsx")
    assert response.status_code == 200, response.content
    olt = Olt.objects.get(code="OLT-WH-09")
    assert (olt.grid, olt.model_name) == (world.grid, "C600")


def test_r_res_1_an_xlsx_export_reads_back(world):
    response = world.client(world.admin).get("/api/v1/inventory/port/export/?format=xlsx")
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0] == ("box", "number", "state", "work_order_id")
    assert len(rows) == 1 + 64


@pytest.mark.parametrize(
    ("persona", "boxes"),
    [
        ("admin", {"WH01-FX-001", "WH02-FX-001", "PJ01-FX-001"}),
        ("manager", {"WH01-FX-001", "WH02-FX-001"}),
        ("dispatcher", {"WH01-FX-001", "WH02-FX-001"}),
        ("foreign_dispatcher", {"PJ01-FX-001"}),
    ],
)
def test_r_res_1_exports_keep_to_the_callers_branch(world, persona, boxes):
    SplitterBox.objects.create(code="WH02-FX-001", grid=world.other_grid)
    SplitterBox.objects.create(code="PJ01-FX-001", grid=world.rural_grid)
    response = world.client(getattr(world, persona)).get("/api/v1/inventory/box/export/")
    assert response.status_code == 200
    rows = tablib.Dataset().load(response.content.decode("utf-8-sig"), format="csv")
    assert set(rows["code"]) == boxes


@pytest.mark.parametrize("persona", ["technician_user", "leader", "cs_agent", "auditor"])
def test_r_res_1_other_roles_may_not_export(world, persona):
    response = world.client(getattr(world, persona)).get("/api/v1/inventory/box/export/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


@pytest.mark.parametrize("persona", ["dispatcher", "manager", "technician_user"])
def test_r_res_1_only_administrators_and_integrations_import(world, persona):
    response = upload(world, getattr(world, persona), "box", BOXES_OK.encode(), "b.csv")
    assert response.status_code == 403
    assert not SplitterBox.objects.filter(code="WH01-FX-101").exists()


def test_r_res_1_an_unknown_kind_is_404_and_a_pdf_is_415(world):
    assert world.client(world.admin).get("/api/v1/inventory/router/export/").status_code == 404
    response = upload(world, world.admin, "box", b"%PDF", "boxes.pdf")
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_file_format"


def test_r_res_1_the_export_reads_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    for n in range(2, 12):
        SplitterBox.objects.create(code=f"WH01-FX-{n:03d}", grid=world.grid)
    client = world.client(world.dispatcher)
    with django_assert_max_num_queries(6):
        assert client.get("/api/v1/inventory/box/export/").status_code == 200


def test_r_res_1_the_command_exits_non_zero_naming_the_rows(world, tmp_path):
    path = tmp_path / "boxes.csv"
    path.write_text(BOXES_TWO_BAD, encoding="utf-8")
    errors = io.StringIO()
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("import_inventory", kind="box", file=path, stderr=errors)
    printed = errors.getvalue()
    assert "row 3 [grid]" in printed and "row 5 [state]" in printed
    assert not SplitterBox.objects.filter(code__startswith="WH01-FX-20").exists()


def test_r_res_1_the_command_imports_and_its_dry_run_does_not(world, tmp_path):
    path = tmp_path / "boxes.csv"
    path.write_text(BOXES_OK, encoding="utf-8")
    out = io.StringIO()
    call_command("import_inventory", kind="box", file=path, dry_run=True, stdout=out)
    assert "would import 2" in out.getvalue()
    assert not SplitterBox.objects.filter(code="WH01-FX-101").exists()
    call_command("import_inventory", kind="box", file=path, stdout=io.StringIO())
    assert SplitterBox.objects.filter(code__in=["WH01-FX-101", "WH01-FX-102"]).count() == 2
