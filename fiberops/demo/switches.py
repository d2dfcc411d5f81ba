"""Demo switches (issue 10, R-INS-3): a few community and village switches per grid with 30 days
of readings, written through `inspections.switch_actions` (so the over-threshold ones open
rectification orders), pointing at the demo's snmpsim agent (`make demo` starts it on
`DEMO_SNMP_PORT` with `inspections/snmpdata/`) so that `poll_switches` reads them live."""

import datetime as dt
import random
from decimal import Decimal

from django.conf import settings

from fiberops.inspections.snmp import IF_IN_OCTETS, IF_OUT_OCTETS, IF_SPEED
from fiberops.inspections.switch_actions import record_reading
from fiberops.network.models import DeviceProfile, Olt, Switch, SwitchKind
from fiberops.workforce.choices import AreaType
from fiberops.workforce.models import Grid

SWITCHES_PER_GRID = 3
DAYS = 30
READINGS_PER_DAY = 4


def _vendor_profile() -> DeviceProfile:
    profile, _created = DeviceProfile.objects.get_or_create(
        name="HW-S5735-L (华为)",
        defaults={
            "in_octets_oid": IF_IN_OCTETS,
            "out_octets_oid": IF_OUT_OCTETS,
            "speed_oid": IF_SPEED,
            "speed_unit_bps": 1,
            "counter_bits": 32,
            "cpu_oids": "1.3.6.1.4.1.2011.5.25.31.1.1.1.1.5.67108867",
            "mem_used_oid": "",
            "mem_size_oid": "",
            "mem_percent_oid": "1.3.6.1.4.1.2011.5.25.31.1.1.1.1.7.67108867",
        },
    )
    return profile


def create_switches(rng: random.Random, now: dt.datetime, grids: list[Grid]) -> tuple[int, int]:
    """Switches and their readings; answers (switches, readings). The first grid's second
    switch runs hot over the last three days (a bandwidth rectification order, still open, that
    the live poll joins: its community is `switch-hot`); another's CPU peaked ten days ago."""
    from fiberops.demo.builder import server_clock_at  # the builder imports this module

    vendor = _vendor_profile()
    switches: list[tuple[Switch, str]] = []
    olts = {olt.grid_id: olt for olt in Olt.objects.filter(grid__in=grids).order_by("-code")}
    for g, grid in enumerate(grids):
        rural = grid.branch.area_type == AreaType.RURAL
        prefix = grid.code.replace("-", "")
        first: Switch | None = None
        for n in range(SWITCHES_PER_GRID):
            # The uplinks (R-RES-1): a community switch connects to its grid's OLT; a village's
            # first switch too, the others cascade behind that one.
            cascaded = rural and first is not None
            hot = g == 0 and n == 1
            uses_vendor = n == 2
            switch = Switch.objects.create(
                code=f"{prefix}-SW-{n + 1:03d}",
                name=f"{grid.name}{'村' if rural else '小区'}交换机{n + 1}",
                kind=SwitchKind.VILLAGE if rural else SwitchKind.COMMUNITY,
                grid=grid,
                management_address="127.0.0.1",
                snmp_port=settings.DEMO_SNMP_PORT,
                snmp_community=(
                    "switch-hot" if hot else "switch-vendor" if uses_vendor else "switch-normal"
                ),
                device_model="S5735-L24T4S" if uses_vendor else "S2700-26TP",
                profile=vendor if uses_vendor else None,
                uplink_interface="GigabitEthernet0/0/1" if not uses_vendor else "Ethernet0/0/3",
                uplink_if_index=3 if uses_vendor else 1,
                uplink_olt=None if cascaded else olts.get(grid.pk),
                uplink_switch=first if cascaded else None,
            )
            first = first or switch
            pattern = "hot" if hot else "cpu-peak" if (g == 1 and n == 0) else "normal"
            switches.append((switch, pattern))
    readings = 0
    step = dt.timedelta(hours=24 / READINGS_PER_DAY)
    start = now - dt.timedelta(days=DAYS)
    for switch, pattern in switches:
        base_bw = rng.uniform(15, 45)
        base_cpu = rng.uniform(15, 35)
        base_mem = rng.uniform(30, 50)
        at = start
        while at < now - dt.timedelta(minutes=30):
            days_ago = (now - at).days
            hour = at.astimezone(dt.UTC).hour
            evening = 1.25 if hour in (11, 12, 13, 14) else 1.0  # 19:00–22:00 Shanghai
            bw = base_bw * evening + rng.uniform(-5, 5)
            cpu = base_cpu + rng.uniform(-5, 5)
            if pattern == "hot" and days_ago < 3:
                bw = rng.uniform(72, 88)
            if pattern == "cpu-peak" and days_ago == 10:
                cpu = rng.uniform(52, 60)
            # Stored as the poller stored it then, a few minutes after the measurement: the
            # breach rule's age cut-off (SWITCH_BREACH_MAX_AGE_HOURS) sees a live reading.
            with server_clock_at(at + dt.timedelta(minutes=3)):
                record_reading(
                    switch,
                    actor=None,
                    measured_at=at,
                    bandwidth_pct=_pct(bw),
                    cpu_pct=_pct(cpu),
                    mem_pct=_pct(base_mem + rng.uniform(-3, 3)),
                    source="snmp",
                )
            readings += 1
            at += step
    return len(switches), readings


def _pct(value: float) -> Decimal:
    return Decimal(str(round(min(max(value, 0.0), 99.0), 1)))
