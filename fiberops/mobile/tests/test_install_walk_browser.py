"""Chromium at 390×844 walks a technician through a whole install on the phone (issue 8, "Done
when"): the ten-step checklist, the acceptance readings (one refused and taken again, the label
scanned), the four photos through file inputs, the customer's satisfaction and signature on the
screen, 完工, and the 业务施工确认单 PDF. Screenshots land in var/screenshots/install-*.png."""

import datetime as dt
import hashlib
import io
from decimal import Decimal

import pytest
from django.db import connections
from django.utils import timezone
from pypdf import PdfReader

from fiberops.mobile.tests.test_technician_app_browser import SHOTS, sign_in, status_of, tap
from fiberops.network.labels import label_payload
from fiberops.network.models import SplitterPort
from fiberops.onsite.models import (
    AcceptanceReading,
    ChecklistItem,
    ChecklistTick,
    ConfirmationForm,
    Photo,
)
from fiberops.testing import PHONE_CUSTOMER_LAT, PHONE_CUSTOMER_LNG, synthetic_photo
from fiberops.workorders.actions import (
    CustomerData,
    IntakeData,
    dispatch_order,
    intake_order,
    perform,
)
from fiberops.workorders.models import WorkOrder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def install_on_site(world) -> WorkOrder:
    order, _ = intake_order(
        actor=world.bss,
        data=IntakeData(
            bss_order_no="BSS20261129077",
            order_type="install",
            accepted_at=timezone.now() - dt.timedelta(hours=1),
            grid=world.grid,
            customer=CustomerData(
                name="张三",
                phone="13812345678",
                address="成都市武侯区红牌楼街道佳灵路3号2栋1单元502",
                lat=Decimal(PHONE_CUSTOMER_LAT),
                lng=Decimal(PHONE_CUSTOMER_LNG),
            ),
            plan_mbps=1000,
            broadband_account="02887654321@cdbb",
            splitter_port=SplitterPort.objects.get(box=world.box, number=7),
            description="新装1000M宽带",
        ),
    )
    dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    for action in ["accept", "depart", "arrive"]:
        perform(order, action, actor=world.technician_user)
    return order


def sheet(page, values: dict[str, str]) -> None:
    for name, value in values.items():
        field = page.locator(f"#f-{name}")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    page.locator("#sheet button.primary").click()


def reading(page, element: str, values: dict[str, str], verdict: str = "ok") -> None:
    page.locator(f"button[data-do=reading][data-element={element}]").click()
    if values:
        sheet(page, values)
    page.wait_for_selector(f"li[data-element={element}] .verdict.{verdict}", timeout=10_000)


def picture(name: str, data: bytes) -> dict:
    return {"name": name, "mimeType": "image/jpeg", "buffer": data}


def test_r_site_r_acc_r_pho_a_whole_install_on_the_phone_ends_with_the_signed_form(
    world, phone, live_server
):
    world.technician_user.set_password("pw-tech")
    world.technician_user.save()
    order = install_on_site(world)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = phone.new_page()
    sign_in(page, live_server)
    page.locator("article.card a.tap").click()
    status_of(page, "在现场")
    page.wait_for_selector("section.onsite li[data-element=resource]")

    # 十步法: every item answered on the phone, the two-person one with the partner's 工号.
    items = list(
        ChecklistItem.objects.filter(template__order_type="install", active=True).order_by(
            "position", "id"
        )
    )
    assert len(items) >= 10
    for item in items:
        row = page.locator(f"li.item[data-item={item.code}]")
        row.locator("button[data-answer=done]").click()
        if item.needs_partner:
            sheet(page, {"partner": world.teammate.staff_no})
        try:
            page.wait_for_selector(f"li.item.answered[data-item={item.code}]", timeout=10_000)
        except Exception:
            page.screenshot(path=str(SHOTS / "install-failed.png"), full_page=True)
            from django.contrib.sessions.models import Session

            print(
                "SESSIONS",
                [(x.session_key, x.expire_date, x.get_decoded()) for x in Session.objects.all()],
            )
            print("COOKIES", page.context.cookies())
            raise
    assert ChecklistTick.objects.filter(order=order).count() == len(items)
    assert ChecklistTick.objects.get(order=order, item_code="two_person_live_or_storm").partner == (
        world.teammate
    )
    assert page.locator("section.onsite .blocking").count() == 1
    page.screenshot(path=str(SHOTS / "install-start.png"), full_page=True)

    # 装机挂测: the first optical reading is refused with its reason, then taken again.
    reading(page, "optical_power", {"rx_power_dbm": "-25.0"}, verdict="bad")
    assert "-25" in page.inner_text("li[data-element=optical_power] .why")
    reading(page, "optical_power", {"rx_power_dbm": "-19.6"})
    reading(page, "speed", {"measured_mbps": "968"})
    reading(page, "ont", {"loid": "LOID20261129", "pppoe_dial_ok": "yes"})
    reading(page, "aaa", {})
    # 资源准确 from the machine label, photographed and decoded by the server.
    label = label_payload(order.bss_order_no, world.box.code, 7)
    page.set_input_files(
        "input[data-photo=scan]", picture("label.jpg", synthetic_photo(71, qr_text=label))
    )
    page.wait_for_selector("li[data-element=resource] .verdict.ok", timeout=10_000)
    scanned = AcceptanceReading.objects.filter(order=order, element="resource").get()
    assert scanned.source == "scanned"

    # The four photos through the file inputs, the splitter's with the order's label.
    for n, kind in enumerate(["route", "splitter_label", "ont_stb", "acceptance_form"]):
        data = synthetic_photo(700 + n, qr_text=label if kind == "splitter_label" else None)
        page.set_input_files(f"input[data-photo={kind}]", picture(f"{kind}.jpg", data))
        page.wait_for_selector(f"li[data-kind={kind}] .shots img", timeout=10_000)
    assert Photo.objects.filter(order=order).count() == 4
    page.screenshot(path=str(SHOTS / "install-evidence.png"), full_page=True)

    # The customer is asked at the door (R-SITE-6): not satisfied first — nothing can be signed
    # — then satisfied after the technician fixed it.
    page.locator("button[data-do=not-satisfied]").click()
    sheet(page, {"comment": "光猫摆放不整齐"})
    page.wait_for_selector("section.onsite .verdict.bad:text-is('不满意')")
    assert page.locator("button[data-do=sign]").count() == 0
    page.locator("button[data-do=satisfied]").click()
    page.wait_for_selector("button[data-do=sign]")

    # The customer signs on the screen (R-SITE-3): strokes drawn on the canvas.
    page.locator("button[data-do=sign]").click()
    pad = page.locator("#signature").bounding_box()
    assert pad is not None
    page.mouse.move(pad["x"] + 30, pad["y"] + pad["height"] * 0.6)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(
            pad["x"] + 30 + step * (pad["width"] - 60) / 11,
            pad["y"] + pad["height"] * (0.3 if step % 2 else 0.7),
            steps=4,
        )
    page.mouse.up()
    page.screenshot(path=str(SHOTS / "install-signature.png"))
    sheet(page, {"signer": "张三"})
    page.wait_for_selector("section.onsite p.signed", timeout=15_000)
    page.wait_for_selector("section.onsite p.ready")
    page.screenshot(path=str(SHOTS / "install-ready.png"), full_page=True)

    tap(page, "完工")
    status_of(page, "已完工")
    assert WorkOrder.objects.get(pk=order.pk).status == "completed"

    # The 业务施工确认单 as stored when the customer signed: three copies, this order, the readings.
    link = page.locator("section.onsite a:text-is('业务施工确认单')")
    pdf = page.request.get(live_server.url + link.get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    form = ConfirmationForm.objects.get(order=order)
    assert hashlib.sha256(pdf.body()).hexdigest() == form.sha256
    pages = [p.extract_text().replace(" ", "") for p in PdfReader(io.BytesIO(pdf.body())).pages]
    assert len(pages) == 3
    assert all(order.bss_order_no in text and "-19.6dBm" in text for text in pages)
    assert "穿好鞋套" in pages[0] and "满意" in pages[0]

    connections.close_all()
