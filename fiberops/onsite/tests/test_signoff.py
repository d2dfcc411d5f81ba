"""The customer's sign-off (R-SITE-3, R-SITE-6): the satisfaction answer at the door, the
signature, the stored confirmation form, and the gates of completing and confirming."""

import base64
import hashlib
import io

import pytest
from django.core.files.storage import default_storage
from django.test import override_settings
from PIL import Image, ImageDraw

from fiberops.onsite.models import ConfirmationForm, SatisfactionAnswer
from fiberops.onsite.signoff import record_satisfaction
from fiberops.onsite.tests.helpers import order_on_site
from fiberops.testing import record_acceptance_evidence, synthetic_signature
from fiberops.workorders.actions import complete_order, confirm_order
from fiberops.workorders.models import WorkOrder


def url(order, action=""):
    return f"/api/v1/work-orders/{order.pk}/{action}"


def answer(client, order, satisfied, comment="", **headers):
    return client.post(
        url(order, "satisfaction/"),
        {"satisfied": satisfied, "comment": comment},
        format="json",
        **headers,
    )


def sign(client, order, signature=None, **headers):
    return client.post(
        url(order, "signature/"),
        {"signature_png": signature or synthetic_signature(1), "signer_name": "王五"},
        format="json",
        **headers,
    )


def stored_confirmation_files() -> list[str]:
    if not default_storage.exists("confirmations"):
        return []
    directories, _files = default_storage.listdir("confirmations")
    return [
        name
        for directory in directories
        for name in default_storage.listdir(f"confirmations/{directory}")[1]
    ]


def ready_to_sign(world) -> WorkOrder:
    order = order_on_site(world)
    record_acceptance_evidence(order, world.technician_user, signed=False)
    return order


def png_data_url(image: Image.Image, fmt: str = "PNG") -> str:
    out = io.BytesIO()
    image.save(out, format=fmt)
    kind = "png" if fmt == "PNG" else "jpeg"
    return f"data:image/{kind};base64," + base64.b64encode(out.getvalue()).decode()


def inked(size) -> Image.Image:
    image = Image.new("RGBA", size, (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(5, 5), (size[0] - 5, size[1] - 5)], fill="black", width=6)
    return image


def test_r_site_6_a_satisfied_customer_signs_and_the_install_completes_and_is_confirmed(world):
    order = ready_to_sign(world)
    client = world.client(world.technician_user)

    assert answer(client, order, True).status_code == 201
    signed = sign(client, order)

    assert signed.status_code == 201, signed.content
    body = signed.json()
    assert (body["version"], body["satisfied"], body["signer_name"]) == (1, True, "王*")
    assert client.post(url(order, "complete/"), {}).json()["status"] == "completed"
    assert client.post(url(order, "confirm/"), {}).json()["status"] == "confirmed"
    event = order.events.get(kind="confirmation_signed")
    assert event.data == {"version": 1, "sha256": body["sha256"]}


def test_r_site_6_not_satisfied_cannot_be_signed_nor_completed(world):
    order = ready_to_sign(world)
    client = world.client(world.technician_user)
    answer(client, order, False, "墙面打孔太乱")

    refused = sign(client, order)
    blocked = client.post(url(order, "complete/"), {})

    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "customer_not_satisfied"
    assert ConfirmationForm.objects.count() == 0 and stored_confirmation_files() == []
    assert blocked.status_code == 409
    codes = [(b["item"], b["code"]) for b in blocked.json()["error"]["blocking"]]
    assert ("satisfaction", "customer_not_satisfied") in codes
    assert ("signature", "signature_missing") in codes


def test_r_site_6_without_an_answer_the_form_cannot_be_signed(world):
    order = ready_to_sign(world)
    refused = sign(world.client(world.technician_user), order)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "customer_not_satisfied"


def test_r_site_6_not_satisfied_after_completion_sends_the_order_to_rework(world):
    order = ready_to_sign(world)
    client = world.client(world.technician_user)
    answer(client, order, True)
    sign(client, order)
    client.post(url(order, "complete/"), {})

    response = answer(client, order, False, "网速慢")

    assert response.status_code == 201, response.content
    assert response.json()["order_status"] == "on_site"
    order.refresh_from_db()
    assert (order.status, order.completed_at) == ("on_site", None)
    rework = order.events.get(kind="transition", action="rework")
    assert rework.note == "网速慢"
    refused = client.post(url(order, "confirm/"), {})
    assert refused.status_code == 409  # back on site: nothing to confirm

    # Reworked until satisfied, then signed again: version 2, version 1 kept.
    answer(client, order, True)
    again = sign(client, order, synthetic_signature(2))
    assert again.json()["version"] == 2
    assert client.post(url(order, "complete/"), {}).json()["status"] == "completed"
    assert client.post(url(order, "confirm/"), {}).json()["status"] == "confirmed"
    assert list(order.confirmation_forms.values_list("version", flat=True)) == [1, 2]
    first = client.get(url(order, "confirmation.pdf?version=1"))
    latest = client.get(url(order, "confirmation.pdf"))
    assert first.content != latest.content
    assert hashlib.sha256(latest.content).hexdigest() == again.json()["sha256"]


def test_r_site_6_not_satisfied_without_a_default_reason_reworks_with_one(world):
    order = ready_to_sign(world)
    record_satisfaction(order, satisfied=True, actor=world.technician_user)
    client = world.client(world.technician_user)
    sign(client, order)
    complete_order(order, actor=world.technician_user)

    record_satisfaction(order, satisfied=False, actor=world.technician_user)

    assert order.status == "on_site"
    assert order.events.get(kind="transition", action="rework").note


def test_r_site_6_a_completed_order_whose_customer_is_not_satisfied_cannot_be_confirmed(world):
    order = ready_to_sign(world)
    client = world.client(world.technician_user)
    answer(client, order, True)
    sign(client, order)
    complete_order(order, actor=world.technician_user)
    # An answer written past the action (which would have reworked the order): the
    # confirmation gate still refuses on its own.
    SatisfactionAnswer.objects.create(
        order=order,
        satisfied=False,
        recorded_by=world.technician_user,
        occurred_at=order.updated_at,
    )

    refused = client.post(url(order, "confirm/"), {})

    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "customer_not_satisfied"
    assert [b["code"] for b in error["blocking"]] == ["customer_not_satisfied"]
    with pytest.raises(Exception) as refusal:
        confirm_order(order, actor=world.technician_user)
    assert getattr(refusal.value, "code", None) == "customer_not_satisfied"
    assert WorkOrder.objects.get(pk=order.pk).status == "completed"


@pytest.mark.parametrize(
    ("signature", "code"),
    [
        ("not a data url", "signature_invalid"),
        ("data:image/png;base64,@@@@", "signature_invalid"),
        (
            "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\nrubbish").decode(),
            "signature_invalid",
        ),
        (png_data_url(inked((400, 200)).convert("RGB"), "JPEG"), "signature_invalid"),
        (
            "data:image/png;base64,"
            + png_data_url(inked((400, 200)).convert("RGB"), "JPEG").split(",")[1],
            "signature_invalid",
        ),
        (png_data_url(inked((2001, 300))), "signature_invalid"),
        (png_data_url(inked((300, 1201))), "signature_invalid"),
        (png_data_url(Image.new("RGBA", (600, 200), (0, 0, 0, 0))), "signature_blank"),
        (png_data_url(Image.new("RGB", (600, 200), "white")), "signature_blank"),
    ],
    ids=[
        "no-data-url",
        "bad-base64",
        "broken-png",
        "jpeg-type",
        "jpeg-bytes",
        "too-wide",
        "too-tall",
        "transparent",
        "white",
    ],
)
def test_r_site_3_a_refused_signature_stores_nothing(world, signature, code):
    order = ready_to_sign(world)
    client = world.client(world.technician_user)
    answer(client, order, True)

    refused = sign(client, order, signature)

    assert refused.status_code == 422, refused.content
    assert refused.json()["error"]["code"] == code
    assert "signature_png" in refused.json()["error"]["fields"]
    assert ConfirmationForm.objects.count() == 0 and stored_confirmation_files() == []
    assert not order.events.filter(kind="confirmation_signed").exists()


def test_r_site_3_a_signature_over_512_kb_is_refused(world):
    order = ready_to_sign(world)
    client = world.client(world.technician_user)
    answer(client, order, True)
    noise = Image.effect_noise((700, 440), 120).convert("RGB")
    data_url = png_data_url(noise)
    assert len(base64.b64decode(data_url.split(",")[1])) > 512 * 1024

    refused = sign(client, order, data_url)

    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "signature_invalid"
    assert ConfirmationForm.objects.count() == 0


def test_r_site_3_signing_waits_for_the_acceptance_but_not_for_the_photos(world):
    order = order_on_site(world)
    client = world.client(world.technician_user)
    answer(client, order, True)

    refused = sign(client, order)

    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "sign_off_blocked"
    items = [b["item"] for b in error["blocking"]]
    assert "optical_power" in items
    assert not any(item.startswith("photo:") or item == "signature" for item in items)
    assert ConfirmationForm.objects.count() == 0


def test_r_site_3_a_reading_after_the_signature_outdates_it(world):
    from fiberops.onsite.acceptance import record_acceptance

    order = ready_to_sign(world)
    client = world.client(world.technician_user)
    answer(client, order, True)
    sign(client, order)
    record_acceptance(
        order,
        element="optical_power",
        values={"rx_power_dbm": "-18.0"},
        actor=world.technician_user,
    )

    blocked = client.post(url(order, "complete/"), {})

    assert blocked.status_code == 409
    assert [(b["item"], b["code"]) for b in blocked.json()["error"]["blocking"]] == [
        ("signature", "signature_outdated")
    ]
    assert sign(client, order).json()["version"] == 2
    assert client.post(url(order, "complete/"), {}).json()["status"] == "completed"


def test_r_site_3_the_download_is_the_stored_pdf_whatever_changes_later(world):
    order = ready_to_sign(world)
    client = world.client(world.technician_user)
    assert client.get(url(order, "confirmation.pdf")).json()["error"]["code"] == "no_confirmation"
    answer(client, order, True)
    recorded = sign(client, order).json()["sha256"]

    first = client.get(url(order, "confirmation.pdf"))
    with override_settings(OPERATOR_NAME="另一家运营商"):
        second = client.get(url(order, "confirmation.pdf"))

    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    assert first.content == second.content
    assert hashlib.sha256(first.content).hexdigest() == recorded
    assert first["ETag"] == f'"{recorded}"'
    assert ConfirmationForm.objects.get(order=order).sha256 == recorded
    cached = client.get(url(order, "confirmation.pdf"), HTTP_IF_NONE_MATCH=f'"{recorded}"')
    assert cached.status_code == 304
    missing = client.get(url(order, "confirmation.pdf?version=7"))
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "no_confirmation"
    for version in ("abc", "9" * 40, "-1"):
        assert client.get(url(order, f"confirmation.pdf?version={version}")).status_code == 404


def test_r_sec_2_sign_off_is_the_orders_technicians_and_its_form_stays_in_scope(world):
    order = ready_to_sign(world)
    client = world.client(world.technician_user)
    answer(client, order, True)
    sign(client, order)

    teammate = world.client(world.teammate.user)
    assert answer(teammate, order, True).status_code == 404
    assert sign(teammate, order).status_code == 404
    assert teammate.get(url(order, "confirmation.pdf")).status_code == 404
    assert (
        world.client(world.foreign_dispatcher).get(url(order, "confirmation.pdf")).status_code
        == 404
    )
    assert world.client(world.dispatcher).get(url(order, "confirmation.pdf")).status_code == 200
    assert world.client(world.auditor).get(url(order, "confirmation.pdf")).status_code == 200
    # The dispatcher sees the order but does not sign for the customer.
    assert sign(world.client(world.dispatcher), order).status_code == 403
    assert ConfirmationForm.objects.count() == 1


def test_r_site_3_writes_honour_the_idempotency_key_and_the_device_time(world):
    order = ready_to_sign(world)
    client = world.client(world.technician_user)
    said_at = order.updated_at.isoformat()
    first = client.post(
        url(order, "satisfaction/"),
        {"satisfied": True, "occurred_at": said_at},
        format="json",
        HTTP_IDEMPOTENCY_KEY="sat-1",
    )
    again = client.post(
        url(order, "satisfaction/"),
        {"satisfied": True, "occurred_at": said_at},
        format="json",
        HTTP_IDEMPOTENCY_KEY="sat-1",
    )
    assert again["Idempotent-Replayed"] == "true"
    assert SatisfactionAnswer.objects.get().occurred_at == order.updated_at
    assert first.json()["id"] == again.json()["id"]

    signed = sign(client, order, HTTP_IDEMPOTENCY_KEY="sig-1")
    replayed = sign(client, order, HTTP_IDEMPOTENCY_KEY="sig-1")
    assert replayed["Idempotent-Replayed"] == "true"
    assert replayed.json()["sha256"] == signed.json()["sha256"]
    assert ConfirmationForm.objects.count() == 1


def test_r_ord_4_the_timeline_shows_the_answer_and_the_signed_version(world):
    from django.utils import translation

    from fiberops.workorders.timeline import order_timeline

    order = ready_to_sign(world)
    client = world.client(world.technician_user)
    answer(client, order, False, "线太乱")
    answer(client, order, True)
    sha256 = sign(client, order).json()["sha256"]

    with translation.override("en"):
        labels = [
            (entry.kind, entry.detail_label)
            for entry in order_timeline(order)
            if entry.kind in {"satisfaction_recorded", "confirmation_signed"}
        ]
    assert sorted(labels) == sorted(
        [
            ("satisfaction_recorded", "Not satisfied"),
            ("satisfaction_recorded", "Satisfied"),
            ("confirmation_signed", f"Version 1 · SHA-256 {sha256[:12]}…"),
        ]
    )


def test_r_site_6_the_sign_off_state_says_what_was_answered_signed_and_still_blocks(world):
    order = ready_to_sign(world)
    client = world.client(world.technician_user)

    before = client.get(url(order, "sign-off/")).json()
    assert before["satisfaction"] is None and before["confirmation"] is None
    assert [b["code"] for b in before["blocking"]] == ["satisfaction_missing", "signature_missing"]

    answer(client, order, False, "线缆没固定")
    unhappy = client.get(url(order, "sign-off/")).json()
    assert unhappy["satisfaction"]["satisfied"] is False
    assert "customer_not_satisfied" in [b["code"] for b in unhappy["blocking"]]

    answer(client, order, True)
    assert sign(client, order).status_code == 201
    after = client.get(url(order, "sign-off/")).json()
    assert after["satisfaction"]["satisfied"] is True and after["blocking"] == []
    assert after["confirmation"]["version"] == 1
    pdf = client.get(after["confirmation"]["pdf_url"])
    assert pdf.status_code == 200
    assert (
        hashlib.sha256(
            b"".join(pdf.streaming_content if pdf.streaming else [pdf.content])
        ).hexdigest()
        == after["confirmation"]["sha256"]
    )
