from django.urls import path

from fiberops.sla import views

app_name = "sla"
urlpatterns = [
    path("", views.alert_list, name="alerts"),
    path("acknowledge/", views.acknowledge_selected, name="acknowledge_selected"),
    path("<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
]
