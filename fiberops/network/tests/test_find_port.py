"""`network.queries.find_port`: a box and port are found only in the order's grid (R-RES-1)."""

import pytest

from fiberops.network.models import SplitterBox, SplitterPort
from fiberops.network.queries import find_port


def make_box(code: str, grid, ports: int = 8) -> SplitterBox:
    box = SplitterBox.objects.create(code=code, grid=grid, port_count=ports)
    SplitterPort.objects.bulk_create([SplitterPort(box=box, number=n) for n in range(1, ports + 1)])
    return box


@pytest.fixture
def boxes(world):
    """A box in the neighbouring grid of the same branch and one in the rural branch."""
    return make_box("WH02-FX-001", world.other_grid), make_box("PJ01-FX-001", world.rural_grid)


def test_r_res_1_a_port_of_a_box_in_the_grid_is_found(world, boxes):
    port = find_port("WH01-FX-001", 5, world.grid)
    assert port is not None
    assert (port.box, port.number) == (world.box, 5)
    assert str(port) == "WH01-FX-001-05"


def test_r_res_1_a_box_of_another_grid_of_the_same_branch_reads_as_none(world, boxes):
    neighbour, _rural = boxes
    assert find_port(neighbour.code, 5, world.grid) is None
    assert find_port("WH01-FX-001", 5, world.other_grid) is None
    # The neighbour's box is found from its own grid.
    assert find_port(neighbour.code, 5, world.other_grid).box == neighbour


def test_r_res_1_a_box_of_another_branch_reads_as_none(world, boxes):
    _neighbour, rural = boxes
    assert find_port(rural.code, 1, world.grid) is None
    assert find_port("WH01-FX-001", 1, world.rural_grid) is None


@pytest.mark.parametrize(
    ("box_code", "number"),
    [("WH01-FX-001", 65), ("WH01-FX-999", 1), ("", 1), ("WH01-FX-001", 0)],
)
def test_r_res_1_an_unknown_box_or_port_or_an_empty_input_reads_as_none(world, box_code, number):
    assert find_port(box_code, number, world.grid) is None


def test_r_res_1_without_a_grid_nothing_is_found(world):
    assert find_port("WH01-FX-001", 1, None) is None
