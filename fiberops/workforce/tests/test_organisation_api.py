"""GET /api/v1/grids/ and /api/v1/technicians/: the organisation in the caller's scope (R-WF-1,
R-SEC-1). Out of scope reads as absent: a foreign dispatcher learns nothing of the urban branch."""

import pytest
from rest_framework.test import APIClient

from fiberops.workforce.models import Skill

GRIDS = "/api/v1/grids/"
TECHNICIANS = "/api/v1/technicians/"


def codes(world, user, url: str, key: str) -> list[str]:
    response = world.client(user).get(url)
    assert response.status_code == 200, response.content
    return [row[key] for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("persona", "grids"),
    [
        ("admin", ["PJ-01", "WH-01", "WH-02"]),
        ("cs_agent", ["PJ-01", "WH-01", "WH-02"]),
        ("dispatcher", ["WH-01", "WH-02"]),
        ("manager", ["WH-01", "WH-02"]),
        ("leader", ["WH-01"]),
        ("technician_user", ["WH-01"]),
        ("foreign_dispatcher", ["PJ-01"]),
        ("foreign_leader", ["PJ-01"]),
    ],
)
def test_r_sec_1_grids_are_listed_within_the_scope(world, persona, grids):
    assert codes(world, getattr(world, persona), GRIDS, "code") == grids


def test_r_wf_1_a_grid_shows_its_branch(world):
    body = world.client(world.dispatcher).get(f"{GRIDS}WH-01/").json()
    assert body == {
        "code": "WH-01",
        "name": "红牌楼网格",
        "branch": "WH",
        "branch_name": "武侯区",
        "area_type": "urban",
    }


def test_r_sec_1_a_grid_of_another_branch_is_404(world):
    response = world.client(world.foreign_dispatcher).get(f"{GRIDS}WH-01/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("persona", "technicians"),
    [
        ("admin", ["P001", "Z001", "Z002", "Z003"]),
        ("dispatcher", ["Z001", "Z002", "Z003"]),
        ("manager", ["Z001", "Z002", "Z003"]),
        ("leader", ["Z001", "Z002"]),
        ("technician_user", ["Z001"]),
        ("foreign_dispatcher", ["P001"]),
        ("foreign_leader", ["P001"]),
    ],
)
def test_r_sec_1_technicians_are_listed_within_the_scope(world, persona, technicians):
    assert codes(world, getattr(world, persona), TECHNICIANS, "staff_no") == technicians


def test_r_wf_1_the_grid_filter_narrows_the_list(world):
    assert codes(world, world.dispatcher, f"{TECHNICIANS}?grid=WH-02", "staff_no") == ["Z003"]
    assert codes(world, world.dispatcher, f"{TECHNICIANS}?grid=WH-01", "staff_no") == [
        "Z001",
        "Z002",
    ]


def test_r_sec_1_the_grid_filter_cannot_reach_into_another_branch(world):
    assert codes(world, world.foreign_dispatcher, f"{TECHNICIANS}?grid=WH-01", "staff_no") == []
    assert codes(world, world.leader, f"{TECHNICIANS}?grid=WH-02", "staff_no") == []
    response = world.client(world.foreign_dispatcher).get(f"{TECHNICIANS}Z001/")
    assert response.status_code == 404


def test_r_wf_1_a_technician_shows_skills_and_certification(world):
    # The persona holds every skill an order type needs (testing.make_world); keep one here.
    world.technician.skills.set([Skill.objects.get(code="ftth")])
    body = world.client(world.dispatcher).get(f"{TECHNICIANS}Z001/").json()
    assert body == {
        "staff_no": "Z001",
        "name": "技术员Z001",
        "team": "T-WH-01",
        "grid": "WH-01",
        "skills": ["ftth"],
        "certified_until": "2030-12-31",
        "is_active": True,
    }


def test_r_sec_2_the_organisation_needs_a_token(world):
    for url in [GRIDS, TECHNICIANS]:
        response = APIClient().get(url)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"


def test_r_wf_1_the_organisation_is_read_only(world):
    client = world.client(world.admin)
    assert client.post(GRIDS, {"code": "WH-09"}).status_code == 405
    assert client.delete(f"{TECHNICIANS}Z001/").status_code == 405
