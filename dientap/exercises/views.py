from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from dientap.core import pagecache
from dientap.core.audit import entries_for
from dientap.core.pagecache import page_cache
from dientap.core.scoping import CHANGE, VIEW
from dientap.core.views import ServiceFormView, get_scoped, post_service_action

from . import selectors, services
from .forms import (
    CommitteeForm,
    CommitteeMemberForm,
    ExerciseForm,
    FrameParticipantForm,
    MembershipForm,
    RoundForm,
    StatusForm,
    StructureNodeForm,
)
from .models import (
    Committee,
    CommitteeMember,
    ContentItem,
    Exercise,
    FrameParticipant,
    Membership,
    Phase,
    Round,
    TrainingIssue,
)


def url_maker(name: str):
    """pk -> ``reverse(name, args=[pk])``, with one ``reverse`` for a whole list: the pages
    under an exercise link every row (a national exercise lists dozens to hundreds)."""
    marker = 987654321
    head, tail = reverse(name, args=[marker]).split(str(marker))
    return lambda pk: f"{head}{pk}{tail}"


def get_exercise(user, pk, action=VIEW) -> Exercise:
    """404 when the exercise is hidden; 403 when visible but not changeable."""
    return get_scoped(Exercise.objects.select_related("area", "area__level"), user, pk, action,
                      exercise=pk)


@login_required
def exercise_list(request):
    status = request.GET.get("status", "")
    if status not in Exercise.Status.values:
        status = ""
    exercises = selectors.exercise_list(request.user, status=status)
    return render(request, "exercises/list.html", {
        "exercises": exercises,
        "status": status,
        "statuses": Exercise.Status.choices,
        "can_create": request.user.has_perm("exercises.add_exercise"),
    })


# The overview shows each round's first conferences; the calendar lists all of them.
OVERVIEW_HOLDINGS = 5


@login_required
@page_cache(pagecache.LISTS)
def exercise_detail(request, pk):
    exercise = get_exercise(request.user, pk)
    rounds = selectors.rounds_summary(exercise, first=OVERVIEW_HOLDINGS)
    conference_url, runsheet_url, attendance_url = (url_maker(name) for name in (
        "conferences:detail", "conferences:runsheet", "conferences:attendance"))
    for holding in (h for r in rounds for h in r.first_holdings):
        holding.conference_url = conference_url(holding.conference_id)
        holding.runsheet_url = runsheet_url(holding.pk)
        holding.attendance_url = attendance_url(holding.pk)
        holding.when = (f"{date_format(localtime(holding.starts_at), 'SHORT_DATETIME_FORMAT')}"
                        f"–{localtime(holding.ends_at):%H:%M}")
    for r in rounds:  # the plurals of the rounds' rows (a Jinja template)
        r.count_label = ngettext("%(n)s conference", "%(n)s conferences",
                                 r.holding_count) % {"n": r.holding_count}
        r.held_label = ngettext("%(n)s held", "%(n)s held", r.finished_count) % {
            "n": r.finished_count}
        r.more_label = ngettext("… and %(n)s more conference: see the calendar",
                                "… and %(n)s more conferences: see the calendar",
                                r.more_count) % {"n": r.more_count}
    return render(request, "exercises/overview.html", {
        "exercise": exercise,
        "committees": selectors.committees(exercise),
        "rounds": rounds,
        "can_change": selectors.can_change(request.user, exercise),
        "my_roles": selectors.user_roles(request.user, exercise),
        "next_statuses": [Exercise.Status(s) for s in services.allowed_statuses(exercise.status)],
        "audit_entries": entries_for(exercise)[:20],
    })


@login_required
def frame(request, pk):
    exercise = get_exercise(request.user, pk)
    return render(request, "exercises/frame.html", {
        "exercise": exercise,
        "groups": selectors.frame_by_body(exercise),
        "can_change": selectors.can_change(request.user, exercise),
    })


@require_POST
@login_required
def exercise_status(request, pk):
    exercise = get_exercise(request.user, pk, CHANGE)
    form = StatusForm(request.POST)
    if not form.is_valid():
        raise Http404
    return post_service_action(
        request,
        lambda: services.exercise_change_status(
            exercise, acting_user=request.user, status=form.cleaned_data["status"],
            expected_version=form.cleaned_data.get("version"),
        ),
        success_message=_("Status changed."),
        redirect_to=exercise.get_absolute_url(),
    )


class ExerciseCreateView(ServiceFormView):
    form_class = ExerciseForm
    title = gettext_lazy("New exercise")
    success_message = gettext_lazy("Exercise created.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("exercises.add_exercise"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        return services.exercise_create(acting_user=self.request.user, **form.service_data())

    @property
    def cancel_url(self):
        return reverse("exercises:list")


class ExerciseMixin(LoginRequiredMixin):
    """Views under one exercise that change it: the user must be allowed to change it."""

    exercise_action = CHANGE

    @cached_property
    def exercise(self):
        return get_exercise(self.request.user, self.kwargs["pk"], self.exercise_action)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.exercise  # noqa: B018 - resolve access before anything else
        return super().dispatch(request, *args, **kwargs)

    @property
    def cancel_url(self):
        return self.exercise.get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(exercise=self.exercise, **kwargs)


class ExerciseEditView(ExerciseMixin, ServiceFormView):
    form_class = ExerciseForm
    success_message = gettext_lazy("Exercise saved.")

    @property
    def title(self):
        return _("Edit {name}").format(name=self.exercise.code_name)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.exercise}

    def perform(self, form):
        return services.exercise_update(self.exercise, acting_user=self.request.user,
                                        expected_version=form.expected_version(),
                                        **form.service_data())


class CommitteeCreateView(ExerciseMixin, ServiceFormView):
    form_class = CommitteeForm
    title = gettext_lazy("New committee")
    success_message = gettext_lazy("Committee created.")

    def perform(self, form):
        services.committee_create(self.exercise, acting_user=self.request.user,
                                  **form.service_data())
        return self.exercise


class CommitteeMemberCreateView(ExerciseMixin, ServiceFormView):
    form_class = CommitteeMemberForm
    success_message = gettext_lazy("Member added.")

    @cached_property
    def committee(self):
        return get_object_or_404(Committee, exercise=self.exercise, pk=self.kwargs["cid"])

    @property
    def title(self):
        return _("Add a member to {committee}").format(committee=self.committee)

    def perform(self, form):
        services.committee_member_add(self.committee, acting_user=self.request.user,
                                      **form.service_data())
        return self.exercise


@require_POST
@login_required
def committee_member_delete(request, pk, mid):
    exercise = get_exercise(request.user, pk, CHANGE)
    member = get_object_or_404(CommitteeMember, committee__exercise=exercise, pk=mid)
    return post_service_action(
        request,
        lambda: services.committee_member_remove(member, acting_user=request.user),
        success_message=_("Member removed."),
        redirect_to=exercise.get_absolute_url(),
    )


class FrameParticipantCreateView(ExerciseMixin, ServiceFormView):
    form_class = FrameParticipantForm
    title = gettext_lazy("Add to the exercise frame")
    success_message = gettext_lazy("Added to the frame.")

    def perform(self, form):
        services.frame_participant_add(self.exercise, acting_user=self.request.user,
                                       **form.service_data())
        return self.exercise

    def get_success_url(self, obj=None):
        return reverse("exercises:frame", args=[self.exercise.pk])


@require_POST
@login_required
def frame_participant_delete(request, pk, fid):
    exercise = get_exercise(request.user, pk, CHANGE)
    participant = get_object_or_404(FrameParticipant, exercise=exercise, pk=fid)
    return post_service_action(
        request,
        lambda: services.frame_participant_remove(participant, acting_user=request.user),
        success_message=_("Removed from the frame."),
        redirect_to=reverse("exercises:frame", args=[exercise.pk]),
    )


class RoundCreateView(ExerciseMixin, ServiceFormView):
    form_class = RoundForm
    title = gettext_lazy("New round")
    success_message = gettext_lazy("Round created.")

    def perform(self, form):
        services.round_create(self.exercise, acting_user=self.request.user,
                              **form.service_data())
        return self.exercise


class RoundEditView(ExerciseMixin, ServiceFormView):
    form_class = RoundForm
    success_message = gettext_lazy("Round saved.")

    @cached_property
    def round(self):
        return get_object_or_404(Round, exercise=self.exercise, pk=self.kwargs["rid"])

    @property
    def title(self):
        return _("Edit {round}").format(round=self.round)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.round}

    def perform(self, form):
        services.round_update(self.round, acting_user=self.request.user,
                              expected_version=form.expected_version(), **form.service_data())
        return self.exercise


class RolesView(ExerciseMixin, ServiceFormView):
    """Who has which role in the exercise; organizers grant and revoke roles here."""

    exercise_action = VIEW
    form_class = MembershipForm
    template_name = "exercises/roles.html"
    success_message = gettext_lazy("Role granted.")

    @property
    def title(self):
        return _("Roles in {name}").format(name=self.exercise.code_name)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            memberships=self.exercise.memberships.select_related("user", "user__body")
            .order_by("role", "user__username"),
            can_change=selectors.can_change(self.request.user, self.exercise),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not selectors.can_change(request.user, self.exercise):
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        services.membership_grant(self.exercise, acting_user=self.request.user,
                                  **form.service_data())
        return self.exercise

    def get_success_url(self, obj=None):
        return reverse("exercises:roles", args=[self.exercise.pk])


@require_POST
@login_required
def membership_revoke(request, pk, mid):
    exercise = get_exercise(request.user, pk, CHANGE)
    membership = get_object_or_404(Membership, exercise=exercise, pk=mid)
    return post_service_action(
        request,
        lambda: services.membership_revoke(membership, acting_user=request.user),
        success_message=_("Role revoked."),
        redirect_to=reverse("exercises:roles", args=[exercise.pk]),
    )


# --- structure: phases → training issues → content items -----------------------------------

STRUCTURE_LEVELS = {"phase": Phase, "issue": TrainingIssue, "item": ContentItem}


def _structure_node(exercise, level, nid):
    model = STRUCTURE_LEVELS.get(level)
    if model is None:
        raise Http404
    path = {"phase": "exercise", "issue": "phase__exercise",
            "item": "issue__phase__exercise"}[level]
    return get_object_or_404(model, pk=nid, **{path: exercise})


@login_required
def structure(request, pk):
    exercise = get_exercise(request.user, pk)
    return render(request, "exercises/structure.html", {
        "exercise": exercise,
        "phases": selectors.structure_tree(exercise),
        "can_change": selectors.can_change(request.user, exercise),
    })


class StructureNodeCreateView(ExerciseMixin, ServiceFormView):
    """Add a phase to the exercise, an issue to a phase or an item to an issue."""

    form_class = StructureNodeForm
    success_message = gettext_lazy("Added.")

    @cached_property
    def parent(self):
        level = self.kwargs["level"]
        if level == "phase":
            return None
        parent_level = {"issue": "phase", "item": "issue"}.get(level)
        if parent_level is None:
            raise Http404
        return _structure_node(self.exercise, parent_level, self.kwargs["parent"])

    @property
    def title(self):
        return {"phase": _("New phase"), "issue": _("New training issue"),
                "item": _("New content item")}.get(self.kwargs["level"], "")

    def perform(self, form):
        level, data = self.kwargs["level"], form.service_data()
        if level == "phase":
            services.phase_create(self.exercise, acting_user=self.request.user, **data)
        elif level == "issue":
            services.training_issue_create(self.parent, acting_user=self.request.user, **data)
        else:
            services.content_item_create(self.parent, acting_user=self.request.user, **data)
        return self.exercise

    def get_success_url(self, obj=None):
        return reverse("exercises:structure", args=[self.exercise.pk])

    @property
    def cancel_url(self):
        return self.get_success_url()


class StructureNodeEditView(StructureNodeCreateView):
    success_message = gettext_lazy("Saved.")

    @cached_property
    def node(self):
        return _structure_node(self.exercise, self.kwargs["level"], self.kwargs["nid"])

    @property
    def title(self):
        return _("Edit {name}").format(name=self.node)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.node}

    def perform(self, form):
        services.structure_node_update(self.node, acting_user=self.request.user,
                                       expected_version=form.expected_version(),
                                       **form.service_data())
        return self.exercise


@require_POST
@login_required
def structure_node_action(request, pk, level, nid):
    exercise = get_exercise(request.user, pk, CHANGE)
    node = _structure_node(exercise, level, nid)
    action = request.POST.get("action")
    redirect_to = reverse("exercises:structure", args=[exercise.pk])
    if action in ("up", "down"):
        return post_service_action(
            request, lambda: services.structure_node_move(
                node, -1 if action == "up" else 1, acting_user=request.user),
            success_message=_("Order changed."), redirect_to=redirect_to)
    if action == "delete":
        return post_service_action(
            request, lambda: services.structure_node_delete(node, acting_user=request.user),
            success_message=_("Removed."), redirect_to=redirect_to)
    raise Http404
