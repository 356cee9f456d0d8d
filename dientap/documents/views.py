import csv
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Value
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.html import format_html_join
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from dientap.conferences.models import Conference
from dientap.core import pagecache
from dientap.core.pagecache import page_cache
from dientap.core.paging import page_of
from dientap.core.scoping import CHANGE, VIEW
from dientap.core.views import ServiceFormView, post_service_action
from dientap.exercises import selectors as exercise_selectors
from dientap.exercises.models import Round
from dientap.exercises.views import ExerciseMixin, get_exercise, url_maker
from dientap.organizations.models import Body

from . import selectors, services
from .forms import (
    AnswerForm,
    CommentForm,
    DocumentForm,
    IssueForm,
    SeedForm,
    StatusForm,
    UploadForm,
    WriteForm,
)
from .models import Comment, DocType, Document, DocumentVersion


def get_document(user, pk, action=VIEW) -> Document:
    """404 when the document is hidden or missing; 403 when visible but not changeable."""
    try:
        document = selectors.document_get(user, pk, VIEW)
    except Document.DoesNotExist:
        raise Http404 from None
    if action == CHANGE and not selectors.can_change(user, document):
        raise PermissionDenied
    return document


def get_version(user, pk) -> DocumentVersion:
    try:
        return (DocumentVersion.objects.restrict(user, VIEW)
                .select_related("document", "document__exercise", "document__owner_body",
                                "author")
                .get(pk=pk))
    except DocumentVersion.DoesNotExist:
        raise Http404 from None


def get_comment(user, pk) -> Comment:
    try:
        return (Comment.objects.restrict(user, VIEW)
                .select_related("document", "document__exercise").get(pk=pk))
    except Comment.DoesNotExist:
        raise Http404 from None


def _choice(model, qs, raw):
    """An object of the (already restricted) queryset from a GET parameter, or None."""
    if not raw or not str(raw).isdigit():
        return None
    return qs.filter(pk=raw).first()


def _attachment(data: bytes, name: str, content_type: str, *, private: bool) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Content-Type-Options"] = "nosniff"
    if private:
        response["Cache-Control"] = "no-store, private"
    return response


# ---- the register ------------------------------------------------------------------------

# The columns a register row shows (the rows are wide: the signature block, the issuer …).
REGISTER_PAGE_FIELDS = (
    "title", "doc_type", "status", "due_date", "classification", "urgency", "number",
    "format_family", "issuer_code", "owner_body__name", "owner_body__short_name",
    "drafter__full_name",
)


def _register_page_rows(documents) -> list[Document]:
    """The documents of one register page, with what their row shows computed once (labels
    from one dict, links without a ``reverse`` each)."""
    today = timezone.localdate()
    types = {value: str(label) for value, label in DocType.choices}
    statuses = {value: str(label) for value, label in Document.Status.choices}
    document_url, conference_url = url_maker("documents:detail"), url_maker(
        "conferences:detail")
    rows = list(documents)
    conferences = selectors.conferences_of([d.pk for d in rows])
    for d in rows:
        d.overdue = selectors.is_overdue(d, today)
        d.url = document_url(d.pk)
        d.type_label = types.get(d.doc_type, d.doc_type)
        d.status_label = statuses.get(d.status, d.status)
        d.due_label = date_format(d.due_date, "SHORT_DATE_FORMAT") if d.due_date else ""
        d.conference_links = [(conference_url(pk), _truncate(title, 60))
                              for pk, title in conferences.get(d.pk, ())]
        n = d.open_comment_count
        d.open_comments_label = ngettext(
            "%(n)s open comment", "%(n)s open comments", n) % {"n": n} if n else ""
    return rows


def _truncate(text: str, length: int) -> str:
    """As the ``truncatechars`` filter, without its per-character work (a title is plain)."""
    return text if len(text) <= length else text[:length - 1] + "…"


# A body's name as str(body) gives it: the short name when it has one.
BODY_LABEL = Coalesce(NullIf("short_name", Value("")), "name")


def _options(qs, selected, label="name", length=70):
    """(pk, label, selected) of a filter's choices: plain tuples, no model per option."""
    chosen = selected.pk if selected is not None else None
    return [(pk, _truncate(text, length), pk == chosen)
            for pk, text in qs.values_list("pk", label)]


@login_required
@page_cache(pagecache.LISTS)
def register(request, pk):
    """The register, a page at a time (filters kept across pages; the .xlsx holds it all)."""
    exercise = get_exercise(request.user, pk)
    status = request.GET.get("status", "")
    if status not in Document.Status.values:
        status = ""
    bodies = Body.objects.restrict(request.user, VIEW).filter(
        pk__in=Document.objects.filter(exercise=exercise).values("owner_body_id"))
    conferences = Conference.objects.restrict(request.user, VIEW, exercise=exercise)
    body = _choice(Body, bodies, request.GET.get("body"))
    conference = _choice(Conference, conferences, request.GET.get("conference"))
    page = page_of(request, selectors.document_list(
        request.user, exercise, status=status, body=body, conference=conference,
        q=request.GET.get("q", "").strip()).only(*REGISTER_PAGE_FIELDS).prefetch_related(None))
    return render(request, "documents/register.html", {
        "exercise": exercise, "page": page,
        "rows": _register_page_rows(page.object_list),
        "status": status, "statuses": Document.Status.choices,
        "body_options": _options(bodies.annotate(label=BODY_LABEL), body, "label"),
        "conference_options": _options(conferences.order_by("sort_order", "id"), conference,
                                       "title"),
        "q": request.GET.get("q", ""),
        "can_change": exercise_selectors.can_change(request.user, exercise),
    })


class DocumentCreateView(ExerciseMixin, ServiceFormView):
    form_class = DocumentForm
    title = gettext_lazy("New document")
    success_message = gettext_lazy("Document added to the register.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "exercise": self.exercise}

    def perform(self, form):
        return services.document_create(self.exercise, acting_user=self.request.user,
                                        **form.service_data())


class SeedView(ExerciseMixin, ServiceFormView):
    form_class = SeedForm
    title = gettext_lazy("Fill the register from a template")

    def perform(self, form):
        created = services.register_seed(
            self.exercise, acting_user=self.request.user,
            template=form.cleaned_data["template"],
            fallback_body=form.cleaned_data.get("fallback_body"))
        messages.success(self.request, _("{count} document(s) added to the register.").format(
            count=len(created)))
        return self.exercise

    def get_success_url(self, obj=None):
        return reverse("documents:register", args=[self.exercise.pk])


@login_required
@page_cache(pagecache.LISTS)
def matrix(request, pk):
    """The readiness matrix: its figures over every document, its rows (bodies) a page at a
    time."""
    exercise = get_exercise(request.user, pk)
    rounds = Round.objects.restrict(request.user, VIEW, exercise=exercise).order_by(
        "start_date", "id")
    conferences = Conference.objects.restrict(request.user, VIEW, exercise=exercise)
    rnd = _choice(Round, rounds, request.GET.get("round"))
    conference = _choice(Conference, conferences, request.GET.get("conference"))
    documents = selectors.readiness_documents(request.user, exercise, round=rnd,
                                              conference=conference)
    today = timezone.localdate()
    page = page_of(request, selectors.readiness_bodies(documents))
    rows = selectors.readiness_rows(documents, page.object_list, today)
    _matrix_chips(rows)
    return render(request, "documents/matrix.html", {
        "exercise": exercise, "rounds": rounds, "round": rnd,
        "conference_options": _options(conferences.order_by("sort_order", "id"), conference,
                                       "title"),
        "page": page, "rows": rows, "matrix": selectors.readiness_totals(documents, today),
    })


def _matrix_chips(rows) -> None:
    """Each row's chips (one per document: coloured by status, "!" when overdue, the type,
    status and due date in the tooltip) as one piece of HTML: a national register puts a few
    hundred chips on a page, too many for a template lookup per chip and attribute."""
    types = {value: str(label) for value, label in DocType.choices}
    statuses = {value: str(label) for value, label in Document.Status.choices}
    document_url = url_maker("documents:detail")
    due = _("due")
    flag = mark_safe('<span class="flag">!</span> ')  # noqa: S308 - a constant
    due_labels: dict = {}  # the documents of a register share a few due dates
    for row in rows:
        chips = []
        for d in row["documents"]:
            kind = types.get(d["doc_type"], d["doc_type"])
            hint = f"{kind}: {d['title']} · {statuses.get(d['status'], d['status'])}"
            if d["due_date"]:
                if d["due_date"] not in due_labels:
                    due_labels[d["due_date"]] = date_format(d["due_date"], "SHORT_DATE_FORMAT")
                hint += f" · {due} {due_labels[d['due_date']]}"
            chips.append((
                f"doc-{d['status']} is-overdue" if d["overdue"] else f"doc-{d['status']}",
                document_url(d["id"]), hint, flag if d["overdue"] else "",
                f"{kind}: {_truncate(d['title'], 40)}"))
        row["chips"] = format_html_join(
            "", '<a class="chip {}" href="{}" title="{}">{}{}</a>', chips)


REGISTER_COLUMNS = [
    gettext_lazy("No."), gettext_lazy("Number and symbol"), gettext_lazy("Date"),
    gettext_lazy("Issuing body"), gettext_lazy("Summary"), gettext_lazy("Classification"),
    gettext_lazy("Urgency"), gettext_lazy("Recipients"), gettext_lazy("Number of copies"),
    gettext_lazy("Copying allowed"), gettext_lazy("Drafter"),
    gettext_lazy("Copies handed out (copy, user, time)"),
]


def _register_row(i, d):
    copies = "; ".join(
        f"{e.copy_number:02d} {e.user_name} {timezone.localtime(e.timestamp):%d/%m/%Y %H:%M}"
        for e in d.downloads)
    return [
        i, d.number_symbol if d.number else "", d.issued_date.strftime("%d/%m/%Y")
        if d.issued_date else "", d.owner_body.name, f"{d.type_print} {d.title}".strip(),
        d.secrecy_mark, d.urgency_mark, "; ".join(b.name for b in d.recipients.all()),
        d.copies or "", _("yes") if d.copying_allowed else _("no"),
        str(d.drafter or ""), copies,
    ]


@login_required
def secret_register(request, pk):
    """The register of classified documents (issued / received), as a page or a CSV file."""
    exercise = get_exercise(request.user, pk)
    direction = request.GET.get("direction", "issued")
    if direction not in ("issued", "received", "all"):
        direction = "issued"
    documents = selectors.secret_register(request.user, exercise, direction=direction)
    rows = [_register_row(i, d) for i, d in enumerate(documents, start=1)]
    if request.GET.get("format") == "csv":
        out = io.StringIO()
        out.write("\ufeff")  # so that spreadsheet programs read UTF-8
        writer = csv.writer(out)
        writer.writerow([str(c) for c in REGISTER_COLUMNS])
        writer.writerows(rows)
        name = f"so-van-kien-mat-{exercise.code_name}-{direction}.csv"
        return _attachment(out.getvalue().encode(), name, "text/csv; charset=utf-8",
                           private=True)
    return render(request, "documents/secret_register.html", {
        "exercise": exercise, "rows": rows, "columns": REGISTER_COLUMNS,
        "direction": direction,
    })


# ---- one document ------------------------------------------------------------------------

@login_required
def document_detail(request, pk):
    document = get_document(request.user, pk)
    services.document_viewed(document, acting_user=request.user, what=_("document page"))
    version_list = list(selectors.versions(document))
    comment_list = list(selectors.comments(document))
    may_change = selectors.can_change(request.user, document)
    is_reviewer = may_change and exercise_selectors.can_change(request.user, document.exercise)
    return render(request, "documents/detail.html", {
        "document": document, "exercise": document.exercise,
        "versions": version_list, "comments": comment_list,
        "open_comments": [c for c in comment_list if c.is_open],
        "history": selectors.document_history(document, version_list, comment_list),
        "access_log": selectors.access_log(document) if document.is_classified else None,
        "can_change": may_change, "is_reviewer": is_reviewer,
        "steps": services.allowed_steps(request.user, document, is_reviewer=is_reviewer,
                                        may_change=may_change),
        "overdue": selectors.is_overdue(document),
        "conferences": document.conferences.all(),
        "content_items": document.content_items.all(),
        "recipients": document.recipients.all(),
        "can_issue": may_change and document.status == Document.Status.APPROVED,
    })


class DocumentMixin(LoginRequiredMixin):
    document_action = CHANGE

    @cached_property
    def document(self):
        return get_document(self.request.user, self.kwargs["pk"], self.document_action)

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.document  # noqa: B018 - resolve access before anything else
        return super().dispatch(request, *args, **kwargs)

    @property
    def cancel_url(self):
        return self.document.get_absolute_url()

    def get_success_url(self, obj=None):
        return self.document.get_absolute_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(document=self.document,
                                        exercise=self.document.exercise, **kwargs)


class DocumentEditView(DocumentMixin, ServiceFormView):
    form_class = DocumentForm
    success_message = gettext_lazy("Document saved.")

    @property
    def title(self):
        return _("Edit {name}").format(name=self.document)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.document,
                "exercise": self.document.exercise}

    def perform(self, form):
        return services.document_update(self.document, acting_user=self.request.user,
                                        expected_version=form.expected_version(),
                                        **form.service_data())


@require_POST
@login_required
def document_delete(request, pk):
    document = get_document(request.user, pk, CHANGE)
    if not exercise_selectors.can_change(request.user, document.exercise):
        raise PermissionDenied
    return post_service_action(
        request, lambda: services.document_delete(document, acting_user=request.user),
        success_message=_("Document removed from the register."),
        redirect_to=reverse("documents:register", args=[document.exercise_id]),
    )


@require_POST
@login_required
def document_status(request, pk):
    document = get_document(request.user, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        raise Http404
    return post_service_action(
        request,
        lambda: services.document_change_status(
            document, acting_user=request.user, status=form.cleaned_data["status"],
            expected_version=form.cleaned_data.get("version")),
        success_message=_("Status changed."),
        redirect_to=document.get_absolute_url(),
    )


class IssueView(DocumentMixin, ServiceFormView):
    form_class = IssueForm
    title = gettext_lazy("Issue the document: give it its number and date")
    success_message = gettext_lazy("Document issued.")

    def get_initial(self):
        return {"issued_date": timezone.localdate(), "version": self.document.version}

    def perform(self, form):
        return services.document_issue(self.document, acting_user=self.request.user,
                                       expected_version=form.cleaned_data.get("version"),
                                       issued_date=form.cleaned_data["issued_date"])


class VersionUploadView(DocumentMixin, ServiceFormView):
    form_class = UploadForm
    template_name = "documents/upload_form.html"
    title = gettext_lazy("Upload a new version")
    success_message = gettext_lazy("New version saved.")

    def get_context_data(self, **kwargs):
        return super().get_context_data(max_mb=settings.DIENTAP_MAX_UPLOAD_MB, **kwargs)

    def perform(self, form):
        upload = form.cleaned_data["file"]
        try:
            return services.version_upload(self.document, acting_user=self.request.user,
                                           file=upload, name=upload.name,
                                           note=form.cleaned_data["note"])
        except ValidationError as exc:
            # Messages about the file belong next to the file field.
            raise ValidationError({"file": exc.messages}) from None

    def get_success_url(self, obj=None):
        return self.document.get_absolute_url()


class VersionWriteView(DocumentMixin, ServiceFormView):
    form_class = WriteForm
    title = gettext_lazy("Write a new version in the app")
    success_message = gettext_lazy("New version saved.")

    def get_initial(self):
        latest = selectors.latest_text_version(self.document)
        if latest is None:
            return {}
        return {"text": "\n".join(selectors.version_paragraphs(latest))}

    def perform(self, form):
        return services.version_write(self.document, acting_user=self.request.user,
                                      text=form.cleaned_data["text"],
                                      note=form.cleaned_data["note"])


@login_required
def version_detail(request, vid):
    version = get_version(request.user, vid)
    document = version.document
    services.document_viewed(document, acting_user=request.user,
                             what=_("text of version {number}").format(number=version.number))
    return render(request, "documents/version.html", {
        "version": version, "document": document, "exercise": document.exercise,
        "paragraphs": selectors.version_paragraphs(version) if version.is_diffable else None,
    })


@login_required
def version_download(request, vid):
    version = get_version(request.user, vid)
    try:
        data, name, content_type = services.version_download(version,
                                                             acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(version.document.get_absolute_url())
    return _attachment(data, name, content_type, private=version.document.is_classified)


@login_required
def diff(request, pk):
    document = get_document(request.user, pk)
    version_list = list(selectors.versions(document).filter(
        format__in=["docx", "odt", "text"]))
    by_number = {v.number: v for v in version_list}

    def pick(name, default):
        raw = request.GET.get(name, "")
        return by_number.get(int(raw)) if raw.isdigit() else default

    new = pick("b", version_list[-1] if version_list else None)
    old = pick("a", version_list[-2] if len(version_list) > 1 else None)
    rows = selectors.version_diff(old, new) if old and new else None
    if old and new:
        services.document_viewed(document, acting_user=request.user, what=_(
            "changes between versions {a} and {b}").format(a=old.number, b=new.number))
    return render(request, "documents/diff.html", {
        "document": document, "exercise": document.exercise, "versions": version_list,
        "old": old, "new": new, "rows": rows,
        "added": sum(r["op"] == "added" for r in rows or []),
        "removed": sum(r["op"] == "removed" for r in rows or []),
    })


@login_required
def export(request, pk, fmt):
    document = get_document(request.user, pk)
    try:
        if fmt == "pdf":
            data, name = services.export_pdf(document, acting_user=request.user)
            content_type = "application/pdf"
        else:
            data, name = services.export_docx(document, acting_user=request.user)
            content_type = ("application/vnd.openxmlformats-officedocument."
                            "wordprocessingml.document")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(document.get_absolute_url())
    return _attachment(data, name, content_type, private=document.is_classified)


# ---- review ------------------------------------------------------------------------------

class CommentCreateView(DocumentMixin, ServiceFormView):
    form_class = CommentForm
    title = gettext_lazy("Comment on the document")
    success_message = gettext_lazy("Comment added.")

    def get(self, request, *args, **kwargs):
        self._require_reviewer()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self._require_reviewer()
        return super().post(request, *args, **kwargs)

    def _require_reviewer(self):
        if not exercise_selectors.can_change(self.request.user, self.document.exercise):
            raise PermissionDenied

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "document": self.document}

    def get_initial(self):
        initial = {}
        raw = self.request.GET.get("version", "")
        if raw.isdigit():
            initial["version"] = self.document.versions.filter(number=int(raw)).first()
        else:
            initial["version"] = self.document.versions.order_by("-number").first()
        return initial

    def perform(self, form):
        return services.comment_add(self.document, acting_user=self.request.user,
                                    text=form.cleaned_data["text"],
                                    quote=form.cleaned_data["quote"],
                                    version=form.cleaned_data["version"])

    def get_success_url(self, obj=None):
        return self.document.get_absolute_url() + "#comments"


@require_POST
@login_required
def comment_answer(request, cid):
    comment = get_comment(request.user, cid)
    get_document(request.user, comment.document_id, CHANGE)
    form = AnswerForm(request.POST)
    redirect_to = comment.document.get_absolute_url() + "#comments"
    if not form.is_valid():
        messages.error(request, _("Write the answer."))
        return HttpResponseRedirect(redirect_to)
    return post_service_action(
        request, lambda: services.comment_answer(
            comment, acting_user=request.user, answer=form.cleaned_data["answer"],
            expected_version=form.cleaned_data.get("version")),
        success_message=_("Answer saved."), redirect_to=redirect_to,
    )


@require_POST
@login_required
def comment_close(request, cid):
    comment = get_comment(request.user, cid)
    document = get_document(request.user, comment.document_id, CHANGE)
    if not exercise_selectors.can_change(request.user, document.exercise):
        raise PermissionDenied
    return post_service_action(
        request, lambda: services.comment_close(
            comment, acting_user=request.user,
            expected_version=request.POST.get("version") or None),
        success_message=_("Comment closed."),
        redirect_to=document.get_absolute_url() + "#comments",
    )
