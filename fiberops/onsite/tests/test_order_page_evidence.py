"""The order page's 现场证据 section (issue 8): acceptance readings with their verdicts, the photo
slots with thumbnails and flags in words, missing photos, and what blocks completion."""

from django.test import Client

from fiberops.onsite.tests.evidence_helpers import add, install_with_some_evidence, jpeg
from fiberops.testing import make_order
from fiberops.workorders.tests.test_query_counts import ORDER_DETAIL_PAGE, count

#: The order page of an install: the fault's ceiling and the section's two queries (the readings;
#: the photos with their uploaders — prefetched onto the order, so the gates read them again for
#: free). Other gates registered later add their own.
# + readings and photos (prefetched); the checklist (template, visit, answers) read by its gate
# and again for its table; the sign-off gate (latest answer, latest form, later evidence events)
# and the section's own answer and form list. A fixed count: none of it grows with photos,
# answers or versions (the test below adds photos and compares).
ORDER_DETAIL_PAGE_WITH_EVIDENCE = ORDER_DETAIL_PAGE + 11


def login(user, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def section(response) -> str:
    html = response.content.decode()
    assert 'id="evidence"' in html
    return html.split('id="evidence"', 1)[1].split("</section>", 1)[0]


def test_r_acc_r_pho_the_order_page_shows_readings_photos_flags_and_what_is_missing(world):
    order, earlier = install_with_some_evidence(world)
    response = login(world.dispatcher).get(f"/orders/{order.pk}/")
    assert response.status_code == 200
    html = section(response)

    optical = html.split('data-element="optical_power"', 1)[1].split("</tr>", 1)[0]
    assert "verdict-failed" in optical and "-25.0" in optical
    speed = html.split('data-element="speed"', 1)[1].split("</tr>", 1)[0]
    assert "verdict-ok" in speed and "Typed" in speed
    assert "No reading yet" in html.split('data-element="aaa"', 1)[1].split("</tr>", 1)[0]

    for kind in ("splitter_label", "acceptance_form"):
        slot = html.split(f'data-kind="{kind}"', 1)[1].split('data-kind="', 1)[0]
        assert "missing-badge" in slot
    route = html.split('data-kind="route"', 1)[1].split('data-kind="', 1)[0]
    photo = order.photos.get(kind="route")
    assert f"/api/v1/work-orders/{order.pk}/photos/{photo.pk}/thumbnail" in route
    assert 'data-flag="reused"' in route
    assert f"Similar to a photo of order {earlier.bss_order_no} (distance 0)" in route
    ont = html.split('data-kind="ont_stb"', 1)[1].split('data-kind="', 1)[0]
    assert 'data-flag="far_from_site"' in ont and "m from the customer (allowed" in ont
    assert 'data-flag="taken_outside_visit"' in ont
    assert "180 min before the check-in at 2026-11-03 10:00" in ont
    assert "EXIF offset +08:00" in ont

    blockers = html.split('class="blockers"', 1)[1].split("</ul>", 1)[0]
    for item, code in [
        ("optical_power", "optical_power_too_low"),
        ("aaa", "missing"),
        ("photo:splitter_label", "photo_missing"),
        ("photo:route", "reused"),
    ]:
        assert f'data-item="{item}" data-code="{code}"' in blockers
    assert 'data-code="far_from_site"' not in blockers  # the auditor's, not a blocker


def test_r_pho_the_thumbnail_on_the_page_is_served_to_the_signed_in_viewer_only(world):
    order, _earlier = install_with_some_evidence(world)
    photo = order.photos.get(kind="route")
    url = f"/api/v1/work-orders/{order.pk}/photos/{photo.pk}/thumbnail"
    answer = login(world.dispatcher).get(url)
    assert answer.status_code == 200 and answer["Content-Type"] == "image/jpeg"
    assert login(world.foreign_dispatcher).get(url).status_code == 404


def test_r_acc_a_fault_has_no_evidence_section(world):
    order = make_order(world, order_type="fault")
    response = login(world.dispatcher).get(f"/orders/{order.pk}/")
    assert 'id="evidence"' not in response.content.decode()


def test_r_ord_4_the_evidence_section_costs_the_same_queries_with_more_photos(world):
    order, _earlier = install_with_some_evidence(world)
    client = login(world.dispatcher)
    few, response = count(lambda: client.get(f"/orders/{order.pk}/"))
    for seed in range(50, 55):
        add(order, world.technician_user, jpeg(seed), "acceptance_form")
    many, response = count(lambda: client.get(f"/orders/{order.pk}/"))
    assert section(response).count("<figure") == 2 + 5
    assert few == many
    assert few <= ORDER_DETAIL_PAGE_WITH_EVIDENCE


def test_r_acc_1_a_resource_mismatch_settled_by_a_resource_change_shows_as_passed(world):
    import time_machine

    from fiberops.onsite.acceptance import record_acceptance
    from fiberops.onsite.tests.evidence_helpers import order_on_site
    from fiberops.onsite.tests.helpers import UPLOAD_AT
    from fiberops.workorders.actions import change_resource

    order = order_on_site(world, port_number=7)
    tech = world.technician_user
    with time_machine.travel(UPLOAD_AT, tick=False):
        record_acceptance(
            order, element="resource", values={"box": world.box.code, "port": 9}, actor=tech
        )
    client = login(world.dispatcher)

    def resource_row() -> str:
        html = section(client.get(f"/orders/{order.pk}/"))
        return html.split('data-element="resource"', 1)[1].split("</tr>", 1)[0], html

    row, html = resource_row()
    assert "verdict-failed" in row and 'data-item="resource"' in html
    with time_machine.travel(UPLOAD_AT, tick=False):
        change_resource(order, box=world.box.code, port=9, reason="7号端口损坏", actor=tech)
    row, html = resource_row()
    assert "verdict-ok" in row and "settled" in row
    assert 'data-item="resource"' not in html
