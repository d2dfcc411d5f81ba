"""The auditor's page of flagged photos, /photos/audit/ (R-PHO-4): who may open it, the scope
(two branches), the filters, the evidence in words and a flat query count."""

import pytest
from django.test import Client

from fiberops.onsite.models import Photo
from fiberops.onsite.tests.evidence_helpers import (
    add,
    install_with_some_evidence,
    jpeg,
    order_on_site,
    rural_order_with_a_flagged_photo,
)
from fiberops.onsite.tests.test_order_page_evidence import login
from fiberops.workorders.tests.test_query_counts import count

URL = "/photos/audit/"
#: session; user; the count; the page's photos with order, grid, branch and uploader; the
#: branches and the grids of the filter form
AUDIT_PAGE = 6


def listed(response) -> set[int]:
    html = response.content.decode()
    rows = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return {int(part.split('"', 1)[0]) for part in rows.split('class="audit-row" data-photo="')[1:]}


@pytest.fixture
def flagged(world):
    """Flagged photos in both branches, and one clean photo."""
    order, earlier = install_with_some_evidence(world)
    rural = rural_order_with_a_flagged_photo(world)
    return {
        "reused": order.photos.get(kind="route"),
        "far": order.photos.get(kind="ont_stb"),
        "rural": rural.photos.get(),
        "clean": earlier.photos.get(),
    }


@pytest.mark.parametrize(
    "persona", ["dispatcher", "leader", "technician_user", "cs_agent", "foreign_dispatcher"]
)
def test_r_pho_4_other_roles_are_refused_with_403(world, persona):
    assert login(getattr(world, persona)).get(URL).status_code == 403


def test_r_pho_4_signed_out_visitors_are_sent_to_sign_in(world):
    response = Client().get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_r_pho_4_the_auditor_and_the_admin_see_every_flagged_photo_newest_first(world, flagged):
    for user in (world.auditor, world.admin):
        response = login(user).get(URL)
        assert response.status_code == 200
        assert listed(response) == {flagged[name].pk for name in ("reused", "far", "rural")}
    html = login(world.auditor).get(URL).content.decode()
    # newest first: the rural photo was uploaded last (ids rise with upload time here)
    assert html.index(f'data-photo="{flagged["rural"].pk}"') < html.index(
        f'data-photo="{flagged["reused"].pk}"'
    )


def test_r_sec_2_a_branch_manager_sees_only_the_own_branch(world, flagged):
    response = login(world.manager).get(URL)
    assert listed(response) == {flagged["reused"].pk, flagged["far"].pk}
    # another branch's code is not a choice: ignored, still nothing of that branch
    response = login(world.manager).get(URL, {"branch": world.rural.code})
    assert flagged["rural"].pk not in listed(response)


def test_r_pho_4_filters_by_flag_branch_and_grid(world, flagged):
    client = login(world.auditor)
    assert listed(client.get(URL, {"flag": "reused"})) == {flagged["reused"].pk}
    assert listed(client.get(URL, {"flag": "far_from_site"})) == {flagged["far"].pk}
    assert listed(client.get(URL, {"flag": "taken_outside_visit"})) == {
        flagged["far"].pk,
        flagged["rural"].pk,
    }
    assert listed(client.get(URL, {"flag": "label_mismatch"})) == set()
    assert listed(client.get(URL, {"branch": world.rural.code})) == {flagged["rural"].pk}
    assert listed(client.get(URL, {"grid": world.grid.code})) == {
        flagged["reused"].pk,
        flagged["far"].pk,
    }


def test_r_pho_4_each_row_shows_thumbnail_order_slot_evidence_and_uploader(world, flagged):
    photo = flagged["reused"]
    html = login(world.auditor).get(URL, {"flag": "reused"}).content.decode()
    row = html.split(f'data-photo="{photo.pk}"', 1)[1].split("</tr>", 1)[0]
    assert f"/api/v1/work-orders/{photo.order_id}/photos/{photo.pk}/thumbnail" in row
    assert f'href="/orders/{photo.order_id}/#evidence">{photo.order.bss_order_no}</a>' in row
    assert "Drop cable route at the box exit" in row
    earlier = flagged["clean"].order.bss_order_no
    assert f"Similar to a photo of order {earlier} (distance 0)" in row
    assert str(photo.uploaded_by) in row and "2026-11-03 10:30" in row


def test_r_pho_4_the_audit_page_keeps_its_query_count(world, flagged):
    client = login(world.auditor)
    few, response = count(lambda: client.get(URL, {"flag": "far_from_site"}))
    assert len(listed(response)) == 1
    order = order_on_site(world)
    for seed in range(60, 66):
        add(order, world.technician_user, jpeg(seed, gps=(30.70, 104.10)), "route")
    many, response = count(lambda: client.get(URL, {"flag": "far_from_site"}))
    assert len(listed(response)) == 7
    assert Photo.objects.count() == 10
    assert few == many
    assert few <= AUDIT_PAGE + 1  # + the branch or grid filter's own look-up when given
    plain, _response = count(lambda: client.get(URL))
    assert plain <= AUDIT_PAGE


def test_r_pho_4_the_page_is_paged(world, flagged, settings):
    from fiberops.onsite import views

    order = order_on_site(world)
    for seed in range(70, 70 + views.AUDIT_PAGE_SIZE):
        add(order, world.technician_user, jpeg(seed, gps=(30.70, 104.10)), "route")
    client = login(world.auditor)
    first = client.get(URL, {"flag": "far_from_site"})
    assert len(listed(first)) == views.AUDIT_PAGE_SIZE
    second = client.get(URL, {"flag": "far_from_site", "page": 2})
    assert len(listed(second)) == 1
    assert "flag=far_from_site&amp;page=1" in second.content.decode()
