"""Switches for the tests of switch readings."""

import datetime as dt
from decimal import Decimal

from fiberops.inspections.switch_actions import record_reading
from fiberops.network.models import Switch
from fiberops.workforce.models import Grid

AT = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)


def make_switch(grid: Grid, code: str = "WH01-SW-001", **fields) -> Switch:
    fields.setdefault("management_address", "127.0.0.1")
    return Switch.objects.create(code=code, name=f"交换机{code}", grid=grid, **fields)


def read(switch, *, bw="10", cpu="10", mem="10", at=AT, actor=None, source="api"):
    return record_reading(
        switch,
        actor=actor,
        measured_at=at,
        bandwidth_pct=None if bw is None else Decimal(bw),
        cpu_pct=None if cpu is None else Decimal(cpu),
        mem_pct=None if mem is None else Decimal(mem),
        source=source,
    )


#: The clock of the tests that read at `AT`: two hours later, so readings at `AT` are recent
#: enough to act on (SWITCH_BREACH_MAX_AGE_HOURS) and orders are dated on AT's Shanghai day.
NOW = AT + dt.timedelta(hours=2)


def freeze_clock(monkeypatch, moment: dt.datetime = NOW) -> None:
    """`fiberops.core.clock.now` answers `moment` (the switch actions read the time there)."""
    monkeypatch.setattr("fiberops.core.clock.now", lambda: moment)
