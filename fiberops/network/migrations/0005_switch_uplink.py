"""A switch's uplink becomes a reference (R-RES-1): `uplink_olt` or `uplink_switch` instead of
the `uplink_to` code. Existing codes are resolved, a switch's code first (a cascade), then an
OLT's; a code that names neither is printed and dropped (the demo's old codes did not match its
OLTs: rebuild the demo)."""

import django.db.models.deletion
from django.db import migrations, models


def resolve_uplink_codes(apps, schema_editor):
    Switch = apps.get_model("network", "Switch")
    Olt = apps.get_model("network", "Olt")
    switches = {s.code: s.pk for s in Switch.objects.only("code")}
    olts = {o.code: o.pk for o in Olt.objects.only("code")}
    unresolved = []
    for switch in Switch.objects.exclude(uplink_to="").only("code", "uplink_to"):
        code = switch.uplink_to.strip()
        if code in switches and code != switch.code:
            Switch.objects.filter(pk=switch.pk).update(uplink_switch_id=switches[code])
        elif code in olts:
            Switch.objects.filter(pk=switch.pk).update(uplink_olt_id=olts[code])
        else:
            unresolved.append(f"{switch.code} → {code}")
    if unresolved:
        print(f"\n  switch uplinks not resolved (dropped): {', '.join(unresolved)}")


def restore_uplink_codes(apps, schema_editor):
    Switch = apps.get_model("network", "Switch")
    for switch in Switch.objects.select_related("uplink_olt", "uplink_switch"):
        above = switch.uplink_olt or switch.uplink_switch
        if above is not None:
            Switch.objects.filter(pk=switch.pk).update(uplink_to=above.code)


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0004_switches"),
        ("workforce", "0002_team_base"),
    ]

    operations = [
        migrations.AddField(
            model_name="switch",
            name="uplink_olt",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="switches",
                to="network.olt",
                verbose_name="uplink OLT",
            ),
        ),
        migrations.AddField(
            model_name="switch",
            name="uplink_switch",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="downlinks",
                to="network.switch",
                verbose_name="uplink switch",
            ),
        ),
        migrations.RunPython(resolve_uplink_codes, restore_uplink_codes),
        migrations.RemoveField(
            model_name="switch",
            name="uplink_to",
        ),
        migrations.AddConstraint(
            model_name="switch",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("uplink_olt__isnull", True), ("uplink_switch__isnull", True), _connector="OR"
                ),
                name="switch_one_uplink",
                violation_error_message="The uplink connects to one element: an OLT or a switch, not both.",
            ),
        ),
    ]
