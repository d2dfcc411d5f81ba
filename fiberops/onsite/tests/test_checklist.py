"""The ten-step visit checklist (上门实施标准十步法, R-SITE-1..5): answered on site item by item,
each answer with who and when; completing an install needs every required item answered."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext as _

from fiberops.onsite.checklist import checklist_blockers
from fiberops.onsite.models import ChecklistItem, ChecklistTemplate, ChecklistTick
from fiberops.onsite.tests.helpers import UPLOAD_AT, order_on_site
from fiberops.testing import (
    World,
    add_evidence_photos,
    make_technician,
    make_user,
    record_acceptance_evidence,
    record_checklist,
)
from fiberops.workorders.actions import complete_order
from fiberops.workorders.models import OrderEvent, WorkOrder


def url(order: WorkOrder) -> str:
    return f"/api/v1/work-orders/{order.pk}/checklist/"


def answer(world: World, order: WorkOrder, item: str, value: str = "done", **body):
    return world.client(world.technician_user).post(
        url(order), {"item": item, "answer": value, **body}, format="json"
    )


def codes(order: WorkOrder) -> list[str]:
    return [blocker.item for blocker in checklist_blockers(order)]


def test_r_site_1_installs_and_relocations_carry_the_seeded_ten_step_checklist(db):
    for order_type in ("install", "relocation"):
        template = ChecklistTemplate.objects.get(order_type=order_type, active=True)
        items = {item.code: item for item in template.items.all()}
        assert {
            "badge_introduction",
            "customer_identity",
            "shoe_covers",
            "five_ones_kit",
            "no_live_work",
            "height_protection",
            "night_work_safe",
            "two_person_live_or_storm",
            "demonstrate_service",
            "service_card_number",
            "clean_site",
        } <= set(items)
        assert all(1 <= item.step <= 10 for item in items.values())
        assert items["shoe_covers"].label == "穿好鞋套"
        assert items["five_ones_kit"].phase == "before_entry"
        assert "垃圾袋" in items["five_ones_kit"].label
        assert not items["no_live_work"].allows_not_applicable
        assert items["night_work_safe"].allows_not_applicable
        two_person = items["two_person_live_or_storm"]
        assert two_person.allows_not_applicable and two_person.needs_partner
        assert items["clean_site"].phase == "before_leaving" and items["clean_site"].step == 10


def test_r_site_1_the_gate_lists_every_unchecked_item_before_the_acceptance_elements(world):
    order = order_on_site(world)
    record_acceptance_evidence(order, world.technician_user)  # answers the checklist too
    assert checklist_blockers(order) == []

    other = order_on_site(world)
    answer(world, other, "shoe_covers")
    required = ChecklistItem.objects.filter(template__order_type="install", required=True)
    missing = [f"checklist:{item.code}" for item in required.order_by("position")]
    missing.remove("checklist:shoe_covers")
    assert codes(other) == missing

    response = world.client(world.technician_user).post(
        f"/api/v1/work-orders/{other.pk}/complete/", {}, format="json"
    )
    assert response.status_code == 409
    blocking = response.json()["error"]["blocking"]
    assert [b["item"] for b in blocking][: len(missing)] == missing
    assert blocking[len(missing)]["item"] == "resource"  # then the acceptance elements
    first = blocking[0]
    assert first["code"] == "checklist_missing"
    # 检查项未完成：出示工牌并自我介绍 (from the catalogue: the .mo is compiled at merge)
    assert first["message"] == _("Checklist item not done: %(label)s") % {
        "label": "出示工牌并自我介绍"
    }


def test_r_site_1_a_checklist_answered_lets_the_install_complete(world):
    order = order_on_site(world)
    record_acceptance_evidence(order, world.technician_user)

    complete_order(order, actor=world.technician_user)

    assert WorkOrder.objects.get(pk=order.pk).status == "completed"


def test_r_site_1_an_order_type_without_an_active_template_has_no_checklist(world):
    order = order_on_site(world)
    ChecklistTemplate.objects.filter(order_type="install").update(active=False)

    assert checklist_blockers(order) == []
    body = world.client(world.technician_user).get(url(order)).json()
    assert body == {"items": [], "blocking": []}
    refused = answer(world, order, "shoe_covers")
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "unknown_checklist_item"


def test_r_site_2_an_unknown_item_is_refused(world):
    order = order_on_site(world)

    response = answer(world, order, "no-such-item")

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "unknown_checklist_item"
    assert "no-such-item" in error["message"]
    assert ChecklistTick.objects.count() == 0


def test_r_site_2_ticks_record_who_and_when_and_the_latest_counts(world):
    order = order_on_site(world)

    first = answer(world, order, "badge_introduction", note="工号 Z001")
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["item"] == "badge_introduction"
    assert body["label"] == "出示工牌并自我介绍"
    assert body["answer"] == "done"
    assert body["note"] == "工号 Z001"
    assert body["recorded_by"] == world.technician_user.username
    assert body["occurred_at"] == "2026-11-03T10:30:00+08:00"  # UPLOAD_AT, Shanghai time

    occurred = UPLOAD_AT - dt.timedelta(minutes=5)
    again = answer(world, order, "badge_introduction", occurred_at=occurred.isoformat())
    assert again.status_code == 201
    assert again.json()["occurred_at"] == "2026-11-03T10:25:00+08:00"  # the device's time

    ticks = ChecklistTick.objects.filter(order=order)
    assert ticks.count() == 2  # append-only: the first stays as history
    line = next(
        i
        for i in world.client(world.technician_user).get(url(order)).json()["items"]
        if i["code"] == "badge_introduction"
    )
    assert line["answer"] == "done"
    assert line["recorded_by"] == "tech"
    assert line["step"] == 2 and line["step_name"] == _(
        "Communicate after entering"
    )  # 入室之后需沟通
    event = OrderEvent.objects.filter(order=order, kind="checklist_recorded").last()
    assert event is not None
    assert event.actor == world.technician_user
    assert event.data["item"] == "badge_introduction"
    with pytest.raises(TypeError):
        ticks.first().save()  # type: ignore[union-attr]


def test_r_site_2_an_idempotency_key_replays_the_first_answer(world):
    order = order_on_site(world)
    client = world.client(world.technician_user)
    body = {"item": "shoe_covers", "answer": "done"}

    first = client.post(url(order), body, format="json", HTTP_IDEMPOTENCY_KEY="tick-1")
    second = client.post(url(order), body, format="json", HTTP_IDEMPOTENCY_KEY="tick-1")

    assert first.status_code == second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert ChecklistTick.objects.filter(order=order).count() == 1


def test_r_site_4_not_applicable_is_refused_where_the_item_does_not_allow_it(world):
    order = order_on_site(world)

    refused = answer(world, order, "no_live_work", "not_applicable")
    allowed = answer(world, order, "night_work_safe", "not_applicable")

    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "not_applicable_refused"
    assert allowed.status_code == 201
    assert "checklist:night_work_safe" not in codes(order)
    assert "checklist:no_live_work" in codes(order)


def test_r_site_4_the_two_person_item_needs_another_active_technician_of_the_branch(world):
    order = order_on_site(world)
    item = "two_person_live_or_storm"

    missing = answer(world, order, item)
    myself = answer(world, order, item, partner=world.technician.pk)
    rural = answer(world, order, item, partner=world.rural_technician.pk)
    world.other_team_technician.is_active = False
    world.other_team_technician.save(update_fields=["is_active"])
    inactive = answer(world, order, item, partner=world.other_team_technician.pk)
    unknown = answer(world, order, item, partner=999_999)
    unknown_staff_no = answer(world, order, item, partner_staff_no="NOSUCH")
    rural_staff_no = answer(world, order, item, partner_staff_no=world.rural_technician.staff_no)

    assert missing.status_code == 422
    assert missing.json()["error"]["code"] == "partner_required"
    for refused in (myself, rural, inactive, unknown, unknown_staff_no, rural_staff_no):
        assert refused.status_code == 422
        assert refused.json()["error"]["code"] == "partner_invalid"
    assert ChecklistTick.objects.filter(order=order).count() == 0

    done = answer(world, order, item, partner=world.teammate.pk)
    assert done.status_code == 201, done.content
    assert done.json()["partner"] == {
        "id": world.teammate.pk,
        "staff_no": world.teammate.staff_no,
        "name": world.teammate.name,
    }
    assert f"checklist:{item}" not in codes(order)
    event = OrderEvent.objects.filter(order=order, kind="checklist_recorded").last()
    assert event is not None and event.data["partner"] == world.teammate.staff_no


def test_r_site_4_the_two_person_item_may_be_not_applicable_without_a_partner(world):
    order = order_on_site(world)

    response = answer(world, order, "two_person_live_or_storm", "not_applicable")

    assert response.status_code == 201
    assert response.json()["partner"] is None


def test_r_site_5_before_leaving_items_block_until_answered(world):
    order = order_on_site(world)
    record_checklist(order, world.technician_user)
    add_evidence_photos(order, world.technician_user)
    ChecklistItem.objects.create(
        template=ChecklistTemplate.objects.get(order_type="install"),
        code="new_leaflet",
        step=9,
        phase="before_leaving",
        label="留下服务指南",
        position=999,
    )

    assert codes(order) == ["checklist:new_leaflet"]
    assert answer(world, order, "new_leaflet").status_code == 201
    assert codes(order) == []


def test_r_site_1_the_checklist_is_answered_on_site_only(world):
    order = order_on_site(world)
    record_acceptance_evidence(order, world.technician_user)
    complete_order(order, actor=world.technician_user)

    response = answer(world, order, "shoe_covers")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "illegal_transition"


# --- scopes (docs/architecture.md, "Scopes"): out of scope 404, a role that may not 403 -----


def test_r_site_1_a_dispatcher_of_another_branch_sees_nothing(world):
    order = order_on_site(world)
    client = world.client(world.foreign_dispatcher)

    assert client.get(url(order)).status_code == 404
    assert client.post(url(order), {"item": "shoe_covers", "answer": "done"}).status_code == 404


def test_r_site_1_a_technician_not_owning_the_order_sees_nothing(world):
    order = order_on_site(world)
    other_user = make_user("other_tech", "technician", branch=world.urban, team=world.team)
    make_technician("Z099", world.team, user=other_user)
    client = world.client(other_user)

    assert client.get(url(order)).status_code == 404
    body = {"item": "shoe_covers", "answer": "done"}
    assert client.post(url(order), body, format="json").status_code == 404
    assert ChecklistTick.objects.count() == 0


def test_r_site_1_the_dispatcher_of_the_branch_reads_but_may_not_answer(world):
    order = order_on_site(world)
    client = world.client(world.dispatcher)

    assert client.get(url(order)).status_code == 200
    response = client.post(url(order), {"item": "shoe_covers", "answer": "done"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


# --- query count (STYLE habit 13) ----------------------------------------------------------

#: failed-token count; token; the order; the template's items; the current visit; the visit's
#: answers with who recorded them and the second person
CHECKLIST_API = 6


def test_r_site_1_reading_the_checklist_costs_the_same_few_queries_however_many_answers(world):
    order = order_on_site(world)
    client = world.client(world.technician_user)
    client.get(url(order))  # warm-up: the first request also loads what later ones reuse

    with CaptureQueriesContext(connection) as empty:
        assert client.get(url(order)).status_code == 200
    record_checklist(order, world.technician_user)
    record_checklist(order, world.technician_user)
    answer(world, order, "two_person_live_or_storm", partner=world.teammate.pk)
    with CaptureQueriesContext(connection) as full:
        response = client.get(url(order))
    assert response.status_code == 200
    assert response.json()["blocking"] == []

    assert len(empty) == len(full) <= CHECKLIST_API


def test_r_site_4_the_phone_names_the_second_person_by_staff_number(world):
    order = order_on_site(world)
    done = answer(
        world, order, "two_person_live_or_storm", partner_staff_no=world.teammate.staff_no
    )
    assert done.status_code == 201, done.content
    assert done.json()["partner"]["id"] == world.teammate.pk
