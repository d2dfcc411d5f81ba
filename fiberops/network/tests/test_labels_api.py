"""GET /api/v1/work-orders/{id}/labels.pdf (R-RES-2): the two machine labels of an order's drop
cable, for anyone who sees the order; 404 for orders without a port and out of scope."""

from io import BytesIO

import pytest
from django.test import Client
from pypdf import PdfReader
from rest_framework.test import APIClient

from fiberops.testing import make_order
from fiberops.workorders.actions import dispatch_order


def url(order) -> str:
    return f"/api/v1/work-orders/{order.pk}/labels.pdf"


@pytest.fixture
def install(world):
    return make_order(world, splitter_port=world.box.ports.get(number=7))


@pytest.mark.parametrize(("layout", "pages"), [(None, 1), ("a4", 1), ("roll", 2)])
def test_r_res_2_an_install_with_a_port_gets_its_labels_as_a_pdf(world, install, layout, pages):
    query = {} if layout is None else {"layout": layout}

    response = world.client(world.dispatcher).get(url(install), query)

    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    reader = PdfReader(BytesIO(response.content))
    assert len(reader.pages) == pages
    text = "".join(page.extract_text() for page in reader.pages)
    assert "用户端" in text and "分光器端" in text
    assert install.bss_order_no in text and "WH01-FX-001" in text
    assert "簇锦街道" not in text  # the address is masked


@pytest.mark.parametrize("persona", ["technician_user", "leader", "cs_agent", "auditor", "admin"])
def test_r_res_2_anyone_who_sees_the_order_may_print_its_labels(world, install, persona):
    dispatch_order(install, technician=world.technician, actor=world.dispatcher)

    response = world.client(getattr(world, persona)).get(url(install))

    assert response.status_code == 200, response.content


def test_r_res_2_an_order_without_a_port_is_404_no_resource(world):
    fault = make_order(world, order_type="fault")

    response = world.client(world.dispatcher).get(url(fault))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "no_resource"


@pytest.mark.parametrize("persona", ["foreign_dispatcher", "foreign_leader"])
def test_r_res_2_out_of_scope_is_404_not_found(world, install, persona):
    response = world.client(getattr(world, persona)).get(url(install))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_r_res_2_an_unknown_layout_is_400_invalid(world, install):
    response = world.client(world.dispatcher).get(url(install), {"layout": "a5"})

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"layout"}


def test_r_res_2_without_a_token_is_401(install):
    assert APIClient().get(url(install)).status_code == 401


def test_r_res_2_the_order_page_links_to_the_labels(world, install):
    client = Client()
    client.force_login(world.dispatcher)

    page = client.get(f"/orders/{install.pk}/").content.decode()

    assert f"/api/v1/work-orders/{install.pk}/labels.pdf" in page
    assert "打印标签" in page
    # The link works from the signed-in page (session), like the service note's.
    assert client.get(url(install), {"layout": "roll"})["Content-Type"] == "application/pdf"
