"""GET /api/v1/kpis/fulfilment/ — 装维履约率 (R-APT-9, R-KPI-1), definition in docs/kpi.md.

The KPI data set is hand-made with `Appointment.objects.create`: outcomes such as "kept late on
11-06" or "rescheduled on 11-05" in the past cannot be produced through the verbs without
travelling through time for every row, and the point here is the arithmetic. The orders are made
and dispatched through the actions."""

import datetime as dt

import pytest
import time_machine

from fiberops.core.clock import SHANGHAI
from fiberops.testing import World, make_order
from fiberops.workorders.actions import dispatch_order
from fiberops.workorders.models import Appointment, WorkOrder

#: Friday 2026-11-20, 10:00 in Shanghai.
NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)
URL = "/api/v1/kpis/fulfilment/"
NOVEMBER = "?from=2026-11-01&to=2026-11-30"


def sh(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A Shanghai wall-clock time in 2026."""
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def appointment(order: WorkOrder, starts_at: dt.datetime, outcome: str, booked_by) -> Appointment:
    sequence = order.appointments.count() + 1
    return Appointment.objects.create(
        order=order,
        sequence=sequence,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=2),
        initiated_by="customer",
        booked_by=booked_by,
        booked_at=starts_at - dt.timedelta(days=1),
        outcome=outcome,
    )


def hand_made_set(world: World) -> None:
    """Technician A (Z001, team 红牌楼一班, grid WH-01) books his own appointments; technician B
    (Z003, team 簇桥一班, grid WH-02) has no account, so his orders' appointments are booked by
    the dispatcher and fall to him as the order's technician. Both in branch WH."""
    a_order = make_order(world, accepted_at=NOW - dt.timedelta(days=30))
    dispatch_order(a_order, technician=world.technician, actor=world.dispatcher)
    b_order = make_order(world, grid=world.other_grid, accepted_at=NOW - dt.timedelta(days=30))
    dispatch_order(b_order, technician=world.other_team_technician, actor=world.dispatcher)
    b_later = make_order(world, grid=world.other_grid, accepted_at=NOW - dt.timedelta(days=30))
    dispatch_order(b_later, technician=world.other_team_technician, actor=world.dispatcher)
    rural = make_order(world, grid=world.rural_grid, accepted_at=NOW - dt.timedelta(days=30))
    dispatch_order(rural, technician=world.rural_technician, actor=world.admin)

    a, dispatcher = world.technician_user, world.dispatcher
    # technician A's own bookings
    appointment(a_order, sh(11, 3, 10), "kept", a)  # 1 due, kept
    appointment(a_order, sh(11, 5, 14), "rescheduled", a)  # 2 due, kept (≥ 2 h notice)
    appointment(a_order, sh(11, 6, 9), "kept_late", a)  # 3 due, not kept
    appointment(a_order, sh(11, 7, 15), "broken", a)  # 4 due, not kept
    appointment(a_order, sh(11, 8, 10), "customer_changed", a)  # 5 excluded
    appointment(a_order, sh(10, 31, 23, 30), "kept", a)  # 6 Shanghai 10-31: outside
    appointment(a_order, sh(11, 1, 0, 30), "broken", a)  # 7 UTC 10-31, Shanghai 11-01: due
    # technician B's orders, booked by the dispatcher: counted for B, the order's technician
    appointment(b_order, sh(11, 10, 9), "kept", dispatcher)  # 8 due, kept
    # 9: booked by technician A on B's order (before a handover): counted for A, the booker
    appointment(b_order, sh(11, 12, 16), "broken", a)  # 9 due (A), not kept
    appointment(b_order, sh(11, 20, 9), "pending", dispatcher)  # 10 started, no check-in: due
    appointment(b_later, sh(11, 21, 9), "pending", dispatcher)  # 11 future: not yet due
    # another branch: never in the urban dispatcher's answer
    appointment(rural, sh(11, 4, 10), "broken", world.admin)  # 12 out of scope


def rows(response) -> dict[str, tuple[int, int, float | None]]:
    assert response.status_code == 200, response.content
    return {row["key"]: (row["due"], row["kept"], row["rate"]) for row in response.json()}


@pytest.fixture
def kpi_world(world):
    with time_machine.travel(NOW - dt.timedelta(days=30), tick=False):
        hand_made_set(world)
    return world


@time_machine.travel(NOW, tick=False)
def test_r_apt_9_fulfilment_rate_on_a_hand_made_set(kpi_world):
    client = kpi_world.client(kpi_world.dispatcher)
    # Per technician, by hand:
    #   A (Z001): due = #1 kept, #2 rescheduled, #3 kept_late, #4 broken, #7 broken, #9 broken
    #             = 6 (#5 customer_changed excluded, #6 outside); kept = #1 + #2 = 2 → 2/6
    #   B (Z003): due = #8 kept, #10 pending but started = 2 (#11 is in the future); kept = 1
    #             → 1/2
    by_technician = client.get(URL + NOVEMBER + "&by=technician")
    assert rows(by_technician) == {"Z001": (6, 2, pytest.approx(1 / 3)), "Z003": (2, 1, 0.5)}
    # worst rate first, with the technicians' names
    assert [(r["key"], r["name"]) for r in by_technician.json()] == [
        ("Z001", "技术员Z001"),
        ("Z003", "技术员Z003"),
    ]
    # Per team: A's team 红牌楼一班 = A's 6/2; B's team 簇桥一班 = B's 2/1.
    assert rows(client.get(URL + NOVEMBER + "&by=team")) == {
        "T-WH-01": (6, 2, pytest.approx(1 / 3)),
        "T-WH-02": (2, 1, 0.5),
    }
    # Per grid: the technicians' grids (WH-01 for A, WH-02 for B); per branch: WH = 8 due,
    # 3 kept → 0.375. The rural appointment #12 is outside the dispatcher's branch.
    assert rows(client.get(URL + NOVEMBER + "&by=grid")) == {
        "WH-01": (6, 2, pytest.approx(1 / 3)),
        "WH-02": (2, 1, 0.5),
    }
    assert rows(client.get(URL + NOVEMBER + "&by=branch")) == {"WH": (8, 3, 0.375)}


@time_machine.travel(NOW, tick=False)
def test_r_apt_9_rows_with_nothing_due_yet_have_a_null_rate(kpi_world):
    client = kpi_world.client(kpi_world.dispatcher)
    # 11-21 holds only #11, pending in the future: B is listed with nothing due.
    assert rows(client.get(URL + "?from=2026-11-21&to=2026-11-21")) == {"Z003": (0, 0, None)}
    # 11-08 holds only #5, changed by the customer: left out of due, rate null.
    assert rows(client.get(URL + "?from=2026-11-08&to=2026-11-08")) == {"Z001": (0, 0, None)}
    # 10-31 in Shanghai holds #6 only.
    assert rows(client.get(URL + "?from=2026-10-31&to=2026-10-31")) == {"Z001": (1, 1, 1.0)}


@time_machine.travel(NOW, tick=False)
def test_r_kpi_1_the_answer_is_a_list_of_exactly_these_fields(kpi_world):
    response = kpi_world.client(kpi_world.admin).get(URL + NOVEMBER + "&by=branch")
    assert response.status_code == 200
    assert response.json() == [
        {"key": "PJ", "name": "蒲江县", "due": 1, "kept": 0, "rate": 0.0},
        {"key": "WH", "name": "武侯区", "due": 8, "kept": 3, "rate": 0.375},
    ]
    # without `by`: per technician
    assert {r["key"] for r in kpi_world.client(kpi_world.admin).get(URL + NOVEMBER).json()} == {
        "Z001",
        "Z003",
        "P001",
    }


@time_machine.travel(NOW, tick=False)
def test_r_kpi_1_scope_another_branch_sees_no_rows_a_leader_sees_the_team(kpi_world):
    foreign = kpi_world.client(kpi_world.foreign_dispatcher)
    # 11-05..11-10 holds urban appointments only (#2-#5, #8): the rural dispatcher sees no row.
    assert rows(foreign.get(URL + "?from=2026-11-05&to=2026-11-10")) == {}
    # The whole month: the own branch's #12 only, none of the urban rows.
    assert rows(foreign.get(URL + NOVEMBER)) == {"P001": (1, 0, 0.0)}
    assert rows(kpi_world.client(kpi_world.dispatcher).get(URL + "?from=2026-11-05&to=2026-11-10"))
    # The leader of A's team sees the orders of the team's technicians: A's order only. #9
    # (booked by A on B's order) is on an order outside the team: not seen.
    assert rows(kpi_world.client(kpi_world.leader).get(URL + NOVEMBER)) == {"Z001": (5, 2, 0.4)}
    foreign_leader = kpi_world.client(kpi_world.foreign_leader).get(URL + NOVEMBER)
    assert rows(foreign_leader) == {"P001": (1, 0, 0.0)}


@pytest.mark.parametrize("persona", ["technician_user", "bss"])
def test_r_kpi_1_technicians_and_the_integration_account_are_refused(world, persona):
    response = world.client(getattr(world, persona)).get(URL + NOVEMBER)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


@pytest.mark.parametrize(
    "persona", ["admin", "manager", "dispatcher", "leader", "cs_agent", "auditor"]
)
def test_r_kpi_1_the_office_roles_may_read(world, persona):
    assert world.client(getattr(world, persona)).get(URL + NOVEMBER).status_code == 200


def test_r_kpi_1_without_a_token_it_is_401(db):
    from rest_framework.test import APIClient

    response = APIClient().get(URL + NOVEMBER)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?to=2026-11-30", "from"),
        ("?from=2026-11-01", "to"),
        ("?from=2026-11-31&to=2026-12-01", "from"),
        ("?from=01-11-2026&to=2026-11-30", "from"),
        ("?from=2026-11-02&to=2026-11-01", "to"),
        ("?from=2025-01-01&to=2026-01-02", "to"),  # 367 days
        ("?from=0001-01-01&to=0001-01-02", "from"),
        ("?from=2026-11-01&to=2026-11-30&by=city", "by"),
    ],
)
def test_r_kpi_1_bad_parameters_are_400_in_the_error_envelope(world, query, field):
    response = world.client(world.dispatcher).get(URL + query)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"]


def test_r_kpi_1_a_leap_year_fits_in_one_period(world):
    response = world.client(world.dispatcher).get(URL + "?from=2028-01-01&to=2028-12-31")
    assert response.status_code == 200
