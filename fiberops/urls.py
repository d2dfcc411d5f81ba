from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.defaults import page_not_found
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from fiberops.accounts.forms import AdminSignInForm
from fiberops.core.api import error_body
from fiberops.core.health import healthz
from fiberops.workorders.urls import auth_urlpatterns

admin.site.site_header = _("FiberOps administration")
admin.site.site_title = _("FiberOps administration")
admin.site.login_form = AdminSignInForm


def not_found(request, exception=None):
    """Unknown addresses under /api/ answer the JSON error envelope; pages keep Django's page."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("not_found", str(_("Not found."))), status=404)
    return page_not_found(request, exception)


handler404 = not_found

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/v1/", include("fiberops.api_urls")),
    path("alerts/", include("fiberops.sla.urls")),
    path("m/", include("fiberops.mobile.urls")),
    path("kpis/", include("fiberops.reporting.urls")),
    path("photos/", include("fiberops.onsite.urls")),
    path("inspections/", include("fiberops.inspections.urls")),
    path("switches/", include("fiberops.inspections.switch_urls")),
    path("", include("fiberops.dispatch.urls")),
    path("", include("fiberops.workorders.urls")),
    *auth_urlpatterns,
]
