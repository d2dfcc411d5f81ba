"""The acceptance elements as pure rules (R-ACC-1, R-ACC-3, R-ACC-4, R-ACC-5): each verdict
carries a stable code and the reading."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from fiberops.core.config import env_decimal
from fiberops.workorders.acceptance import (
    check_ont_activation,
    check_optical_power,
    check_resource,
    check_speed,
)

LIMITS = {"minimum_dbm": Decimal("-25"), "overload_dbm": Decimal("-8")}


@pytest.mark.parametrize(
    ("reading", "code"),
    [
        ("-25.0", "optical_power_too_low"),
        ("-27.3", "optical_power_too_low"),
        ("-24.9", "ok"),
        ("-8.0", "ok"),
        ("-7.5", "optical_power_overload"),
    ],
)
def test_r_acc_3_received_power_must_be_above_minus_25_and_not_above_overload(reading, code):
    finding = check_optical_power(Decimal(reading), **LIMITS)
    assert (finding.ok, finding.code) == (code == "ok", code)
    assert finding.reading == {"rx_power_dbm": reading}


def test_r_acc_3_the_defaults_are_the_standards_and_the_refusal_names_the_reading_in_chinese():
    assert Decimal("-25") == settings.ACCEPTANCE_MIN_RX_DBM
    assert Decimal("-8") == settings.ACCEPTANCE_OVERLOAD_RX_DBM
    with translation.override("zh-hans"):
        finding = check_optical_power(Decimal("-26.4"), **LIMITS)
    assert "-26.4" in finding.message and "-25" in finding.message
    assert "光功率" in finding.message


@pytest.mark.parametrize(
    ("measured", "ok"), [("900", True), ("899.9", False), ("1000", True), ("450", False)]
)
def test_r_acc_4_speed_must_reach_90_percent_of_the_plan(measured, ok):
    finding = check_speed(Decimal(measured), plan_mbps=1000, share=Decimal("0.9"))
    assert finding.ok is ok
    assert finding.reading["required_mbps"] == "900.0"


def test_r_acc_1_the_port_used_must_match_the_record():
    assert check_resource(
        used_box="wh01-fx-001", used_port=7, order_box="WH01-FX-001", order_port=7
    ).ok
    wrong = check_resource(
        used_box="WH01-FX-001", used_port=8, order_box="WH01-FX-001", order_port=7
    )
    assert (wrong.ok, wrong.code) == (False, "resource_mismatch")
    assert wrong.reading == {"used": "WH01-FX-001/8", "record": "WH01-FX-001/7"}


def test_r_acc_5_loid_and_pppoe_are_both_needed():
    assert check_ont_activation(loid="", pppoe_dial_ok=True).code == "loid_missing"
    assert check_ont_activation(loid="ABC123", pppoe_dial_ok=False).code == "pppoe_failed"
    assert check_ont_activation(loid="ABC123", pppoe_dial_ok=True).ok


@pytest.mark.parametrize("value", ["abc", "", "NaN", "-41", "1"])
def test_r_acc_3_a_threshold_outside_its_range_refuses_to_start(value):
    with pytest.raises(ImproperlyConfigured, match="ACCEPTANCE_MIN_RX_DBM"):
        env_decimal(
            "ACCEPTANCE_MIN_RX_DBM",
            "-25",
            low="-40",
            high="0",
            environ={"ACCEPTANCE_MIN_RX_DBM": value},
        )
