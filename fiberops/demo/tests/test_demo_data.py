"""`manage.py load_demo` (make demo): enough realistic data to show every type and state, made
through the actions, loaded only once, with progress shown and a signal for the web server to
start before the last orders are in."""

import random
from io import StringIO

from django.core.management import call_command
from django.db.models import Count

from fiberops.accounts.choices import Role
from fiberops.accounts.models import User
from fiberops.core.clock import now as clock_now
from fiberops.customers.models import Customer
from fiberops.demo import builder
from fiberops.demo.management.commands import load_demo
from fiberops.dispatch.plan_models import DayPlan
from fiberops.inspections.models import Discrepancy, InspectionLogEntry, InspectionRound, Transfer
from fiberops.network.choices import PortState
from fiberops.network.models import Olt, Splitter, SplitterBox, SplitterPort
from fiberops.sla.models import Deadline
from fiberops.testing import make_world
from fiberops.workforce.models import Grid, Technician
from fiberops.workorders.models import (
    Appointment,
    AppointmentOutcome,
    OrderEvent,
    SiteVisit,
    WorkOrder,
)
from fiberops.workorders.states import OrderType, Status

PHASES = ("organisation:", "people:", "customers:", "network:", "planned 1050 work orders")


class Watched(StringIO):
    """Output that notes, at each progress line, the orders made and whether `ready_file` exists."""

    def __init__(self, ready_file):
        super().__init__()
        self.ready_file = ready_file
        self.seen: dict[str, tuple[int, bool]] = {}

    def write(self, text: str) -> int:
        if "work orders: " in text:
            progress = "work orders: " + text.split("work orders: ")[1].split(" ")[0]
            self.seen[progress] = (WorkOrder.objects.count(), self.ready_file.exists())
        return super().write(text)


def row_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Grid, Technician, User, Customer, WorkOrder, OrderEvent, Deadline)
    }


def test_r_ord_1_r_ord_3_r_ord_4_demo_data_covers_every_type_and_state_and_loads_once(
    db, tmp_path, monkeypatch
):
    # No web server shares this database: no pauses to leave it the write lock.
    monkeypatch.setattr(load_demo, "SHARE_WHILE_SERVING", 0)
    ready_file = tmp_path / "demo.ready"
    first_run = Watched(ready_file)
    call_command("load_demo", "--ready-file", str(ready_file), stdout=first_run)

    counts = row_counts()
    assert counts["Grid"] >= 6
    assert counts["Technician"] >= 60
    assert counts["Customer"] >= 5000
    # A few key customers (重点客户) in every grid, for the board's queue order (issue 9)
    for grid in Grid.objects.all():
        key = Customer.objects.filter(grid=grid, is_key=True).count()
        assert 0 < key <= Customer.objects.filter(grid=grid).count() // 20
    assert counts["WorkOrder"] >= 1000
    assert set(WorkOrder.objects.values_list("order_type", flat=True)) == set(OrderType.values)
    assert set(WorkOrder.objects.values_list("status", flat=True)) == set(Status.values)
    assert not WorkOrder.objects.annotate(n=Count("events")).filter(n=0).exists()
    # R-RES-1: each grid's boxes hang from first-level splitters on its OLT's PON ports, and
    # the ports the orders hold are occupied by exactly those orders (set by the actions).
    assert Olt.objects.count() == counts["Grid"]
    assert not SplitterBox.objects.filter(splitter=None).exists()
    assert not Splitter.objects.filter(pon_port=None).exists()
    held = dict(WorkOrder.objects.filter(holds_port=True).values_list("splitter_port", "pk"))
    occupied = dict(
        SplitterPort.objects.filter(state=PortState.OCCUPIED).values_list("pk", "work_order_id")
    )
    assert held and held == occupied
    # Appointments with every outcome the desk and 履约率 show (R-APT-6, R-APT-7, R-APT-9)
    outcomes = set(Appointment.objects.values_list("outcome", flat=True))
    assert outcomes == set(AppointmentOutcome.values)
    assert Appointment.objects.filter(is_second=True).exists()
    assert SiteVisit.objects.filter(note_left_at__isnull=False).exists()
    assert User.objects.filter(role=Role.TECHNICIAN).count() == counts["Technician"]
    assert Technician.objects.filter(user=None).count() == 0
    # The BSS account is API-only (R-SEC-1): no password, people have the demo password.
    assert not User.objects.get(username="bss").has_usable_password()
    assert User.objects.get(username="dispatcher_wh").check_password("fiberops-demo")

    # A line per phase with its counts and the time since the start, then every 150 orders.
    output = first_run.getvalue()
    for phase in PHASES:
        assert phase in output
    assert "work orders: 150/1050" in output and "work orders: 1050/1050" in output
    assert all(" s  " in line for line in output.splitlines() if line.startswith("load_demo"))
    # The server may start once the first slice exists: the ready file comes right after it.
    assert first_run.seen["work orders: 100/1050"] == (builder.FIRST_SLICE, False)
    assert first_run.seen["work orders: 150/1050"] == (150, True)

    # Today's grids have their day plans (issue 9), each the one current plan of its day.
    assert "day plans of today's grids made" in output
    plans = DayPlan.objects.filter(status="current")
    assert plans.exists()
    assert plans.count() == plans.values("grid", "work_on").distinct().count()

    # Inspection plans over every grid, their current rounds generated by the worker's function,
    # a few worked: log lines, a transfer, discrepancies open and fixed (issue 10).
    assert "inspections:" in output
    # Past monthly switch checks: done within their months, the last grid's of last month missed.
    past = InspectionRound.objects.filter(plan__kind="switch_monthly", order__status="completed")
    assert past.count() >= counts["Grid"]
    assert "1 missed" in output
    assert InspectionRound.objects.values("grid").distinct().count() == counts["Grid"]
    assert InspectionLogEntry.objects.exists() and Transfer.objects.count() == 1
    assert set(Discrepancy.objects.values_list("status", flat=True)) == {"open", "fixed"}
    # Switches with 30 days of readings; the hot ones opened rectification orders (issue 10).
    from fiberops.inspections.switch_models import SwitchBreach, SwitchHealth, SwitchReading
    from fiberops.network.models import Switch

    assert Switch.objects.count() == 3 * counts["Grid"]
    # Their uplinks (R-RES-1): the grid's OLT, or a village switch cascaded behind another.
    assert not Switch.objects.filter(uplink_olt__isnull=True, uplink_switch__isnull=True).exists()
    assert Switch.objects.filter(uplink_switch__isnull=False, kind="village").exists()
    assert SwitchReading.objects.count() >= Switch.objects.count() * 100
    assert SwitchHealth.objects.filter(is_breached=True).count() == 1
    # the hot switch's open order and the CPU peak's of ten days ago (read live at the time)
    assert SwitchBreach.objects.exclude(order=None).values("order").distinct().count() == 2
    assert "switches: " in output

    ready_file.unlink()
    second_run = StringIO()
    call_command("load_demo", "--ready-file", str(ready_file), stdout=second_run)

    assert "already loaded" in second_run.getvalue()
    assert "stopped part-way" not in second_run.getvalue()
    assert ready_file.exists()
    assert row_counts() == counts


def test_a_load_stopped_part_way_is_reported_and_not_loaded_over(db, tmp_path):
    make_world()  # branch WH exists, but none of the demo's orders
    out = StringIO()
    call_command("load_demo", "--ready-file", str(tmp_path / "ready"), stdout=out)

    assert "Only 0 of the demo's 1050 work orders exist" in out.getvalue()
    assert WorkOrder.objects.count() == 0
    assert (tmp_path / "ready").exists()


def test_after_the_first_slice_the_loader_pauses_a_share_of_each_orders_time(db, monkeypatch):
    demo = builder.DemoBuilder(random.Random(1), clock_now(), "unused", pause_share=0.5)
    monkeypatch.setattr(demo, "perform_plan", lambda plan: None)
    sleeps: list[float] = []
    monkeypatch.setattr(builder.time, "sleep", sleeps.append)
    ready = []

    demo.perform_plans([None] * (builder.FIRST_SLICE + 20), lambda: ready.append(len(sleeps)))

    assert ready == [0]  # nothing slows the first slice down
    assert len(sleeps) == 20 and all(pause >= 0 for pause in sleeps)


def test_r_acc_demo_installs_completed_with_their_acceptance_evidence(db, monkeypatch):
    """Every completed install or relocation of the demo has a holding reading of each
    element (the gate let it complete) and the customer's sign-off; a few first optical readings
    failed and were measured again."""
    from fiberops.onsite.models import AcceptanceReading

    monkeypatch.setattr(load_demo, "SHARE_WHILE_SERVING", 0)
    call_command("load_demo", stdout=StringIO())
    done = WorkOrder.objects.filter(
        order_type__in=["install", "relocation"], completed_at__isnull=False
    )
    assert done.exists()
    for order in done:
        holding = set(
            AcceptanceReading.objects.filter(order=order, ok=True).values_list("element", flat=True)
        )
        assert holding == {"resource", "aaa", "optical_power", "speed", "ont"}, order
        photos = list(order.photos.all())
        assert sorted(p.kind for p in photos) == sorted(
            ["route", "splitter_label", "ont_stb", "acceptance_form"]
        ), order
        assert not [p for p in photos if {"reused", "label_mismatch"} & set(p.flags)], order
        # R-SITE-3, R-SITE-6: satisfied, and the confirmation form signed and stored
        assert order.satisfaction_answers.latest("recorded_at").satisfied, order
        form = order.confirmation_forms.latest("version")
        assert len(form.sha256) == 64 and form.pdf.name.endswith(".pdf"), order
    assert AcceptanceReading.objects.filter(ok=False, code="optical_power_too_low").exists()
