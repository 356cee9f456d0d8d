"""Framework views: health check, friendly error pages, and the generic form view."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.generic import FormView

from .scoping import VIEW
from .services import ConflictError


@never_cache
def healthz(request):
    """Machine-readable state of the database and (when configured) Redis."""
    state = {"database": "ok", "redis": "not configured"}
    ok = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure is reported, not raised
        state["database"] = f"error: {type(exc).__name__}"
        ok = False
    if settings.REDIS_URL:
        try:
            import redis

            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
            state["redis"] = "ok"
        except Exception as exc:  # noqa: BLE001
            state["redis"] = f"error: {type(exc).__name__}"
            ok = False
    state["status"] = "ok" if ok else "error"
    return JsonResponse(state, status=200 if ok else 503)


def get_scoped(queryset, user, pk, action: str = VIEW, *, exercise=None):
    """The object if `user` may see it, else 404 (the same as a missing one, so nothing leaks);
    with action=CHANGE, 403 when it is visible but not changeable by the user. ``exercise``:
    the object's exercise when known (scoping.restrict narrowed to it)."""
    model = queryset.model
    try:
        if exercise is not None:
            exercise = int(exercise)
        obj = queryset.restrict(user, VIEW, exercise=exercise).get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if action != VIEW and not model.objects.restrict(user, action, exercise=exercise).filter(
            pk=obj.pk).exists():
        raise PermissionDenied
    return obj


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    # The same page whether the object does not exist or is hidden from this user.
    return render(request, "errors/404.html", status=404)


def server_error(request):
    return render(request, "errors/500.html", status=500)


class ServiceFormView(LoginRequiredMixin, FormView):
    """A form whose valid data goes to a service function; errors land on the form.

    Subclasses implement `perform(form)` (call the service, return the saved object) and
    may set `title`, `cancel_url`. Validation errors and stale-version conflicts from the
    service are shown on the form with the user's input kept.
    """

    template_name = "core/form.html"
    title = ""
    success_message = ""

    def perform(self, form):
        raise NotImplementedError

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def form_valid(self, form):
        try:
            obj = self.perform(form)
        except ConflictError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        except ValidationError as exc:
            _add_service_errors(form, exc)
            return self.form_invalid(form)
        except PermissionDenied:
            raise
        if self.success_message:
            messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url(obj))

    def get_success_url(self, obj=None):
        return obj.get_absolute_url()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("title", self.title)
        ctx.setdefault("cancel_url", getattr(self, "cancel_url", None))
        return ctx


def _add_service_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def post_service_action(request, action, *, success_message: str, redirect_to: str):
    """Run a state change from a POST button; show a message, never a traceback."""
    try:
        action()
    except ConflictError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success_message)
    return HttpResponseRedirect(redirect_to)


