from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import security


class ThrottledLoginMixin:
    """Refuse a locked user name or address before checking the password; count failures."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = security.client_address(self.request)
        lock = security.current_lock(username, address)
        if lock is not None:
            raise ValidationError(lock.message(), code="locked")
        try:
            cleaned = super().clean()
        except ValidationError as exc:
            if getattr(exc, "code", None) == "invalid_login":
                lock = security.login_failed(username, address)
                if lock is not None:
                    raise ValidationError(lock.message(), code="locked") from exc
            raise
        security.login_succeeded(username)
        return cleaned


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    pass


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass


class OneTimeCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"), max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autofocus": True}),
    )
