"""What a report says, gathered from the exercise's data as the acting user may see it.

The pieces reuse the selectors of the other apps (oversight's observation and action lists and
its dashboard, exercises' committees, documents' scoping); what they lack is added here on the
models' ``restrict``. ``gather`` returns plain JSON (the report's snapshot of figures) with a
``classification`` on every item that can carry one, so that ``classification_of`` gives the
report's level and the unclassified version can leave those items out.

``gather`` runs a fixed number of queries whatever the number of rounds, holdings, seats,
situations, observations, scores and actions (pinned in the tests).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Avg, Count, Prefetch, Q
from django.utils import timezone

from dientap.accounts.models import Clearance
from dientap.conferences.models import Holding
from dientap.conferences.selectors import gap_reports
from dientap.core.scoping import CHANGE, VIEW
from dientap.documents.models import Document
from dientap.exercises import selectors as exercise_selectors
from dientap.exercises.models import Committee, Exercise, FrameParticipant, Round
from dientap.organizations.models import Body
from dientap.oversight import selectors as oversight
from dientap.oversight.models import CorrectiveAction, Score
from dientap.scenarios.models import Delivery, Situation

from .models import Report

# ---- reading reports ---------------------------------------------------------------------


def report_list(user, exercise: Exercise):
    return (Report.objects.restrict(user, VIEW, exercise=exercise)
            .select_related("round", "issuing_body", "created_by")
            .order_by("kind", "round__start_date", "id"))


def report_get(user, exercise: Exercise, pk, action: str = VIEW) -> Report:
    """The report if the user may see it (Http404 otherwise; PermissionDenied to change)."""
    from dientap.core.views import get_scoped

    qs = Report.objects.filter(exercise=exercise).select_related(
        "exercise", "exercise__area", "round", "issuing_body")
    return get_scoped(qs, user, pk, action)


def can_change(user, report: Report) -> bool:
    return Report.objects.restrict(user, CHANGE).filter(pk=report.pk).exists()


def rounds(exercise: Exercise) -> list[Round]:
    return list(exercise.rounds.order_by("start_date", "id"))


def default_issuing_body(exercise: Exercise) -> Body | None:
    """The body of the Organizing Committee's head (in the demo the Chairman of the provincial
    People's Committee, so the UBND); else the People's Committee of the area; else the first
    body of the frame."""
    head = (exercise.committees.filter(kind=Committee.Kind.ORGANIZING, members__post__isnull=False)
            .order_by("sort_order", "id", "members__sort_order", "members__id")
            .values_list("members__post__body_id", flat=True).first())
    if head:
        return Body.objects.get(pk=head)
    committee = Body.objects.filter(area=exercise.area, kind=Body.Kind.COMMITTEE).order_by(
        "sort_order", "id").first()
    if committee:
        return committee
    return Body.objects.filter(pk__in=FrameParticipant.objects.filter(
        exercise=exercise).values("body_id")).order_by("sort_order", "name").first()


# ---- gathering the figures ---------------------------------------------------------------

def _day(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _time(value) -> str:
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y") if value else ""


def _body_name(body: Body | None) -> str:
    if body is None:
        return ""
    return body.short_name or body.name


def round_label(rnd: Round) -> str:
    """As Vietnamese documents name it (printed text, not translated)."""
    names = {Round.Kind.REHEARSAL: f"Luyện tập lần {rnd.number}",
             Round.Kind.PRELIMINARY: "Sơ duyệt", Round.Kind.FINAL: "Tổng duyệt",
             Round.Kind.LIVE: "Thực hành"}
    return names.get(rnd.kind, str(rnd))


def overview(user, exercise: Exercise) -> dict:
    committees = [{
        "name": c.name,
        "members": [{"person": m.person.full_name, "position": m.position,
                     "post": m.post.title if m.post_id else ""} for m in c.members.all()],
    } for c in exercise_selectors.committees(exercise)]
    frame = FrameParticipant.objects.filter(exercise=exercise).aggregate(
        bodies=Count("body_id", distinct=True),
        people=Count("person_id", distinct=True))
    higher = list(Body.objects.filter(pk__in=FrameParticipant.objects.filter(
        exercise=exercise, role=FrameParticipant.Role.OBSERVER).values("body_id"))
        .order_by("sort_order", "name").values_list("name", flat=True))
    docs = Document.objects.restrict(user, VIEW, exercise=exercise).aggregate(
        total=Count("id"), done=Count("id", filter=Q(status__in=Document.DONE_STATUSES)))
    return {
        "code_name": exercise.code_name, "name": exercise.name, "theme": exercise.theme,
        "kind": str(exercise.get_kind_display()), "form": exercise.form,
        "level": exercise.area.level.name, "area": exercise.area.name,
        "start": _day(exercise.start_date), "end": _day(exercise.end_date),
        "committees": committees, "frame_bodies": frame["bodies"],
        "frame_people": frame["people"], "higher_bodies": higher,
        "documents_total": docs["total"],
        "documents_done": docs["done"],
    }


def _titles(items) -> list[str]:
    """Seat titles of gap-report items (seat rows or seats)."""
    return [(item["entry"] if isinstance(item, dict) else item).title for item in items]


def holdings(user, rounds_: list[Round]) -> list[dict]:
    """Each holding of the rounds with attendance against the prescribed composition (the
    conferences' own gap report, for all the holdings at once)."""
    hs = list(Holding.objects.restrict(user, VIEW).filter(round__in=rounds_)
              .select_related("conference", "conference__body", "round")
              .order_by("round__start_date", "starts_at", "id"))
    rows = []
    for h, gap in zip(hs, gap_reports(hs), strict=True):
        rows.append({
            "round_id": h.round_id, "round": round_label(h.round),
            "conference": h.conference.title, "body": _body_name(h.conference.body),
            "when": _time(h.started_at or h.starts_at), "state": h.state,
            "recorded": gap["recorded"],
            "required": gap["required_count"],
            "present": gap["present_count"],
            "absent": _titles(gap["absent"]), "substituted": _titles(gap["substituted"]),
            "late": _titles(gap["late"]),
            "unassigned": _titles(gap["unassigned"]),
            "unrecorded": _titles(gap["unrecorded"]),
        })
    return rows


def _in_rounds(issued_at, rounds_: list[Round]) -> bool:
    day = timezone.localtime(issued_at).date()
    return any(r.start_date <= day <= r.end_date for r in rounds_)


def situations(user, exercise: Exercise, rounds_: list[Round] | None) -> list[dict]:
    """Situations issued (in the rounds, by the date of issue; all for the final report) and
    how each receiving body handled them: on time, late, not handled (overdue or not)."""
    now = timezone.now()
    deliveries = (Delivery.objects.restrict(user, VIEW).select_related("body")
                  .only("situation_id", "handled_at", "late", "due_at", "body__name",
                        "body__short_name")
                  .order_by("body__sort_order", "body__name"))
    docs = Document.objects.restrict(user, VIEW).only("id", "title", "doc_type",
                                                      "classification")
    items = (Situation.objects.restrict(user, VIEW, exercise=exercise)
             .filter(status=Situation.Status.ISSUED)
             .only("id", "code", "title", "issued_at", "classification")
             .prefetch_related(Prefetch("deliveries", queryset=deliveries),
                               Prefetch("documents", queryset=docs))
             .order_by("issued_at", "position", "id"))
    rows = []
    for s in items:
        if rounds_ is not None and not _in_rounds(s.issued_at, rounds_):
            continue
        ds = list(s.deliveries.all())
        on_time = [d for d in ds if d.handled_at and not d.late]
        late = [d for d in ds if d.handled_at and d.late]
        open_ = [d for d in ds if not d.handled_at]
        rows.append({
            "code": s.code, "title": s.title, "issued": _time(s.issued_at),
            "classification": s.classification, "deliveries": len(ds),
            "on_time": len(on_time), "late": len(late), "not_handled": len(open_),
            "overdue": sum(1 for d in open_ if d.is_overdue(now)),
            "late_bodies": [_body_name(d.body) for d in late],
            "open_bodies": [_body_name(d.body) for d in open_],
            "documents": [{"title": str(d), "classification": d.classification}
                          for d in s.documents.all()],
        })
    return rows


# Where an observation's body comes from, in order: its own, the holding's conference's, the
# delivery's, the document's owner (read as columns: no model instance per observation).
_OBSERVATION_BODIES = ("body", "holding__conference__body", "delivery__body",
                       "document_version__document__owner_body")


def observations(user, exercise: Exercise, rounds_: list[Round] | None) -> list[dict]:
    """The observations (kind, text, body) with the level of what they refer to: the
    document's or the situation's classification."""
    qs = oversight.observation_list(user, exercise)
    if rounds_ is not None:
        qs = qs.filter(Q(round__in=rounds_) | Q(holding__round__in=rounds_))
    columns = ["kind", "text", "document_version__document__classification",
               "delivery__situation__classification"]
    for subject in _OBSERVATION_BODIES:
        columns += [f"{subject}__name", f"{subject}__short_name", f"{subject}__sort_order"]
    rows = []
    for o in qs.order_by("observed_at", "id").values(*columns):
        subject = next((s for s in _OBSERVATION_BODIES if o[f"{s}__name"] is not None), None)
        rows.append({
            "kind": o["kind"], "text": o["text"],
            "body": (o[f"{subject}__short_name"] or o[f"{subject}__name"]) if subject else "",
            "body_order": o[f"{subject}__sort_order"] if subject else 10**6,
            "classification": max(Clearance.NONE,
                                  o["document_version__document__classification"] or 0,
                                  o["delivery__situation__classification"] or 0)})
    return rows


def scores(user, exercise: Exercise, rounds_: list[Round] | None) -> dict:
    """Average points per criterion and per body (as oversight's ``aggregates``, for the
    report's rounds), with the scale's best points to read them against."""
    qs = Score.objects.restrict(user, VIEW, exercise=exercise)
    if rounds_ is not None:
        qs = qs.filter(round__in=rounds_)
    by_criterion = list(qs.values("criterion_id", "criterion__title", "criterion__position")
                        .annotate(avg=Avg("level__points"), n=Count("id"))
                        .order_by("criterion__position", "criterion_id"))
    by_body = list(qs.values("body_id", "body__short_name", "body__name", "body__sort_order")
                   .annotate(avg=Avg("level__points"), n=Count("id"))
                   .order_by("body__sort_order", "body__name"))
    return {
        "by_criterion": [{"title": r["criterion__title"], "avg": round(r["avg"], 2),
                          "n": r["n"]} for r in by_criterion],
        "by_body": [{"body": r["body__short_name"] or r["body__name"],
                     "avg": round(r["avg"], 2), "n": r["n"]} for r in by_body],
    }


def actions(user, exercise: Exercise, rnd: Round | None,
            rounds_: list[Round] | None = None) -> list[dict]:
    """The improvement plan: oversight's action list (raised in the round, or all), read as
    columns (no model instance per action)."""
    today = timezone.localdate()
    labels = {r.pk: round_label(r) for r in (rounds(exercise) if rounds_ is None else rounds_)}
    rows = oversight.action_list(user, exercise, round=rnd).values(
        "title", "due_date", "status", "blocking", "done_note", "round_id",
        "owner_body__name", "owner_body__short_name", "owner_body__sort_order")
    statuses = dict(CorrectiveAction.Status.choices)
    return [{
        "body": a["owner_body__short_name"] or a["owner_body__name"] or "",
        "body_order": a["owner_body__sort_order"] if a["owner_body__name"] else 10**6,
        "title": a["title"], "due": _day(a["due_date"]),
        "status": a["status"], "status_label": str(statuses.get(a["status"], a["status"])),
        "round": labels.get(a["round_id"], ""),
        "overdue": (a["status"] in CorrectiveAction.OPEN_STATUSES
                    and a["due_date"] is not None and a["due_date"] < today),
        "blocking": a["blocking"], "done_note": a["done_note"],
    } for a in rows]


def charts(user, exercise: Exercise) -> dict:
    """The dashboard's series: corrective actions raised and fixed per round, scores by
    criterion (oversight's dashboard, scoped)."""
    board = oversight.dashboard(user, exercise)
    return {
        "actions_per_round": [{"round": round_label(r["round"]), "raised": r["raised"],
                               "fixed": r["fixed"]} for r in board["over_time"]],
        "score_by_criterion": [{"title": r["criterion__title"], "avg": round(r["avg"], 2)}
                               for r in board["evaluation"]["by_criterion"]],
        "situations": {k: board["situations"][k] for k in ("total", "handled", "on_time",
                                                           "overdue")},
    }


def gather(user, exercise: Exercise, *, kind: str, rnd: Round | None = None,
           unclassified: bool = False) -> dict:
    """Every figure a report prints, as JSON; classified items left out when `unclassified`."""
    all_rounds = rounds(exercise)
    report_rounds = [rnd] if kind == Report.Kind.ROUND else all_rounds
    data = {
        "kind": kind, "unclassified": unclassified,
        "round": round_label(rnd) if rnd else "",
        "round_dates": [_day(rnd.start_date), _day(rnd.end_date)] if rnd else [],
        "rounds": [{"label": round_label(r), "start": _day(r.start_date),
                    "end": _day(r.end_date)} for r in all_rounds],
        "overview": overview(user, exercise),
        "holdings": holdings(user, report_rounds),
        "situations": situations(user, exercise, [rnd] if rnd else None),
        "observations": observations(user, exercise, [rnd] if rnd else None),
        "scores": scores(user, exercise, [rnd] if rnd else None),
        "actions": actions(user, exercise, rnd, all_rounds),
        "charts": charts(user, exercise),
        "left_out": {"situations": 0, "observations": 0, "documents": 0},
    }
    if unclassified:
        leave_out_classified(data)
    return data


def leave_out_classified(data: dict) -> None:
    """Drop the classified items (counting them); documents referenced by what stays too."""
    kept = []
    for s in data["situations"]:
        if s["classification"]:
            data["left_out"]["situations"] += 1
            continue
        secret_docs = [d for d in s["documents"] if d["classification"]]
        data["left_out"]["documents"] += len(secret_docs)
        s["documents"] = [d for d in s["documents"] if not d["classification"]]
        kept.append(s)
    data["situations"] = kept
    observations_kept = [o for o in data["observations"] if not o["classification"]]
    data["left_out"]["observations"] = len(data["observations"]) - len(observations_kept)
    data["observations"] = observations_kept


def classification_of(data: dict) -> int:
    """The highest level of what the report includes (0 when nothing is classified)."""
    levels = [Clearance.NONE]
    for s in data.get("situations", []):
        levels.append(s["classification"])
        levels.extend(d["classification"] for d in s["documents"])
    levels.extend(o["classification"] for o in data.get("observations", []))
    return int(max(levels))
