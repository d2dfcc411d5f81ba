"""Thresholds of switch readings (R-INS-3): utilisation must stay *below* 70 / 50 / 60 %."""

from decimal import Decimal

import pytest

from fiberops.inspections.switch_actions import breaches_of, thresholds
from fiberops.inspections.switch_models import SwitchReading
from fiberops.inspections.tests.switch_helpers import make_switch, read
from fiberops.testing import make_world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("switch_clock")]

LIMITS = {"bandwidth_pct": Decimal(70), "cpu_pct": Decimal(50), "mem_pct": Decimal(60)}


def test_R_INS_3_default_thresholds_are_70_50_60():
    assert thresholds() == LIMITS


@pytest.mark.parametrize(
    ("metric", "value"), [("bandwidth_pct", "70.0"), ("cpu_pct", "50.0"), ("mem_pct", "60.0")]
)
def test_R_INS_3_reading_at_exactly_the_threshold_is_a_breach(metric, value):
    found = breaches_of({metric: Decimal(value)}, LIMITS)
    assert [(b.metric, b.value) for b in found] == [(metric, Decimal(value))]


@pytest.mark.parametrize(
    ("metric", "value"), [("bandwidth_pct", "69.9"), ("cpu_pct", "49.9"), ("mem_pct", "59.9")]
)
def test_R_INS_3_reading_just_below_the_threshold_is_no_breach(metric, value):
    assert breaches_of({metric: Decimal(value)}, LIMITS) == []


def test_R_INS_3_readings_at_70_50_60_stored_are_breaches_and_69_9_are_not():
    world = make_world()
    switch = make_switch(world.grid)
    below = read(switch, bw="69.9", cpu="49.9", mem="59.9")
    assert below.breaches == [] and below.order_id is None
    at = read(switch, bw="70.0", cpu="50.0", mem="60.0")
    assert {b.metric for b in at.breaches} == {"bandwidth_pct", "cpu_pct", "mem_pct"}
    assert at.order_id is not None
    assert list(SwitchReading.objects.values_list("is_breach", flat=True)) == [False, True]


def test_R_INS_3_thresholds_come_from_settings(settings):
    settings.SWITCH_CPU_THRESHOLD_PCT = Decimal(80)
    world = make_world()
    assert read(make_switch(world.grid), cpu="79.99").breaches == []


def test_R_INS_3_a_reading_of_69_995_is_stored_as_69_99_and_is_no_breach():
    """Rounding is down, never up into a breach: the standard says below 70 is fine."""
    world = make_world()
    switch = make_switch(world.grid)
    recorded = read(switch, bw="69.995", cpu="49.999", mem="59.9951")
    assert recorded.breaches == [] and recorded.order_id is None
    reading = SwitchReading.objects.get()
    assert (reading.bandwidth_pct, reading.cpu_pct, reading.mem_pct) == (
        Decimal("69.99"),
        Decimal("49.99"),
        Decimal("59.99"),
    )
    assert read(switch, bw="70.0", cpu="1", mem="1").breaches[0].value == Decimal("70.00")
