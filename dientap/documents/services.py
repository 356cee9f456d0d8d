"""State changes of the document set: register, versions, review, numbering, access log.

Every function validates, saves and writes the audit log (through dientap.core.services or
dientap.core.audit). Reviewers are the exercise's Organizing Committee staff and directors
(``exercises.services.require_change``); the owning body's members and the reviewers may
change a document (``Document.objects.restrict(user, CHANGE)``).
"""

import datetime as dt
import hashlib
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from dientap.core import audit, services
from dientap.core.scoping import CHANGE
from dientap.core.services import ConflictError
from dientap.core.text import fold
from dientap.exercises.models import Exercise, FrameParticipant
from dientap.exercises.services import require_change
from dientap.organizations.models import Body

from . import output, pdf, selectors, storage, uploads
from .models import (
    AccessLog,
    Comment,
    Document,
    DocumentVersion,
    FormatFamily,
    NumberCounter,
)
from .templates_data import TEMPLATES

S = Document.Status
OWNER, REVIEWER = "owner", "reviewer"
# (from, to) -> who may make the step.
TRANSITIONS = {
    (S.REQUIRED, S.DRAFTING): OWNER,
    (S.DRAFTING, S.SUBMITTED): OWNER,
    (S.SUBMITTED, S.DRAFTING): OWNER,  # withdrawn to go on drafting
    (S.SUBMITTED, S.UNDER_REVIEW): REVIEWER,
    (S.UNDER_REVIEW, S.RETURNED): REVIEWER,
    (S.UNDER_REVIEW, S.APPROVED): REVIEWER,
    (S.RETURNED, S.REVISED): OWNER,
    (S.REVISED, S.UNDER_REVIEW): REVIEWER,
    (S.REVISED, S.APPROVED): REVIEWER,
    (S.APPROVED, S.UNDER_REVIEW): REVIEWER,  # reopened
}


# ---- rights ------------------------------------------------------------------------------

def require_document_change(user, document: Document) -> None:
    """The owning body's members and the exercise's organizers/directors (or admins)."""
    if user is None:
        return
    if not Document.objects.restrict(user, CHANGE).filter(pk=document.pk).exists():
        raise PermissionDenied(_("You may not change this document."))


def require_review(user, document: Document) -> None:
    """Reviewers: the Organizing Committee staff and directors of the exercise."""
    if user is None:
        return
    require_change(user, document.exercise)
    require_document_change(user, document)  # and they must see it (classified documents)


# ---- defaults for a new document ---------------------------------------------------------

_FAMILY_BY_KIND = {
    Body.Kind.PARTY: FormatFamily.PARTY,
    Body.Kind.MILITARY: FormatFamily.MILITARY,
    Body.Kind.BORDER_GUARD: FormatFamily.MILITARY,
}


def default_format_family(body: Body) -> str:
    return _FAMILY_BY_KIND.get(body.kind, FormatFamily.STATE)


def default_issuer_code(body: Body) -> str:
    """The issuer part of the symbol: UBND, HĐND, TU, ĐU, BCH, CAT … (editable)."""
    name = fold(body.name)
    if body.kind == Body.Kind.PARTY:
        if "quan su" in name or name.startswith("dang uy"):
            return "ĐU"
        return "TU"
    return {
        Body.Kind.COMMITTEE: "UBND",
        Body.Kind.COUNCIL: "HĐND",
        Body.Kind.MILITARY: "BCH",
        Body.Kind.BORDER_GUARD: "BCH",
        Body.Kind.POLICE: "CAT",
        Body.Kind.SPECIAL_COUNCIL: "HĐCC",
        Body.Kind.MASS_ORGANISATION: "MTTQ",
    }.get(body.kind, "".join(w[0] for w in (body.short_name or body.name).split()).upper()[:10])


def default_parent_issuer(body: Body) -> str:
    if body.kind == Body.Kind.PARTY and body.parent_id and body.parent.kind == Body.Kind.PARTY:
        return body.parent.name.upper()
    if body.kind in (Body.Kind.MILITARY, Body.Kind.BORDER_GUARD) and body.parent_id:
        return body.parent.name.upper()
    if body.kind == Body.Kind.DEPARTMENT and body.parent_id:
        return body.parent.name.upper()
    return ""


def default_place(exercise: Exercise) -> str:
    name = exercise.area.name
    for prefix in ("Tỉnh ", "Thành phố ", "Xã ", "Phường ", "Đặc khu "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


# ---- the register ------------------------------------------------------------------------

_M2M = ("conferences", "content_items", "recipients")


def _check_links(exercise, conferences, content_items):
    for conference in conferences or ():
        if conference.exercise_id != exercise.pk:
            raise ValidationError({"conferences": _("This conference belongs to another "
                                                    "exercise.")})
    for item in content_items or ():
        if item.issue.phase.exercise_id != exercise.pk:
            raise ValidationError({"content_items": _("This content item belongs to another "
                                                      "exercise.")})


def _check_classification(acting_user, classification) -> None:
    if acting_user is None or acting_user.is_superuser:
        return
    if int(classification or 0) > acting_user.clearance:
        raise ValidationError({"classification": _(
            "You cannot classify a document above your own clearance.")})


def _set_links(document, *, acting_user, **m2m):
    """Set the many-to-many links given (None leaves one alone) and audit the change."""
    before, after = {}, {}
    for name, values in m2m.items():
        if values is None:
            continue
        manager = getattr(document, name)
        old = sorted(manager.values_list("pk", flat=True))
        new = sorted({v.pk for v in values})
        if old != new:
            manager.set(new)
            before[name], after[name] = old, new
    if after:
        audit.record("update", document, acting_user=acting_user, before=before, after=after)


@transaction.atomic
def document_create(exercise: Exercise, *, acting_user, conferences=(), content_items=(),
                    recipients=(), **fields) -> Document:
    """Add a document to the register (organizers and directors)."""
    require_change(acting_user, exercise)
    _check_classification(acting_user, fields.get("classification", 0))
    _check_links(exercise, conferences, content_items)
    body = fields["owner_body"]
    defaults = {"format_family": default_format_family(body),
                "issuer_code": default_issuer_code(body),
                "parent_issuer": default_parent_issuer(body),
                "place": default_place(exercise)}
    for name, value in defaults.items():
        if not fields.get(name):
            fields[name] = value
    document = services.create(Document, acting_user=acting_user, exercise=exercise, **fields)
    recipients = list(recipients or ())
    if document.is_classified and body not in recipients:
        recipients.append(body)  # the issuing body keeps its archive copy ("Lưu: VT")
    _set_links(document, acting_user=acting_user, conferences=conferences,
               content_items=content_items, recipients=recipients)
    return document


@transaction.atomic
def document_update(document: Document, *, acting_user, expected_version=None,
                    conferences=None, content_items=None, recipients=None,
                    **fields) -> Document:
    require_document_change(acting_user, document)
    fields.pop("status", None)  # the status moves only through document_change_status
    if "classification" in fields:
        _check_classification(acting_user, fields["classification"])
    _check_links(document.exercise, conferences, content_items)
    updated = services.update(document, acting_user=acting_user,
                              expected_version=expected_version, **fields)
    if recipients is not None and updated.is_classified and updated.owner_body not in recipients:
        recipients = [*recipients, updated.owner_body]
    _set_links(updated, acting_user=acting_user, conferences=conferences,
               content_items=content_items, recipients=recipients)
    return updated


def document_delete(document: Document, *, acting_user) -> None:
    require_change(acting_user, document.exercise)
    require_document_change(acting_user, document)
    services.delete(document, acting_user=acting_user)


@transaction.atomic
def register_seed(exercise: Exercise, *, acting_user, template: str,
                  fallback_body: Body | None = None) -> list[Document]:
    """Fill the register from a shipped template; documents already there are skipped."""
    require_change(acting_user, exercise)
    if template not in TEMPLATES:
        raise ValidationError({"template": _("Unknown template.")})
    frame_ids = FrameParticipant.objects.filter(exercise=exercise).values("body_id")
    candidates = list(Body.objects.filter(pk__in=frame_ids).order_by("sort_order", "name"))
    candidates += list(Body.objects.filter(area__path__startswith=exercise.area.path)
                       .exclude(pk__in=frame_ids).order_by("sort_order", "name"))
    existing = {(d.title, d.doc_type) for d in exercise.documents.all()}
    created = []
    for entry in TEMPLATES[template]["documents"]:
        if (entry["title"], entry["type"]) in existing:
            continue
        kind, words = entry["owner"]
        body = next((b for b in candidates if b.kind == kind and words in fold(b.name)),
                    fallback_body)
        if body is None:
            raise ValidationError({"fallback_body": _(
                "No body of the exercise drafts “{title}”: choose a body for the documents "
                "that match none.").format(title=entry["title"])})
        created.append(document_create(
            exercise, acting_user=acting_user, title=entry["title"], doc_type=entry["type"],
            owner_body=body, classification=entry["classification"],
            due_date=exercise.start_date - timedelta(days=entry["due"]),
        ))
    return created


# ---- status, numbering -------------------------------------------------------------------

def allowed_steps(user, document: Document, *, is_reviewer: bool, may_change: bool):
    """The statuses the user may move the document to from where it is now."""
    steps = []
    for (old, new), who in TRANSITIONS.items():
        if old != document.status:
            continue
        if (who == REVIEWER and is_reviewer) or (who == OWNER and may_change):
            steps.append(Document.Status(new))
    return steps


@transaction.atomic
def document_change_status(document: Document, *, acting_user, status: str,
                           expected_version=None) -> Document:
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if expected_version is not None and locked.version != int(expected_version):
        raise ConflictError(locked, expected_version)
    step = TRANSITIONS.get((locked.status, status))
    if step is None:
        raise ValidationError({"status": _(
            "A document cannot go from “{old}” to “{new}”.").format(
            old=locked.get_status_display(),
            new=Document.Status(status).label if status in Document.Status.values else status)})
    if step == REVIEWER:
        require_review(acting_user, locked)
    else:
        require_document_change(acting_user, locked)
    open_comments = locked.comments.exclude(state=Comment.State.CLOSED).count()
    if status in (S.SUBMITTED, S.REVISED) and not locked.versions.exists():
        raise ValidationError(_("Upload or write a draft before submitting the document."))
    if status == S.RETURNED and not open_comments:
        raise ValidationError(_("Write the comments first: a document is returned with its "
                                "open comments."))
    if status == S.APPROVED and open_comments:
        raise ValidationError(_(
            "{count} comment(s) are still open: they must be answered and closed before the "
            "document is approved.").format(count=open_comments))
    return services.update(locked, acting_user=acting_user, expected_version=expected_version,
                           status=status)


def allocate_number(body: Body, year: int, *, classified: bool) -> int:
    """The next number of a body's series for a year (01, 02 …), safe under concurrency."""
    with transaction.atomic():
        counter, _created = NumberCounter.objects.select_for_update().get_or_create(
            body=body, year=year, classified=classified)
        NumberCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
        counter.refresh_from_db()
        return counter.last


@transaction.atomic
def document_issue(document: Document, *, acting_user, expected_version=None,
                   issued_date: dt.date | None = None) -> Document:
    """Give an approved document its number and date: status "issued"."""
    require_document_change(acting_user, document)
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if expected_version is not None and locked.version != int(expected_version):
        raise ConflictError(locked, expected_version)
    if locked.status != S.APPROVED:
        raise ValidationError(_("Only an approved document can be issued."))
    day = issued_date or timezone.localdate()
    number = allocate_number(locked.owner_body, day.year, classified=locked.is_classified)
    return services.update(locked, acting_user=acting_user, expected_version=expected_version,
                           status=S.ISSUED, number=number, number_year=day.year,
                           issued_date=day)


# ---- versions ----------------------------------------------------------------------------

def _add_version(document: Document, *, acting_user, **fields) -> DocumentVersion:
    # Lock the document: concurrent uploads get numbers in the order they take the lock.
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if locked.status == S.ISSUED:
        raise ValidationError(_("This document has been issued: it takes no new versions."))
    number = (locked.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = services.create(DocumentVersion, acting_user=acting_user, document=locked,
                              number=number,
                              author=acting_user if acting_user and acting_user.pk else None,
                              **fields)
    if locked.status == S.REQUIRED:
        services.update(locked, acting_user=acting_user, status=S.DRAFTING)
    return version


def version_upload(document: Document, *, acting_user, file, name: str,
                   note: str = "") -> DocumentVersion:
    """A new immutable version from an uploaded file, checked by content.

    A refused or failed upload leaves nothing: no stored file, no version row.
    """
    require_document_change(acting_user, document)
    staged = uploads.stage(file, name)
    created_blob = False
    try:
        with transaction.atomic():
            created_blob = storage.store(staged.path, staged.sha256)
            return _add_version(document, acting_user=acting_user, format=staged.format,
                                file_name=staged.name, size=staged.size,
                                sha256=staged.sha256, note=note)
    except BaseException:
        if created_blob and not DocumentVersion.objects.filter(sha256=staged.sha256).exists():
            storage.remove(staged.sha256)
        raise
    finally:
        staged.discard()


@transaction.atomic
def version_write(document: Document, *, acting_user, text: str,
                  note: str = "") -> DocumentVersion:
    """A new immutable version written in the app."""
    require_document_change(acting_user, document)
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError({"text": _("Write the text of the document.")})
    data = text.encode()
    return _add_version(document, acting_user=acting_user,
                        format=DocumentVersion.Format.TEXT, size=len(data),
                        sha256=hashlib.sha256(data).hexdigest(), text=text, note=note)


# ---- review ------------------------------------------------------------------------------

def comment_add(document: Document, *, acting_user, text: str, quote: str = "",
                version: DocumentVersion | None = None) -> Comment:
    require_review(acting_user, document)
    if version is not None and version.document_id != document.pk:
        raise ValidationError({"version": _("This version belongs to another document.")})
    quote = " ".join((quote or "").split())
    if quote and version is not None and version.is_diffable:
        paragraphs = " ".join(selectors.version_paragraphs(version))
        if quote not in paragraphs:
            raise ValidationError({"quote": _(
                "The quoted passage is not in version {number}: copy it exactly.").format(
                number=version.number)})
    return services.create(Comment, acting_user=acting_user, document=document,
                           on_version=version, quote=quote, text=text,
                           author=acting_user if acting_user and acting_user.pk else None)


def comment_answer(comment: Comment, *, acting_user, answer: str,
                   expected_version=None) -> Comment:
    require_document_change(acting_user, comment.document)
    if comment.state == Comment.State.CLOSED:
        raise ValidationError(_("This comment is closed."))
    if not (answer or "").strip():
        raise ValidationError({"answer": _("Write the answer.")})
    return services.update(comment, acting_user=acting_user, expected_version=expected_version,
                           answer=answer.strip(), state=Comment.State.ANSWERED,
                           answered_by=acting_user if acting_user and acting_user.pk else None,
                           answered_at=timezone.now())


def comment_close(comment: Comment, *, acting_user, expected_version=None) -> Comment:
    require_review(acting_user, comment.document)
    return services.update(comment, acting_user=acting_user, expected_version=expected_version,
                           state=Comment.State.CLOSED,
                           closed_by=acting_user if acting_user and acting_user.pk else None,
                           closed_at=timezone.now())


# ---- access to classified documents ------------------------------------------------------

@transaction.atomic
def access_record(document: Document, *, acting_user, action: str, what: str = "",
                  version: DocumentVersion | None = None) -> AccessLog | None:
    """Log a view or download of a classified document (nothing for unclassified ones).

    A download gets the next copy number of the document; when copying is not allowed, no
    more copies than the number set by the issuer are handed out.
    """
    if not document.is_classified:
        return None
    copy_number = None
    if action == AccessLog.Action.DOWNLOAD:
        locked = Document.objects.select_for_update().get(pk=document.pk)
        last = locked.access_log.aggregate(n=Max("copy_number"))["n"] or 0
        if not locked.copying_allowed and locked.copies and last >= locked.copies:
            raise ValidationError(_(
                "All {copies} copies of this document have been handed out and copying is "
                "not allowed.").format(copies=locked.copies))
        copy_number = last + 1
    user = acting_user if acting_user is not None and acting_user.pk else None
    return AccessLog.objects.create(
        document=document, version=version, user=user,
        user_name=acting_user.get_username() if acting_user else "system",
        body_name=str(acting_user.body) if user and user.body_id else "",
        action=action, what=what[:100], copy_number=copy_number,
    )


def copy_mark(document: Document, entry: AccessLog | None, user) -> str:
    if entry is None:
        return ""
    when = timezone.localtime(entry.timestamp).strftime("%d/%m/%Y %H:%M")
    who = user.get_username()
    full = user.get_full_name()
    if full:
        who = f"{who} ({full})"
    return (f"{document.secrecy_mark} - BẢN SỐ {entry.copy_number:02d} - cấp cho {who} "
            f"lúc {when}")


def document_viewed(document: Document, *, acting_user, what: str = "") -> None:
    access_record(document, acting_user=acting_user, action=AccessLog.Action.VIEW, what=what)


def documents_viewed(documents, *, acting_user, what: str = "") -> None:
    """Log a view of each classified document among `documents` (one insert for them all:
    a list of review comments read through the API)."""
    user = acting_user if acting_user is not None and acting_user.pk else None
    seen = {d.pk: d for d in documents if d.is_classified}
    AccessLog.objects.bulk_create(AccessLog(
        document=d, user=user, user_name=acting_user.get_username() if acting_user else "system",
        body_name=str(acting_user.body) if user and user.body_id else "",
        action=AccessLog.Action.VIEW, what=what[:100]) for d in seen.values())


_CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "pdf": "application/pdf",
    "text": "text/plain; charset=utf-8",
}


def version_download(version: DocumentVersion, *, acting_user) -> tuple[bytes, str, str]:
    """(content, file name, content type) of a version; a classified copy carries its mark."""
    document = version.document
    if version.is_file:
        data = storage.read(version.sha256)
        name = version.file_name
    else:
        data = version.text.encode()
        name = f"{selectors.file_stem(document)}-v{version.number}.txt"
    entry = access_record(document, acting_user=acting_user,
                          action=AccessLog.Action.DOWNLOAD, version=version,
                          what=_("version {number} ({format})").format(
                              number=version.number, format=version.get_format_display()))
    mark = copy_mark(document, entry, acting_user)
    if mark:
        if version.format == DocumentVersion.Format.DOCX:
            data = output.mark_docx(data, mark)
        elif version.format == DocumentVersion.Format.ODT:
            data = output.mark_odt(data, mark)
        elif version.format == DocumentVersion.Format.PDF:
            data = output.mark_pdf(data, mark)
        else:
            data = (mark + "\n\n").encode() + data
    return data, name, _CONTENT_TYPES[version.format]


def _formatted(document: Document, mark: str) -> bytes:
    source = selectors.latest_text_version(document)
    paragraphs = selectors.version_paragraphs(source) if source else []
    recipients = [b.name for b in document.recipients.all() if b.pk != document.owner_body_id]
    return output.build_docx(document, paragraphs, recipients=recipients, mark=mark)


def export_docx(document: Document, *, acting_user) -> tuple[bytes, str]:
    """The document in its Vietnamese format (.docx), marked when classified."""
    entry = access_record(document, acting_user=acting_user,
                          action=AccessLog.Action.DOWNLOAD, what=_("formatted .docx"))
    data = _formatted(document, copy_mark(document, entry, acting_user))
    return data, f"{selectors.file_stem(document)}.docx"


def export_pdf(document: Document, *, acting_user) -> tuple[bytes, str]:
    """The same as a PDF (LibreOffice); nothing is logged when the conversion fails."""
    with transaction.atomic():
        entry = access_record(document, acting_user=acting_user,
                              action=AccessLog.Action.DOWNLOAD, what=_("formatted PDF"))
        data = pdf.docx_to_pdf(_formatted(document, copy_mark(document, entry, acting_user)))
    return data, f"{selectors.file_stem(document)}.pdf"
