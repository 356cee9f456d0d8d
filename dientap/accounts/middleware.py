from django.utils import translation


class UserLanguageMiddleware:
    """A logged-in user's chosen language wins over the browser's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


def _exempt_prefixes():
    from django.conf import settings
    from django.urls import reverse

    return (
        reverse("login"), reverse("logout"), reverse("two_factor_verify"),
        reverse("two_factor_setup"), reverse("set_language"), reverse("healthz"),
        "/" + settings.STATIC_URL.lstrip("/"),
    )


class SessionExpiryMiddleware:
    """Log out a session idle for longer than DIENTAP_SESSION_IDLE_MINUTES or older than
    DIENTAP_SESSION_MAX_HOURS; the request goes on as anonymous (log-in pages follow)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.contrib import messages
        from django.contrib.auth import logout
        from django.utils import timezone
        from django.utils.translation import gettext as _

        from .security import SESSION_SEEN, SESSION_STARTED

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(timezone.now().timestamp())
            session = request.session
            started = session.setdefault(SESSION_STARTED, now)
            seen = session.get(SESSION_SEEN, now)
            idle = settings.DIENTAP_SESSION_IDLE_MINUTES * 60
            if now - seen > idle or now - started > settings.DIENTAP_SESSION_MAX_HOURS * 3600:
                logout(request)
                messages.info(request, _("Your session has expired. Please log in again."))
            elif now - seen >= 60 or SESSION_SEEN not in session:
                session[SESSION_SEEN] = now  # written at most once a minute
        return self.get_response(request)


class TwoFactorMiddleware:
    """A logged-in user with an authenticator, or whose role requires one, passes the second
    factor (or enrols) before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response = self._check(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    def _check(self, request, user):
        from urllib.parse import urlencode

        from django.http import HttpResponseRedirect
        from django.urls import reverse

        from . import security

        if request.session.get(security.TWO_FACTOR_OK) == user.pk:
            return None
        if request.path.startswith(_exempt_prefixes()):
            return None
        if security.confirmed_device(user) is not None:
            target = "two_factor_verify"
        elif security.requires_two_factor(user):
            target = "two_factor_setup"
        else:
            request.session[security.TWO_FACTOR_OK] = user.pk
            return None
        nxt = request.get_full_path() if request.method == "GET" else "/"
        return HttpResponseRedirect(reverse(target) + "?" + urlencode({"next": nxt}))
