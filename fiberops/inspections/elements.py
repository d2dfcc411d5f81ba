"""The network elements of an area that a resource check or an asset inventory confirms on site
(核查/盘点, R-RES-3), named by kind and code. Each kind is a function of the grid returning its
elements with the recorded values the technician compares, top down the hierarchy: OLT, PON port,
first-level splitter, second-level box, port. A found value that is fixed is written to the
element by `network.actions.correct_element` (its `CORRECTABLE` fields are these)."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef

from fiberops.network.choices import PortState
from fiberops.network.models import Olt, PonPort, Splitter, SplitterBox, SplitterPort
from fiberops.workforce.models import Grid
from fiberops.workorders.models import WorkOrder


@dataclass(frozen=True)
class Element:
    kind: str
    code: str
    recorded: dict[str, str] = field(default_factory=dict)


def olts(grid: Grid) -> list[Element]:
    """The grid's OLTs: name, equipment model and state (one query)."""
    return [
        Element(
            "olt", olt.code, {"name": olt.name, "model_name": olt.model_name, "state": olt.state}
        )
        for olt in Olt.objects.filter(grid=grid).order_by("code")
    ]


def pon_ports(grid: Grid) -> list[Element]:
    """PON ports of the grid's OLTs: name and state (one query)."""
    return [
        Element("pon_port", pon.code, {"name": pon.name, "state": pon.state})
        for pon in PonPort.objects.filter(olt__grid=grid).order_by("code")
    ]


def splitters(grid: Grid) -> list[Element]:
    """First-level splitters: name, split ratio and state (one query)."""
    return [
        Element(
            "splitter",
            splitter.code,
            {"name": splitter.name, "ratio": str(splitter.ratio), "state": splitter.state},
        )
        for splitter in Splitter.objects.filter(grid=grid).order_by("code")
    ]


def splitter_boxes(grid: Grid) -> list[Element]:
    """Second-level boxes: their name and port count (one query)."""
    return [
        Element("splitter_box", box.code, {"name": box.name, "port_count": str(box.port_count)})
        for box in SplitterBox.objects.filter(grid=grid).order_by("code")
    ]


def splitter_ports(grid: Grid) -> list[Element]:
    """Ports of the grid's boxes: faulty, occupied (by a live service or on the record) or free
    (one query)."""
    live = WorkOrder.objects.filter(splitter_port=OuterRef("pk"), holds_port=True)
    ports = (
        SplitterPort.objects.filter(box__grid=grid)
        .select_related("box")
        .annotate(occupied=Exists(live))
        .order_by("box__code", "number")
    )
    return [Element("splitter_port", str(port), {"state": _port_state(port)}) for port in ports]


def _port_state(port) -> str:
    if port.state == PortState.FAULTY:
        return PortState.FAULTY
    if port.occupied or port.state == PortState.OCCUPIED:
        return PortState.OCCUPIED
    return PortState.FREE


#: element kind → the elements of a grid. Order is the checklist's order.
ELEMENT_SOURCES: dict[str, Callable[[Grid], list[Element]]] = {
    "olt": olts,
    "pon_port": pon_ports,
    "splitter": splitters,
    "splitter_box": splitter_boxes,
    "splitter_port": splitter_ports,
}


def area_elements(grid: Grid) -> list[Element]:
    return [element for source in ELEMENT_SOURCES.values() for element in source(grid)]
