"""CSV import of switch readings (R-INS-3): all rows or none, the bad row named."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from fiberops.inspections.switch_models import SwitchReading
from fiberops.inspections.tests.switch_helpers import make_switch
from fiberops.testing import make_world
from fiberops.workorders.models import WorkOrder

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("switch_clock")]

HEADER = "switch,measured_at,bandwidth_pct,cpu_pct,mem_pct\n"


def write(tmp_path, text):
    path = tmp_path / "readings.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_R_INS_3_an_import_stores_every_row_and_applies_the_breach_rule(tmp_path):
    world = make_world()
    make_switch(world.grid, "SW-1")
    make_switch(world.grid, "SW-2")
    path = write(
        tmp_path,
        HEADER
        + "SW-1,2026-11-20T10:00:00+08:00,20,30,40\n"
        + "SW-2,2026-11-20T10:00:00+08:00,70.0,10,10\n"
        + "SW-2,2026-11-20T10:05:00+08:00,75,,\n",
    )
    call_command("import_switch_readings", file=path, stdout=None)
    assert SwitchReading.objects.filter(source="csv").count() == 3
    assert WorkOrder.objects.filter(order_type="rectification").count() == 1


@pytest.mark.parametrize(
    ("bad_row", "problem"),
    [
        ("SW-1,2026-11-20T10:10:00+08:00,101,1,1", "between 0 and 100"),
        ("SW-1,2026-11-20T10:10:00,1,1,1", "offset"),
        ("SW-9,2026-11-20T10:10:00+08:00,1,1,1", "SW-9"),
        ("SW-1,2026-11-20T10:10:00+08:00,abc,1,1", "not a number"),
    ],
)
def test_R_INS_3_an_import_with_one_bad_row_imports_nothing_and_names_the_row(
    tmp_path, bad_row, problem
):
    world = make_world()
    make_switch(world.grid, "SW-1")
    path = write(
        tmp_path,
        HEADER
        + "SW-1,2026-11-20T10:00:00+08:00,80,30,40\n"
        + "SW-1,2026-11-20T10:05:00+08:00,20,30,40\n"
        + bad_row
        + "\n",
    )
    # The command speaks the default language (Chinese); the English source is checked here.
    with pytest.raises(CommandError) as refused, translation.override("en"):
        call_command("import_switch_readings", file=path, stdout=None)
    assert "Row 4" in str(refused.value)
    assert problem in str(refused.value)
    assert not SwitchReading.objects.exists()
    assert not WorkOrder.objects.exists()


def test_R_INS_3_a_csv_reading_of_69_995_is_no_breach_and_70_is(tmp_path):
    world = make_world()
    make_switch(world.grid, "SW-1")
    make_switch(world.grid, "SW-2")
    path = write(
        tmp_path,
        HEADER
        + "SW-1,2026-11-20T10:00:00+08:00,69.995,49.995,59.995\n"
        + "SW-2,2026-11-20T10:00:00+08:00,70.0,10,10\n",
    )
    call_command("import_switch_readings", file=path, stdout=None)
    first = SwitchReading.objects.get(switch__code="SW-1")
    assert str(first.bandwidth_pct) == "69.99" and not first.is_breach
    assert SwitchReading.objects.get(switch__code="SW-2").is_breach
    assert WorkOrder.objects.filter(order_type="rectification").count() == 1
