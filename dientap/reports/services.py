"""State changes of reports: create (generated from the data), edit, regenerate a section,
and the classified-copy log of downloads. Each validates, saves and audits (core.services)."""

import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from dientap.accounts.models import Clearance
from dientap.core import services
from dientap.core.scoping import CHANGE
from dientap.documents import pdf
from dientap.documents import services as doc_services
from dientap.documents.models import DocType, Document
from dientap.exercises.models import Exercise, Round
from dientap.exercises.services import require_change
from dientap.organizations.models import Body

from . import output, selectors, text
from .models import SECRECY_MARK, SECTIONS, Report, ReportAccess

EDITABLE = ("title", *SECTIONS, "status", "issuing_body", "place", "issuer_code",
            "sign_authority", "sign_on_behalf", "sign_title", "sign_name")


class _System:
    """The reader behind a report made without a user (the demo loader): sees everything."""

    pk = None
    is_authenticated = is_active = is_superuser = True
    body_id = person_id = inspected_area_id = None
    clearance = Clearance.TOP_SECRET


def _reader(acting_user):
    return acting_user if acting_user is not None else _System()


def require_report_change(user, report: Report) -> None:
    if user is None:
        return
    if not Report.objects.restrict(user, CHANGE).filter(pk=report.pk).exists():
        raise PermissionDenied(_("You may not change this report."))


def default_title(exercise: Exercise, kind: str, rnd: Round | None) -> str:
    if kind == Report.Kind.ROUND:
        return f"Rút kinh nghiệm {selectors.round_label(rnd).lower()} {exercise.name[0].lower()}" \
               f"{exercise.name[1:]}"
    return f"Tổng kết {exercise.name[0].lower()}{exercise.name[1:]}"


def _signature(exercise: Exercise, body: Body) -> dict:
    """TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH / the Organizing Committee's head (editable)."""
    head = (exercise.committees.filter(kind="organizing").order_by("sort_order", "id")
            .first())
    member = head.members.select_related("person", "post").first() if head else None
    name = member.person.full_name if member else ""
    post = member.post.title if member and member.post_id else ""
    if body.kind == Body.Kind.COMMITTEE:
        title = "CHỦ TỊCH" if post.startswith("Chủ tịch") else post.upper()
        return {"sign_authority": "TM.", "sign_on_behalf": "ỦY BAN NHÂN DÂN",
                "sign_title": title, "sign_name": name}
    if head:
        return {"sign_authority": "TM.", "sign_on_behalf": head.name.split(" diễn tập")[0]
                .upper(), "sign_title": (member.position if member else "").upper(),
                "sign_name": name}
    return {"sign_authority": "", "sign_on_behalf": "", "sign_title": post.upper(),
            "sign_name": name}


def _generate(reader, exercise, kind, rnd, unclassified) -> tuple[dict, int]:
    data = selectors.gather(reader, exercise, kind=kind, rnd=rnd, unclassified=unclassified)
    level = 0 if unclassified else selectors.classification_of(data)
    return data, level


@transaction.atomic
def report_create(exercise: Exercise, kind: str, round: Round | None = None,  # noqa: A002
                  *, acting_user, unclassified: bool = False, title: str = "",
                  issuing_body: Body | None = None) -> Report:
    """A new draft report whose sections are written from the data (as the user sees it)."""
    require_change(acting_user, exercise)
    if kind not in Report.Kind.values:
        raise ValidationError({"kind": _("Choose a round report or the final report.")})
    if kind == Report.Kind.ROUND:
        if round is None:
            raise ValidationError({"round": _("Choose the round the report is about.")})
        if round.exercise_id != exercise.pk:
            raise ValidationError({"round": _("This round belongs to another exercise.")})
    else:
        round = None  # noqa: A001
    body = issuing_body or selectors.default_issuing_body(exercise)
    if body is None:
        raise ValidationError({"issuing_body": _(
            "The exercise has no body to issue the report: add the frame first.")})
    data, level = _generate(_reader(acting_user), exercise, kind, round, unclassified)
    fields = {section: text.write(section, data) for section in SECTIONS}
    report = Report(
        exercise=exercise, kind=kind, round=round, issuing_body=body,
        title=title.strip() or default_title(exercise, kind, round),
        unclassified=unclassified, classification=level, data=data,
        generated_at=timezone.now(),
        created_by=acting_user if acting_user is not None and acting_user.pk else None,
        **_signature(exercise, body), **fields)
    return services.create_instance(report, acting_user=acting_user)


def report_update(report: Report, *, acting_user, expected_version=None, **fields) -> Report:
    """Edit the text and the letterhead; a stale edit is refused (ConflictError)."""
    require_report_change(acting_user, report)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: {fields}.").format(
            fields=", ".join(sorted(unknown))))
    body = fields.get("issuing_body")
    if body is not None and body.pk != report.issuing_body_id:
        allowed = Body.objects.restrict(acting_user, "view") if acting_user else Body.objects
        if not allowed.filter(pk=body.pk).exists():
            raise ValidationError({"issuing_body": _("Choose a body you can see.")})
    return services.update(report, acting_user=acting_user, expected_version=expected_version,
                           **fields)


def report_regenerate_section(report: Report, section: str, *, acting_user,
                              expected_version=None) -> Report:
    """Rewrite one section from the current data; the figures (tables, charts) are refreshed
    too. The classification never goes down: the other sections may still say what the
    earlier figures said."""
    require_report_change(acting_user, report)
    if section not in SECTIONS:
        raise ValidationError(_("Unknown section."))
    data, level = _generate(_reader(acting_user), report.exercise, report.kind,
                            report.round, report.unclassified)
    return services.update(report, acting_user=acting_user, expected_version=expected_version,
                           data=data, generated_at=timezone.now(),
                           classification=max(report.classification, level),
                           **{section: text.write(section, data)})


# ---- output ------------------------------------------------------------------------------

def secrecy_level(report: Report) -> int:
    if report.unclassified:
        return Clearance.NONE
    return max(report.classification, selectors.classification_of(report.data or {}))


def _log_copy(report: Report, level: int, *, acting_user, what: str) -> ReportAccess | None:
    """A classified download gets the next copy number of the report and is logged."""
    if not level:
        return None
    locked = Report.objects.select_for_update().get(pk=report.pk)
    last = locked.access_log.aggregate(n=Max("copy_number"))["n"] or 0
    user = acting_user if acting_user is not None and acting_user.pk else None
    return ReportAccess.objects.create(
        report=report, user=user,
        user_name=acting_user.get_username() if user else "system",
        body_name=str(user.body) if user and user.body_id else "", what=what[:100],
        classification=level, copy_number=last + 1)


def _copy_mark(report: Report, level: int, entry: ReportAccess | None, user) -> str:
    if entry is None:
        return ""
    when = timezone.localtime(entry.timestamp).strftime("%d/%m/%Y %H:%M")
    who = user.get_username() if user is not None else "system"
    full = user.get_full_name() if user is not None else ""
    if full:
        who = f"{who} ({full})"
    return f"{SECRECY_MARK[level]} - BẢN SỐ {entry.copy_number:02d} - cấp cho {who} lúc {when}"


def file_stem(report: Report) -> str:
    from django.utils.text import slugify

    from dientap.core.text import fold

    what = report.data.get("round") if report.kind == Report.Kind.ROUND else "tong-ket"
    return slugify(fold(f"bao-cao {report.exercise.code_name} {what or ''}")) or "bao-cao"


def export_docx(report: Report, *, acting_user) -> tuple[bytes, str]:
    """The report in the issuing body's Decree 30 format; a classified copy is logged and
    marked with its copy number."""
    level = secrecy_level(report)
    with transaction.atomic():
        entry = _log_copy(report, level, acting_user=acting_user, what=_("report (.docx)"))
        data = output.build(report, secrecy_mark=SECRECY_MARK.get(level, ""),
                            copy_mark=_copy_mark(report, level, entry, acting_user))
    return data, f"{file_stem(report)}.docx"


def export_pdf(report: Report, *, acting_user) -> tuple[bytes, str]:
    """The same as a PDF (LibreOffice); nothing is logged when the conversion fails."""
    level = secrecy_level(report)
    with transaction.atomic():
        entry = _log_copy(report, level, acting_user=acting_user, what=_("report (PDF)"))
        data = pdf.docx_to_pdf(output.build(
            report, secrecy_mark=SECRECY_MARK.get(level, ""),
            copy_mark=_copy_mark(report, level, entry, acting_user)))
    return data, f"{file_stem(report)}.pdf"


# ---- the document register ---------------------------------------------------------------

@transaction.atomic
def report_register(report: Report, *, acting_user) -> Document:
    """Put the report in the exercise's document register: a document of type report (at
    the report's level) whose version is the generated .docx; again later, a new version."""
    require_report_change(acting_user, report)
    level = secrecy_level(report)
    data = output.build(report, secrecy_mark=SECRECY_MARK.get(level, ""))
    document = (Document.objects.filter(pk=report.document_id).first()
                if report.document_id else None)
    if document is None:
        document = doc_services.document_create(
            report.exercise, acting_user=acting_user, title=report.title,
            doc_type=DocType.REPORT, owner_body=report.issuing_body, classification=level,
            is_required=False, sign_authority=report.sign_authority,
            sign_on_behalf=report.sign_on_behalf, sign_title=report.sign_title,
            sign_name=report.sign_name,
            issuer_code=report.issuer_code or doc_services.default_issuer_code(
                report.issuing_body))
    elif document.classification < level:
        raise ValidationError(_(
            "The report is now more secret than its document in the register: raise the "
            "document's classification first."))
    when = timezone.localtime(report.generated_at or timezone.now()).strftime("%d/%m/%Y %H:%M")
    doc_services.version_upload(document, acting_user=acting_user, file=io.BytesIO(data),
                                name=f"{file_stem(report)}.docx",
                                note=_("Generated from the report (figures as of {when})")
                                .format(when=when))
    if report.document_id != document.pk:
        services.update(report, acting_user=acting_user, document=document)
    return document
