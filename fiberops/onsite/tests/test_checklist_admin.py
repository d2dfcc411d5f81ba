"""The checklist templates are edited in the Django admin (R-SITE-1); answers are read-only."""

from django.test import Client

from fiberops.onsite.models import ChecklistTemplate
from fiberops.onsite.tests.helpers import order_on_site
from fiberops.testing import record_checklist


def test_r_site_1_the_admin_edits_templates_with_their_items_inline(world):
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save(update_fields=["is_staff", "is_superuser"])
    client = Client()
    client.force_login(world.admin)
    template = ChecklistTemplate.objects.get(order_type="install")

    page = client.get(f"/admin/onsite/checklisttemplate/{template.pk}/change/")

    assert page.status_code == 200
    assert "穿好鞋套" in page.content.decode()


def test_r_site_1_answers_are_read_only_in_the_admin(world):
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save(update_fields=["is_staff", "is_superuser"])
    order = order_on_site(world)
    record_checklist(order, world.technician_user)
    client = Client()
    client.force_login(world.admin)

    assert client.get("/admin/onsite/checklisttick/").status_code == 200
    assert client.get("/admin/onsite/checklisttick/add/").status_code == 403
