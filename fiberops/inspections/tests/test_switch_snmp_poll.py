"""Polling a live SNMP agent (snmpsim over recorded data, R-INS-3): readings are stored, the
switch over threshold gets a rectification order, a switch that does not answer is marked
unreachable and does not stop the rest."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from fiberops.inspections.snmp import IF_IN_OCTETS, IF_OUT_OCTETS, IF_SPEED
from fiberops.inspections.switch_models import SwitchHealth, SwitchReading
from fiberops.inspections.tests.switch_helpers import make_switch
from fiberops.network.models import DeviceProfile
from fiberops.testing import make_world
from fiberops.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db


@pytest.fixture
def switches(snmp_agent):
    host, port = snmp_agent
    world = make_world()
    vendor = DeviceProfile.objects.create(
        name="HW-S5735",
        in_octets_oid=IF_IN_OCTETS,
        out_octets_oid=IF_OUT_OCTETS,
        speed_oid=IF_SPEED,
        speed_unit_bps=1,
        counter_bits=32,
        cpu_oids="1.3.6.1.4.1.2011.5.25.31.1.1.1.1.5.67108867",
        mem_used_oid="",
        mem_size_oid="",
        mem_percent_oid="1.3.6.1.4.1.2011.5.25.31.1.1.1.1.7.67108867",
    )

    def at(code, community, **fields):
        fields.setdefault("snmp_port", port)
        return make_switch(
            world.grid, code, management_address=host, snmp_community=community, **fields
        )

    return {
        "normal": at("SW-NORMAL", "switch-normal"),
        "hot": at("SW-HOT", "switch-hot"),
        "vendor": at("SW-VENDOR", "switch-vendor", uplink_if_index=3, profile=vendor),
        "silent": at("SW-SILENT", "nobody-answers"),  # no data file: the agent stays silent
    }


def test_R_INS_3_polling_the_live_agent_stores_readings_and_opens_an_order_for_the_hot_switch(
    switches,
):
    call_command("poll_switches", "--sample-seconds=1", "--timeout=0.5", "--retries=1", stdout=None)
    normal = SwitchReading.objects.get(switch=switches["normal"])
    assert normal.source == "snmp"
    assert abs(normal.bandwidth_pct - Decimal(20)) < 3  # 25,000,000 octets/s of 1000 Mbit/s
    # memory 471,859 of 1,048,576 units = 44.99998 %: rounded down (docs/switches.md "Rounding")
    assert (normal.cpu_pct, normal.mem_pct) == (Decimal(35), Decimal("44.99"))
    hot = SwitchReading.objects.get(switch=switches["hot"])
    assert abs(hot.bandwidth_pct - Decimal(80)) < 3
    assert (hot.cpu_pct, hot.mem_pct) == (Decimal(72), Decimal(60))
    assert hot.is_breach and not normal.is_breach
    vendor = SwitchReading.objects.get(switch=switches["vendor"])
    assert abs(vendor.bandwidth_pct - Decimal(40)) < 3  # 32-bit counters, ifSpeed in bit/s
    assert (vendor.cpu_pct, vendor.mem_pct) == (Decimal(22), Decimal(41))
    order = WorkOrder.objects.get()
    assert order.order_type == "rectification"
    assert SwitchHealth.objects.get(switch=switches["hot"]).open_order == order


def test_R_INS_3_a_switch_that_times_out_is_reported_unreachable_and_the_rest_are_read(
    switches,
):
    call_command(
        "poll_switches", "--sample-seconds=0.5", "--timeout=0.3", "--retries=0", stdout=None
    )
    silent = SwitchHealth.objects.get(switch=switches["silent"])
    assert silent.is_unreachable
    assert "timeout" in silent.unreachable_reason.lower()
    assert silent.last_polled_at is not None and silent.last_answered_at is None
    assert not SwitchReading.objects.filter(switch=switches["silent"]).exists()
    assert SwitchReading.objects.count() == 3
    assert not SwitchHealth.objects.get(switch=switches["normal"]).is_unreachable
