"""Views parse input and call the services; reads come from the selectors (scoped)."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from dientap.conferences.models import Holding
from dientap.core import pagecache
from dientap.core.audit import entries_for
from dientap.core.pagecache import page_cache
from dientap.core.paging import page_of
from dientap.core.scoping import CHANGE, VIEW
from dientap.core.views import ServiceFormView, get_scoped, post_service_action
from dientap.documents.models import Comment, DocumentVersion
from dientap.exercises.models import Round
from dientap.exercises.selectors import can_change
from dientap.exercises.views import ExerciseMixin, get_exercise
from dientap.organizations.models import Body

from . import files, selectors, services
from .forms import (
    ActionDoneForm,
    ActionForm,
    BudgetLineForm,
    ChecklistItemForm,
    ChecklistStatusForm,
    CriterionForm,
    ObservationForm,
    ReadyForm,
    ReopenForm,
    ScoreForm,
)
from .models import (
    BudgetLine,
    ChecklistItem,
    CorrectiveAction,
    Observation,
)


def _pick(model, queryset, raw):
    """An object chosen in the query string, among those offered (else None)."""
    if not raw or not str(raw).isdigit():
        return None
    return queryset.filter(pk=int(raw)).first() if queryset is not None else (
        model.objects.filter(pk=int(raw)).first())


def _require_overseer(user, exercise):
    if not services.is_overseer(user, exercise):
        raise PermissionDenied


class OversightMixin(ExerciseMixin):
    """Pages under an exercise that everyone who sees the exercise may open (data scoped)."""

    exercise_action = VIEW


# --- observations -----------------------------------------------------------------------------

class ObserveView(OversightMixin, ServiceFormView):
    """The phone-sized quick entry: /exercises/<pk>/observe/?holding=…"""

    form_class = ObservationForm
    template_name = "oversight/observe.html"
    title = gettext_lazy("Record an observation")
    success_message = gettext_lazy("Observation recorded.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            try:
                services.require_observe(request.user, self.exercise)
            except PermissionDenied:
                raise PermissionDenied from None
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "exercise": self.exercise}
        return kwargs

    def get_initial(self):
        initial = {"kind": Observation.Kind.SHORTCOMING}
        for name in ("holding", "body", "agenda_item", "document_version"):
            raw = self.request.GET.get(name)
            if raw and raw.isdigit():
                initial[name] = int(raw)
        return initial

    def perform(self, form):
        return services.observation_create(self.exercise, acting_user=self.request.user,
                                           **form.service_data())

    def get_success_url(self, obj=None):
        url = reverse("oversight:observe", args=[self.exercise.pk])
        if obj is not None and obj.holding_id:
            url += f"?holding={obj.holding_id}"
        return url

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        holding = _pick(Holding, Holding.objects.restrict(user, exercise=self.exercise),
                        self.request.GET.get("holding"))
        ctx["holding"] = holding
        ctx["recent"] = selectors.observation_list(self.request.user, self.exercise,
                                                   holding=holding)[:5]
        ctx["can_raise"] = can_change(self.request.user, self.exercise)
        return ctx


def _observation_filters(request, exercise) -> dict:
    """The observation list's filters from the query string (the page, its pager and feed)."""
    holdings = selectors.observation_holdings(request.user, exercise)
    kind = request.GET.get("kind", "")
    if kind not in Observation.Kind.values:
        kind = ""
    return {
        "holdings": holdings,
        "holding": _pick(Holding, holdings, request.GET.get("holding")),
        "kind": kind,
        "body": _pick(Body, selectors.exercise_bodies(exercise), request.GET.get("body")),
    }


@login_required
@page_cache(pagecache.LISTS)
def observations(request, pk):
    """The exercise's observations, newest first, a page at a time (the live feed refreshes
    the first page)."""
    exercise = get_exercise(request.user, pk)
    _require_overseer(request.user, exercise)
    f = _observation_filters(request, exercise)
    page = page_of(request, selectors.observation_ids(
        request.user, exercise, holding=f["holding"], body=f["body"], kind=f["kind"]))
    # The page's rows only (one query), as the live feed gives them: no work per row left
    # to the template.
    page.object_list = [selectors.observation_row(o)
                        for o in selectors.observations_by_id(page.object_list)]
    # The live feed reloads the first page with the same filters; later pages stay as shown.
    filters = {"holding": f["holding"].pk if f["holding"] else "", "kind": f["kind"],
               "body": f["body"].pk if f["body"] else ""}
    return render(request, "oversight/observations.html", {
        "exercise": exercise, "is_overseer": True, "page": page, "holding": f["holding"],
        "kind": f["kind"], "body": f["body"], "kinds": Observation.Kind.choices,
        "holding_options": selectors.holding_options(f["holdings"]),
        "feed_query": urlencode({k: v for k, v in filters.items() if v}),
        "live": page.number == 1,
        "can_raise": can_change(request.user, exercise),
        "raise_url": reverse("oversight:action_create", args=[exercise.pk]) + "?observation=",
    })


@login_required
def observation_feed(request, pk):
    """The first page of the (filtered) observation list as JSON, for the live page."""
    exercise = get_exercise(request.user, pk)
    _require_overseer(request.user, exercise)
    f = _observation_filters(request, exercise)
    return JsonResponse({"observations": selectors.observation_feed(
        request.user, exercise, holding=f["holding"], body=f["body"], kind=f["kind"])})


@login_required
def observation_photo(request, oid):
    obs = get_scoped(Observation.objects.all(), request.user, oid)
    if not obs.photo_sha256:
        raise Http404
    return files.response(files.read(obs.photo_sha256), files.IMAGE_TYPES[obs.photo_type],
                          f"quan-sat-{obs.pk}.{obs.photo_type}")


# --- corrective actions -----------------------------------------------------------------------

@login_required
@page_cache(pagecache.LISTS)
def actions(request, pk):
    exercise = get_exercise(request.user, pk)
    bodies = selectors.exercise_bodies(exercise)
    body = _pick(Body, bodies, request.GET.get("body"))
    rnd = _pick(Round, exercise.rounds.all(), request.GET.get("round"))
    status = request.GET.get("status", "")
    overdue = request.GET.get("overdue") == "1"
    blocking = request.GET.get("blocking") == "1"
    page = page_of(request, selectors.action_rows(
        request.user, exercise, body=body, status=status, overdue=overdue, round=rnd,
        blocking=blocking))
    # The page's rows only (one query for them, one for which were raised again later), as
    # shown: no work per row left to the template.
    today, rounds = timezone.localdate(), {}
    page.object_list = [_action_row(a, today, rounds)
                        for a in selectors.flag_raised_again(page)]
    return render(request, "oversight/actions.html", {
        "exercise": exercise, "page": page, "body_options": selectors.body_options(bodies),
        "body": body,
        "round": rnd, "rounds": exercise.rounds.all(), "status": status, "overdue": overdue,
        "blocking": blocking, "statuses": CorrectiveAction.Status.choices,
        "can_change": can_change(request.user, exercise),
    })


def _action_row(a: CorrectiveAction, today, rounds: dict) -> dict:
    """One row of the corrective-action list as shown (round labels made once per round)."""
    def label(rnd):
        if rnd is None:
            return ""
        if rnd.pk not in rounds:
            rounds[rnd.pk] = str(rnd)
        return rounds[rnd.pk]

    again = a.raised_again_from
    return {
        "pk": a.pk, "status": a.status, "status_label": a.get_status_display(),
        "overdue": a.is_overdue(today), "blocking": a.blocking,
        "url": reverse("oversight:action", args=[a.pk]),
        "title": Truncator(a.title).chars(140) if len(a.title) > 140 else a.title,
        "owner": a.owner_body.short_name or a.owner_body.name,
        "round": label(a.round) or "—", "due": a.due_date.strftime("%d/%m/%Y"),
        "again_url": reverse("oversight:action", args=[again.pk]) if again else "",
        "again_round": label(again.round) if again else "",
        "raised_again_later": a.raised_again_later,
    }


class ActionCreateView(OversightMixin, ServiceFormView):
    form_class = ActionForm
    title = gettext_lazy("New corrective action")
    success_message = gettext_lazy("Corrective action raised.")
    template_name = "oversight/action_form.html"
    exercise_action = CHANGE

    @cached_property
    def source(self):
        user, get = self.request.user, self.request.GET
        return {
            "observation": _pick(Observation, selectors.observation_list(user, self.exercise),
                                 get.get("observation")),
            "comment": _pick(Comment, selectors.comments_for_actions(user, self.exercise),
                             get.get("comment")),
            "raised_again_from": _pick(CorrectiveAction, selectors.action_list(
                user, self.exercise), get.get("again")),
        }

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "exercise": self.exercise}

    def get_initial(self):
        src = self.source
        if src["observation"] is not None:
            o = src["observation"]
            body = o.body or (o.holding.conference.body if o.holding_id else None)
            if o.document_version_id:
                body = o.document_version.document.owner_body
            return {"title": o.text, "owner_body": body, "round": o.round}
        if src["comment"] is not None:
            c = src["comment"]
            return {"title": c.text, "owner_body": c.document.owner_body}
        if src["raised_again_from"] is not None:
            a = src["raised_again_from"]
            return {"title": a.title, "owner_body": a.owner_body, "blocking": a.blocking,
                    "description": a.description}
        return {}

    def perform(self, form):
        return services.action_create(self.exercise, acting_user=self.request.user,
                                      **form.service_data(), **self.source)

    def get_context_data(self, **kwargs):
        return super().get_context_data(source=self.source, **kwargs)


class ActionEditView(ServiceFormView):
    form_class = ActionForm
    success_message = gettext_lazy("Corrective action saved.")
    template_name = "oversight/action_form.html"

    @cached_property
    def action(self):
        action = get_scoped(selectors.action_get_qs(), self.request.user, self.kwargs["aid"])
        if not can_change(self.request.user, action.exercise):
            raise PermissionDenied
        return action

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.action  # noqa: B018
        return super().dispatch(request, *args, **kwargs)

    @property
    def title(self):
        return _("Edit the corrective action")

    @property
    def cancel_url(self):
        return self.action.get_absolute_url()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "exercise": self.action.exercise,
                "instance": self.action}

    def perform(self, form):
        return services.action_update(self.action, acting_user=self.request.user,
                                      expected_version=form.expected_version(),
                                      **form.service_data())

    def get_context_data(self, **kwargs):
        return super().get_context_data(exercise=self.action.exercise, **kwargs)


@login_required
def action_detail(request, aid):
    action = get_scoped(selectors.action_get_qs(), request.user, aid)
    exercise = action.exercise
    user = request.user
    may_change = can_change(user, exercise)
    may_work = may_change or (user.body_id == action.owner_body_id)
    return render(request, "oversight/action.html", {
        "exercise": exercise, "action": action, "may_change": may_change, "may_work": may_work,
        "overdue": action.is_overdue(),
        "done_form": ActionDoneForm(user=user, exercise=exercise,
                                    initial={"version": action.version}),
        "reopen_form": ReopenForm(initial={"version": action.version}),
        # Linked objects are shown only to who may see them (classified documents).
        "show_observation": selectors.visible(user, Observation, action.observation_id),
        "show_comment": selectors.visible(user, Comment, action.comment_id),
        "show_version": selectors.visible(user, DocumentVersion, action.fixed_by_version_id),
        "again": selectors.action_list(user, exercise).filter(raised_again_from=action),
        "audit_entries": entries_for(action)[:20] if may_change else [],
    })


@require_POST
@login_required
def action_step(request, aid, step):
    action = get_scoped(selectors.action_get_qs(), request.user, aid)
    user = request.user
    version = request.POST.get("version") or None
    if step == "start":
        run = lambda: services.action_start(action, acting_user=user,  # noqa: E731
                                            expected_version=version)
        message = _("Marked in progress.")
    elif step == "done":
        form = ActionDoneForm(request.POST, user=user, exercise=action.exercise)
        if not form.is_valid():
            raise Http404
        data = form.cleaned_data
        run = lambda: services.action_done(  # noqa: E731
            action, acting_user=user, expected_version=data.get("version"),
            note=data["note"], fixed_by_version=data["fixed_by_version"],
            fixed_by_holding=data["fixed_by_holding"])
        message = _("Marked done.")
    elif step == "verify":
        run = lambda: services.action_verify(action, acting_user=user,  # noqa: E731
                                             expected_version=version)
        message = _("Verified.")
    elif step == "reopen":
        run = lambda: services.action_reopen(  # noqa: E731
            action, acting_user=user, reason=request.POST.get("reason", ""),
            expected_version=version)
        message = _("Reopened.")
    else:
        raise Http404
    return post_service_action(request, run, success_message=message,
                               redirect_to=action.get_absolute_url())


# --- follow-up: rounds ------------------------------------------------------------------------

@login_required
def follow_up(request, pk):
    exercise = get_exercise(request.user, pk)
    round_list = selectors.rounds(exercise)
    raw = request.GET.get("round", "")
    rnd = next((r for r in round_list if str(r.pk) == raw), round_list[0] if round_list else None)
    next_round = None
    if rnd is not None:
        later = [r for r in round_list if r.start_date > rnd.start_date]
        next_round = later[0] if later else None
    report = selectors.round_over_round(request.user, exercise, rnd, next_round) if rnd else None
    return render(request, "oversight/follow_up.html", {
        "exercise": exercise, "rounds": round_list, "round": rnd, "report": report,
        "readiness": rnd.readiness if rnd and selectors.has_readiness(rnd) else None,
        "blocking_open": selectors.blocking_open(exercise, rnd) if rnd else 0,
        "can_change": can_change(request.user, exercise), "ready_form": ReadyForm(),
    })


@require_POST
@login_required
def round_ready(request, pk, rid):
    exercise = get_exercise(request.user, pk, CHANGE)
    rnd = get_scoped(Round.objects.filter(exercise=exercise), request.user, rid)
    form = ReadyForm(request.POST)
    form.is_valid()
    return post_service_action(
        request, lambda: services.round_mark_ready(
            rnd, request.user, override_reason=form.cleaned_data.get("override_reason")),
        success_message=_("The round is marked ready for the next round."),
        redirect_to=reverse("oversight:follow_up", args=[exercise.pk]) + f"?round={rnd.pk}")


# --- evaluation -------------------------------------------------------------------------------

@login_required
def evaluation(request, pk):
    exercise = get_exercise(request.user, pk)
    _require_overseer(request.user, exercise)
    criteria = list(selectors.criteria(request.user, exercise))
    agg = selectors.aggregates(request.user, exercise)
    bodies = list(Body.objects.filter(pk__in=[r["body_id"] for r in agg["by_body"]])
                  .order_by("sort_order", "name"))
    matrix = [{"criterion": c, "cells": [agg["cells"].get((c.pk, b.pk)) for b in bodies]}
              for c in criteria]
    rounds = {r.pk: r for r in exercise.rounds.all()}
    for r in agg["by_round"]:
        r["round"] = rounds.get(r["round_id"])
    return render(request, "oversight/evaluation.html", {
        "exercise": exercise, "criteria": criteria, "agg": agg, "bodies": bodies,
        "matrix": matrix, "scores": selectors.score_list(request.user, exercise),
        "scales": selectors.scales(request.user, exercise),
        "can_change": can_change(request.user, exercise),
        "can_score": services.is_overseer(request.user, exercise) and _may_observe(
            request.user, exercise),
    })


def _may_observe(user, exercise) -> bool:
    try:
        services.require_observe(user, exercise)
    except PermissionDenied:
        return False
    return True


@require_POST
@login_required
def criteria_seed(request, pk):
    exercise = get_exercise(request.user, pk, CHANGE)
    return post_service_action(
        request, lambda: services.criteria_seed_defaults(exercise, acting_user=request.user),
        success_message=_("The default criteria and scales are in place."),
        redirect_to=reverse("oversight:evaluation", args=[exercise.pk]))


class CriterionCreateView(OversightMixin, ServiceFormView):
    form_class = CriterionForm
    exercise_action = CHANGE
    title = gettext_lazy("New criterion")
    success_message = gettext_lazy("Criterion added.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "exercise": self.exercise}

    def perform(self, form):
        return services.criterion_create(self.exercise, acting_user=self.request.user,
                                         **form.service_data())

    def get_success_url(self, obj=None):
        return reverse("oversight:evaluation", args=[self.exercise.pk])


class ScoreView(OversightMixin, ServiceFormView):
    form_class = ScoreForm
    title = gettext_lazy("Score a criterion")
    success_message = gettext_lazy("Score saved.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not _may_observe(request.user, self.exercise):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "exercise": self.exercise}

    def get_initial(self):
        return {k: self.request.GET[k] for k in ("criterion", "round", "body", "holding")
                if self.request.GET.get(k, "").isdigit()}

    def perform(self, form):
        data = dict(form.cleaned_data)
        criterion = data.pop("criterion")
        return services.score_set(criterion, acting_user=self.request.user, **data)

    def get_success_url(self, obj=None):
        return reverse("oversight:evaluation", args=[self.exercise.pk])


# --- preparation checks and budget ------------------------------------------------------------

@login_required
def checks(request, pk):
    exercise = get_exercise(request.user, pk)
    bodies = selectors.exercise_bodies(exercise)
    body = _pick(Body, bodies, request.GET.get("body"))
    category = request.GET.get("category", "")
    if category not in ChecklistItem.Category.values:
        category = ""
    items = list(selectors.checklist(request.user, exercise, body=body, category=category))
    today = timezone.localdate()
    groups: dict[str, dict] = {}
    for item in items:
        item.overdue = item.is_overdue(today)
        group = groups.setdefault(item.category, {
            "label": item.get_category_display(), "items": [], "ready": 0})
        group["items"].append(item)
        group["ready"] += item.status == ChecklistItem.Status.READY
    return render(request, "oversight/checks.html", {
        "exercise": exercise, "groups": list(groups.values()), "body": body, "bodies": bodies,
        "category": category, "categories": ChecklistItem.Category.choices,
        "budget": selectors.budget(request.user, exercise, body=body),
        "can_change": can_change(request.user, exercise), "user_body": request.user.body_id,
    })


class ChecklistItemCreateView(OversightMixin, ServiceFormView):
    form_class = ChecklistItemForm
    exercise_action = CHANGE
    title = gettext_lazy("New checklist item")
    success_message = gettext_lazy("Checklist item added.")
    template_name = "oversight/upload_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "exercise": self.exercise}

    def perform(self, form):
        return services.checklist_item_create(self.exercise, acting_user=self.request.user,
                                              **form.service_data())

    def get_success_url(self, obj=None):
        return reverse("oversight:checks", args=[self.exercise.pk])


class ChecklistItemEditView(ServiceFormView):
    success_message = gettext_lazy("Checklist item saved.")
    template_name = "oversight/upload_form.html"

    @cached_property
    def item(self):
        return get_scoped(ChecklistItem.objects.select_related("exercise", "exercise__area"),
                          self.request.user, self.kwargs["iid"], CHANGE)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.item  # noqa: B018
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):
        if can_change(self.request.user, self.item.exercise):
            return ChecklistItemForm
        return ChecklistStatusForm

    @property
    def title(self):
        return _("Edit {name}").format(name=self.item)

    @property
    def cancel_url(self):
        return reverse("oversight:checks", args=[self.item.exercise_id])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "exercise": self.item.exercise,
                "instance": self.item}

    def perform(self, form):
        return services.checklist_item_update(self.item, acting_user=self.request.user,
                                              expected_version=form.expected_version(),
                                              **form.service_data())

    def get_success_url(self, obj=None):
        return self.cancel_url

    def get_context_data(self, **kwargs):
        return super().get_context_data(exercise=self.item.exercise, **kwargs)


@login_required
def checklist_evidence(request, iid):
    item = get_scoped(ChecklistItem.objects.all(), request.user, iid)
    if not item.evidence_sha256:
        raise Http404
    return files.response(files.read(item.evidence_sha256),
                          files.EVIDENCE_TYPES[item.evidence_type],
                          f"minh-chung-{item.pk}.{item.evidence_type}")


class BudgetLineCreateView(OversightMixin, ServiceFormView):
    form_class = BudgetLineForm
    exercise_action = CHANGE
    title = gettext_lazy("New budget line")
    success_message = gettext_lazy("Budget line added.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "exercise": self.exercise}

    def perform(self, form):
        return services.budget_line_create(self.exercise, acting_user=self.request.user,
                                           **form.service_data())

    def get_success_url(self, obj=None):
        return reverse("oversight:checks", args=[self.exercise.pk]) + "#budget"


class BudgetLineEditView(ServiceFormView):
    form_class = BudgetLineForm
    success_message = gettext_lazy("Budget line saved.")

    @cached_property
    def line(self):
        line = get_scoped(BudgetLine.objects.select_related("exercise", "exercise__area"),
                          self.request.user, self.kwargs["lid"], CHANGE)
        if not can_change(self.request.user, line.exercise):
            raise PermissionDenied
        return line

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.line  # noqa: B018
        return super().dispatch(request, *args, **kwargs)

    @property
    def title(self):
        return _("Edit {name}").format(name=self.line)

    @property
    def cancel_url(self):
        return reverse("oversight:checks", args=[self.line.exercise_id]) + "#budget"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "exercise": self.line.exercise,
                "instance": self.line}

    def perform(self, form):
        return services.budget_line_update(self.line, acting_user=self.request.user,
                                           expected_version=form.expected_version(),
                                           **form.service_data())

    def get_success_url(self, obj=None):
        return self.cancel_url


# --- dashboard --------------------------------------------------------------------------------

@login_required
@page_cache(pagecache.LISTS)
def dashboard(request, pk):
    exercise = get_exercise(request.user, pk)
    data = selectors.dashboard(request.user, exercise)
    first_round = data["over_time"][0]["round"] if data["over_time"] else None
    # The addresses the readiness table links every row to, reversed once (not per row).
    urls = {
        "register": reverse("documents:register", args=[exercise.pk]),
        "checks": reverse("oversight:checks", args=[exercise.pk]),
        "actions": reverse("oversight:actions", args=[exercise.pk]),
        "gaps": reverse("conferences:round_gaps", args=[exercise.pk, first_round.pk])
        if first_round else "",
    }
    # The rows of the readiness table and of the age chart (Jinja templates) get their plural here.
    for row, n in [(r, r["actions_overdue"]) for r in data["readiness"]] + [
            (b, b["overdue"]) for b in data["age"]]:
        if n:
            row["overdue_label"] = ngettext("%(n)s past the due date", "%(n)s past the due date",
                                            n) % {"n": n}
    return render(request, "oversight/dashboard.html", {
        "exercise": exercise, **data, "first_round": first_round, "urls": urls,
    })


@login_required
def region(request):
    if not request.user.is_superuser and not request.user.inspected_area_id:
        raise PermissionDenied
    return render(request, "oversight/region.html", {
        "columns": selectors.region(request.user),
        "area": request.user.inspected_area,
    })
