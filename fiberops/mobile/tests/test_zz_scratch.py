import json

import pytest

from fiberops.mobile.tests import test_first_load_browser, test_refused_replay_browser

pytestmark = [pytest.mark.django_db(transaction=True)]


def fake_queue(phone, live_server):
    def handler(route):
        response = route.fetch(url=f"{live_server.url}/api/v1/work-orders/?technician=Z001")
        route.fulfill(response=response, body=json.dumps(response.json()["results"]))

    phone.route("**/api/v1/me/queue/", handler)


def test_refused(world, phone, live_server):
    fake_queue(phone, live_server)
    test_refused_replay_browser.test_r_ord_5_replay_refused_after_a_handover_is_shown_until_dismissed(
        world, phone, live_server
    )


def test_load(world, phone, live_server):
    fake_queue(phone, live_server)
    test_first_load_browser.test_r_apt_2_first_load_is_at_most_300_kb_and_later_loads_come_from_the_cache(
        world, phone, live_server
    )
