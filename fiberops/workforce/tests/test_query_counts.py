"""Query counts of the organisation lists (STYLE habit 13): the same count for 3 rows and for
13, and a ceiling (today's count) so that a new constant query shows too."""

from collections.abc import Callable
from itertools import count as serial

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fiberops.testing import World, make_technician
from fiberops.workforce.models import Grid, Skill, Team

#: failed-token count; token; count; grids with their branch
GRID_LIST = 4
#: failed-token count; token; count; technicians with team and grid; their skills
TECHNICIAN_LIST = 5

_numbers = serial(100)


def count(request: Callable) -> tuple[int, list]:
    with CaptureQueriesContext(connection) as queries:
        response = request()
    assert response.status_code == 200, response.content
    return len(queries), response.json()["results"]


def add_grids(world: World, number: int) -> None:
    """`number` urban grids, each with a team of one technician holding two skills."""
    skills = [Skill.objects.get(code="ftth"), Skill.objects.get_or_create(code="fault")[0]]
    for _ in range(number):
        n = next(_numbers)
        grid = Grid.objects.create(code=f"WH-{n}", name=f"网格{n}", branch=world.urban)
        team = Team.objects.create(code=f"T-WH-{n}", name=f"班组{n}", grid=grid)
        make_technician(f"Z{n}", team).skills.set(skills)


def test_r_wf_1_the_grid_list_keeps_its_query_count(world):
    client = world.client(world.dispatcher)
    add_grids(world, 1)
    few, rows = count(lambda: client.get("/api/v1/grids/"))
    assert len(rows) == 3
    add_grids(world, 10)
    many, rows = count(lambda: client.get("/api/v1/grids/"))
    assert len(rows) == 13
    assert many == few
    assert few <= GRID_LIST


@pytest.mark.parametrize("persona", ["dispatcher", "admin"])
def test_r_wf_1_the_technician_list_keeps_its_query_count(world, persona):
    client = world.client(getattr(world, persona))
    world.technician.skills.add(Skill.objects.get(code="ftth"))
    few, rows = count(lambda: client.get("/api/v1/technicians/"))
    assert len(rows) >= 3
    add_grids(world, 10)
    many, more_rows = count(lambda: client.get("/api/v1/technicians/"))
    assert len(more_rows) == len(rows) + 10
    assert many == few
    assert few <= TECHNICIAN_LIST


def test_r_wf_1_the_team_leaders_technician_list_keeps_its_query_count(world):
    client = world.client(world.leader)
    few, rows = count(lambda: client.get("/api/v1/technicians/"))
    assert len(rows) == 2
    for _ in range(10):
        make_technician(f"Z{next(_numbers)}", world.team)
    many, rows = count(lambda: client.get("/api/v1/technicians/"))
    assert len(rows) == 12
    assert many == few
    assert few <= TECHNICIAN_LIST


def test_r_wf_1_the_technician_list_of_one_grid_keeps_its_query_count(world):
    client = world.client(world.dispatcher)
    url = "/api/v1/technicians/?grid=WH-02"
    few, rows = count(lambda: client.get(url))
    assert len(rows) == 1
    for _ in range(12):
        make_technician(f"Z{next(_numbers)}", world.other_team).skills.add(
            Skill.objects.get(code="ftth")
        )
    many, rows = count(lambda: client.get(url))
    assert len(rows) == 13
    assert many == few
    assert few <= TECHNICIAN_LIST
