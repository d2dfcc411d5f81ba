"""`workforce.queries.dispatch_candidates`: whom a user may give an order to (R-WF-1, R-ORD-5)."""

import datetime as dt

import pytest

from fiberops.core.errors import NotPermitted, RuleViolation
from fiberops.testing import make_order, make_technician
from fiberops.workforce.queries import dispatch_candidates
from fiberops.workorders.actions import dispatch_order


def staff_numbers(user, branch, grid=None) -> list[str]:
    candidates = dispatch_candidates(user, branch_id=branch.pk, grid_id=grid.pk if grid else None)
    return [technician.staff_no for technician in candidates]


def test_r_wf_1_the_orders_own_grid_comes_first(world):
    assert staff_numbers(world.dispatcher, world.urban, world.grid) == ["Z001", "Z002", "Z003"]
    assert staff_numbers(world.dispatcher, world.urban, world.other_grid) == [
        "Z003",
        "Z001",
        "Z002",
    ]


def test_r_wf_1_within_a_grid_technicians_follow_their_staff_numbers(world):
    make_technician("Z000", world.other_team)
    assert staff_numbers(world.dispatcher, world.urban, world.other_grid) == [
        "Z000",
        "Z003",
        "Z001",
        "Z002",
    ]


def test_r_wf_1_inactive_technicians_are_left_out(world):
    world.teammate.is_active = False
    world.teammate.save()
    assert staff_numbers(world.dispatcher, world.urban, world.grid) == ["Z001", "Z003"]


def test_r_wf_1_expired_technicians_stay_listed_and_the_dispatch_rule_refuses_them(world):
    world.teammate.certified_until = dt.date(2020, 1, 1)
    world.teammate.save()
    assert "Z002" in staff_numbers(world.dispatcher, world.urban, world.grid)
    with pytest.raises(RuleViolation) as refusal:
        dispatch_order(make_order(world), technician=world.teammate, actor=world.dispatcher)
    assert refusal.value.code == "technician_not_certified"


def test_r_sec_1_another_branchs_technicians_are_never_candidates(world):
    for user in [world.dispatcher, world.manager, world.admin, world.technician_user]:
        assert "P001" not in staff_numbers(user, world.urban, world.grid), user.username
    # A dispatcher cannot reach into another branch even by naming it.
    assert staff_numbers(world.dispatcher, world.rural, world.rural_grid) == []
    assert staff_numbers(world.foreign_dispatcher, world.rural, world.rural_grid) == ["P001"]


def test_r_sec_1_a_team_leader_sees_only_the_own_team(world):
    assert staff_numbers(world.leader, world.urban, world.grid) == ["Z001", "Z002"]
    assert staff_numbers(world.leader, world.urban, world.other_grid) == ["Z001", "Z002"]
    assert staff_numbers(world.foreign_leader, world.urban, world.grid) == []


def test_r_ord_5_a_technician_handing_over_sees_the_colleagues_of_the_branch(world):
    assert staff_numbers(world.technician_user, world.urban, world.grid) == [
        "Z001",
        "Z002",
        "Z003",
    ]


def test_r_sec_1_operator_wide_readers_see_the_branchs_candidates_but_may_not_dispatch(world):
    # The list follows the read scope; the role check is the action's (accounts/permissions.py).
    for user in [world.cs_agent, world.auditor, world.bss]:
        assert staff_numbers(user, world.urban, world.grid) == ["Z001", "Z002", "Z003"]
        with pytest.raises(NotPermitted):
            dispatch_order(make_order(world), technician=world.technician, actor=user)
