"""Sections of the order page that apps above `workorders` add (issue 8: the on-site evidence),
registered in their `AppConfig.ready` — like `timeline.DESCRIBERS` and `gates.COMPLETION_GATES`,
so that this app imports none of them.

A section is a template and a function of the request and the order (as the page fetched it,
within the user's scope) that returns the template's context, or None when the section does not
apply to the order. The function must cost a fixed number of queries (the page's query count is
tested in `workorders/tests/test_query_counts.py` and by the apps that add sections)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

from fiberops.workorders.models import WorkOrder


@dataclass(frozen=True)
class OrderPageSection:
    template: str
    context: Callable[[HttpRequest, WorkOrder], dict | None]


ORDER_PAGE_SECTIONS: dict[str, OrderPageSection] = {}


def page_sections(request: HttpRequest, order: WorkOrder) -> list[tuple[str, dict]]:
    """(template, context) of every registered section that applies, in registration order."""
    shown = []
    for section in ORDER_PAGE_SECTIONS.values():
        context = section.context(request, order)
        if context is not None:
            shown.append((section.template, context))
    return shown
