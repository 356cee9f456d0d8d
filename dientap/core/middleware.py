import logging
import time

from django.conf import settings

from .context import close_memo, new_request_id, open_memo, reset_request_id, set_request_id

request_log = logging.getLogger("dientap.request")


class RequestIdMiddleware:
    """Tag every request with an id; audit rows written during it carry the same id.

    Also writes the request log: one line per request (method, path, status, duration, user
    id, request id) to the `dientap.request` logger, JSON by default (core.logging), and
    holds the request's memo (core.context.memoised) for as long as the request runs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = new_request_id()
        token = set_request_id(request.id)
        memo = open_memo()
        started = time.monotonic()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
        finally:
            close_memo(memo)
            reset_request_id(token)
            _log_request(request, status, time.monotonic() - started)
        response["X-Request-ID"] = request.id
        return response


def _log_request(request, status: int, seconds: float) -> None:
    # The user only when the request already loaded it: logging must not cost a query.
    user = getattr(request, "_cached_user", None)
    user_id = user.pk if user is not None and getattr(user, "is_authenticated", False) else None
    level = logging.ERROR if status >= 500 else logging.INFO
    request_log.log(
        level, "%s %s %s", request.method, request.path, status,
        extra={"request_id": request.id, "method": request.method, "path": request.path,
               "status": status, "duration_ms": round(seconds * 1000, 1), "user_id": user_id},
    )


class SecurityHeadersMiddleware:
    """Content Security Policy (no inline script or style, nothing from another host) and a
    few more headers the SecurityMiddleware does not set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.DIENTAP_CSP)
        response.headers.setdefault("Permissions-Policy",
                                    "camera=(), microphone=(), geolocation=(), payment=()")
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response
