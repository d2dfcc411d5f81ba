"""One switch's storage error does not stop the poll (R-INS-3): it is logged and counted, the
other answers are stored. Also: an answered poll without a believable bandwidth figure (a
64-bit counter reset) stores the reading without it and notes why."""

import logging
import time
from decimal import Decimal

import pytest

from fiberops.inspections import snmp, switch_actions
from fiberops.inspections.switch_actions import poll_switches
from fiberops.inspections.switch_models import SwitchHealth, SwitchReading
from fiberops.inspections.tests.switch_helpers import make_switch
from fiberops.testing import make_world

pytestmark = pytest.mark.django_db


def answered(switch, **fields):
    fields.setdefault("cpu_pct", Decimal("10"))
    fields.setdefault("mem_pct", Decimal("10"))
    return snmp.PollResult(key=switch.pk, answered=True, measured_at=time.time(), **fields)


def test_R_INS_3_a_storage_error_of_one_switch_does_not_stop_the_poll(monkeypatch, caplog):
    world = make_world()
    switches = [make_switch(world.grid, f"SW-{n}") for n in range(3)]
    broken = switches[1]
    monkeypatch.setattr(
        snmp,
        "poll_targets",
        lambda targets, settings: [answered(s, bandwidth_pct=Decimal("20")) for s in switches],
    )
    real = switch_actions.record_poll

    def record_poll(switch, result, *, polled_at):
        if switch.pk == broken.pk:
            raise RuntimeError("disk full")
        return real(switch, result, polled_at=polled_at)

    monkeypatch.setattr(switch_actions, "record_poll", record_poll)
    with caplog.at_level(logging.ERROR, logger="fiberops.inspections.switch_actions"):
        summary = poll_switches(switches, settings_=snmp.PollSettings())
    assert (summary.polled, summary.answered, summary.failed) == (3, 2, 1)
    assert set(SwitchReading.objects.values_list("switch__code", flat=True)) == {"SW-0", "SW-2"}
    assert "SW-1" in caplog.text and "disk full" in caplog.text


def test_R_INS_3_a_counter_reset_stores_the_reading_without_bandwidth_and_notes_why(
    monkeypatch,
):
    world = make_world()
    switch = make_switch(world.grid)
    note = "counter went backwards (900 → 100): reset, not a wrap"
    monkeypatch.setattr(
        snmp, "poll_targets", lambda targets, settings: [answered(switch, note=note)]
    )
    summary = poll_switches([switch], settings_=snmp.PollSettings())
    assert (summary.answered, summary.breached) == (1, 0)
    reading = SwitchReading.objects.get()
    assert reading.bandwidth_pct is None and reading.cpu_pct == Decimal("10")
    assert SwitchHealth.objects.get(switch=switch).poll_note == note
