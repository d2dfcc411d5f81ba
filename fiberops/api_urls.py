"""/api/v1/ — one router for every app's API."""

from rest_framework.routers import DefaultRouter

from fiberops.dispatch.api.views import ContactAttemptViewSet
from fiberops.reporting.api.views import FulfilmentViewSet
from fiberops.workforce.api.views import GridViewSet, TechnicianViewSet
from fiberops.workorders.api.views import WorkOrderViewSet

router = DefaultRouter()
router.register("work-orders", WorkOrderViewSet, basename="work-order")
router.register(
    r"work-orders/(?P<order_pk>[0-9]+)/contact-attempts",
    ContactAttemptViewSet,
    basename="contact-attempt",
)
router.register("grids", GridViewSet, basename="grid")
router.register("technicians", TechnicianViewSet, basename="technician")
router.register("kpis/fulfilment", FulfilmentViewSet, basename="kpi-fulfilment")
urlpatterns = router.urls
