"""Look-ups of network resources shared by the API and the forms."""

from fiberops.network.models import SplitterPort


def find_port(box_code: str, number: int, grid) -> SplitterPort | None:
    """The port `number` of the splitter box `box_code` in `grid` (R-RES-1). A box of another
    grid, let alone another branch, reads as not found: an order is served from its own grid."""
    if not box_code or not number or grid is None:
        return None
    return (
        SplitterPort.objects.select_related("box")
        .filter(box__code=box_code, number=number, box__grid=grid)
        .first()
    )
