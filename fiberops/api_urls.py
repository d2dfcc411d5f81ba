"""/api/v1/ — one router for every app's API."""

from django.urls import path, re_path
from rest_framework.routers import DefaultRouter

from fiberops.dispatch.api.plans import BookingWindowsView, DayPlanView, UrgentInsertView
from fiberops.dispatch.api.views import CallCustomerView, ContactAttemptViewSet, SuggestionsView
from fiberops.inspections.api.switches import SwitchReadingsView, SwitchViewSet
from fiberops.inspections.api.views import (
    DiscrepancyFixView,
    DiscrepancyListView,
    ElementCheckView,
    InspectionLogView,
    InspectionView,
    TransferView,
)
from fiberops.network.api.views import InventoryExportView, InventoryImportView
from fiberops.network.inventory import RESOURCES
from fiberops.onsite.api.views import (
    AcceptanceViewSet,
    ChecklistViewSet,
    ConfirmationPdfView,
    PhotoFileView,
    PhotoThumbnailView,
    PhotoViewSet,
    SafetyDeferralViewSet,
    SatisfactionView,
    SignatureView,
    SignOffViewSet,
)
from fiberops.reporting.api.views import FulfilmentViewSet
from fiberops.workforce.api.views import GridViewSet, TechnicianViewSet
from fiberops.workorders.api.views import (
    LabelsView,
    MyQueueView,
    ServiceNoteView,
    WorkOrderViewSet,
)

#: The inventory's element kinds in its URLs (R-RES-1); another kind is 404.
INVENTORY_KIND = "(?P<kind>" + "|".join(RESOURCES) + ")"

router = DefaultRouter()
router.register("work-orders", WorkOrderViewSet, basename="work-order")
router.register(
    r"work-orders/(?P<order_pk>[0-9]+)/contact-attempts",
    ContactAttemptViewSet,
    basename="contact-attempt",
)
router.register(r"work-orders/(?P<order_pk>[0-9]+)/photos", PhotoViewSet, basename="photo")
router.register(
    r"work-orders/(?P<order_pk>[0-9]+)/acceptance", AcceptanceViewSet, basename="acceptance"
)
router.register(
    r"work-orders/(?P<order_pk>[0-9]+)/checklist", ChecklistViewSet, basename="checklist"
)
router.register(
    r"work-orders/(?P<order_pk>[0-9]+)/safety-deferral",
    SafetyDeferralViewSet,
    basename="safety-deferral",
)
router.register(
    r"work-orders/(?P<order_pk>[0-9]+)/satisfaction", SatisfactionView, basename="satisfaction"
)
router.register(r"work-orders/(?P<order_pk>[0-9]+)/signature", SignatureView, basename="signature")
router.register(r"work-orders/(?P<order_pk>[0-9]+)/sign-off", SignOffViewSet, basename="sign-off")
router.register("grids", GridViewSet, basename="grid")
router.register("technicians", TechnicianViewSet, basename="technician")
router.register("switches", SwitchViewSet, basename="switch")
router.register("kpis/fulfilment", FulfilmentViewSet, basename="kpi-fulfilment")
urlpatterns = [
    path("me/queue/", MyQueueView.as_view(), name="my-queue"),
    path("plans/", DayPlanView.as_view(), name="day-plan"),
    path("plans/urgent/", UrgentInsertView.as_view(), name="day-plan-urgent"),
    path(
        "work-orders/<int:order_pk>/booking-windows/",
        BookingWindowsView.as_view(),
        name="booking-windows",
    ),
    path("work-orders/<int:pk>/service-note.pdf", ServiceNoteView.as_view(), name="service-note"),
    path("work-orders/<int:pk>/labels.pdf", LabelsView.as_view(), name="labels"),
    path("work-orders/<int:order_pk>/call/", CallCustomerView.as_view(), name="call-customer"),
    path(
        "work-orders/<int:order_pk>/suggestions/",
        SuggestionsView.as_view(),
        name="order-suggestions",
    ),
    path(
        "work-orders/<int:order_pk>/photos/<int:photo_pk>/file",
        PhotoFileView.as_view(),
        name="photo-file",
    ),
    path(
        "work-orders/<int:order_pk>/photos/<int:photo_pk>/thumbnail",
        PhotoThumbnailView.as_view(),
        name="photo-thumbnail",
    ),
    path(
        "work-orders/<int:order_pk>/confirmation.pdf",
        ConfirmationPdfView.as_view(),
        name="confirmation-pdf",
    ),
    re_path(
        rf"^inventory/{INVENTORY_KIND}/import/$",
        InventoryImportView.as_view(),
        name="inventory-import",
    ),
    re_path(
        rf"^inventory/{INVENTORY_KIND}/export/$",
        InventoryExportView.as_view(),
        name="inventory-export",
    ),
    path("work-orders/<int:order_pk>/inspection/", InspectionView.as_view(), name="inspection"),
    path(
        "work-orders/<int:order_pk>/inspection/log/",
        InspectionLogView.as_view(),
        name="inspection-log",
    ),
    path(
        "work-orders/<int:order_pk>/inspection/transfers/",
        TransferView.as_view(),
        name="inspection-transfers",
    ),
    path(
        "work-orders/<int:order_pk>/inspection/checks/",
        ElementCheckView.as_view(),
        name="inspection-checks",
    ),
    path("discrepancies/", DiscrepancyListView.as_view(), name="discrepancies"),
    path("discrepancies/<int:pk>/fix/", DiscrepancyFixView.as_view(), name="discrepancy-fix"),
    path("switches/<str:code>/readings/", SwitchReadingsView.as_view(), name="switch-readings"),
    *router.urls,
]
