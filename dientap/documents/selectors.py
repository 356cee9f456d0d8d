"""Reads of the document set, always scoped to the user with ``restrict``."""

import difflib
import re

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from dientap.core.audit import entries_for
from dientap.core.scoping import CHANGE, VIEW
from dientap.core.text import fold

from . import output, storage
from .models import AccessLog, Comment, Document, DocumentVersion

DONE = [s.value for s in Document.DONE_STATUSES]


def is_overdue(document: Document, today=None) -> bool:
    today = today or timezone.localdate()
    return bool(document.due_date and document.due_date < today
                and document.status not in DONE)


def document_list(user, exercise, *, status: str = "", body=None, conference=None,
                  q: str = "") -> QuerySet[Document]:
    qs = (
        Document.objects.restrict(user, VIEW)
        .filter(exercise=exercise)
        .select_related("owner_body", "drafter")
        .prefetch_related("conferences")
        .annotate(
            version_count=Count("versions", distinct=True),
            open_comment_count=Count("comments", filter=~Q(comments__state="closed"),
                                     distinct=True),
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


def document_get(user, pk, action: str = VIEW) -> Document:
    """The document if the user may see (or change) it; else Document.DoesNotExist."""
    return (
        Document.objects.restrict(user, action)
        .select_related("exercise", "exercise__area", "owner_body", "owner_body__parent",
                        "drafter")
        .get(pk=pk)
    )


def can_change(user, document: Document) -> bool:
    return Document.objects.restrict(user, CHANGE).filter(pk=document.pk).exists()


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

def readiness_matrix(user, exercise, *, round=None, conference=None) -> dict:  # noqa: A002
    """Bodies (rows) × their documents (coloured by status), with overdue ones marked."""
    qs = (Document.objects.restrict(user, VIEW).filter(exercise=exercise)
          .select_related("owner_body")
          .order_by("owner_body__sort_order", "owner_body__name", "due_date", "id"))
    link = Document.conferences.through.objects
    if conference is not None:
        qs = qs.filter(pk__in=link.filter(conference=conference).values("document_id"))
    if round is not None:
        qs = qs.filter(pk__in=link.filter(conference__holdings__round=round)
                       .values("document_id"))
    today = timezone.localdate()
    rows: dict[int, dict] = {}
    statuses = {s.value: 0 for s in Document.Status}
    for document in qs:
        row = rows.setdefault(document.owner_body_id, {
            "body": document.owner_body, "documents": [], "total": 0, "done": 0,
            "overdue": 0})
        document.overdue = is_overdue(document, today)
        row["documents"].append(document)
        statuses[document.status] += 1
        if document.is_required:
            row["total"] += 1
            row["done"] += document.status in DONE
        row["overdue"] += document.overdue
    for row in rows.values():
        row["percent"] = _percent(row["done"], row["total"])
    total = sum(r["total"] for r in rows.values())
    done = sum(r["done"] for r in rows.values())
    return {
        "rows": list(rows.values()),
        "total": total, "done": done, "percent": _percent(done, total),
        "overdue": sum(r["overdue"] for r in rows.values()),
        "statuses": [(Document.Status(k), n) for k, n in statuses.items()],
    }


def _percent(done: int, total: int) -> int | None:
    return round(100 * done / total) if total else None


def overview_summary(user, exercise) -> dict:
    """% of required documents approved (or issued), per owning body and overall."""
    rows = list(
        Document.objects.restrict(user, VIEW)
        .filter(exercise=exercise, is_required=True)
        .values("owner_body_id", "owner_body__name", "owner_body__short_name",
                "owner_body__sort_order")
        .annotate(total=Count("id"), done=Count("id", filter=Q(status__in=DONE)),
                  overdue=Count("id", filter=Q(due_date__lt=timezone.localdate())
                                & ~Q(status__in=DONE)))
        .order_by("owner_body__sort_order", "owner_body__name")
    )
    for row in rows:
        row["body"] = row["owner_body__short_name"] or row["owner_body__name"]
        row["percent"] = _percent(row["done"], row["total"])
    total = sum(r["total"] for r in rows)
    done = sum(r["done"] for r in rows)
    return {"rows": rows, "total": total, "done": done, "percent": _percent(done, total),
            "overdue": sum(r["overdue"] for r in rows)}


# ---- the register of classified documents ------------------------------------------------

def secret_register(user, exercise, *, direction: str = "issued") -> QuerySet[Document]:
    """Classified documents the user sees: issued by their body, or received by it."""
    qs = (Document.objects.restrict(user, VIEW)
          .filter(exercise=exercise, classification__gt=0)
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
