"""The network elements of an area that a resource check or an asset inventory confirms on site
(核查/盘点, R-RES-3), named by kind and code. Each kind is a function of the grid returning its
elements with the recorded values the technician compares; kinds added later (OLT, PON port,
first-level splitter) register here the same way."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef

from fiberops.network.models import SplitterBox, SplitterPort
from fiberops.workforce.models import Grid
from fiberops.workorders.models import WorkOrder


@dataclass(frozen=True)
class Element:
    kind: str
    code: str
    recorded: dict[str, str] = field(default_factory=dict)


def splitter_boxes(grid: Grid) -> list[Element]:
    """Second-level boxes: their name and port count (one query)."""
    return [
        Element("splitter_box", box.code, {"name": box.name, "port_count": str(box.port_count)})
        for box in SplitterBox.objects.filter(grid=grid).order_by("code")
    ]


def splitter_ports(grid: Grid) -> list[Element]:
    """Ports of the grid's boxes: free or occupied by a live service (one query)."""
    live = WorkOrder.objects.filter(splitter_port=OuterRef("pk"), holds_port=True)
    ports = (
        SplitterPort.objects.filter(box__grid=grid)
        .select_related("box")
        .annotate(occupied=Exists(live))
        .order_by("box__code", "number")
    )
    return [
        Element("splitter_port", str(port), {"state": "occupied" if port.occupied else "free"})
        for port in ports
    ]


#: element kind → the elements of a grid. Order is the checklist's order.
ELEMENT_SOURCES: dict[str, Callable[[Grid], list[Element]]] = {
    "splitter_box": splitter_boxes,
    "splitter_port": splitter_ports,
}


def area_elements(grid: Grid) -> list[Element]:
    return [element for source in ELEMENT_SOURCES.values() for element in source(grid)]
