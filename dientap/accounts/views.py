from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import otp, security, services
from .forms import LoginForm, OneTimeCodeForm


@require_POST
def set_language(request):
    """Switch the interface language; remembered on the user (all devices) and in a cookie."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        return HttpResponseBadRequest(_("Unknown language."))
    nxt = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        nxt = "/"
    if request.user.is_authenticated:
        try:
            services.user_set_language(request.user, language=language)
        except ValidationError:
            return HttpResponseBadRequest(_("Unknown language."))
    response = HttpResponseRedirect(nxt)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax"
    )
    return response


class LoginView(auth_views.LoginView):
    """Log-in with throttling and lock-out; a second factor follows when needed."""

    template_name = "accounts/login.html"
    form_class = LoginForm
    # The session clocks and the second-factor decision are set at log-in by
    # security.session_started (Django's user_logged_in).


def _next_url(request, default="/"):
    nxt = request.POST.get("next") or request.GET.get("next") or default
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        nxt = default
    return nxt


def _second_factor_passed(request, user, nxt):
    request.session.cycle_key()
    request.session[security.TWO_FACTOR_OK] = user.pk
    return HttpResponseRedirect(nxt)


@login_required
@never_cache
def two_factor_verify(request):
    """Second step of the log-in: the code from the user's authenticator app."""
    user = request.user
    nxt = _next_url(request)
    if security.confirmed_device(user) is None:
        return HttpResponseRedirect(reverse("two_factor_setup") + "?" + urlencode({"next": nxt}))
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            passed = security.device_check(user, code=form.cleaned_data["code"])
        except ValidationError as exc:  # the authenticator cannot be read here
            form.add_error("code", exc)
        else:
            if passed:
                return _second_factor_passed(request, user, nxt)
            lock = security.login_failed(user.get_username(), security.client_address(request))
            if lock is not None:
                logout(request)
                messages.error(request, lock.message())
                return HttpResponseRedirect(reverse("login"))
            form.add_error("code", _("The code is not right. Enter the code shown now, or "
                                     "one of your recovery codes."))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": nxt})


@login_required
@never_cache
def two_factor_setup(request):
    """Enrol an authenticator app: show the secret and the otpauth:// URI, check a first code."""
    user = request.user
    nxt = _next_url(request)
    if security.confirmed_device(user) is not None:
        if request.session.get(security.TWO_FACTOR_OK) == user.pk:
            messages.info(request, _("Two-factor log-in is already set up for this account."))
            return HttpResponseRedirect(nxt)
        return HttpResponseRedirect(reverse("two_factor_verify") + "?" + urlencode({"next": nxt}))
    device = security.device_start(user)
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            security.device_confirm(user, code=form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc)
        else:
            messages.success(request, _("Two-factor log-in is set up. From now on you will be "
                                        "asked for a code after your password."))
            _second_factor_passed(request, user, nxt)
            request.session[NEW_RECOVERY_CODES] = security.recovery_codes_make(
                user, acting_user=user)
            return HttpResponseRedirect(
                reverse("two_factor_recovery") + "?" + urlencode({"next": nxt}))
    uri = otp.provisioning_uri(device.secret, user.get_username())
    return render(request, "accounts/two_factor_setup.html", {
        "form": form, "next": nxt, "secret": otp.grouped(device.secret), "uri": uri,
        "qr": mark_safe(otp.qr_svg(uri)),  # noqa: S308 - segno's own SVG markup
        "required": security.requires_two_factor(user),
    })


NEW_RECOVERY_CODES = "dientap_new_recovery_codes"


@login_required
@never_cache
def two_factor_recovery(request):
    """The recovery codes: shown once right after they are made; made anew on request."""
    user = request.user
    nxt = _next_url(request)
    if security.confirmed_device(user) is None:
        return HttpResponseRedirect(reverse("two_factor_setup") + "?" + urlencode({"next": nxt}))
    if request.method == "POST":
        request.session[NEW_RECOVERY_CODES] = security.recovery_codes_make(user, acting_user=user)
        messages.success(request, _("New recovery codes are made; the old ones no longer work."))
        return HttpResponseRedirect(request.path + "?" + urlencode({"next": nxt}))
    return render(request, "accounts/two_factor_recovery.html", {
        "codes": request.session.pop(NEW_RECOVERY_CODES, None), "next": nxt,
        "left": security.recovery_codes_left(user),
    })
