"""The Django admin serves reference data and the calendar overrides (R-SLA-7, R-WF-1)."""

import datetime as dt

from django.contrib import admin
from django.test import Client

from fiberops.sla.models import CalendarOverride
from fiberops.testing import make_order


def admin_client(world) -> Client:
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    client = Client()
    client.force_login(world.admin)
    return client


def test_every_admin_list_renders(world):
    make_order(world)
    client = admin_client(world)
    for model in admin.site._registry:
        meta = model._meta
        response = client.get(f"/admin/{meta.app_label}/{meta.model_name}/")
        assert response.status_code == 200, meta.label


def test_r_sla_7_an_admin_adds_a_calendar_override(world):
    client = admin_client(world)
    response = client.post(
        "/admin/sla/calendaroverride/add/",
        {"date": "2027-01-01", "is_workday": "", "reason": "元旦（国务院通知）"},
    )
    assert response.status_code == 302
    override = CalendarOverride.objects.get()
    assert (override.date, override.is_workday, override.created_by) == (
        dt.date(2027, 1, 1),
        False,
        world.admin,
    )


def test_system_written_tables_cannot_be_added_by_hand(world):
    client = admin_client(world)
    assert client.get("/admin/sla/deadline/add/").status_code == 403
    assert client.get("/admin/workorders/workorder/add/").status_code == 403


def test_r_cus_5_opening_a_customer_in_the_admin_is_logged(world):
    from fiberops.customers.models import UnmaskEvent

    order = make_order(world)
    client = admin_client(world)
    assert client.get(f"/admin/customers/customer/{order.customer.pk}/change/").status_code == 200
    log = UnmaskEvent.objects.get()
    assert (log.user, log.customer, log.channel) == (world.admin, order.customer, "admin")


def test_r_cus_5_admin_lookups_on_personal_fields_are_refused(world):
    """`?phone__startswith=138` on the customer list confirmed a phone number with no log."""
    order = make_order(world)
    client = admin_client(world)
    phone = order.customer.phone
    for query in (
        f"phone__startswith={phone[:7]}",
        f"phone={phone}",
        f"phone__exact={phone}",
        "address__contains=路",
        "name__startswith=张",
        "lat__gte=30",
    ):
        response = client.get(f"/admin/customers/customer/?{query}")
        assert response.status_code == 400, query
    refused = client.get(f"/admin/workorders/workorder/?customer__phone__startswith={phone[:7]}")
    assert refused.status_code == 400
    refused = client.get("/admin/workforce/technician/?phone__startswith=1")
    assert refused.status_code == 400
    # The declared filters still work.
    assert (
        client.get(
            f"/admin/customers/customer/?grid__branch__id__exact={world.urban.pk}"
        ).status_code
        == 200
    )


def test_r_res_1_the_admins_import_preview_of_a_bad_file_imports_nothing(world):
    """The admin's import button (django-import-export) runs the dry run first: a file with a
    bad row shows the row's error and leaves the inventory as it was."""
    import io

    from fiberops.network.models import SplitterBox

    client = admin_client(world)
    page = client.get("/admin/network/splitterbox/import/")
    assert page.status_code == 200
    csv_choice = next(
        value
        for value, label in page.context["form"].fields["format"].choices
        if str(label).lower() == "csv"
    )
    file = io.BytesIO(
        b"code,name,grid,splitter,port_count,lat,lng,state\n"
        b"WH01-FX-301,ok,WH-01,,8,,,in_service\n"
        b"WH01-FX-302,bad,XX-99,,8,,,in_service\n"
    )
    file.name = "boxes.csv"
    response = client.post(
        "/admin/network/splitterbox/import/", {"import_file": file, "format": csv_choice}
    )
    assert response.status_code == 200
    assert "XX-99" in response.content.decode()
    assert not SplitterBox.objects.filter(code__startswith="WH01-FX-30").exists()
