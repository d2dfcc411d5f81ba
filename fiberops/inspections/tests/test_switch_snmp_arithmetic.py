"""Utilisation from two counter samples (R-INS-3): the busier direction over the speed, a wrapped
counter counted once round."""

from decimal import Decimal

from fiberops.inspections.snmp import counter_delta, percent, utilisation, utilisation_pct

LINK_64 = {"seconds": 10, "speed": 1000, "speed_unit_bps": 1_000_000, "bits": 64}


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


def test_R_INS_3_a_64_bit_counter_going_backwards_is_a_reset_not_a_full_link():
    """Counter64 does not wrap in any plausible interval: backwards means reset (a reboot). The
    old code counted it once round and clipped the absurd rate to a fake 100 %."""
    figure, note = utilisation(
        in_before=2**64 - 500_000_000,
        in_after=500_000_000,
        out_before=0,
        out_after=0,
        seconds=10,
        speed=1000,
        speed_unit_bps=1_000_000,
        bits=64,
    )
    assert figure is None
    assert "reset" in note
    assert (
        utilisation_pct(in_before=9_000_000, in_after=100, out_before=0, out_after=0, **LINK_64)
        is None
    )


def test_R_INS_3_a_rate_above_the_link_speed_stores_no_figure():
    # 10 s, 2,000,000,000 octets = 1600 Mbit/s on a 1000 Mbit/s link: not a measurement
    figure, note = utilisation(
        in_before=0, in_after=2_000_000_000, out_before=0, out_after=0, **LINK_64
    )
    assert figure is None
    assert "link speed" in note
    # a hair over 100 % (sampling jitter) is clipped, not dropped
    assert utilisation_pct(
        in_before=0, in_after=1_255_000_000, out_before=0, out_after=0, **LINK_64
    ) == Decimal("100.00")


def test_R_INS_3_a_wrapped_32_bit_counter_still_gives_a_figure():
    assert utilisation_pct(
        in_before=2**32 - 500_000_000,
        in_after=500_000_000,
        out_before=0,
        out_after=0,
        seconds=10,
        speed=1000,
        speed_unit_bps=1_000_000,
        bits=32,
    ) == Decimal("80.00")


def test_R_INS_3_percent_rounds_down_so_69_995_stays_below_70():
    assert percent(69.995) == Decimal("69.99")
    assert percent(69.9999999) == Decimal("69.99")
    assert percent(70.0) == Decimal("70.00")
    # utilisation of 69.995 %: 874,937,500 octets in 10 s on 1000 Mbit/s
    assert utilisation_pct(
        in_before=0, in_after=874_937_500, out_before=0, out_after=0, **LINK_64
    ) == Decimal("69.99")


def test_R_INS_3_no_utilisation_without_a_speed():
    kwargs = {"in_before": 0, "in_after": 1, "out_before": 0, "out_after": 1, "seconds": 1}
    kwargs["bits"] = 64
    assert utilisation_pct(speed=0, speed_unit_bps=1, **kwargs) is None


def test_R_INS_3_an_snmp_answer_from_another_address_is_ignored():
    """Answers are matched by request id *and* the (address, port) the request went to."""
    import asyncio

    from fiberops.inspections.snmp import _Endpoint, encode_get

    async def run():
        endpoint = _Endpoint()
        future = asyncio.get_running_loop().create_future()
        endpoint.waiting[42] = (future, ("10.0.0.7", 161))
        datagram = encode_get(42, "public", ["1.3.6.1.2.1.1.3.0"])
        endpoint.datagram_received(datagram, ("10.0.0.99", 161))  # another host
        endpoint.datagram_received(datagram, ("10.0.0.7", 9999))  # another port
        assert not future.done()
        assert 42 in endpoint.waiting
        endpoint.datagram_received(datagram, ("10.0.0.7", 161))
        assert future.done()
        assert 42 not in endpoint.waiting

    asyncio.run(run())
