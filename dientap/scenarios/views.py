"""Pages of the scenario: the situation list, forms, spreadsheet import/export, the director's
console and every body's console. Views parse input and call the services; reads go through
the selectors (scoped). Hidden → 404; visible but not allowed → 403."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dientap.core import pagecache
from dientap.core.audit import entries_for
from dientap.core.pagecache import page_cache
from dientap.core.paging import page_of
from dientap.core.scoping import CHANGE, VIEW
from dientap.core.services import ConflictError
from dientap.core.views import ServiceFormView, post_service_action
from dientap.documents.models import Document
from dientap.exercises.views import ExerciseMixin, get_exercise
from dientap.organizations.models import Body

from . import scenario_time, selectors, services, spreadsheet, ticker
from .forms import ListFilterForm, MappingForm, SituationForm, UploadForm
from .models import CommCheck, Handling, Situation

SESSION_IMPORT = "scenario_import_{pk}"


def _scenario_exercise(user, pk, action=VIEW):
    """The exercise, for the scenario's staff (404 hidden, 403 not staff / may not change)."""
    exercise = get_exercise(user, pk, action)
    if not selectors.is_staff(user, exercise) and not selectors.can_direct(user, exercise):
        raise PermissionDenied
    return exercise


def _situation(user, exercise, sid, action=VIEW) -> Situation:
    try:
        return selectors.situation_get(user, exercise, sid, action)
    except (Situation.DoesNotExist, ValueError):
        raise Http404 from None


@login_required
@page_cache(pagecache.LIVE, always=ticker.ensure_ticker)
def situation_list(request, pk):
    exercise = _scenario_exercise(request.user, pk)
    form = ListFilterForm(request.GET or None, exercise=exercise)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.situation_rows(
        request.user, exercise, status=filters.get("status", ""), body=filters.get("body"),
        handling=filters.get("handling", ""), q=filters.get("q", ""),
        order=filters.get("order") or "time")
    page = page_of(request, rows)
    selectors.attach_bodies(page)
    return render(request, "scenarios/list.html", {
        "exercise": exercise, "page": page, "filter_form": form,
        "can_change": selectors.can_direct(request.user, exercise),
        "order": filters.get("order") or "time",
        "scenario_url": reverse("scenarios:list", args=[exercise.pk]),
    })


@login_required
def situation_detail(request, pk, sid):
    exercise = _scenario_exercise(request.user, pk)
    situation = _situation(request.user, exercise, sid)
    deliveries = situation.deliveries.select_related("body").prefetch_related("documents")
    return render(request, "scenarios/detail.html", {
        "exercise": exercise, "situation": situation, "deliveries": deliveries,
        "can_change": selectors.can_direct(request.user, exercise),
        "audit_entries": entries_for(situation)[:20],
    })


class SituationCreateView(ExerciseMixin, ServiceFormView):
    form_class = SituationForm
    title = gettext_lazy("New situation")
    success_message = gettext_lazy("Situation saved.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "exercise": self.exercise}

    def perform(self, form):
        return services.situation_create(self.exercise, acting_user=self.request.user,
                                         **form.service_data())

    @property
    def cancel_url(self):
        return reverse("scenarios:list", args=[self.exercise.pk])


class SituationEditView(SituationCreateView):
    @cached_property
    def situation(self):
        return _situation(self.request.user, self.exercise, self.kwargs["sid"], CHANGE)

    @property
    def title(self):
        return _("Edit {situation}").format(situation=self.situation.code)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.situation}

    def perform(self, form):
        return services.situation_update(self.situation, acting_user=self.request.user,
                                         expected_version=form.expected_version(),
                                         **form.service_data())


SITUATION_ACTIONS = {
    "duplicate": (lambda s, u: services.situation_duplicate(s, acting_user=u),
                  gettext_lazy("Situation duplicated.")),
    "up": (lambda s, u: services.situation_move(s, -1, acting_user=u),
           gettext_lazy("Order changed.")),
    "down": (lambda s, u: services.situation_move(s, 1, acting_user=u),
             gettext_lazy("Order changed.")),
    "hold": (lambda s, u: services.situation_hold(s, acting_user=u),
             gettext_lazy("Situation held.")),
    "skip": (lambda s, u: services.situation_skip(s, acting_user=u),
             gettext_lazy("Situation skipped.")),
    "schedule": (lambda s, u: services.situation_schedule(s, acting_user=u),
                 gettext_lazy("Situation back on the clock.")),
    "issue": (lambda s, u: services.situation_issue(s, acting_user=u),
              gettext_lazy("Situation issued.")),
    "delete": (lambda s, u: services.situation_delete(s, acting_user=u),
               gettext_lazy("Situation deleted.")),
}


@require_POST
@login_required
def situation_action(request, pk, sid):
    exercise = get_exercise(request.user, pk, CHANGE)
    situation = _situation(request.user, exercise, sid)
    entry = SITUATION_ACTIONS.get(request.POST.get("action"))
    if entry is None:
        raise Http404
    action, message = entry
    redirect_to = request.POST.get("next") or reverse("scenarios:list", args=[exercise.pk])
    if not redirect_to.startswith("/"):
        redirect_to = reverse("scenarios:list", args=[exercise.pk])
    if request.POST.get("action") == "delete":
        redirect_to = reverse("scenarios:list", args=[exercise.pk])
    return post_service_action(request, lambda: action(situation, request.user),
                               success_message=str(message), redirect_to=redirect_to)


@require_POST
@login_required
def situations_shift(request, pk):
    exercise = get_exercise(request.user, pk, CHANGE)
    redirect_to = reverse("scenarios:list", args=[exercise.pk])
    try:
        minutes = int(request.POST.get("minutes", ""))
        ids = [int(i) for i in request.POST.getlist("situations")]
    except ValueError:
        messages.error(request, _("Give the number of minutes to shift by."))
        return HttpResponseRedirect(redirect_to)
    return post_service_action(
        request, lambda: services.situations_shift(exercise, ids, minutes,
                                                   acting_user=request.user),
        success_message=_("Situations shifted."), redirect_to=redirect_to)


# --- spreadsheet -------------------------------------------------------------------------------

@login_required
def export_xlsx(request, pk):
    exercise = _scenario_exercise(request.user, pk)
    items = selectors.situation_list(request.user, exercise, order="position")
    data = spreadsheet.export(items)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = (
        f'attachment; filename="kich-ban-{exercise.code_name}.xlsx"')
    return response


@login_required
def import_upload(request, pk):
    exercise = get_exercise(request.user, pk, CHANGE)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            headers, rows = spreadsheet.read(form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            request.session[SESSION_IMPORT.format(pk=exercise.pk)] = {
                "headers": headers, "rows": rows,
                "mapping": spreadsheet.guess_mapping(headers),
                "name": form.cleaned_data["file"].name}
            return HttpResponseRedirect(reverse("scenarios:import_preview", args=[exercise.pk]))
    return render(request, "scenarios/import_upload.html", {
        "exercise": exercise, "form": form, "fields": spreadsheet.FIELDS})


@login_required
def import_preview(request, pk):
    exercise = get_exercise(request.user, pk, CHANGE)
    key = SESSION_IMPORT.format(pk=exercise.pk)
    stored = request.session.get(key)
    if not stored:
        return HttpResponseRedirect(reverse("scenarios:import", args=[exercise.pk]))
    headers, rows = stored["headers"], stored["rows"]
    initial = {k: ("" if v is None else str(v)) for k, v in stored["mapping"].items()}
    mapping_form = MappingForm(request.POST if request.POST.get("step") == "map" else None,
                               headers=headers, initial=initial)
    mapping = stored["mapping"]
    if mapping_form.is_bound and mapping_form.is_valid():
        mapping = mapping_form.mapping()
        stored["mapping"] = mapping
        request.session[key] = stored
    results = spreadsheet.check(exercise, headers, rows, mapping)
    if request.method == "POST" and request.POST.get("step") == "import":
        if request.POST.get("rows") == "all":
            numbers = [r.number for r in results]
        else:
            numbers = [int(n) for n in request.POST.getlist("row") if n.isdigit()]
        try:
            created = spreadsheet.import_rows(exercise, results, numbers,
                                              acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            del request.session[key]
            messages.success(request, _("{n} situations imported.").format(n=len(created)))
            return HttpResponseRedirect(reverse("scenarios:list", args=[exercise.pk]))
    return render(request, "scenarios/import_preview.html", {
        "exercise": exercise, "mapping_form": mapping_form, "results": results,
        "clean": all(r.ok for r in results), "problem_count": sum(len(r.problems)
                                                                   for r in results),
        "name": stored.get("name", ""), "field_keys": spreadsheet.FIELD_KEYS,
    })


# --- the director's console ---------------------------------------------------------------

@login_required
@page_cache(pagecache.LIVE, always=ticker.ensure_ticker)
def director(request, pk):
    exercise = _scenario_exercise(request.user, pk)
    state = selectors.director_state(request.user, exercise)
    return render(request, "scenarios/director.html", {
        "exercise": exercise, "state": state, "can_direct": state["can_direct"],
        "statuses": Situation.Status.choices,
    })


@login_required
@page_cache(pagecache.LIVE, always=ticker.ensure_ticker)
def director_state(request, pk):
    exercise = _scenario_exercise(request.user, pk)
    return JsonResponse(selectors.director_state(request.user, exercise))


def _parse_time(value) -> scenario_time.ScenarioTime:
    return scenario_time.parse(str(value or ""))


def _situation_arg(user, exercise, data) -> Situation:
    try:
        return selectors.situation_get(user, exercise, int(data["situation"]))
    except (KeyError, TypeError, ValueError, Situation.DoesNotExist):
        raise ValidationError(_("Unknown situation.")) from None


def _schedule(exercise, user, data):
    situation = _situation_arg(user, exercise, data)
    if data.get("at"):
        when = _parse_time(data["at"])
        return services.situation_schedule(situation, acting_user=user,
                                           scenario_minutes=when.minutes,
                                           g_relative=when.g_relative)
    return services.situation_schedule(situation, acting_user=user)


def _set_g(exercise, user, data):
    value = data.get("g")
    if not value:
        return services.clock_set_g(exercise, acting_user=user, g_minutes=None)
    when = _parse_time(value)
    if when.g_relative:
        raise ValidationError(_("Give the G hour as a time of day N, e.g. “N 07:00”."))
    return services.clock_set_g(exercise, acting_user=user, g_minutes=when.minutes)


DIRECTOR_ACTIONS = {
    "issue": lambda e, u, d: services.situation_issue(_situation_arg(u, e, d), acting_user=u),
    "hold": lambda e, u, d: services.situation_hold(_situation_arg(u, e, d), acting_user=u),
    "skip": lambda e, u, d: services.situation_skip(_situation_arg(u, e, d), acting_user=u),
    "schedule": _schedule,
    "clock_start": lambda e, u, d: services.clock_start(
        e, acting_user=u, at_minutes=_parse_time(d["at"]).minutes if d.get("at") else None),
    "clock_pause": lambda e, u, d: services.clock_pause(e, acting_user=u),
    "clock_resume": lambda e, u, d: services.clock_resume(e, acting_user=u),
    "clock_jump": lambda e, u, d: services.clock_jump(e, acting_user=u,
                                                      to_minutes=_parse_time(d.get("to")).minutes),
    "clock_speed": lambda e, u, d: services.clock_set_speed(e, acting_user=u,
                                                            speed=d.get("speed")),
    "clock_g": _set_g,
    "comm_check": lambda e, u, d: services.comm_check_send(e, acting_user=u),
}


def _json_action(request, actions, run, state):
    try:
        data = json.loads(request.body or b"{}")
        action = actions[data["action"]]
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": _("Unknown action.")}, status=400)
    try:
        run(action, data)
    except PermissionDenied as exc:
        return JsonResponse({"error": str(exc) or _("Not allowed.")}, status=403)
    except ConflictError as exc:
        return JsonResponse({"error": str(exc), "state": state()}, status=409)
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages), "state": state()}, status=409)
    return JsonResponse({"state": state()})


@require_POST
@login_required
def director_action(request, pk):
    exercise = get_exercise(request.user, pk, CHANGE)
    return _json_action(
        request, DIRECTOR_ACTIONS,
        lambda action, data: action(exercise, request.user, data),
        lambda: selectors.director_state(request.user, exercise))


# --- every body's console ---------------------------------------------------------------------

def _console_body(request, exercise, staff: bool) -> Body:
    """The body whose console is shown: the user's own; staff may pick any frame body."""
    wanted = request.GET.get("body")
    body = selectors.console_body(request.user, exercise, wanted, staff=staff)
    if body is None:
        if wanted and (staff or selectors.console_body(request.user, exercise, staff=False)):
            raise Http404
        raise PermissionDenied
    return body


def _console_state(request, exercise, body):
    state = selectors.console_state(request.user, exercise, body)
    state["my_documents"] = [
        {"id": d.pk, "title": str(d)}
        for d in selectors.own_documents(request.user, exercise, body)
    ] if state["can_respond"] else []
    return state


@login_required
@page_cache(pagecache.LIVE, always=ticker.ensure_ticker)
def console(request, pk):
    exercise = get_exercise(request.user, pk)
    staff = selectors.is_staff(request.user, exercise)
    body = _console_body(request, exercise, staff)
    return render(request, "scenarios/console.html", {
        "exercise": exercise, "body": body, "state": _console_state(request, exercise, body),
        "bodies": selectors.frame_bodies(exercise).only("id", "name", "short_name",
                                                        "sort_order") if staff else [],
        "handlings": Handling.choices,
    })


@login_required
@page_cache(pagecache.LIVE, always=ticker.ensure_ticker)
def console_state(request, pk):
    exercise = get_exercise(request.user, pk)
    body = _console_body(request, exercise, selectors.is_staff(request.user, exercise))
    return JsonResponse(_console_state(request, exercise, body))


def _visible_situation(user, exercise, data) -> Situation:
    try:
        return Situation.objects.restrict(user, VIEW, exercise=exercise).get(
            pk=int(data["situation"]))
    except (KeyError, TypeError, ValueError, Situation.DoesNotExist):
        raise PermissionDenied(_("This situation is not addressed to your body.")) from None


def _handle(exercise, user, data):
    situation = _visible_situation(user, exercise, data)
    kind = data.get("kind") or situation.handling_kind
    if kind not in Handling.values:
        raise ValidationError(_("Unknown handling."))
    try:
        ids = [int(i) for i in data.get("documents") or []]
    except (TypeError, ValueError):
        raise ValidationError(_("Unknown document.")) from None
    documents = list(Document.objects.restrict(user, VIEW).filter(pk__in=ids))
    if len(documents) != len(set(ids)):
        raise ValidationError(_("Unknown document."))
    return services.delivery_handle(situation, acting_user=user, handling_kind=kind,
                                    text=str(data.get("text", "")), documents=documents)


def _confirm(exercise, user, data):
    try:
        check = CommCheck.objects.restrict(user, VIEW, exercise=exercise).get(pk=int(data["check"]))
    except (KeyError, TypeError, ValueError, CommCheck.DoesNotExist):
        raise PermissionDenied(_("This communication check was not sent to your body.")) \
            from None
    return services.comm_check_confirm(check, acting_user=user)


CONSOLE_ACTIONS = {
    "acknowledge": lambda e, u, d: services.delivery_acknowledge(
        _visible_situation(u, e, d), acting_user=u),
    "handle": _handle,
    "confirm": _confirm,
}


@require_POST
@login_required
def console_action(request, pk):
    exercise = get_exercise(request.user, pk)
    body = _console_body(request, exercise, selectors.is_staff(request.user, exercise))
    if body.pk != request.user.body_id:
        raise PermissionDenied  # staff looking at another body's console: read-only
    return _json_action(
        request, CONSOLE_ACTIONS,
        lambda action, data: action(exercise, request.user, data),
        lambda: _console_state(request, exercise, body))
