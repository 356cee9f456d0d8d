"""Reads of the document set, always scoped to the user with ``restrict``."""

import difflib
import re

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from dientap.conferences.models import Conference
from dientap.core.audit import entries_for
from dientap.core.scoping import CHANGE, VIEW
from dientap.core.text import fold
from dientap.organizations.models import Body

from . import output, storage
from .models import AccessLog, Comment, Document, DocumentVersion

DONE = [s.value for s in Document.DONE_STATUSES]


def is_overdue(document: Document, today=None) -> bool:
    today = today or timezone.localdate()
    return bool(document.due_date and document.due_date < today
                and document.status not in DONE)


def _count_per_document(rows: QuerySet):
    """The number of `rows` of each document, as a correlated subquery (0 when none).

    A subquery rather than ``Count`` over joins: no GROUP BY over the whole register, and the
    paginator's ``COUNT(*)`` leaves it out (an unused annotation), so that counting the
    register's rows stays one cheap query."""
    return Coalesce(Subquery(
        rows.filter(document=OuterRef("pk")).order_by().values("document")
        .annotate(n=Count("pk")).values("n")), 0)


def document_list(user, exercise, *, status: str = "", body=None, conference=None,
                  q: str = "") -> QuerySet[Document]:
    """The register (filtered), in its order: the page shows it a page at a time, the .xlsx
    export holds all of it."""
    qs = (
        Document.objects.restrict(user, VIEW, exercise=exercise)
        .select_related("owner_body", "drafter")
        .prefetch_related(Prefetch("conferences", queryset=Conference.objects.only(
            "id", "title", "sort_order").order_by("sort_order", "id")))
        .annotate(
            version_count=_count_per_document(DocumentVersion.objects.all()),
            open_comment_count=_count_per_document(
                Comment.objects.exclude(state=Comment.State.CLOSED)),
        )
        .order_by("owner_body__sort_order", "owner_body__name", "due_date", "id")
    )
    if status:
        qs = qs.filter(status=status)
    if body is not None:
        qs = qs.filter(owner_body=body)
    if conference is not None:
        qs = qs.filter(pk__in=Document.conferences.through.objects.filter(
            conference=conference).values("document_id"))
    if q:
        qs = qs.filter(title__icontains=q)
    return qs


def conferences_of(document_ids) -> dict[int, list[tuple[int, str]]]:
    """{document id: [(conference id, title) …]} in the conferences' order, in one query of
    plain values (the register page's "Used in" column)."""
    out: dict[int, list[tuple[int, str]]] = {}
    rows = (Document.conferences.through.objects.filter(document_id__in=document_ids)
            .order_by("conference__sort_order", "conference_id")
            .values_list("document_id", "conference_id", "conference__title"))
    for document_id, conference_id, title in rows:
        out.setdefault(document_id, []).append((conference_id, title))
    return out


def document_get(user, pk, action: str = VIEW) -> Document:
    """The document if the user may see (or change) it; else Document.DoesNotExist."""
    return (
        Document.objects.restrict(user, action)
        .select_related("exercise", "exercise__area", "owner_body", "owner_body__parent",
                        "drafter")
        .get(pk=pk)
    )


def can_change(user, document: Document) -> bool:
    return Document.objects.restrict(user, CHANGE, exercise=document.exercise_id).filter(
        pk=document.pk).exists()


def versions(document: Document) -> QuerySet[DocumentVersion]:
    return document.versions.select_related("author").order_by("number")


def comments(document: Document) -> QuerySet[Comment]:
    return document.comments.select_related("author", "answered_by", "closed_by",
                                            "on_version").order_by("created_at", "id")


def access_log(document: Document) -> QuerySet[AccessLog]:
    return document.access_log.select_related("version").order_by("-timestamp", "-id")


def latest_text_version(document: Document) -> DocumentVersion | None:
    """The newest version whose text can be read (.docx, .odt, in-app text)."""
    return (document.versions.filter(format__in=["docx", "odt", "text"])
            .order_by("-number").first())


def version_paragraphs(version: DocumentVersion) -> list[str]:
    if version.format == DocumentVersion.Format.TEXT:
        return output.paragraphs_of_text(version.text)
    if version.format == DocumentVersion.Format.DOCX:
        return output.paragraphs_of_docx(storage.read(version.sha256))
    if version.format == DocumentVersion.Format.ODT:
        return output.paragraphs_of_odt(storage.read(version.sha256))
    return []


def file_stem(document: Document) -> str:
    """A safe ASCII file name: "05-QD-UBND" once issued, else "van-kien-12"."""
    if document.number:
        stem = fold(document.number_symbol).replace("/", "-")
        return re.sub(r"[^a-z0-9-]+", "-", stem).strip("-").upper()
    return f"van-kien-{document.pk}"


# ---- diff --------------------------------------------------------------------------------

def _words_marked(old: str, new: str):
    a, b = old.split(), new.split()
    sm = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    left, right = [], []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            left.append(escape(" ".join(a[i1:i2])))
            right.append(escape(" ".join(b[j1:j2])))
            continue
        if i2 > i1:
            left.append(f"<del>{escape(' '.join(a[i1:i2]))}</del>")
        if j2 > j1:
            right.append(f"<ins>{escape(' '.join(b[j1:j2]))}</ins>")
    return mark_safe(" ".join(left)), mark_safe(" ".join(right))  # noqa: S308 - escaped


def diff_paragraphs(old: list[str], new: list[str]) -> list[dict]:
    """Paragraph-level diff: [{op: same|removed|added, text, html}] in reading order."""
    rows = []
    sm = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            rows += [{"op": "same", "text": p, "html": escape(p)} for p in old[i1:i2]]
            continue
        removed, added = old[i1:i2], new[j1:j2]
        if tag == "replace" and len(removed) == len(added) and all(
                difflib.SequenceMatcher(a=a, b=b, autojunk=False).ratio() >= 0.5
                for a, b in zip(removed, added, strict=True)):
            # Paragraphs edited in place: show them in pairs with the changed words marked.
            for a, b in zip(removed, added, strict=True):
                left, right = _words_marked(a, b)
                rows.append({"op": "removed", "text": a, "html": left})
                rows.append({"op": "added", "text": b, "html": right})
            continue
        rows += [{"op": "removed", "text": p, "html": escape(p)} for p in removed]
        rows += [{"op": "added", "text": p, "html": escape(p)} for p in added]
    return rows


def version_diff(old: DocumentVersion, new: DocumentVersion) -> list[dict]:
    return diff_paragraphs(version_paragraphs(old), version_paragraphs(new))


# ---- history -----------------------------------------------------------------------------

def document_history(document: Document, version_list, comment_list) -> list[dict]:
    """Versions, comments (made, answered, closed) and status changes, newest first."""
    events = []
    for v in version_list:
        events.append({"at": v.created_at, "kind": "version", "who": v.author, "obj": v})
    for c in comment_list:
        events.append({"at": c.created_at, "kind": "comment", "who": c.author, "obj": c})
        if c.answered_at:
            events.append({"at": c.answered_at, "kind": "answer", "who": c.answered_by,
                           "obj": c})
        if c.closed_at:
            events.append({"at": c.closed_at, "kind": "closed", "who": c.closed_by, "obj": c})
    for entry in entries_for(document):
        before, after = entry.before or {}, entry.after or {}
        if entry.action == "update" and before.get("status") != after.get("status") \
                and after.get("status"):
            events.append({
                "at": entry.timestamp, "kind": "status", "who": entry.user,
                "who_name": entry.user_name,
                "old": _status_label(before.get("status")),
                "new": _status_label(after.get("status")),
            })
        elif entry.action == "create":
            events.append({"at": entry.timestamp, "kind": "created", "who": entry.user,
                           "who_name": entry.user_name})
    for event in events:
        event.setdefault("who_name", "")
    events.sort(key=lambda e: e["at"], reverse=True)
    return events


def _status_label(value):
    return Document.Status(value).label if value in Document.Status.values else value


# ---- readiness ---------------------------------------------------------------------------

def readiness_documents(user, exercise, *, round=None,  # noqa: A002
                        conference=None) -> QuerySet[Document]:
    """The documents the readiness matrix counts: the user's, of one round or conference."""
    qs = Document.objects.restrict(user, VIEW, exercise=exercise)
    link = Document.conferences.through.objects
    if conference is not None:
        qs = qs.filter(pk__in=link.filter(conference=conference).values("document_id"))
    if round is not None:
        qs = qs.filter(pk__in=link.filter(conference__holdings__round=round)
                       .values("document_id"))
    return qs


def _overdue_q(today) -> Q:
    """As ``is_overdue``, in SQL."""
    return Q(due_date__lt=today) & ~Q(status__in=DONE)


def readiness_totals(documents: QuerySet[Document], today=None) -> dict:
    """The matrix's figures over all its documents, in one aggregate query: required
    documents done (approved or issued) of all required, overdue ones, and a count per status."""
    today = today or timezone.localdate()
    figures = documents.order_by().aggregate(
        total=Count("pk", filter=Q(is_required=True)),
        done=Count("pk", filter=Q(is_required=True, status__in=DONE)),
        overdue=Count("pk", filter=_overdue_q(today)),
        **{f"status_{s.value}": Count("pk", filter=Q(status=s.value))
           for s in Document.Status},
    )
    return {
        "total": figures["total"], "done": figures["done"],
        "percent": _percent(figures["done"], figures["total"]),
        "overdue": figures["overdue"],
        "statuses": [(s, figures[f"status_{s.value}"]) for s in Document.Status],
    }


def readiness_bodies(documents: QuerySet[Document]) -> QuerySet:
    """The matrix's rows: the bodies owning its documents, in their order (a page at a time
    on the page)."""
    return (Body.objects.filter(pk__in=documents.values("owner_body_id"))
            .order_by("sort_order", "name", "id").only("id", "name", "short_name"))


MATRIX_FIELDS = ("id", "owner_body_id", "title", "doc_type", "status", "due_date", "is_required")


def readiness_rows(documents: QuerySet[Document], bodies, today=None) -> list[dict]:
    """One row per body of `bodies` (in that order): its documents (plain dicts of
    ``MATRIX_FIELDS`` and ``overdue``, coloured by status on the page) and the share of its
    required ones done. One query whatever the number of rows."""
    today = today or timezone.localdate()
    rows = {body.pk: {"body": body, "documents": [], "total": 0, "done": 0, "overdue": 0}
            for body in bodies}
    for document in (documents.filter(owner_body_id__in=list(rows))
                     .order_by("due_date", "id").values(*MATRIX_FIELDS)):
        row = rows[document["owner_body_id"]]
        done = document["status"] in DONE
        document["overdue"] = overdue = bool(
            document["due_date"] and document["due_date"] < today and not done)
        row["documents"].append(document)
        if document["is_required"]:
            row["total"] += 1
            row["done"] += done
        row["overdue"] += overdue
    for row in rows.values():
        row["percent"] = _percent(row["done"], row["total"])
    return list(rows.values())


def readiness_matrix(user, exercise, *, round=None, conference=None) -> dict:  # noqa: A002
    """Bodies (rows) × their documents (coloured by status), with overdue ones marked: the
    whole matrix at once (the API); the page shows its rows a page at a time."""
    documents = readiness_documents(user, exercise, round=round, conference=conference)
    today = timezone.localdate()
    return {"rows": readiness_rows(documents, readiness_bodies(documents), today),
            **readiness_totals(documents, today)}


def _percent(done: int, total: int) -> int | None:
    return round(100 * done / total) if total else None


def overview_summary(user, exercise, *, behind: int = 5) -> dict:
    """% of required documents approved (or issued), overall, and the `behind` bodies furthest
    behind (most overdue, then least done): the overview's summary; the readiness matrix has
    every body. One query."""
    rows = list(
        Document.objects.restrict(user, VIEW, exercise=exercise).filter(is_required=True)
        .values("owner_body_id", "owner_body__name", "owner_body__short_name",
                "owner_body__sort_order")
        .annotate(total=Count("id"), done=Count("id", filter=Q(status__in=DONE)),
                  overdue=Count("id", filter=_overdue_q(timezone.localdate())))
        .order_by("owner_body__sort_order", "owner_body__name")
    )
    for row in rows:
        row["body"] = row["owner_body__short_name"] or row["owner_body__name"]
        row["percent"] = _percent(row["done"], row["total"])
    total = sum(r["total"] for r in rows)
    done = sum(r["done"] for r in rows)
    lagging = sorted((r for r in rows if r["done"] < r["total"]),
                     key=lambda r: (-r["overdue"], r["done"] / r["total"]))
    return {"rows": rows, "behind": lagging[:behind], "body_count": len(rows),
            "behind_count": len(lagging), "total": total, "done": done,
            "percent": _percent(done, total), "overdue": sum(r["overdue"] for r in rows)}


# ---- the register of classified documents ------------------------------------------------

def secret_register(user, exercise, *, direction: str = "issued") -> QuerySet[Document]:
    """Classified documents the user sees: issued by their body, or received by it."""
    qs = (Document.objects.restrict(user, VIEW, exercise=exercise).filter(classification__gt=0)
          .select_related("owner_body", "drafter")
          .prefetch_related("recipients",
                            Prefetch("access_log",
                                     queryset=AccessLog.objects.filter(action="download")
                                     .order_by("timestamp", "id"),
                                     to_attr="downloads"))
          .order_by("number_year", "owner_body__sort_order", "number", "id"))
    if user.body_id and not user.is_superuser:
        if direction == "issued":
            qs = qs.filter(owner_body_id=user.body_id)
        elif direction == "received":
            qs = qs.exclude(owner_body_id=user.body_id).filter(
                pk__in=Document.recipients.through.objects.filter(body_id=user.body_id)
                .values("document_id"))
    return qs
