from django.urls import path

from fiberops.sla import views

app_name = "sla"
urlpatterns = [
    path("", views.alert_list, name="alerts"),
    path("<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
]
