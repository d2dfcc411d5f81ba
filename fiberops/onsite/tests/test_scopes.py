"""Who may add and read photos (R-PHO-1, R-SEC-1/2): out of scope is 404, a role that may not
add photos is 403."""

import pytest

from fiberops.onsite.models import Photo
from fiberops.onsite.tests.helpers import encode, order_on_site, picture
from fiberops.onsite.tests.test_upload import photos_url, upload


@pytest.fixture
def order_with_photo(world):
    order = order_on_site(world)
    response = upload(world.client(world.technician_user), order, encode(picture(40)))
    assert response.status_code == 201
    return order


def test_r_pho_1_a_dispatcher_of_another_branch_sees_nothing(world, order_with_photo):
    client = world.client(world.foreign_dispatcher)

    assert client.get(photos_url(order_with_photo)).status_code == 404
    response = upload(client, order_with_photo, encode(picture(41)))
    assert response.status_code == 404
    assert Photo.objects.count() == 1


def test_r_pho_1_a_technician_not_owning_the_order_sees_nothing(world, order_with_photo):
    from fiberops.testing import make_user

    teammate_user = make_user("teammate_user", "technician", branch=world.urban, team=world.team)
    world.teammate.user = teammate_user
    world.teammate.save(update_fields=["user"])
    client = world.client(teammate_user)

    assert client.get(photos_url(order_with_photo)).status_code == 404
    assert upload(client, order_with_photo, encode(picture(42))).status_code == 404


def test_r_pho_1_the_dispatcher_of_the_branch_reads_but_may_not_add(world, order_with_photo):
    client = world.client(world.dispatcher)

    assert client.get(photos_url(order_with_photo)).status_code == 200
    response = upload(client, order_with_photo, encode(picture(43)))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_r_pho_4_the_quality_auditor_lists_photos_with_their_audit(world, order_with_photo):
    response = world.client(world.auditor).get(photos_url(order_with_photo))

    assert response.status_code == 200
    [photo] = response.json()
    assert set(photo["audit"]) == {"time", "location", "reuse", "label"}
    assert photo["flags"] == []
    assert photo["url"].endswith("/file") and photo["thumbnail_url"].endswith("/thumbnail")
    assert world.client(world.auditor).get(photo["thumbnail_url"]).status_code == 200


def test_r_pho_1_photos_are_refused_before_the_technician_is_on_site(world):
    from fiberops.testing import make_order
    from fiberops.workorders.actions import accept_order, dispatch_order

    order = make_order(world)
    dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    accept_order(order, actor=world.technician_user)

    response = upload(world.client(world.technician_user), order, encode(picture(44)))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "illegal_transition"
    assert Photo.objects.count() == 0


def test_r_pho_5_an_idempotency_key_replays_the_first_answer(world):
    order = order_on_site(world)
    client = world.client(world.technician_user)
    data = encode(picture(45))

    first = upload(client, order, data, HTTP_IDEMPOTENCY_KEY="photo-1")
    again = upload(client, order, data, HTTP_IDEMPOTENCY_KEY="photo-1")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]


def test_r_pho_5_the_same_idempotency_key_with_another_photo_is_refused(world):
    order = order_on_site(world)
    client = world.client(world.technician_user)

    first = upload(client, order, encode(picture(46)), HTTP_IDEMPOTENCY_KEY="photo-2")
    other = upload(client, order, encode(picture(47)), HTTP_IDEMPOTENCY_KEY="photo-2")

    assert first.status_code == 201
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert Photo.objects.count() == 1


def test_r_pho_4_the_photo_list_keeps_its_query_count_with_more_photos(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    order = order_on_site(world)
    client = world.client(world.auditor)
    add = world.client(world.technician_user)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(photos_url(order)).status_code == 200
        return len(queries)

    upload(add, order, encode(picture(60)))
    one = count()
    for seed in (61, 62, 63):
        upload(add, order, encode(picture(seed)), kind="ont_stb")

    assert count() == one
