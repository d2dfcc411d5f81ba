"""Query count of an order's contact attempts (STYLE habit 13): the same for 3 attempts and for
13, and a ceiling (today's count) so that a new constant query shows too."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fiberops.dispatch.actions import record_contact_attempt
from fiberops.testing import make_order
from fiberops.workorders.actions import dispatch_order

NOW = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)

#: failed-token count; token; the order in scope; the attempts with who made them
CONTACT_ATTEMPT_LIST = 4


def attempt(world, order, number: int) -> None:
    for _ in range(number):
        record_contact_attempt(
            order, channel="app_call", outcome="busy", actor=world.technician_user
        )


@pytest.mark.parametrize("persona", ["technician_user", "dispatcher", "leader"])
@time_machine.travel(NOW, tick=False)
def test_r_apt_2_the_attempt_list_keeps_its_query_count(world, persona):
    order = make_order(world, accepted_at=NOW)
    dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    client = world.client(getattr(world, persona))
    url = f"/api/v1/work-orders/{order.pk}/contact-attempts/"
    counts = []
    for number in (3, 10):
        attempt(world, order, number)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    assert len(response.json()) == 13
    assert counts[0] == counts[1]
    assert counts[0] <= CONTACT_ATTEMPT_LIST
