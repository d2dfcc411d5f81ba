"""Set the state of existing splitter ports from the orders holding them (R-RES-1).

Until now a port's occupancy was derived from `WorkOrder.holds_port`; from here on the port
carries it. Each port held by an order becomes occupied by that order's customer, with one
`occupied` event dated at the order's acceptance (no actor: the migration did it)."""

from django.db import migrations


def occupy_held_ports(apps, schema_editor):
    WorkOrder = apps.get_model("workorders", "WorkOrder")
    SplitterPort = apps.get_model("network", "SplitterPort")
    PortEvent = apps.get_model("network", "PortEvent")
    held = WorkOrder.objects.filter(holds_port=True, splitter_port__isnull=False).values_list(
        "pk", "splitter_port_id", "customer_id", "accepted_at"
    )
    events = []
    for order_id, port_id, customer_id, accepted_at in held.iterator():
        SplitterPort.objects.filter(pk=port_id).update(
            state="occupied",
            customer_id=customer_id,
            work_order_id=order_id,
            state_changed_at=accepted_at,
        )
        events.append(
            PortEvent(
                port_id=port_id,
                kind="occupied",
                from_state="free",
                to_state="occupied",
                customer_id=customer_id,
                work_order_id=order_id,
                at=accepted_at,
                note="0003_port_states",
            )
        )
    PortEvent.objects.bulk_create(events, batch_size=1000)


def free_all_ports(apps, schema_editor):
    SplitterPort = apps.get_model("network", "SplitterPort")
    PortEvent = apps.get_model("network", "PortEvent")
    PortEvent.objects.filter(note="0003_port_states").delete()
    SplitterPort.objects.update(
        state="free", customer=None, work_order_id=None, state_changed_at=None
    )


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0002_hierarchy"),
        ("workorders", "0012_orderevent_kind_signoff"),
    ]

    operations = [migrations.RunPython(occupy_held_ports, free_all_ports)]
