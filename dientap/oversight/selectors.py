"""Reads of oversight, always scoped to the user with ``restrict``.

The dashboard is built from a fixed number of aggregate queries (pinned in the tests): its
query count does not grow with the number of bodies, documents, actions or rounds.
"""

from collections import defaultdict

from django.db.models import Avg, Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from dientap.conferences.models import Attendance, CompositionEntry, Holding
from dientap.core.scoping import CHANGE, VIEW
from dientap.documents import selectors as documents
from dientap.documents.models import Document, DocumentVersion
from dientap.exercises.models import Exercise, Round
from dientap.organizations.models import Body

from .models import (
    BudgetLine,
    ChecklistItem,
    CorrectiveAction,
    Criterion,
    Observation,
    RoundReadiness,
    Scale,
    Score,
)

S = CorrectiveAction.Status
OPEN = [s.value for s in CorrectiveAction.OPEN_STATUSES]
FIXED = [s.value for s in CorrectiveAction.FIXED_STATUSES]


def _pct(done, total):
    return round(100 * done / total) if total else None


# --- observations -----------------------------------------------------------------------------

def observation_list(user, exercise, *, holding=None, body=None, kind: str = "",
                     round=None) -> QuerySet[Observation]:  # noqa: A002
    qs = (Observation.objects.restrict(user, VIEW).filter(exercise=exercise)
          .select_related("author", "body", "round", "holding", "holding__conference",
                          "holding__round", "agenda_item", "document_version",
                          "document_version__document")
          .order_by("-observed_at", "-id"))
    if holding is not None:
        qs = qs.filter(holding=holding)
    if body is not None:
        qs = qs.filter(Q(body=body) | Q(holding__conference__body=body))
    if kind:
        qs = qs.filter(kind=kind)
    if round is not None:
        qs = qs.filter(round=round)
    return qs


def observation_feed(user, exercise, *, holding=None, limit=100) -> list[dict]:
    """The observations a live page shows, as JSON (the page re-renders from it)."""
    rows = []
    for o in observation_list(user, exercise, holding=holding)[:limit]:
        rows.append({
            "id": o.pk, "kind": o.kind, "kind_label": str(o.get_kind_display()),
            "text": o.text, "about": str(o.subject) if o.subject else "",
            "at": timezone.localtime(o.observed_at).strftime("%d/%m/%Y %H:%M"),
            "scenario_time": o.scenario_time, "author": str(o.author or ""),
            "photo": bool(o.photo_sha256),
        })
    return rows


def observation_choices(user, exercise) -> dict:
    """What an observation can be about, as the user may see it."""
    holdings = (Holding.objects.restrict(user, VIEW).filter(conference__exercise=exercise)
                .select_related("conference", "round").order_by("starts_at", "id"))
    return {
        "holdings": holdings,
        "versions": versions_for(user, exercise),
        "bodies": exercise_bodies(exercise),
        "deliveries": deliveries_for(user, exercise),
    }


def deliveries_for(user, exercise):
    """Situations as each body received them (scenarios app), as the user may see them."""
    from dientap.scenarios.models import Delivery

    return (Delivery.objects.restrict(user, VIEW).filter(situation__exercise=exercise)
            .select_related("situation", "body").order_by("situation__position", "id"))


def situations_on_time(user, exercise) -> dict:
    """Deliveries handled, handled on time, late or overdue (one query, scoped)."""
    from dientap.scenarios.models import Delivery

    now = timezone.now()
    row = Delivery.objects.restrict(user, VIEW).filter(situation__exercise=exercise).aggregate(
        total=Count("id"), handled=Count("id", filter=Q(handled_at__isnull=False)),
        on_time=Count("id", filter=Q(handled_at__isnull=False, late=False)),
        overdue=Count("id", filter=Q(handled_at__isnull=True, due_at__lt=now)))
    row["pct"] = _pct(row["on_time"], row["handled"])
    return row


def versions_for(user, exercise) -> QuerySet[DocumentVersion]:
    return (DocumentVersion.objects.restrict(user, VIEW).filter(document__exercise=exercise)
            .select_related("document").order_by("document__owner_body__sort_order",
                                                  "document_id", "-number"))


def exercise_bodies(exercise) -> QuerySet[Body]:
    """The bodies of the exercise: those in its frame and those of its area."""
    from dientap.exercises.models import FrameParticipant

    return (Body.objects.filter(Q(area__path__startswith=exercise.area.path)
                                | Q(pk__in=FrameParticipant.objects.filter(exercise=exercise)
                                    .values("body_id")))
            .order_by("sort_order", "name"))


# --- corrective actions -----------------------------------------------------------------------

def action_list(user, exercise, *, body=None, status: str = "", overdue: bool = False,
                round=None, blocking: bool = False) -> QuerySet[CorrectiveAction]:  # noqa: A002
    qs = (CorrectiveAction.objects.restrict(user, VIEW).filter(exercise=exercise)
          .select_related("owner_body", "round", "raised_again_from",
                          "raised_again_from__round")
          .annotate(again_count=Count("raised_again", distinct=True))
          .order_by("due_date", "id"))
    if body is not None:
        qs = qs.filter(owner_body=body)
    if status == "open":
        qs = qs.filter(status__in=OPEN)
    elif status in S.values:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(status__in=OPEN, due_date__lt=timezone.localdate())
    if round is not None:
        qs = qs.filter(round=round)
    if blocking:
        qs = qs.filter(blocking=True)
    return qs


def action_get_qs():
    return CorrectiveAction.objects.select_related(
        "exercise", "exercise__area", "owner_body", "round", "observation",
        "observation__author", "comment", "comment__document", "raised_again_from",
        "raised_again_from__round", "created_by", "done_by", "verified_by",
        "fixed_by_version", "fixed_by_version__document", "fixed_by_holding",
        "fixed_by_holding__conference", "fixed_by_holding__round")


def may_change_action(user, action) -> bool:
    return CorrectiveAction.objects.restrict(user, CHANGE).filter(pk=action.pk).exists()


def visible(user, model, pk) -> bool:
    return pk is not None and model.objects.restrict(user, VIEW).filter(pk=pk).exists()


def comments_for_actions(user, exercise):
    from dientap.documents.models import Comment

    return (Comment.objects.restrict(user, VIEW).filter(document__exercise=exercise)
            .select_related("document").order_by("-created_at"))


# --- round over round -------------------------------------------------------------------------

def rounds(exercise) -> list[Round]:
    return list(exercise.rounds.select_related("readiness", "readiness__by")
                .order_by("start_date", "id"))


def round_over_round(user, exercise, rnd: Round, next_round: Round | None) -> dict:
    """What was raised in `rnd`: fixed, still open, raised again in `next_round`."""
    raised = list(action_list(user, exercise, round=rnd).prefetch_related(
        Prefetch("raised_again", queryset=CorrectiveAction.objects.restrict(user, VIEW)
                 .select_related("round"), to_attr="again")))
    again = [a for a in raised if next_round and any(
        x.round_id == next_round.pk for x in a.again)]
    new_next = []
    if next_round is not None:
        new_next = list(action_list(user, exercise, round=next_round).filter(
            raised_again_from__isnull=True))
    return {
        "round": rnd, "next": next_round,
        "fixed": [a for a in raised if a.status in FIXED],
        "open": [a for a in raised if a.status in OPEN],
        "again": again,
        "new_next": new_next,
        "total": len(raised),
    }


def blocking_open(exercise, rnd) -> int:
    return CorrectiveAction.objects.filter(exercise=exercise, round=rnd, blocking=True,
                                           status__in=OPEN).count()


# --- evaluation -------------------------------------------------------------------------------

def criteria(user, exercise) -> QuerySet[Criterion]:
    return (Criterion.objects.restrict(user, VIEW).filter(exercise=exercise)
            .select_related("scale").prefetch_related("scale__levels"))


def scales(user, exercise) -> QuerySet[Scale]:
    return Scale.objects.restrict(user, VIEW).filter(exercise=exercise).prefetch_related(
        "levels")


def score_list(user, exercise, *, round=None, body=None) -> QuerySet[Score]:  # noqa: A002
    qs = (Score.objects.restrict(user, VIEW).filter(criterion__exercise=exercise)
          .select_related("criterion", "round", "body", "holding", "holding__conference",
                          "level", "scored_by")
          .prefetch_related("evidence")
          .order_by("round__start_date", "criterion__position", "body__sort_order", "id"))
    if round is not None:
        qs = qs.filter(round=round)
    if body is not None:
        qs = qs.filter(body=body)
    return qs


def aggregates(user, exercise) -> dict:
    """Average points (and count) per body, per round and per criterion; and the matrix
    criterion × body. Points are the scale level's points (Giỏi 4 … Không đạt 1)."""
    scores = Score.objects.restrict(user, VIEW).filter(criterion__exercise=exercise)

    def group(*fields):
        return list(scores.values(*fields).annotate(avg=Avg("level__points"), n=Count("id"))
                    .order_by(*fields))

    cells = group("criterion_id", "body_id")
    by_body = group("body_id", "body__short_name", "body__name", "body__sort_order")
    by_round = group("round_id", "round__start_date")
    by_criterion = group("criterion_id", "criterion__title", "criterion__position")
    for row in by_body:
        row["name"] = row["body__short_name"] or row["body__name"]
    return {
        "by_body": sorted(by_body, key=lambda r: (r["body__sort_order"], r["name"])),
        "by_round": by_round,
        "by_criterion": sorted(by_criterion, key=lambda r: r["criterion__position"]),
        "cells": {(c["criterion_id"], c["body_id"]): c for c in cells},
    }


# --- preparation checks -----------------------------------------------------------------------

def checklist(user, exercise, *, body=None, category: str = "") -> QuerySet[ChecklistItem]:
    qs = (ChecklistItem.objects.restrict(user, VIEW).filter(exercise=exercise)
          .select_related("owner_body", "round").order_by("category", "due_date", "id"))
    if body is not None:
        qs = qs.filter(owner_body=body)
    if category:
        qs = qs.filter(category=category)
    return qs


def budget(user, exercise, *, body=None) -> dict:
    lines = list(BudgetLine.objects.restrict(user, VIEW).filter(exercise=exercise)
                 .select_related("owner_body").order_by("id"))
    if body is not None:
        lines = [b for b in lines if b.owner_body_id == body.pk]
    planned = sum(b.planned for b in lines)
    actual = sum(b.actual for b in lines)
    return {"lines": lines, "planned": planned, "actual": actual, "variance": actual - planned}


# --- the dashboard ----------------------------------------------------------------------------

AGE_BUCKETS = [(0, 7), (8, 14), (15, 30), (31, None)]


def _bar(value, maximum) -> str:
    """An SVG width (0–100) as a plain string: never localised ("12.5", not "12,5")."""
    if not maximum or value is None:
        return "0"
    return f"{max(0.0, min(100.0, 100 * value / maximum)):.1f}"


def dashboard(user, exercise) -> dict:
    today = timezone.localdate()
    # 1. documents: the documents' own summary, scoped (counts only, never titles).
    docs = documents.overview_summary(user, exercise)
    # 2. facilities and support conditions.
    facilities = list(
        ChecklistItem.objects.restrict(user, VIEW).filter(exercise=exercise)
        .values("owner_body_id")
        .annotate(total=Count("id"), ready=Count("id", filter=Q(status="ready")),
                  overdue=Count("id", filter=Q(due_date__lt=today) & ~Q(status="ready")))
        .order_by())
    # 3–4. attendance vs prescribed composition in the holdings held so far.
    held = Holding.objects.restrict(user, VIEW).filter(
        conference__exercise=exercise).exclude(state=Holding.State.SCHEDULED)
    seat_body = Coalesce("body_id", "post__body_id")
    seats = list(CompositionEntry.objects.filter(
        kind=CompositionEntry.Kind.REQUIRED, conference__holdings__in=held)
        .values(b=seat_body).annotate(total=Count("id")).order_by())
    present = list(Attendance.objects.filter(
        holding__in=held, entry__kind=CompositionEntry.Kind.REQUIRED,
        status__in=["present", "late"])
        .values(b=Coalesce("entry__body_id", "entry__post__body_id"))
        .annotate(n=Count("id")).order_by())
    # 5. corrective actions per body.
    actions = CorrectiveAction.objects.restrict(user, VIEW).filter(exercise=exercise)
    per_body_actions = list(
        actions.values("owner_body_id")
        .annotate(total=Count("id"), open=Count("id", filter=Q(status__in=OPEN)),
                  overdue=Count("id", filter=Q(status__in=OPEN, due_date__lt=today)),
                  verified=Count("id", filter=Q(status=S.VERIFIED)),
                  done=Count("id", filter=Q(status=S.DONE)))
        .order_by())
    # 6. over time: per round.
    per_round_actions = {r["round_id"]: r for r in actions.values("round_id").annotate(
        raised=Count("id"), fixed=Count("id", filter=Q(status__in=FIXED)),
        open=Count("id", filter=Q(status__in=OPEN))).order_by()}
    per_round_checks = {r["round_id"]: r for r in ChecklistItem.objects.restrict(user, VIEW)
                        .filter(exercise=exercise).values("round_id")
                        .annotate(total=Count("id"), ready=Count("id", filter=Q(status="ready")))
                        .order_by()}
    per_round_scores = {r["round_id"]: r for r in Score.objects.restrict(user, VIEW)
                        .filter(criterion__exercise=exercise).values("round_id")
                        .annotate(avg=Avg("level__points"), n=Count("id")).order_by()}
    # 7. open actions by age (days since raised), with the overdue ones in each bucket.
    open_rows = list(actions.filter(status__in=OPEN).values_list("created_at", "due_date"))
    # 8. rounds, 9. bodies, 10–11. evaluation.
    round_list = list(exercise.rounds.select_related("readiness").order_by("start_date", "id"))
    evaluation = aggregates(user, exercise)
    budget_totals = BudgetLine.objects.restrict(user, VIEW).filter(exercise=exercise).aggregate(
        planned=Coalesce(Sum("planned"), 0), actual=Coalesce(Sum("actual"), 0))

    body_ids = ({r["owner_body_id"] for r in docs["rows"]} | {r["owner_body_id"]
                for r in facilities} | {r["b"] for r in seats if r["b"]}
                | {r["owner_body_id"] for r in per_body_actions})
    bodies = {b.pk: b for b in Body.objects.filter(pk__in=body_ids)}
    rows: dict[int, dict] = {}

    def row(body_id):
        body = bodies[body_id]
        return rows.setdefault(body_id, {
            "body": body, "docs_total": 0, "docs_done": 0, "fac_total": 0, "fac_ready": 0,
            "seats": 0, "present": 0, "actions_total": 0, "actions_open": 0,
            "actions_overdue": 0, "actions_fixed": 0})

    for r in docs["rows"]:
        x = row(r["owner_body_id"])
        x["docs_total"], x["docs_done"] = r["total"], r["done"]
    for r in facilities:
        x = row(r["owner_body_id"])
        x["fac_total"], x["fac_ready"] = r["total"], r["ready"]
    for r in seats:
        if r["b"]:
            row(r["b"])["seats"] = r["total"]
    for r in present:
        if r["b"] in rows:
            rows[r["b"]]["present"] = r["n"]
    for r in per_body_actions:
        x = row(r["owner_body_id"])
        x["actions_total"], x["actions_open"] = r["total"], r["open"]
        x["actions_overdue"] = r["overdue"]
        x["actions_fixed"] = r["done"] + r["verified"]
    readiness = sorted(rows.values(), key=lambda r: (r["body"].sort_order, r["body"].name))
    for x in readiness:
        x["docs_pct"] = _pct(x["docs_done"], x["docs_total"])
        x["fac_pct"] = _pct(x["fac_ready"], x["fac_total"])
        x["att_pct"] = _pct(x["present"], x["seats"])
        x["actions_pct"] = _pct(x["actions_fixed"], x["actions_total"])
        for key in ("docs", "fac", "att", "actions"):
            x[f"{key}_w"] = _bar(x[f"{key}_pct"], 100)

    buckets = []
    for low, high in AGE_BUCKETS:
        buckets.append({"low": low, "high": high, "n": 0, "overdue": 0})
    for created_at, due in open_rows:
        age = (today - timezone.localtime(created_at).date()).days
        for b in buckets:
            if age >= b["low"] and (b["high"] is None or age <= b["high"]):
                b["n"] += 1
                b["overdue"] += due < today
                break
    top = max([b["n"] for b in buckets] + [1])
    for b in buckets:
        b["w"] = _bar(b["n"], top)
        b["w_overdue"] = _bar(b["overdue"], top)

    over_time = []
    for r in round_list:
        a = per_round_actions.get(r.pk, {"raised": 0, "fixed": 0, "open": 0})
        c = per_round_checks.get(r.pk, {"total": 0, "ready": 0})
        s = per_round_scores.get(r.pk, {"avg": None, "n": 0})
        over_time.append({
            "round": r, "ready": r.readiness if has_readiness(r) else None,
            "raised": a["raised"], "fixed": a["fixed"], "open": a["open"],
            "fixed_pct": _pct(a["fixed"], a["raised"]), "checks_total": c["total"],
            "checks_ready": c["ready"], "checks_pct": _pct(c["ready"], c["total"]),
            "score": s["avg"], "score_n": s["n"],
            "score_w": _bar(s["avg"], 4),
        })
    most = max([r["raised"] for r in over_time] + [1])
    for r in over_time:
        r["raised_w"], r["fixed_w"] = _bar(r["raised"], most), _bar(r["fixed"], most)
        r["checks_w"] = _bar(r["checks_pct"], 100)
    for r in evaluation["by_criterion"] + evaluation["by_body"]:
        r["w"] = _bar(r["avg"], 4)

    totals = {
        "docs_done": docs["done"], "docs_total": docs["total"], "docs_pct": docs["percent"],
        "docs_overdue": docs["overdue"],
        "fac_ready": sum(r["ready"] for r in facilities),
        "fac_total": sum(r["total"] for r in facilities),
        "fac_overdue": sum(r["overdue"] for r in facilities),
        "present": sum(r["n"] for r in present), "seats": sum(r["total"] for r in seats),
        "actions_total": sum(r["total"] for r in per_body_actions),
        "actions_open": sum(r["open"] for r in per_body_actions),
        "actions_overdue": sum(r["overdue"] for r in per_body_actions),
        "actions_done": sum(r["done"] for r in per_body_actions),
        "actions_verified": sum(r["verified"] for r in per_body_actions),
        "budget_planned": budget_totals["planned"], "budget_actual": budget_totals["actual"],
        "budget_variance": budget_totals["actual"] - budget_totals["planned"],
    }
    totals["fac_pct"] = _pct(totals["fac_ready"], totals["fac_total"])
    totals["att_pct"] = _pct(totals["present"], totals["seats"])
    return {"readiness": readiness, "totals": totals, "age": buckets, "over_time": over_time,
            "evaluation": evaluation, "today": today,
            "situations": situations_on_time(user, exercise)}


def has_readiness(rnd) -> bool:
    try:
        rnd.readiness  # noqa: B018
    except RoundReadiness.DoesNotExist:
        return False
    return True


# --- the region: provinces side by side, for inspectors ---------------------------------------

def region(user) -> list[dict]:
    """Key figures of every exercise the user inspects, one column per exercise (province)."""
    from .models import overseen_exercises

    if not user.is_superuser and not user.inspected_area_id:
        return []
    exercises = list(Exercise.objects.restrict(user, VIEW).filter(
        pk__in=overseen_exercises(user)).select_related("area").order_by("area__path",
                                                                         "start_date"))
    ids = [e.pk for e in exercises]
    today = timezone.localdate()
    done = [s.value for s in Document.DONE_STATUSES]
    docs = {r["exercise_id"]: r for r in Document.objects.restrict(user, VIEW).filter(
        exercise_id__in=ids, is_required=True).values("exercise_id").annotate(
        total=Count("id"), done=Count("id", filter=Q(status__in=done))).order_by()}
    checks = {r["exercise_id"]: r for r in ChecklistItem.objects.restrict(user, VIEW).filter(
        exercise_id__in=ids).values("exercise_id").annotate(
        total=Count("id"), ready=Count("id", filter=Q(status="ready"))).order_by()}
    acts = {r["exercise_id"]: r for r in CorrectiveAction.objects.restrict(user, VIEW).filter(
        exercise_id__in=ids).values("exercise_id").annotate(
        total=Count("id"), open=Count("id", filter=Q(status__in=OPEN)),
        overdue=Count("id", filter=Q(status__in=OPEN, due_date__lt=today)),
        verified=Count("id", filter=Q(status=S.VERIFIED))).order_by()}
    scores = {r["criterion__exercise_id"]: r for r in Score.objects.restrict(user, VIEW).filter(
        criterion__exercise_id__in=ids).values("criterion__exercise_id").annotate(
        avg=Avg("level__points"), n=Count("id")).order_by()}
    columns = []
    empty = defaultdict(int)
    for e in exercises:
        d, c = docs.get(e.pk, empty), checks.get(e.pk, empty)
        a, s = acts.get(e.pk, empty), scores.get(e.pk, {"avg": None, "n": 0})
        col = {"exercise": e, "docs_done": d["done"], "docs_total": d["total"],
               "docs_pct": _pct(d["done"], d["total"]), "fac_ready": c["ready"],
               "fac_total": c["total"], "fac_pct": _pct(c["ready"], c["total"]),
               "actions_open": a["open"], "actions_overdue": a["overdue"],
               "actions_verified": a["verified"], "actions_total": a["total"],
               "score": s["avg"], "score_n": s["n"]}
        col["docs_w"], col["fac_w"] = _bar(col["docs_pct"], 100), _bar(col["fac_pct"], 100)
        columns.append(col)
    return columns
