from django.urls import path

from fiberops.reporting import views

app_name = "reporting"
urlpatterns = [
    path("fulfilment/", views.fulfilment_page, name="fulfilment"),
]
