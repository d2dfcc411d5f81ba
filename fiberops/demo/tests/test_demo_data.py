"""`manage.py load_demo` (make demo): enough realistic data to show every type and state, made
through the actions, and loaded only once."""

from io import StringIO

from django.core.management import call_command
from django.db.models import Count

from fiberops.accounts.choices import Role
from fiberops.accounts.models import User
from fiberops.customers.models import Customer
from fiberops.sla.models import Deadline
from fiberops.workforce.models import Grid, Technician
from fiberops.workorders.models import OrderEvent, WorkOrder
from fiberops.workorders.states import OrderType, Status


def row_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Grid, Technician, User, Customer, WorkOrder, OrderEvent, Deadline)
    }


def test_r_ord_1_r_ord_3_r_ord_4_demo_data_covers_every_type_and_state_and_loads_once(db):
    call_command("load_demo", stdout=StringIO())
    counts = row_counts()
    assert counts["Grid"] >= 6
    assert counts["Technician"] >= 60
    assert counts["Customer"] >= 5000
    assert counts["WorkOrder"] >= 1000
    assert set(WorkOrder.objects.values_list("order_type", flat=True)) == set(OrderType.values)
    assert set(WorkOrder.objects.values_list("status", flat=True)) == set(Status.values)
    assert not WorkOrder.objects.annotate(n=Count("events")).filter(n=0).exists()
    assert User.objects.filter(role=Role.TECHNICIAN).count() == counts["Technician"]
    assert Technician.objects.filter(user=None).count() == 0

    second_run = StringIO()
    call_command("load_demo", stdout=second_run)

    assert "already loaded" in second_run.getvalue()
    assert row_counts() == counts
