from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dientap.core.audit import entries_for
from dientap.core.scoping import CHANGE, VIEW
from dientap.core.views import ServiceFormView
from dientap.exercises.selectors import can_change
from dientap.exercises.views import ExerciseMixin

from . import services
from .forms import ConferenceForm, HoldingForm
from .models import Conference, Holding


def get_conference(user, pk, action=VIEW) -> Conference:
    try:
        conference = (Conference.objects.restrict(user, VIEW)
                      .select_related("exercise", "body", "chair_post", "chair_post__person")
                      .get(pk=pk))
    except Conference.DoesNotExist:
        raise Http404 from None
    if action == CHANGE and not can_change(user, conference.exercise):
        raise PermissionDenied
    return conference


@login_required
def conference_detail(request, pk):
    conference = get_conference(request.user, pk)
    return render(request, "conferences/detail.html", {
        "conference": conference,
        "exercise": conference.exercise,
        "holdings": conference.holdings.select_related("round").order_by("starts_at"),
        "can_change": can_change(request.user, conference.exercise),
        "audit_entries": entries_for(conference)[:20],
    })


class ConferenceCreateView(ExerciseMixin, ServiceFormView):
    form_class = ConferenceForm
    title = gettext_lazy("New conference")
    success_message = gettext_lazy("Conference created.")

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
        services.holding_create(self.conference, acting_user=self.request.user,
                                **form.service_data())
        return self.conference


class HoldingEditView(ServiceFormView):
    form_class = HoldingForm
    success_message = gettext_lazy("Holding saved.")

    @cached_property
    def holding(self):
        try:
            holding = Holding.objects.restrict(self.request.user, VIEW).select_related(
                "conference", "conference__exercise", "round").get(pk=self.kwargs["pk"])
        except Holding.DoesNotExist:
            raise Http404 from None
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
