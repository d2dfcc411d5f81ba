from django.urls import path

from fiberops.inspections import switch_views as views

app_name = "switches"
urlpatterns = [
    path("", views.switch_list, name="list"),
    path("report/", views.switch_report, name="report"),
    path("<str:code>/", views.switch_detail, name="detail"),
]
