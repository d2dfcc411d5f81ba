from django.urls import path

from fiberops.inspections import views

app_name = "inspections"
urlpatterns = [
    path("", views.inspections_page, name="index"),
    path("reports/", views.reports_page, name="reports"),
]
