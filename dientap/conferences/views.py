import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dientap.core.audit import entries_for
from dientap.core.scoping import CHANGE, VIEW
from dientap.core.services import ConflictError
from dientap.core.views import ServiceFormView, get_scoped, post_service_action
from dientap.exercises.models import Round
from dientap.exercises.selectors import can_change
from dientap.exercises.views import ExerciseMixin, get_exercise

from . import selectors, services
from .forms import AgendaItemForm, AttendanceForm, CompositionEntryForm, ConferenceForm, HoldingForm
from .models import AgendaItem, CompositionEntry, Conference, Holding


def get_conference(user, pk, action=VIEW) -> Conference:
    return get_scoped(selectors.conference_with_details_qs(), user, pk, action)


def get_holding(user, pk) -> Holding:
    return get_scoped(Holding.objects.select_related(
        "round", "conference", "conference__exercise", "conference__body",
        "conference__chair_post", "conference__chair_post__person",
        "conference__secretary_post", "conference__secretary_post__person"), user, pk)


@login_required
def conference_detail(request, pk):
    conference = get_conference(request.user, pk)
    holdings = list(selectors.holdings_for_conference(conference))
    return render(request, "conferences/detail.html", {
        "conference": conference,
        "exercise": conference.exercise,
        "agenda": selectors.agenda(conference),
        "composition": selectors.composition(conference),
        "holdings": [(h, selectors.holding_warnings(h)) for h in holdings],
        "can_change": can_change(request.user, conference.exercise),
        "audit_entries": entries_for(conference)[:20],
    })


class ConferenceCreateView(ExerciseMixin, ServiceFormView):
    form_class = ConferenceForm
    title = gettext_lazy("New conference")
    success_message = gettext_lazy("Conference created.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "exercise": self.exercise}

    def perform(self, form):
        return services.conference_create(self.exercise, acting_user=self.request.user,
                                          **form.service_data())


class ConferenceMixin(LoginRequiredMixin):
    @cached_property
    def conference(self):
        return get_conference(self.request.user, self.kwargs["pk"], CHANGE)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.conference  # noqa: B018 - resolve access first
        return super().dispatch(request, *args, **kwargs)

    @property
    def cancel_url(self):
        return self.conference.get_absolute_url()

    def get_success_url(self, obj=None):
        return self.conference.get_absolute_url()


class ConferenceEditView(ConferenceMixin, ServiceFormView):
    form_class = ConferenceForm
    success_message = gettext_lazy("Conference saved.")

    @property
    def title(self):
        return _("Edit {name}").format(name=self.conference)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.conference}

    def perform(self, form):
        return services.conference_update(self.conference, acting_user=self.request.user,
                                          expected_version=form.expected_version(),
                                          **form.service_data())


class HoldingCreateView(ConferenceMixin, ServiceFormView):
    form_class = HoldingForm
    success_message = gettext_lazy("Holding scheduled.")

    @property
    def title(self):
        return _("Schedule {name} in a round").format(name=self.conference)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "exercise": self.conference.exercise}

    def perform(self, form):
        return services.holding_create(self.conference, acting_user=self.request.user,
                                       **form.service_data())


class HoldingEditView(ServiceFormView):
    form_class = HoldingForm
    success_message = gettext_lazy("Holding saved.")

    @cached_property
    def holding(self):
        holding = get_holding(self.request.user, self.kwargs["pk"])
        if not can_change(self.request.user, holding.conference.exercise):
            raise PermissionDenied
        return holding

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.holding  # noqa: B018
        return super().dispatch(request, *args, **kwargs)

    @property
    def title(self):
        return _("Edit {name}").format(name=self.holding)

    @property
    def cancel_url(self):
        return self.holding.conference.get_absolute_url()

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.holding,
                "exercise": self.holding.conference.exercise}

    def perform(self, form):
        services.holding_update(self.holding, acting_user=self.request.user,
                                expected_version=form.expected_version(), **form.service_data())
        return self.holding.conference


# --- agenda -------------------------------------------------------------------------------------


class AgendaItemCreateView(ConferenceMixin, ServiceFormView):
    form_class = AgendaItemForm
    success_message = gettext_lazy("Agenda item added.")

    @property
    def title(self):
        return _("Add an agenda item to {name}").format(name=self.conference)

    def perform(self, form):
        return services.agenda_item_create(self.conference, acting_user=self.request.user,
                                           **form.service_data())


class AgendaItemEditView(ConferenceMixin, ServiceFormView):
    form_class = AgendaItemForm
    success_message = gettext_lazy("Agenda item saved.")

    @cached_property
    def item(self):
        return get_object_or_404(AgendaItem, conference=self.conference, pk=self.kwargs["iid"])

    @property
    def title(self):
        return _("Edit agenda item {position}").format(position=self.item.position)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.item}

    def perform(self, form):
        return services.agenda_item_update(self.item, acting_user=self.request.user,
                                           expected_version=form.expected_version(),
                                           **form.service_data())


@require_POST
@login_required
def agenda_item_delete(request, pk, iid):
    conference = get_conference(request.user, pk, CHANGE)
    item = get_object_or_404(AgendaItem, conference=conference, pk=iid)
    return post_service_action(
        request, lambda: services.agenda_item_delete(item, acting_user=request.user),
        success_message=_("Agenda item removed."), redirect_to=conference.get_absolute_url())


@require_POST
@login_required
def agenda_item_move(request, pk, iid):
    conference = get_conference(request.user, pk, CHANGE)
    item = get_object_or_404(AgendaItem, conference=conference, pk=iid)
    delta = -1 if request.POST.get("direction") == "up" else 1
    return post_service_action(
        request, lambda: services.agenda_item_move(item, delta, acting_user=request.user),
        success_message=_("Order changed."),
        redirect_to=conference.get_absolute_url() + "#agenda")


@require_POST
@login_required
def agenda_reorder(request, pk):
    """Drag and drop: the page posts the new order of all item ids (JSON)."""
    conference = get_conference(request.user, pk, CHANGE)
    try:
        order = json.loads(request.body or b"{}").get("order", [])
    except (ValueError, AttributeError):
        return JsonResponse({"error": _("The new order is not valid.")}, status=400)
    try:
        services.agenda_reorder(conference, order, acting_user=request.user)
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=409)
    return JsonResponse({"order": list(conference.agenda.values_list("pk", flat=True))})


# --- composition ----------------------------------------------------------------------------------


class CompositionEntryCreateView(ConferenceMixin, ServiceFormView):
    form_class = CompositionEntryForm
    success_message = gettext_lazy("Seat added to the composition.")

    @property
    def title(self):
        return _("Add to the prescribed composition of {name}").format(name=self.conference)

    def perform(self, form):
        data = form.service_data()
        if data.get("position") is None:
            data.pop("position", None)
        return services.composition_entry_create(self.conference, acting_user=self.request.user,
                                                 **data)


class CompositionEntryEditView(ConferenceMixin, ServiceFormView):
    form_class = CompositionEntryForm
    success_message = gettext_lazy("Seat saved.")

    @cached_property
    def entry(self):
        return get_object_or_404(CompositionEntry, conference=self.conference,
                                 pk=self.kwargs["eid"])

    @property
    def title(self):
        return _("Edit {name}").format(name=self.entry)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.entry}

    def perform(self, form):
        data = form.service_data()
        if data.get("position") is None:
            data.pop("position", None)
        return services.composition_entry_update(self.entry, acting_user=self.request.user,
                                                 expected_version=form.expected_version(),
                                                 **data)


@require_POST
@login_required
def composition_entry_delete(request, pk, eid):
    conference = get_conference(request.user, pk, CHANGE)
    entry = get_object_or_404(CompositionEntry, conference=conference, pk=eid)
    return post_service_action(
        request, lambda: services.composition_entry_delete(entry, acting_user=request.user),
        success_message=_("Seat removed."),
        redirect_to=conference.get_absolute_url() + "#composition")


# --- a holding: run sheet, attendance, gaps ------------------------------------------------------


@login_required
def runsheet(request, pk):
    holding = get_holding(request.user, pk)
    return render(request, "conferences/runsheet.html", {
        "holding": holding,
        "conference": holding.conference,
        "exercise": holding.conference.exercise,
        "state": selectors.runsheet_state(holding),
        "can_operate": selectors.can_operate(request.user, holding),
        "warnings": selectors.holding_warnings(holding),
        "gaps": selectors.gap_report(holding),
    })


@login_required
def runsheet_state(request, pk):
    """The run sheet as JSON (what the page renders; used after a reconnect)."""
    holding = get_holding(request.user, pk)
    return JsonResponse(selectors.runsheet_state(holding))


RUN_ACTIONS = {
    "start": lambda h, item, user, data: services.holding_start(h, acting_user=user),
    "finish": lambda h, item, user, data: services.holding_finish(h, acting_user=user),
    "item_start": lambda h, item, user, data: services.agenda_item_start(h, item,
                                                                         acting_user=user),
    "item_done": lambda h, item, user, data: services.agenda_item_done(h, item,
                                                                       acting_user=user),
    "item_note": lambda h, item, user, data: services.agenda_item_note(
        h, item, acting_user=user, decision=str(data.get("decision", "")),
        expected_version=data.get("version")),
}


@require_POST
@login_required
def runsheet_action(request, pk):
    """A step taken on the run sheet (JSON in, the new run-sheet state out)."""
    holding = get_holding(request.user, pk)
    try:
        data = json.loads(request.body or b"{}")
        action = RUN_ACTIONS[data["action"]]
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": _("Unknown action.")}, status=400)
    item = None
    if "item" in data:
        item = AgendaItem.objects.filter(conference=holding.conference, pk=data["item"]).first()
        if item is None:
            return JsonResponse({"error": _("Unknown agenda item.")}, status=400)
    try:
        action(holding, item, request.user, data)
    except PermissionDenied as exc:
        return JsonResponse({"error": str(exc) or _("Not allowed.")}, status=403)
    except ConflictError as exc:
        holding.refresh_from_db()
        return JsonResponse({"error": str(exc), "state": selectors.runsheet_state(holding)},
                            status=409)
    except ValidationError as exc:
        holding.refresh_from_db()
        return JsonResponse({"error": " ".join(exc.messages),
                             "state": selectors.runsheet_state(holding)}, status=409)
    holding.refresh_from_db()
    return JsonResponse({"state": selectors.runsheet_state(holding)})


@login_required
def attendance(request, pk):
    """The tablet checklist: one small form per seat, each saved on its own."""
    holding = get_holding(request.user, pk)
    can_operate = selectors.can_operate(request.user, holding)
    failed_entry, failed_form = None, None
    if request.method == "POST":
        if not can_operate:
            raise PermissionDenied
        entry = get_object_or_404(CompositionEntry, conference=holding.conference,
                                  pk=request.POST.get("entry"))
        record = holding.attendance.filter(entry=entry).first()
        form = AttendanceForm(request.POST, prefix=f"e{entry.pk}", user=request.user,
                              instance=record or _new_attendance(holding, entry))
        if form.is_valid():
            try:
                services.attendance_set(holding, entry, acting_user=request.user,
                                        expected_version=form.expected_version(),
                                        **form.service_data())
            except ConflictError as exc:
                current = holding.attendance.filter(entry=entry).first()
                form.add_error(None, _("{message} Now recorded: {current}.").format(
                    message=exc, current=current.get_status_display() if current else "—"))
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Attendance saved: {seat}.").format(seat=entry))
                return HttpResponseRedirect(
                    reverse("conferences:attendance", args=[holding.pk]) + f"#seat-{entry.pk}")
        failed_entry, failed_form = entry.pk, form
    rows = []
    for row in selectors.attendance_rows(holding):
        entry, record = row["entry"], row["record"]
        if entry.pk == failed_entry:
            form = failed_form
        else:
            form = AttendanceForm(prefix=f"e{entry.pk}", user=request.user,
                                  instance=record or _new_attendance(holding, entry))
        rows.append({"entry": entry, "record": record, "form": form})
    return render(request, "conferences/attendance.html", {
        "holding": holding, "conference": holding.conference,
        "exercise": holding.conference.exercise, "rows": rows, "can_operate": can_operate,
        "gaps": selectors.gap_report(holding),
    }, status=200 if failed_form is None else 409)


def _new_attendance(holding, entry):
    from .models import Attendance

    return Attendance(holding=holding, entry=entry)


@login_required
def round_gaps(request, pk, rid):
    exercise = get_exercise(request.user, pk)
    rnd = get_object_or_404(Round, exercise=exercise, pk=rid)
    return render(request, "conferences/round_gaps.html", {
        "exercise": exercise, "round": rnd,
        "reports": selectors.round_gap_report(request.user, rnd),
    })
