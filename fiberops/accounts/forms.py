"""Sign-in forms: the web UI and the admin refuse integration accounts (R-SEC-1)."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from fiberops.accounts.choices import Role

API_ONLY_MESSAGE = _(
    "Integration accounts are for the API only (with a token); they cannot sign in here."
)


def refuse_api_only(user) -> None:
    if user.role == Role.INTEGRATION:
        raise forms.ValidationError(API_ONLY_MESSAGE, code="api_only")


class SignInForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Wrong username or password."),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        refuse_api_only(user)


class AdminSignInForm(AdminAuthenticationForm):
    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        refuse_api_only(user)
