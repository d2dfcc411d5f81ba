"""The application's URLs plus the bare-Django intake the HTTP benchmark compares the API with
(docs/benchmarks.md, "Intake over HTTP"). Used only through fiberops.bench.settings."""

from django.urls import path

from fiberops.bench.views import bare_intake
from fiberops.urls import handler404
from fiberops.urls import urlpatterns as application_urlpatterns

__all__ = ["handler404", "urlpatterns"]

urlpatterns = [
    *application_urlpatterns,
    path("bench/intake/", bare_intake, name="bench-intake"),
]
