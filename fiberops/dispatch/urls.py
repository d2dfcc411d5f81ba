from django.urls import path

from fiberops.dispatch import views

app_name = "dispatch"
urlpatterns = [
    path("appointments/", views.appointment_desk, name="appointments"),
    path("messages/outbox/", views.outbox, name="outbox"),
    path("dispatch/board/", views.board, name="board"),
    path("dispatch/board/pin/", views.pin, name="board-pin"),
    path("dispatch/board/replan/", views.replan, name="board-replan"),
]
