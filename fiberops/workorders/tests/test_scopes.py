"""Who sees what (R-SEC-1, R-SEC-2): the persona matrix. Out of scope reads are 404."""

import pytest

from fiberops.testing import make_order
from fiberops.workorders.actions import dispatch_order

SEES_ALL = ["admin", "bss", "cs_agent", "auditor"]


@pytest.fixture
def orders(world):
    """One order in each corner: mine, my teammate's, another team's, another branch's."""
    mine = make_order(world)
    dispatch_order(mine, technician=world.technician, actor=world.dispatcher)
    teammate = make_order(world)
    dispatch_order(teammate, technician=world.teammate, actor=world.dispatcher)
    other_team = make_order(world, grid=world.other_grid)
    dispatch_order(other_team, technician=world.other_team_technician, actor=world.dispatcher)
    unassigned = make_order(world)
    rural = make_order(world, grid=world.rural_grid)
    return {
        "mine": mine,
        "teammate": teammate,
        "other_team": other_team,
        "unassigned": unassigned,
        "rural": rural,
    }


MATRIX = {
    # persona: orders it can read
    "technician_user": {"mine"},
    "leader": {"mine", "teammate", "unassigned"},
    "dispatcher": {"mine", "teammate", "other_team", "unassigned"},
    "manager": {"mine", "teammate", "other_team", "unassigned"},
    "foreign_dispatcher": {"rural"},
    "foreign_leader": {"rural"},
    **{p: {"mine", "teammate", "other_team", "unassigned", "rural"} for p in SEES_ALL},
}


@pytest.mark.parametrize("persona", sorted(MATRIX))
def test_r_sec_1_persona_matrix_list_and_detail(world, orders, persona):
    client = world.client(getattr(world, persona))
    results = client.get("/api/v1/work-orders/").json()["results"]
    listed = [o["bss_order_no"] for o in results]
    expected = {orders[name].bss_order_no for name in MATRIX[persona]}
    assert sorted(listed) == sorted(expected)  # each once: no join repeats a row
    for name, order in orders.items():
        response = client.get(f"/api/v1/work-orders/{order.pk}/")
        assert response.status_code == (200 if name in MATRIX[persona] else 404), name


def test_r_sec_1_a_dispatcher_of_another_branch_can_read_nothing_of_this_one(world, orders):
    client = world.client(world.foreign_dispatcher)
    urban = [o for name, o in orders.items() if name != "rural"]
    for order in urban:
        for path in ["", "events/"]:
            response = client.get(f"/api/v1/work-orders/{order.pk}/{path}")
            assert response.status_code == 404
            assert world.urban.name not in response.content.decode()
        assert client.post(f"/api/v1/work-orders/{order.pk}/reveal-contact/").status_code == 404
        assert (
            client.post(f"/api/v1/work-orders/{order.pk}/cancel/", {"reason": "x"}).status_code
            == 404
        )
    grids = {g["code"] for g in client.get("/api/v1/grids/").json()["results"]}
    assert grids == {"PJ-01"}
    techs = {t["staff_no"] for t in client.get("/api/v1/technicians/").json()["results"]}
    assert techs == {"P001"}
    assert client.get("/api/v1/technicians/?grid=WH-01").json()["results"] == []


def test_r_sec_2_in_scope_but_wrong_role_is_403_and_changes_nothing(world, orders):
    order = orders["unassigned"]
    response = world.client(world.cs_agent).post(
        f"/api/v1/work-orders/{order.pk}/dispatch/", {"technician": "Z001"}
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    order.refresh_from_db()
    assert order.status == "new"


def test_r_sec_1_grids_and_technicians_are_scoped(world):
    leader = world.client(world.leader)
    assert [g["code"] for g in leader.get("/api/v1/grids/").json()["results"]] == ["WH-01"]
    dispatcher = world.client(world.dispatcher)
    body = dispatcher.get("/api/v1/technicians/?grid=WH-01").json()["results"]
    assert {t["staff_no"] for t in body} == {"Z001", "Z002"}
    assert set(body[0]) == {
        "staff_no",
        "name",
        "team",
        "grid",
        "skills",
        "certified_until",
        "is_active",
    }
    grid = dispatcher.get("/api/v1/grids/WH-01/").json()
    assert grid == {
        "code": "WH-01",
        "name": "红牌楼网格",
        "branch": "WH",
        "branch_name": "武侯区",
        "area_type": "urban",
    }
