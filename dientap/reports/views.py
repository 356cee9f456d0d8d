"""Views parse input and call the services; reads come from the selectors (scoped)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dientap.core.scoping import CHANGE, VIEW
from dientap.core.views import ServiceFormView, post_service_action
from dientap.exercises.selectors import can_change
from dientap.exercises.views import ExerciseMixin, get_exercise

from . import selectors, services
from .forms import ReportCreateForm, ReportForm
from .models import SECTIONS

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
def report_list(request, pk):
    exercise = get_exercise(request.user, pk)
    return render(request, "reports/list.html", {
        "exercise": exercise, "reports": selectors.report_list(request.user, exercise),
        "can_change": can_change(request.user, exercise),
    })


class ReportCreateView(ExerciseMixin, ServiceFormView):
    form_class = ReportCreateForm
    template_name = "reports/create.html"
    title = gettext_lazy("New report")
    success_message = gettext_lazy("Report generated from the data: review and edit it.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "exercise": self.exercise}

    def perform(self, form):
        data = form.cleaned_data
        return services.report_create(
            self.exercise, data["kind"], data.get("round"), acting_user=self.request.user,
            unclassified=data["unclassified"], title=data["title"])

    @property
    def cancel_url(self):
        return reverse("reports:list", args=[self.exercise.pk])


class ReportMixin(ExerciseMixin):
    @cached_property
    def report(self):
        return selectors.report_get(self.request.user, self.exercise, self.kwargs["rid"],
                                    CHANGE)


class ReportEditView(ReportMixin, ServiceFormView):
    form_class = ReportForm
    template_name = "reports/edit.html"
    success_message = gettext_lazy("Report saved.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.report  # noqa: B018 - resolve access before anything else
        return super().dispatch(request, *args, **kwargs)

    @property
    def title(self):
        return self.report.title

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.report}

    def perform(self, form):
        return services.report_update(self.report, acting_user=self.request.user,
                                      expected_version=form.expected_version(),
                                      **form.service_data())

    @property
    def cancel_url(self):
        return reverse("reports:list", args=[self.exercise.pk])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        form = ctx["form"]
        ctx.update(report=self.report, sections=[form[name] for name in SECTIONS],
                   other_fields=[form[name] for name in form.fields
                                 if name not in SECTIONS and name != "version"])
        return ctx


@login_required
@require_POST
def regenerate(request, pk, rid):
    exercise = get_exercise(request.user, pk, CHANGE)
    report = selectors.report_get(request.user, exercise, rid, CHANGE)
    section = request.POST.get("section", "")
    url = report.get_absolute_url() + (f"#section-{section}" if section in SECTIONS else "")
    return post_service_action(
        request, lambda: services.report_regenerate_section(
            report, section, acting_user=request.user,
            expected_version=request.POST.get("version") or None),
        success_message=_("The section was written again from the current data."),
        redirect_to=url)


@login_required
def download(request, pk, rid, fmt):
    if fmt not in ("docx", "pdf"):
        raise Http404
    exercise = get_exercise(request.user, pk)
    report = selectors.report_get(request.user, exercise, rid, VIEW)
    try:
        if fmt == "pdf":
            data, name = services.export_pdf(report, acting_user=request.user)
            content_type = "application/pdf"
        else:
            data, name = services.export_docx(report, acting_user=request.user)
            content_type = DOCX
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(reverse("reports:list", args=[exercise.pk]))
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Content-Type-Options"] = "nosniff"
    if report.is_classified or services.secrecy_level(report):
        response["Cache-Control"] = "no-store, private"
    return response



@login_required
@require_POST
def register(request, pk, rid):
    exercise = get_exercise(request.user, pk, CHANGE)
    report = selectors.report_get(request.user, exercise, rid, CHANGE)
    try:
        document = services.report_register(report, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(report.get_absolute_url())
    messages.success(request, _("The report is in the document register."))
    return HttpResponseRedirect(document.get_absolute_url())
