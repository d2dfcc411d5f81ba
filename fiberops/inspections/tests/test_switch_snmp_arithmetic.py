"""Utilisation from two counter samples (R-INS-3): the busier direction over the speed, a wrapped
counter counted once round."""

from decimal import Decimal

from fiberops.inspections.snmp import counter_delta, utilisation_pct


def test_R_INS_3_a_wrapped_32_bit_counter_counts_once_round():
    assert counter_delta(2**32 - 100, 50, 32) == 150
    assert counter_delta(100, 250, 32) == 150


def test_R_INS_3_utilisation_is_the_busier_direction_over_the_speed():
    # 10 s, in 1,000,000,000 octets = 800 Mbit/s of 1000 Mbit/s; out less
    assert utilisation_pct(
        in_before=0,
        in_after=1_000_000_000,
        out_before=0,
        out_after=10,
        seconds=10,
        speed=1000,
        speed_unit_bps=1_000_000,
        bits=64,
    ) == Decimal("80.00")


def test_R_INS_3_utilisation_across_a_64_bit_wrap():
    assert utilisation_pct(
        in_before=2**64 - 500_000_000,
        in_after=500_000_000,
        out_before=0,
        out_after=0,
        seconds=10,
        speed=1000,
        speed_unit_bps=1_000_000,
        bits=64,
    ) == Decimal("80.00")


def test_R_INS_3_no_utilisation_without_a_speed():
    kwargs = {"in_before": 0, "in_after": 1, "out_before": 0, "out_after": 1, "seconds": 1}
    kwargs["bits"] = 64
    assert utilisation_pct(speed=0, speed_unit_bps=1, **kwargs) is None
