"""A tiny Solomon-style instance (the benchmark's format and convention) is solved by PyVRP and
passes the independent VRPTW checker, whose recomputed distance matches the solver's."""

from pathlib import Path

from fiberops.dispatch.planning.check import check_vrptw
from fiberops.dispatch.planning.solomon import read_solomon, solve_solomon

TINY = """NAME : TINY
TYPE : CVRPTW
DIMENSION : 7
VEHICLES : 2
CAPACITY : 30
SERVICE_TIME : 10
SCALE : 10
EDGE_WEIGHT_TYPE : FLOOR_2D
NODE_COORD_SECTION
1 40 50
2 45 68
3 42 66
4 20 50
5 25 55
6 55 40
7 58 45
DEMAND_SECTION
1 0
2 10
3 10
4 20
5 10
6 10
7 10
TIME_WINDOW_SECTION
1 0 300
2 20 60
3 0 200
4 50 120
5 0 300
6 100 150
7 0 300
DEPOT_SECTION
1
-1
"""


def tiny(tmp_path: Path):
    path = tmp_path / "TINY.7.2.vrptw"
    path.write_text(TINY + "EOF\n")
    return read_solomon(path)


def test_a_tiny_solomon_instance_is_solved_and_checked(tmp_path):
    instance = tiny(tmp_path)
    assert instance.matrix[0][1] == 186  # floor(10 × 18.68): the DIMACS truncation
    result = solve_solomon(instance, seconds=0.5)
    violations, distance = check_vrptw(instance, result.routes)
    assert result.feasible
    assert violations == []
    assert distance == round(result.distance * instance.scale)


def test_the_checker_rejects_a_route_over_capacity_or_late(tmp_path):
    instance = tiny(tmp_path)
    violations, _ = check_vrptw(instance, [[1, 2, 3, 4, 5, 6]])
    assert any("capacity" in v for v in violations)
    violations, _ = check_vrptw(instance, [[5, 1], [2, 3], [4, 6]])
    assert any("after its window" in v for v in violations)
    violations, _ = check_vrptw(instance, [[1, 2], [3, 4, 5]])
    assert any("node 6 visited 0 times" in v for v in violations)
