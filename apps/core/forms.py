from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.core.throttle import attempt


class ThrottleMixin:
    def clean(self):
        wait = attempt(self.request, self.data.get("username", ""))
        if wait:
            minutes = max(1, (wait + 59) // 60)
            raise forms.ValidationError(
                ngettext(
                    "Too many failed logins. Try again in %(minutes)d minute.",
                    "Too many failed logins. Try again in %(minutes)d minutes.",
                    minutes,
                ) % {"minutes": minutes},
                code="throttled",
            )
        return super().clean()


class LoginForm(ThrottleMixin, AuthenticationForm):
    username = AuthenticationForm.base_fields["username"]
    username.label = _("Username")


class AdminLoginForm(ThrottleMixin, AdminAuthenticationForm):
    pass
