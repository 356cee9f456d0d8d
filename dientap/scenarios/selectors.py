"""Reads of the scenario, always scoped to the user (``restrict``), and the JSON states that
the director's console and every body's console render (first load and after every event)."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from dientap.core.scoping import CHANGE, VIEW
from dientap.exercises.models import Exercise, FrameParticipant, Membership
from dientap.organizations.models import Body

from . import clock as clockmath
from . import scenario_time
from .models import STAFF_ROLES, CommCheck, CommCheckReply, Delivery, ExerciseClock, Situation
from .services import clock_payload


def is_staff(user, exercise: Exercise) -> bool:
    """Organizing Committee staff, directors, observers (and administrators) see it all."""
    return user.is_superuser or Membership.objects.filter(
        exercise=exercise, user=user, role__in=STAFF_ROLES).exists()


def can_direct(user, exercise: Exercise) -> bool:
    return Exercise.objects.restrict(user, CHANGE).filter(pk=exercise.pk).exists()


def clock_for(exercise: Exercise) -> ExerciseClock | None:
    return ExerciseClock.objects.filter(exercise=exercise).first()


def situations(user, exercise: Exercise, action: str = VIEW) -> QuerySet[Situation]:
    return Situation.objects.restrict(user, action).filter(exercise=exercise)


def situation_get(user, exercise: Exercise, pk, action: str = VIEW) -> Situation:
    return (situations(user, exercise, action)
            .select_related("content_item", "depends_on", "issued_by")
            .prefetch_related("receiving_bodies", "documents").get(pk=pk))


def sort_key(clock):
    def key(s: Situation):
        minutes = clockmath.effective_minutes(clock, s.scenario_minutes, s.g_relative)
        return (minutes is None, minutes if minutes is not None else s.scenario_minutes,
                s.position, s.pk)
    return key


def situation_list(user, exercise: Exercise, *, status="", body=None, handling="", q="",
                   order="time") -> list[Situation]:
    """The timeline (by scenario time, G times once G is set) or the MSEL order (number)."""
    qs = (situations(user, exercise).select_related("content_item", "depends_on")
          .prefetch_related("receiving_bodies"))
    if status:
        qs = qs.filter(status=status)
    if body:
        qs = qs.filter(receiving_bodies=body)
    if handling:
        qs = qs.filter(handling_kind=handling)
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(title__icontains=q) | Q(content__icontains=q))
    items = list(qs.distinct())
    if order == "position":
        return sorted(items, key=lambda s: (s.position, s.pk))
    return sorted(items, key=sort_key(clock_for(exercise)))


def frame_bodies(exercise: Exercise) -> QuerySet[Body]:
    return Body.objects.filter(pk__in=FrameParticipant.objects.filter(exercise=exercise)
                               .values("body_id")).order_by("sort_order", "name")


def _iso(value):
    return value.isoformat() if value else None


def _body_label(body: Body) -> str:
    return body.short_name or body.name


def _delivery_json(d: Delivery, now) -> dict:
    return {
        "id": d.pk,
        "body": d.body_id,
        "body_name": _body_label(d.body),
        "due_at": _iso(d.due_at),
        "acknowledged_at": _iso(d.acknowledged_at),
        "handled_at": _iso(d.handled_at),
        "handling_kind": d.handling_kind,
        "handling_kind_label": str(d.get_handling_kind_display()) if d.handling_kind else "",
        "handling_text": d.handling_text,
        "late": d.is_overdue(now),
        "documents": [{"id": doc.pk, "title": str(doc), "url": doc.get_absolute_url()}
                      for doc in d.documents.all()],
        "version": d.version,
    }


def _situation_json(s: Situation, clock, now, *, deliveries) -> dict:
    effective = clockmath.effective_minutes(clock, s.scenario_minutes, s.g_relative)
    due = clockmath.due_real_time(clock, effective, now) if s.status == "scheduled" else None
    return {
        "id": s.pk,
        "code": s.code,
        "title": s.title,
        "content": s.content,
        "time": s.time_label,
        "time_long": s.time_long,
        "minutes": effective,
        "status": s.status,
        "status_label": str(s.get_status_display()),
        "issuer": s.issuer or str(s.get_issuer_kind_display()),
        "method": s.method,
        "handling_kind": s.handling_kind,
        "handling_label": str(s.get_handling_kind_display()),
        "expected": s.expected_handling,
        "deadline_minutes": s.deadline_minutes,
        "classification": s.classification,
        "classification_label": str(s.get_classification_display()) if s.classification else "",
        "depends_on": s.depends_on.code if s.depends_on_id else "",
        "bodies": [_body_label(b) for b in s.receiving_bodies.all()],
        "issued_at": _iso(s.issued_at),
        "issued_by_clock": s.issued_by_clock,
        "due_at": _iso(due),
        "version": s.version,
        "deliveries": [_delivery_json(d, now) for d in deliveries],
        "documents": [{"id": doc.pk, "title": str(doc), "url": doc.get_absolute_url()}
                      for doc in s.documents.all()],
    }


def _deliveries_prefetch(queryset=None):
    qs = queryset if queryset is not None else Delivery.objects.all()
    return Prefetch("deliveries", queryset=qs.select_related("body").prefetch_related(
        "documents").order_by("body__sort_order", "body__name"))


def clock_json(clock, now) -> dict:
    data = clock_payload(clock)
    seconds = clockmath.scenario_seconds(clock, now) if clock else 0
    data["now_seconds"] = seconds
    data["now_label"] = scenario_time.format_seconds(seconds)
    data["server_now"] = now.isoformat()
    return data


def director_state(user, exercise: Exercise, *, now=None) -> dict:
    """The director's console: every situation in order with each body's progress, the log of
    what was issued, the clock and the latest communication check (a constant number of
    queries whatever the number of situations)."""
    now = now or timezone.now()
    clock = clock_for(exercise)
    items = list(situations(user, exercise)
                 .select_related("depends_on")
                 .prefetch_related("receiving_bodies", "documents", _deliveries_prefetch()))
    items.sort(key=sort_key(clock))
    rows = [_situation_json(s, clock, now, deliveries=s.deliveries.all()) for s in items]
    log = sorted((r for r in rows if r["issued_at"]), key=lambda r: r["issued_at"],
                 reverse=True)
    return {
        "exercise": exercise.pk,
        "clock": clock_json(clock, now),
        "situations": rows,
        "log": [{"id": r["id"], "code": r["code"], "title": r["title"],
                 "issued_at": r["issued_at"], "by_clock": r["issued_by_clock"]} for r in log],
        "comm_check": comm_check_json(exercise),
        "can_direct": can_direct(user, exercise),
    }


def comm_check_json(exercise: Exercise, *, body_id=None) -> dict | None:
    check = (CommCheck.objects.filter(exercise=exercise)
             .prefetch_related(Prefetch("bodies", queryset=Body.objects.order_by(
                 "sort_order", "name")),
                 Prefetch("replies", queryset=CommCheckReply.objects.select_related(
                     "confirmed_by")))
             .order_by("-sent_at", "-id").first())
    if check is None:
        return None
    replies = {r.body_id: r for r in check.replies.all()}
    bodies = [b for b in check.bodies.all() if body_id is None or b.pk == body_id]
    if body_id is not None and not bodies:
        return None
    return {
        "id": check.pk,
        "sent_at": _iso(check.sent_at),
        "bodies": [{"body": b.pk, "name": _body_label(b),
                    "confirmed_at": _iso(replies[b.pk].confirmed_at) if b.pk in replies else None,
                    "confirmed_by": str(replies[b.pk].confirmed_by or "") if b.pk in replies
                    else ""}
                   for b in bodies],
    }


def console_bodies(user, exercise: Exercise) -> list[Body]:
    """The bodies whose console this user may open: their own; staff: any frame body."""
    if is_staff(user, exercise):
        return list(frame_bodies(exercise))
    if user.body_id and FrameParticipant.objects.filter(exercise=exercise,
                                                        body_id=user.body_id).exists():
        return [user.body]
    return []


def console_state(user, exercise: Exercise, body: Body, *, now=None) -> dict:
    """A body's console: the situations issued to it (that this user may see), newest first,
    with the body's own delivery only."""
    now = now or timezone.now()
    clock = clock_for(exercise)
    own = Delivery.objects.filter(body=body)
    items = list(situations(user, exercise)
                 .filter(status=Situation.Status.ISSUED, receiving_bodies=body)
                 .select_related("depends_on")
                 .prefetch_related("receiving_bodies", "documents", _deliveries_prefetch(own))
                 .order_by("-issued_at", "-id"))
    rows = []
    for s in items:
        row = _situation_json(s, clock, now, deliveries=s.deliveries.all())
        row["delivery"] = row.pop("deliveries")[0] if row["deliveries"] else None
        row["bodies"] = []  # a body is not told who else received it
        rows.append(row)
    return {
        "exercise": exercise.pk,
        "body": body.pk,
        "body_name": str(body),
        "clock": clock_json(clock, now),
        "situations": rows,
        "comm_check": comm_check_json(exercise, body_id=body.pk),
        "can_respond": user.body_id == body.pk,
    }


def own_documents(user, exercise: Exercise, body: Body):
    from dientap.documents.models import Document

    return (Document.objects.restrict(user, VIEW).filter(exercise=exercise, owner_body=body)
            .order_by("title"))
