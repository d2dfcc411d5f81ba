"""The SLA clock no longer writes order events: its warnings and breaches are read from the alert
rows, its recalculations from DeadlineRevision. Existing clock events move there; alerts of clocks
already met or voided are resolved; installs already holding a port are marked (the first one
per port, by id)."""

import datetime as dt

from django.db import migrations

CLOCK_KINDS = ["sla_warning", "sla_breach", "calendar_recalculated"]


def forwards(apps, schema_editor):
    OrderEvent = apps.get_model("workorders", "OrderEvent")
    WorkOrder = apps.get_model("workorders", "WorkOrder")
    Deadline = apps.get_model("sla", "Deadline")
    DeadlineRevision = apps.get_model("sla", "DeadlineRevision")
    SlaAlert = apps.get_model("sla", "SlaAlert")

    for event in OrderEvent.objects.filter(kind="calendar_recalculated").iterator():
        data = event.data or {}
        deadline = Deadline.objects.filter(order_id=event.order_id, kind=data.get("deadline")).first()
        if deadline is None or not data.get("before") or not data.get("after"):
            continue
        DeadlineRevision.objects.create(
            deadline=deadline,
            revised_at=event.occurred_at,
            due_before=dt.datetime.fromisoformat(data["before"]),
            due_after=dt.datetime.fromisoformat(data["after"]),
        )
    OrderEvent.objects.filter(kind__in=CLOCK_KINDS).delete()

    for deadline in Deadline.objects.filter(met_at__isnull=False).iterator():
        SlaAlert.objects.filter(deadline=deadline, resolved_at__isnull=True).update(
            resolved_at=deadline.met_at
        )
    for deadline in Deadline.objects.filter(met_at__isnull=True, voided_at__isnull=False).iterator():
        SlaAlert.objects.filter(deadline=deadline, resolved_at__isnull=True).update(
            resolved_at=deadline.voided_at
        )

    seen = set()
    holding = (
        WorkOrder.objects.filter(
            order_type__in=["install", "relocation"], splitter_port__isnull=False
        )
        .exclude(status="cancelled")
        .order_by("id")
    )
    for order in holding.iterator():
        if order.splitter_port_id in seen:
            continue
        seen.add(order.splitter_port_id)
        WorkOrder.objects.filter(pk=order.pk).update(holds_port=True)


class Migration(migrations.Migration):
    dependencies = [
        ("workorders", "0004_workorder_holds_port_and_more"),
        ("sla", "0003_slaalert_resolved_at_deadlinerevision"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
