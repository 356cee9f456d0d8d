"""Reads of oversight, always scoped to the user with ``restrict``.

The dashboard is built from a fixed number of aggregate queries (pinned in the tests): its
query count does not grow with the number of bodies, documents, actions or rounds.
"""

import datetime as dt
from collections import defaultdict

from django.db.models import Avg, Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from dientap.conferences.models import Attendance, CompositionEntry, Holding
from dientap.core.paging import PER_PAGE
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
    """The observations the user may see, newest first, with what each row shows (its
    subject, round and author) joined in: no query per row."""
    qs = (Observation.objects.restrict(user, VIEW, exercise=exercise)
          .select_related("author", "body", "round", "holding", "holding__conference",
                          "holding__round", "agenda_item", "document_version",
                          "document_version__document", "delivery", "delivery__situation",
                          "delivery__body")
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


# A page of the observation list (and its live feed) is read in three short queries: the ids
# of the page (scoped, filtered, newest first: an index range), then those rows with their
# author and common subjects (holding, agenda item, body), then the rarer subjects (document
# version, situation delivery) of the same rows. Only the columns shown are read. A page deep
# in the list costs what the first one does, and no query has more than six joins to plan.
_ROW_FIELDS = (
    "kind", "text", "observed_at", "scenario_time", "photo_sha256", "document_version_id",
    "delivery_id", "author__username", "author__first_name", "author__last_name",
    "body__name", "body__short_name", "agenda_item__content",
    "holding__conference__title", "holding__round__kind", "holding__round__number",
)
_RARE_SUBJECT_FIELDS = (
    "document_version__number", "document_version__document__title",
    "document_version__document__doc_type",
    "delivery__situation__code", "delivery__body__name", "delivery__body__short_name",
)


def observation_ids(user, exercise, *, holding=None, body=None, kind: str = ""):
    """The ids of the observation list (scoped, filtered, newest first): what a page slices."""
    return observation_list(user, exercise, holding=holding, body=body, kind=kind).select_related(
        None).values_list("pk", flat=True)


def observations_by_id(ids) -> list[Observation]:
    """The observations of a page (``ids``, already scoped, in their order), with what a row
    shows: at most two queries whatever the page."""
    ids = list(ids)
    rows = {o.pk: o for o in Observation.objects.filter(pk__in=ids).select_related(
        "author", "body", "agenda_item", "holding__conference", "holding__round").only(
        *_ROW_FIELDS)}
    rare = Observation.objects.filter(pk__in=ids).filter(
        Q(document_version__isnull=False) | Q(delivery__isnull=False)).select_related(
        "document_version__document", "delivery__situation", "delivery__body").only(
        *_RARE_SUBJECT_FIELDS)
    for o in rare if rows else ():
        row = rows[o.pk]
        row.document_version, row.delivery = o.document_version, o.delivery
    return [rows[pk] for pk in ids if pk in rows]


def observation_holdings(user, exercise) -> QuerySet[Holding]:
    """The holdings the observation list can be filtered by."""
    return (Holding.objects.restrict(user, VIEW, exercise=exercise)
            .select_related("conference", "round"))


def holding_options(holdings: QuerySet[Holding]) -> list[tuple[int, str]]:
    """(id, "conference title · round") of each holding, in one narrow query: a filter's
    options, without a model instance per option."""
    rounds: dict[tuple, str] = {}
    options = []
    for pk, title, kind, number in holdings.values_list(
            "pk", "conference__title", "round__kind", "round__number"):
        if (kind, number) not in rounds:
            rounds[kind, number] = str(Round(kind=kind, number=number))
        options.append((pk, f"{Truncator(title).chars(60)} · {rounds[kind, number]}"))
    return options


def observation_row(o: Observation) -> dict:
    """One row of the observation list as shown, the same for the page and its live feed."""
    return {
        "id": o.pk, "kind": o.kind, "kind_label": str(o.get_kind_display()),
        "text": o.text, "about": str(o.subject) if o.subject else "",
        "at": timezone.localtime(o.observed_at).strftime("%d/%m/%Y %H:%M"),
        "scenario_time": o.scenario_time, "author": str(o.author or ""),
        "photo": bool(o.photo_sha256),
        "photo_url": reverse("oversight:observation_photo", args=[o.pk])
        if o.photo_sha256 else "",
    }


def observation_feed(user, exercise, *, holding=None, body=None, kind: str = "",
                     limit=PER_PAGE) -> list[dict]:
    """The first page of the observation list as JSON: the live page re-renders its first
    page from it when an observation is recorded (never the whole list)."""
    return [observation_row(o) for o in observations_by_id(observation_ids(
        user, exercise, holding=holding, body=body, kind=kind)[:limit])]


def observation_choices(user, exercise) -> dict:
    """What an observation can be about, as the user may see it."""
    holdings = (Holding.objects.restrict(user, VIEW, exercise=exercise)
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

    return (Delivery.objects.restrict(user, VIEW, exercise=exercise)
            .select_related("situation", "body").order_by("situation__position", "id"))


def situations_on_time(user, exercise) -> dict:
    """Deliveries handled, handled on time, late or overdue (one query, scoped)."""
    from dientap.scenarios.models import Delivery

    now = timezone.now()
    row = Delivery.objects.restrict(user, VIEW, exercise=exercise).aggregate(
        total=Count("id"), handled=Count("id", filter=Q(handled_at__isnull=False)),
        on_time=Count("id", filter=Q(handled_at__isnull=False, late=False)),
        overdue=Count("id", filter=Q(handled_at__isnull=True, due_at__lt=now)))
    row["pct"] = _pct(row["on_time"], row["handled"])
    return row


def versions_for(user, exercise) -> QuerySet[DocumentVersion]:
    return (DocumentVersion.objects.restrict(user, VIEW, exercise=exercise)
            .select_related("document").order_by("document__owner_body__sort_order",
                                                  "document_id", "-number"))


def exercise_bodies(exercise) -> QuerySet[Body]:
    """The bodies of the exercise: those in its frame and those of its area."""
    from dientap.exercises.models import FrameParticipant

    return (Body.objects.filter(Q(area__path__startswith=exercise.area.path)
                                | Q(pk__in=FrameParticipant.objects.filter(exercise=exercise)
                                    .values("body_id")))
            .order_by("sort_order", "name"))


def body_options(bodies: QuerySet[Body]) -> list[tuple[int, str]]:
    """(id, short name or name) of each body, in one narrow query: a filter's options,
    without a model instance per option."""
    return [(pk, short_name or name)
            for pk, short_name, name in bodies.values_list("pk", "short_name", "name")]


# --- corrective actions -----------------------------------------------------------------------

def action_list(user, exercise, *, body=None, status: str = "", overdue: bool = False,
                round=None, blocking: bool = False) -> QuerySet[CorrectiveAction]:  # noqa: A002
    """The corrective actions the user may see, by due date, with what each row shows
    (owner body, round, where it was raised again from) joined in."""
    qs = (CorrectiveAction.objects.restrict(user, VIEW, exercise=exercise)
          .select_related("owner_body", "round", "raised_again_from",
                          "raised_again_from__round")
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


_ACTION_ROW_FIELDS = (
    "exercise_id", "title", "due_date", "blocking", "status",
    "owner_body__name", "owner_body__short_name", "round__kind", "round__number",
    "raised_again_from__round__kind", "raised_again_from__round__number",
)


def action_rows(user, exercise, **filters) -> QuerySet[CorrectiveAction]:
    """The action list as its page shows it: only the columns shown (no details, notes or
    dates of work), so a page of 50 reads 50 narrow rows. The export reads ``action_list``."""
    return action_list(user, exercise, **filters).only(*_ACTION_ROW_FIELDS)


def flag_raised_again(actions) -> list[CorrectiveAction]:
    """The given actions (a page), each with ``raised_again_later``: whether a later round
    raised it again. One query for the page's ids, not a count over the whole list."""
    actions = list(actions)
    again = set(CorrectiveAction.objects.filter(
        raised_again_from__in=[a.pk for a in actions]).values_list(
        "raised_again_from_id", flat=True))
    for a in actions:
        a.raised_again_later = a.pk in again
    return actions


def action_get_qs():
    return CorrectiveAction.objects.select_related(
        "exercise", "exercise__area", "owner_body", "round", "observation",
        "observation__author", "comment", "comment__document", "raised_again_from",
        "raised_again_from__round", "created_by", "done_by", "verified_by",
        "fixed_by_version", "fixed_by_version__document", "fixed_by_holding",
        "fixed_by_holding__conference", "fixed_by_holding__round")


def may_change_action(user, action) -> bool:
    return CorrectiveAction.objects.restrict(user, CHANGE, exercise=action.exercise_id).filter(
        pk=action.pk).exists()


def visible(user, model, pk) -> bool:
    return pk is not None and model.objects.restrict(user, VIEW).filter(pk=pk).exists()


def comments_for_actions(user, exercise):
    from dientap.documents.models import Comment

    return (Comment.objects.restrict(user, VIEW, exercise=exercise)
            .select_related("document").order_by("-created_at"))


# --- round over round -------------------------------------------------------------------------

def rounds(exercise) -> list[Round]:
    return list(exercise.rounds.select_related("readiness", "readiness__by")
                .order_by("start_date", "id"))


def round_over_round(user, exercise, rnd: Round, next_round: Round | None) -> dict:
    """What was raised in `rnd`: fixed, still open, raised again in `next_round`."""
    raised = list(action_list(user, exercise, round=rnd).prefetch_related(
        Prefetch("raised_again", queryset=CorrectiveAction.objects.restrict(user, VIEW,
                                                                            exercise=exercise)
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
    return (Criterion.objects.restrict(user, VIEW, exercise=exercise)
            .select_related("scale").prefetch_related("scale__levels"))


def scales(user, exercise) -> QuerySet[Scale]:
    return Scale.objects.restrict(user, VIEW, exercise=exercise).prefetch_related(
        "levels")


def score_list(user, exercise, *, round=None, body=None) -> QuerySet[Score]:  # noqa: A002
    qs = (Score.objects.restrict(user, VIEW, exercise=exercise)
          .select_related("criterion", "round", "body", "holding", "holding__conference",
                          "level", "scored_by")
          .prefetch_related("evidence")
          .order_by("round__start_date", "criterion__position", "body__sort_order", "id"))
    if round is not None:
        qs = qs.filter(round=round)
    if body is not None:
        qs = qs.filter(body=body)
    return qs


def aggregates(user, exercise, *, cells: bool = True) -> dict:
    """Average points (and count) per body, per round and per criterion; and (``cells``) the
    matrix criterion × body. Points are the scale level's points (Giỏi 4 … Không đạt 1)."""
    scores = Score.objects.restrict(user, VIEW, exercise=exercise)

    def group(*fields):
        return list(scores.values(*fields).annotate(avg=Avg("level__points"), n=Count("id"))
                    .order_by(*fields))

    cells = group("criterion_id", "body_id") if cells else []
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
    qs = (ChecklistItem.objects.restrict(user, VIEW, exercise=exercise)
          .select_related("owner_body", "round").order_by("category", "due_date", "id"))
    if body is not None:
        qs = qs.filter(owner_body=body)
    if category:
        qs = qs.filter(category=category)
    return qs


def budget(user, exercise, *, body=None) -> dict:
    lines = list(BudgetLine.objects.restrict(user, VIEW, exercise=exercise)
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


def _fold(rows, key: str, fields: tuple) -> dict:
    """Rows grouped by several columns, summed per ``key``: {key value: {field: sum}}."""
    out: dict = {}
    for r in rows:
        x = out.setdefault(r[key], {key: r[key], **dict.fromkeys(fields, 0)})
        for f in fields:
            x[f] += r[f]
    return out


def _age_q(today, low: int, high: int | None) -> Q:
    """Raised between ``low`` and ``high`` days ago (local dates; no upper bound: None)."""
    def midnight(day):
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))

    q = Q(created_at__lt=midnight(today - dt.timedelta(days=low - 1)))
    if high is not None:
        q &= Q(created_at__gte=midnight(today - dt.timedelta(days=high)))
    return q


def dashboard(user, exercise) -> dict:
    """The exercise's readiness in figures: twelve aggregate queries whatever its size (each
    count is the database's; Python only adds up rows grouped by two columns)."""
    today = timezone.localdate()
    # 1. documents: the documents' own summary, scoped (counts only, never titles).
    docs = documents.overview_summary(user, exercise)
    # 2. facilities and support conditions, per body and per round (one query).
    checks = list(
        ChecklistItem.objects.restrict(user, VIEW, exercise=exercise)
        .values("owner_body_id", "round_id")
        .annotate(total=Count("id"), ready=Count("id", filter=Q(status="ready")),
                  overdue=Count("id", filter=Q(due_date__lt=today) & ~Q(status="ready")))
        .order_by())
    facilities = list(_fold(checks, "owner_body_id", ("total", "ready", "overdue")).values())
    per_round_checks = _fold(checks, "round_id", ("total", "ready"))
    # 3–4. attendance vs prescribed composition in the holdings held so far.
    held = Holding.objects.restrict(user, VIEW, exercise=exercise).exclude(
        state=Holding.State.SCHEDULED)
    seat_body = Coalesce("body_id", "post__body_id")
    seats = list(CompositionEntry.objects.filter(
        kind=CompositionEntry.Kind.REQUIRED, conference__holdings__in=held)
        .values(b=seat_body).annotate(total=Count("id")).order_by())
    present = list(Attendance.objects.filter(
        holding__in=held, entry__kind=CompositionEntry.Kind.REQUIRED,
        status__in=["present", "late"])
        .values(b=Coalesce("entry__body_id", "entry__post__body_id"))
        .annotate(n=Count("id")).order_by())
    # 5–7. corrective actions per body, per round, and the open ones by age (days since
    # raised) with the overdue ones in each bucket: one query grouped by body and round.
    is_open, late = Q(status__in=OPEN), Q(status__in=OPEN, due_date__lt=today)
    ages = {}
    for i, (low, high) in enumerate(AGE_BUCKETS):
        age = _age_q(today, low, high)
        ages[f"age{i}"] = Count("id", filter=is_open & age)
        ages[f"age{i}_overdue"] = Count("id", filter=late & age)
    grouped = list(
        CorrectiveAction.objects.restrict(user, VIEW, exercise=exercise)
        .values("owner_body_id", "round_id")
        .annotate(total=Count("id"), open=Count("id", filter=is_open),
                  overdue=Count("id", filter=late),
                  verified=Count("id", filter=Q(status=S.VERIFIED)),
                  done=Count("id", filter=Q(status=S.DONE)), **ages)
        .order_by())
    per_body_actions = list(_fold(grouped, "owner_body_id", (
        "total", "open", "overdue", "verified", "done")).values())
    per_round_actions = {k: {"raised": r["total"], "fixed": r["done"] + r["verified"],
                             "open": r["open"]}
                         for k, r in _fold(grouped, "round_id", (
                             "total", "open", "verified", "done")).items()}
    by_age = {name: sum(r[name] for r in grouped) for name in ages}
    # 8. rounds, 9. bodies, 10–11. evaluation (its per-round figures serve the chart too).
    round_list = list(exercise.rounds.select_related("readiness").order_by("start_date", "id"))
    evaluation = aggregates(user, exercise, cells=False)
    per_round_scores = {r["round_id"]: r for r in evaluation["by_round"]}
    budget_totals = BudgetLine.objects.restrict(user, VIEW, exercise=exercise).aggregate(
        planned=Coalesce(Sum("planned"), 0), actual=Coalesce(Sum("actual"), 0))

    body_ids = ({r["owner_body_id"] for r in docs["rows"]} | {r["owner_body_id"]
                for r in facilities} | {r["b"] for r in seats if r["b"]}
                | {r["owner_body_id"] for r in per_body_actions})
    bodies = {b.pk: b for b in Body.objects.filter(pk__in=body_ids).only(
        "name", "short_name", "sort_order")}
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

    buckets = [{"low": low, "high": high, "n": by_age[f"age{i}"],
                "overdue": by_age[f"age{i}_overdue"]}
               for i, (low, high) in enumerate(AGE_BUCKETS)]
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
