"""The office pages (server-rendered): list, detail, dispatch, reveal — Chinese by default."""

import datetime as dt

import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fiberops.customers.models import UnmaskEvent
from fiberops.testing import make_order

NOW = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_r_sec_1_pages_need_a_login(world):
    response = Client().get("/orders/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_r_sla_6_list_shows_sla_badges_in_chinese(world):
    with time_machine.travel(NOW, tick=False):
        make_order(world, order_type="fault", accepted_at=NOW - dt.timedelta(days=4))
        html = login(world.dispatcher).get("/orders/").content.decode()
    body = html.split("<tbody>", 1)[1]  # the rows, not the filter drop-downs
    assert '<span class="badge sla-breached">已超时</span>' in body
    assert "<td>故障维修</td>" in body


def test_r_sla_6_list_filters_by_sla_and_keeps_queries_flat(world):
    with time_machine.travel(NOW, tick=False):
        late = make_order(world, order_type="fault", accepted_at=NOW - dt.timedelta(days=4))
        fresh = make_order(world, order_type="fault", accepted_at=NOW)
        client = login(world.dispatcher)
        html = client.get("/orders/?sla=breached").content.decode()
        with CaptureQueriesContext(connection) as few:
            client.get("/orders/")
        for _ in range(10):
            make_order(world)
        with CaptureQueriesContext(connection) as many:
            client.get("/orders/")
    assert late.bss_order_no in html and fresh.bss_order_no not in html
    assert len(many) == len(few)


def test_r_sec_1_out_of_scope_detail_is_404(world):
    order = make_order(world)
    assert login(world.foreign_dispatcher).get(f"/orders/{order.pk}/").status_code == 404


def test_r_ord_3_dispatcher_dispatches_from_the_order_page(world):
    order = make_order(world)
    client = login(world.dispatcher)
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert f'action="/orders/{order.pk}/dispatch/"' in page and "Z001" in page
    response = client.post(f"/orders/{order.pk}/dispatch/", {"technician": "Z001"}, follow=True)
    order.refresh_from_db()
    assert order.status == "dispatched" and order.technician == world.technician
    assert "已派单" in response.content.decode()


def test_r_wf_1_refused_dispatch_shows_a_chinese_error_and_changes_nothing(world):
    order = make_order(world)
    world.technician.certified_until = dt.date(2020, 1, 1)
    world.technician.save()
    response = login(world.dispatcher).post(
        f"/orders/{order.pk}/dispatch/", {"technician": "Z001"}, follow=True
    )
    assert "上岗认证" in response.content.decode()
    order.refresh_from_db()
    assert order.status == "new"


def test_r_sla_7_the_order_page_warns_when_the_calendar_is_missing(world):
    order = make_order(
        world, order_type="survey", accepted_at=dt.datetime(2026, 12, 30, 2, 0, tzinfo=dt.UTC)
    )
    html = login(world.dispatcher).get(f"/orders/{order.pk}/").content.decode()
    assert "2027年的法定节假日数据尚未导入" in html and "请管理员更新工作日历" in html


def test_r_cus_5_the_page_masks_and_a_reveal_is_logged_and_shown_once(world):
    order = make_order(world)
    client = login(world.dispatcher)
    assert order.customer.phone not in client.get(f"/orders/{order.pk}/").content.decode()
    shown = client.post(f"/orders/{order.pk}/reveal/", {"reason": "预约"}, follow=True)
    assert order.customer.phone in shown.content.decode()
    assert UnmaskEvent.objects.filter(user=world.dispatcher, channel="web").count() == 1
    assert order.customer.phone not in client.get(f"/orders/{order.pk}/").content.decode()


def test_english_is_available(world):
    client = login(world.dispatcher)
    client.post("/i18n/setlang/", {"language": "en", "next": "/orders/"})
    assert "Work orders" in client.get("/orders/").content.decode()
