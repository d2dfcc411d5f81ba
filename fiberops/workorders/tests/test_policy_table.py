"""One policy table per order type (issue 5): what each type needs, in one place."""

import copy
import dataclasses

from fiberops.sla.choices import DeadlineKind
from fiberops.workorders.checks import check_sla_policy_covers_order_types
from fiberops.workorders.policy import ORDER_TYPES, clocks_at_intake, policy_for
from fiberops.workorders.states import OrderType


def test_r_ord_1_every_order_type_has_a_policy():
    assert set(ORDER_TYPES) == set(OrderType)


def test_r_sla_3_an_install_needing_a_survey_starts_the_survey_clock_instead():
    assert clocks_at_intake("install", requires_survey=False) == (DeadlineKind.INSTALL,)
    assert clocks_at_intake("install", requires_survey=True) == (DeadlineKind.SURVEY,)
    # a type that cannot be surveyed ignores the flag
    assert clocks_at_intake("fault", requires_survey=True) == (DeadlineKind.REPAIR,)


def test_r_sla_1_faults_and_complaints_start_the_response_clock_at_dispatch():
    starting = {t for t, p in ORDER_TYPES.items() if DeadlineKind.RESPONSE in p.clocks_at_dispatch}
    assert starting == {OrderType.FAULT, OrderType.COMPLAINT}
    assert policy_for("install").holds_port and not policy_for("fault").holds_port


def test_r_sla_4_settings_missing_a_types_duration_are_refused_at_start(settings):
    assert check_sla_policy_covers_order_types() == []
    broken = copy.deepcopy(settings.SLA_POLICY)
    del broken["contact_minutes"]["removal"]
    del broken["repair_hours"]["fault"]["rural"]
    settings.SLA_POLICY = broken
    ids = sorted(error.id for error in check_sla_policy_covers_order_types())
    assert ids == ["fiberops.E001", "fiberops.E002"]


def test_r_ins_4_the_inspection_clock_is_met_by_completing_and_opened_by_its_verb(monkeypatch):
    assert policy_for("inspection").completion_clock == DeadlineKind.INSPECTION
    # a clock due when its creator says cannot be started at intake or dispatch
    broken = dataclasses.replace(
        ORDER_TYPES[OrderType.INSPECTION], clocks_at_intake=(DeadlineKind.INSPECTION,)
    )
    monkeypatch.setitem(ORDER_TYPES, OrderType.INSPECTION, broken)
    ids = [error.id for error in check_sla_policy_covers_order_types()]
    assert ids == ["fiberops.E003"]
