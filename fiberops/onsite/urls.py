from django.urls import path

from fiberops.onsite import views

app_name = "onsite"

urlpatterns = [
    path("audit/", views.photo_audit, name="photo-audit"),
]
