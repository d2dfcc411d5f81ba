"""R-WF-1 in `check_dispatchable`: a technician of the order's grid's teams (or of another grid's
team borrowed with a reason, recorded on the event), holding the skills of the order type and a
valid certification — through the actions, the API and the order page's picker (issue 9)."""

import datetime as dt

import pytest

from fiberops.core.errors import RuleViolation
from fiberops.testing import make_order, make_technician
from fiberops.workforce.models import Skill
from fiberops.workorders.actions import dispatch_order, handover_order
from fiberops.workorders.forms import DispatchForm
from fiberops.workorders.models import OrderEvent, WorkOrder


def url(order: WorkOrder, tail: str) -> str:
    return f"/api/v1/work-orders/{order.pk}/{tail}"


def repairer(world, staff_no: str = "Z050", team=None):
    """A certified technician of the world's team who only repairs (no FTTH installs)."""
    technician = make_technician(staff_no, team or world.team)
    technician.skills.add(Skill.objects.get_or_create(code="repair")[0])
    return technician


def test_r_wf_1_a_technician_without_the_order_types_skill_is_refused(world):
    technician = repairer(world)
    install = make_order(world, order_type="install")
    with pytest.raises(RuleViolation) as refusal:
        dispatch_order(install, technician=technician, actor=world.dispatcher)
    assert refusal.value.code == "technician_lacks_skill"
    assert refusal.value.details["missing_skills"] == ["ftth"]
    install.refresh_from_db()
    assert install.technician is None and install.status == "new"
    fault = make_order(world, order_type="fault")
    dispatch_order(fault, technician=technician, actor=world.dispatcher)
    assert fault.technician == technician


def test_r_wf_1_the_api_refuses_a_missing_skill_with_422_and_changes_nothing(world):
    repairer(world)
    order = make_order(world, order_type="install")
    response = world.client(world.dispatcher).post(
        url(order, "dispatch/"), {"technician": "Z050"}, format="json"
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "technician_lacks_skill"
    assert "技能" in response.json()["error"]["message"]
    assert not OrderEvent.objects.filter(order=order, action="dispatch").exists()


def test_r_wf_1_a_handover_to_a_technician_without_the_skill_is_refused(world):
    order = make_order(world, order_type="install")
    dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    with pytest.raises(RuleViolation) as refusal:
        handover_order(order, to=repairer(world), reason="人手调整", actor=world.dispatcher)
    assert refusal.value.code == "technician_lacks_skill"


def test_r_wf_1_an_expired_certification_is_refused_over_the_api(world):
    world.teammate.certified_until = dt.date(2020, 1, 1)
    world.teammate.save()
    order = make_order(world)
    response = world.client(world.dispatcher).post(
        url(order, "dispatch/"), {"technician": "Z002"}, format="json"
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "technician_not_certified"


def test_r_wf_1_another_grids_technician_needs_a_borrowing_reason(world):
    order = make_order(world)  # grid WH-01; Z003 works in WH-02's team
    client = world.client(world.dispatcher)
    refused = client.post(url(order, "dispatch/"), {"technician": "Z003"}, format="json")
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "technician_out_of_grid"
    assert "借调" in refused.json()["error"]["message"]
    blank = client.post(
        url(order, "dispatch/"), {"technician": "Z003", "borrow_reason": "  "}, format="json"
    )
    assert blank.json()["error"]["code"] == "technician_out_of_grid"
    accepted = client.post(
        url(order, "dispatch/"),
        {"technician": "Z003", "borrow_reason": "红牌楼人手不足"},
        format="json",
    )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["technician"]["staff_no"] == "Z003"


def test_r_wf_1_the_borrowing_is_recorded_on_the_dispatch_event(world):
    order = make_order(world)
    dispatch_order(
        order,
        technician=world.other_team_technician,
        actor=world.dispatcher,
        borrow_reason="红牌楼人手不足",
    )
    event = OrderEvent.objects.get(order=order, action="dispatch")
    assert event.data["borrowed"] == {
        "team": "T-WH-02",
        "grid": "WH-02",
        "reason": "红牌楼人手不足",
    }
    own = make_order(world)
    dispatch_order(own, technician=world.technician, actor=world.dispatcher, borrow_reason="x")
    assert "borrowed" not in OrderEvent.objects.get(order=own, action="dispatch").data


def test_r_wf_1_a_handover_to_another_grid_records_the_borrowing(world):
    order = make_order(world)
    dispatch_order(order, technician=world.technician, actor=world.dispatcher)
    with pytest.raises(RuleViolation):
        handover_order(
            order, to=world.other_team_technician, reason="需要熔接", actor=world.dispatcher
        )
    handover_order(
        order,
        to=world.other_team_technician,
        reason="需要熔接",
        borrow_reason="簇桥熔接组支援",
        actor=world.dispatcher,
    )
    event = OrderEvent.objects.get(order=order, action="handover")
    assert event.data["borrowed"]["reason"] == "簇桥熔接组支援"
    assert event.data["to_technician"] == "Z003"


def test_r_wf_1_the_order_pages_picker_greys_out_who_lacks_the_skill(world):
    repairer(world)
    form = DispatchForm(order=make_order(world, order_type="install"), user=world.dispatcher)
    widget = form.fields["technician"].widget
    assert "Z050" in widget.disabled_values  # type: ignore[attr-defined]
    assert "Z001" not in widget.disabled_values  # type: ignore[attr-defined]
    labels = dict(form.fields["technician"].choices)  # type: ignore[attr-defined]
    assert "不具备所需技能" in str(labels["Z050"])
    assert "借调" in str(labels["Z003"])


def test_r_wf_1_the_order_page_dispatches_a_borrowed_technician_with_the_reason(world, client):
    client.force_login(world.dispatcher)
    order = make_order(world)
    client.post(f"/orders/{order.pk}/dispatch/", {"technician": "Z003"})
    order.refresh_from_db()
    assert order.technician is None
    client.post(
        f"/orders/{order.pk}/dispatch/", {"technician": "Z003", "borrow_reason": "人手不足"}
    )
    order.refresh_from_db()
    assert order.technician == world.other_team_technician
