"""An inspection order completes only when the inspection was recorded (R-INS-1/2, R-RES-3):
every checklist item answered and, for a resource check, every element of the area checked. The
refusal is 409 `completion_blocked` naming what is missing, and changes nothing."""

import datetime as dt

import pytest
import time_machine

from fiberops.core.errors import Conflict
from fiberops.inspections.actions import record_element_check
from fiberops.inspections.models import PlanKind
from fiberops.inspections.queries import inspection_state
from fiberops.inspections.tests.helpers import (
    T0,
    answer_checklist,
    generated_round,
    make_plan,
    walk_to_site,
)
from fiberops.workorders.actions import perform
from fiberops.workorders.states import Status

LATER = T0 + dt.timedelta(days=1)


def test_R_INS_1_an_inspection_with_unanswered_items_cannot_complete(world):
    inspection = generated_round(world, make_plan(world))
    with time_machine.travel(LATER, tick=False):
        walk_to_site(world, inspection)
        with pytest.raises(Conflict) as refused:
            perform(inspection.order, "complete", actor=world.technician_user)
    assert refused.value.code == "completion_blocked"
    missing = [item["item"] for item in refused.value.details["blocking"]]
    assert missing == ["clean", "cooling", "no_sagging_fibre", "labels"]
    inspection.order.refresh_from_db()
    assert inspection.order.status == Status.ON_SITE


def test_R_INS_1_an_inspection_with_every_item_answered_completes(world):
    inspection = generated_round(world, make_plan(world))
    with time_machine.travel(LATER, tick=False):
        walk_to_site(world, inspection)
        answer_checklist(world, inspection)
        perform(inspection.order, "complete", actor=world.technician_user)
    inspection.order.refresh_from_db()
    assert inspection.order.status == Status.COMPLETED


def test_R_RES_3_a_resource_check_completes_only_with_every_element_checked(world):
    inspection = generated_round(
        world, make_plan(world, kind=PlanKind.RESOURCE_CHECK, interval_months=3, name="资源核查")
    )
    with time_machine.travel(LATER, tick=False):
        walk_to_site(world, inspection)
        answer_checklist(world, inspection)
        with pytest.raises(Conflict) as refused:
            perform(inspection.order, "complete", actor=world.technician_user)
        assert [item["item"] for item in refused.value.details["blocking"]] == ["elements"]
        state = inspection_state(inspection.order)
        assert state is not None and state.elements
        for row in state.elements:  # no corrections: each element confirmed as recorded
            record_element_check(
                inspection.order,
                actor=world.technician_user,
                element_kind=row.element.kind,
                element_code=row.element.code,
                corrections=[],
            )
        perform(inspection.order, "complete", actor=world.technician_user)
    inspection.order.refresh_from_db()
    assert inspection.order.status == Status.COMPLETED
