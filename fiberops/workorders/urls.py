from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import RedirectView

from fiberops.accounts.forms import SignInForm
from fiberops.workorders import views

app_name = "workorders"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="workorders:list"), name="home"),
    path("orders/", views.order_list, name="list"),
    path("orders/new/", views.order_create, name="create"),
    path("orders/<int:pk>/", views.order_detail, name="detail"),
    path("orders/<int:pk>/dispatch/", views.dispatch_order, name="dispatch"),
    path("orders/<int:pk>/reveal/", views.reveal_contact, name="reveal"),
    path("orders/<int:pk>/<slug:action>/", views.order_action, name="action"),
]
auth_urlpatterns = [
    path("login/", auth_views.LoginView.as_view(form_class=SignInForm), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
