"""Reads of the scenario, always scoped to the user (``restrict``), and the JSON states that
the director's console and every body's console render (first load and after every event)."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    FilteredRelation,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.urls import reverse
from django.utils import timezone

from dientap.accounts.models import Clearance
from dientap.core.scoping import CHANGE, VIEW
from dientap.documents.models import Document
from dientap.exercises import access
from dientap.exercises.models import ContentItem, Exercise, FrameParticipant
from dientap.organizations.models import Body

from . import clock as clockmath
from . import scenario_time
from .models import (
    STAFF_ROLES,
    CommCheck,
    CommCheckReply,
    Delivery,
    ExerciseClock,
    Handling,
    Situation,
)
from .services import clock_payload


def is_staff(user, exercise: Exercise) -> bool:
    """Organizing Committee staff, directors, observers (and administrators) see it all."""
    return access.has_role(user, exercise, STAFF_ROLES)


def can_direct(user, exercise: Exercise) -> bool:
    return access.may(user, exercise, CHANGE)


def clock_for(exercise: Exercise) -> ExerciseClock | None:
    return ExerciseClock.objects.filter(exercise=exercise).first()


def situations(user, exercise: Exercise, action: str = VIEW) -> QuerySet[Situation]:
    return Situation.objects.restrict(user, action, exercise=exercise)


def situation_get(user, exercise: Exercise, pk, action: str = VIEW) -> Situation:
    return (situations(user, exercise, action)
            .select_related("content_item", "depends_on", "issued_by")
            .prefetch_related("receiving_bodies", "documents").get(pk=pk))


def timeline(qs: QuerySet[Situation], clock) -> QuerySet[Situation]:
    """In the order the clock reaches them: by scenario time (a G time once G is set; until
    then after every other), then by number. Sorted by the database, so a page of the list is
    one LIMIT query."""
    g = clock.g_minutes if clock is not None else None
    if g is None:
        return qs.order_by("g_relative", "scenario_minutes", "position", "pk")
    at = Case(When(g_relative=True, then=F("scenario_minutes") + Value(g)),
              default=F("scenario_minutes"), output_field=IntegerField())
    return qs.annotate(at_minutes=at).order_by("at_minutes", "position", "pk")


def _filtered(user, exercise: Exercise, *, status="", body=None, handling="", q="",
              order="time") -> QuerySet[Situation]:
    qs = situations(user, exercise)
    if status:
        qs = qs.filter(status=status)
    if body:
        qs = qs.filter(pk__in=Situation.receiving_bodies.through.objects.filter(
            body=body).values("situation_id"))
    if handling:
        qs = qs.filter(handling_kind=handling)
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(title__icontains=q) | Q(content__icontains=q))
    if order == "position":
        return qs.order_by("position", "pk")
    return timeline(qs, clock_for(exercise))


def situation_list(user, exercise: Exercise, **filters) -> QuerySet[Situation]:
    """The whole filtered list, in the timeline's order (by scenario time, G times once G is
    set) or the MSEL order (``order="position"``), with what the exports write of each
    situation (its receiving bodies, the situation it waits for)."""
    return (_filtered(user, exercise, **filters).select_related("content_item", "depends_on")
            .prefetch_related(Prefetch("receiving_bodies", queryset=_body_names())))


def situation_rows(user, exercise: Exercise, **filters) -> QuerySet[Situation]:
    """The same list as ``situation_list`` for its page (shown fifty at a time): each row
    with the code of the situation it waits for and the title of its content item, read
    by sub-selects that the database runs for the page's rows only (a join would read the
    whole exercise before the LIMIT). ``attach_bodies`` then adds the receiving bodies."""
    related = (Situation.objects.filter(pk=OuterRef("depends_on_id")).order_by()
               .values("code")[:1])
    item = (ContentItem.objects.filter(pk=OuterRef("content_item_id")).order_by()
            .values("title")[:1])
    return (_filtered(user, exercise, **filters)
            .defer("content", "expected_handling", "method")
            .annotate(depends_on_code=Subquery(related), content_item_title=Subquery(item)))


def attach_bodies(rows) -> None:
    """Set ``body_labels`` (the receiving bodies' short names, in the frame's order) on each
    situation of ``rows``: two indexed queries whatever the number of rows."""
    rows = list(rows)
    addressed = defaultdict(list)
    for situation_id, body_id in (Situation.receiving_bodies.through.objects
                                  .filter(situation_id__in=[s.pk for s in rows])
                                  .values_list("situation_id", "body_id")):
        addressed[situation_id].append(body_id)
    names = body_labels([b for ids in addressed.values() for b in ids])
    for s in rows:
        s.body_labels = [names[b][2] for b in sorted(addressed[s.pk], key=lambda b: names[b][:2])]


def _body_names() -> QuerySet[Body]:
    return Body.objects.only("id", "name", "short_name", "sort_order")


def frame_bodies(exercise: Exercise) -> QuerySet[Body]:
    return Body.objects.filter(pk__in=FrameParticipant.objects.filter(exercise=exercise)
                               .values("body_id")).order_by("sort_order", "name")


def _iso(value):
    return value.isoformat() if value else None


def _body_label(body: Body) -> str:
    return body.short_name or body.name


def _delivery_json(d: Delivery, now, labels: dict, *, body_name: str, documents=True) -> dict:
    data = {
        "id": d.pk,
        "body": d.body_id,
        "body_name": body_name,
        "due_at": _iso(d.due_at),
        "acknowledged_at": _iso(d.acknowledged_at),
        "handled_at": _iso(d.handled_at),
        "handling_kind": d.handling_kind,
        "handling_kind_label": labels["handling"].get(d.handling_kind, ""),
        "handling_text": d.handling_text,
        "late": d.is_overdue(now),
        "version": d.version,
    }
    if documents:
        data["documents"] = _documents_json(d.documents.all())
    return data


def choice_labels() -> dict:
    """The labels of the choices in the active language, once per state rather than once per
    row (``get_FOO_display`` hashes every lazy label of the field's choices on each call)."""
    return {
        "status": {v: str(label) for v, label in Situation.Status.choices},
        "issuer": {v: str(label) for v, label in Situation.IssuerKind.choices},
        "handling": {v: str(label) for v, label in Handling.choices},
        "classification": {v: str(label) for v, label in Clearance.choices},
    }


def _situation_head(s: Situation, clock, now, labels: dict) -> dict:
    """What the director's console and a body's console both show of a situation."""
    effective = clockmath.effective_minutes(clock, s.scenario_minutes, s.g_relative)
    due = clockmath.due_real_time(clock, effective, now) if s.status == "scheduled" else None
    return {
        "id": s.pk,
        "code": s.code,
        "title": s.title,
        "time": s.time_label,
        "time_long": s.time_long,
        "minutes": effective,
        "status": s.status,
        "status_label": labels["status"].get(s.status, s.status),
        "issuer": s.issuer or labels["issuer"].get(s.issuer_kind, ""),
        "handling_kind": s.handling_kind,
        "handling_label": labels["handling"].get(s.handling_kind, ""),
        "deadline_minutes": s.deadline_minutes,
        "classification": s.classification,
        "classification_label": labels["classification"].get(s.classification, "")
        if s.classification else "",
        "issued_at": _iso(s.issued_at),
        "issued_by_clock": s.issued_by_clock,
        "due_at": _iso(due),
        "version": s.version,
    }


# What the director's console shows of a delivery (its documents are on the situation's page).
DELIVERY_FIELDS = ("id", "situation", "body", "due_at", "acknowledged_at", "handled_at",
                   "handling_kind", "handling_text", "late", "version")


def body_labels(ids) -> dict[int, tuple[int, str, str]]:
    """{body id: (sort order, name, label)} for the given bodies, in one query by primary key
    (rather than joining the bodies into each list, which the planner does with a scan of
    every body of every area)."""
    return {pk: (order, name, short or name) for pk, order, name, short in
            Body.objects.filter(pk__in=set(ids)).order_by()
            .values_list("id", "sort_order", "name", "short_name")}


def clock_json(clock, now) -> dict:
    data = clock_payload(clock)
    seconds = clockmath.scenario_seconds(clock, now) if clock else 0
    data["now_seconds"] = seconds
    data["now_label"] = scenario_time.format_seconds(seconds)
    data["server_now"] = now.isoformat()
    return data


# --- the director's console -------------------------------------------------------------------
#
# During a live round the director looks at what runs now and next; the console's state is
# rebuilt on every live event, so it holds a bounded number of rows whatever the size of the
# scenario: the situations listed below in full, everything else as counts with a link to the
# (paginated) situation list.

UPCOMING_LIMIT = 20  # the next scheduled or held situations, in the clock's order
ISSUED_LIMIT = 20    # issued: those a body still owes an answer to first, newest first
LOG_LIMIT = 20       # the latest issued situations
OVERDUE_LIMIT = 20   # the bodies past a deadline, longest overdue first

OPEN_STATUSES = (Situation.Status.SCHEDULED, Situation.Status.HELD)


def _director_row(s: Situation, clock, now, labels: dict, *, detail_prefix: str,
                  bodies: list[int], deliveries: list[Delivery], names: dict) -> dict:
    row = _situation_head(s, clock, now, labels)
    row["url"] = f"{detail_prefix}{s.pk}/"
    row["depends_on"] = s.depends_on_code or ""
    row["bodies"] = [names[b][2] for b in sorted(bodies, key=lambda b: names[b][:2])]
    row["deliveries"] = [
        _delivery_json(d, now, labels, body_name=names[d.body_id][2], documents=False)
        for d in sorted(deliveries, key=lambda d: names[d.body_id][:2])]
    row["awaiting"] = sum(1 for d in deliveries if d.handled_at is None)
    return row


def _list_links(exercise: Exercise) -> dict:
    base = reverse("scenarios:list", args=[exercise.pk])
    links = {"list": base}
    for status in Situation.Status.values:
        links[status] = f"{base}?status={status}"
    return links


def director_counts(visible: QuerySet[Situation], now) -> dict:
    """Situations per status and deliveries per state, counted by the database (2 queries).

    Deliveries are reached from the visible issued situations (a join on the delivery's
    situation index), not as ``situation IN (visible)``, which makes the planner scan every
    delivery of every exercise."""
    per_status = dict(visible.order_by().values_list("status").annotate(n=Count("pk")))
    counts = {status: per_status.get(status, 0) for status in Situation.Status.values}
    counts["total"] = sum(counts.values())
    unhandled = Q(deliveries__handled_at__isnull=True)
    handled = Q(deliveries__handled_at__isnull=False)
    overdue = unhandled & Q(deliveries__due_at__lt=now)
    d = visible.filter(status=Situation.Status.ISSUED).aggregate(
        awaiting=Count("pk", distinct=True, filter=unhandled),
        overdue_bodies=Count("deliveries__body", distinct=True, filter=overdue),
        total=Count("deliveries"),
        waiting=Count("deliveries", filter=unhandled & Q(deliveries__acknowledged_at__isnull=True)),
        acknowledged=Count("deliveries",
                           filter=unhandled & Q(deliveries__acknowledged_at__isnull=False)),
        handled=Count("deliveries", filter=handled),
        handled_late=Count("deliveries", filter=handled & Q(deliveries__late=True)),
        overdue=Count("deliveries", filter=overdue),
    )
    counts["awaiting"] = d.pop("awaiting")
    counts["completed"] = counts[Situation.Status.ISSUED] - counts["awaiting"]
    counts["overdue_bodies"] = d.pop("overdue_bodies")
    counts["deliveries"] = d
    return counts


def overdue_bodies(visible: QuerySet[Situation], now) -> list[dict]:
    """The bodies that still owe an answer past a deadline, longest overdue first:
    ``{"body_id", "n", "oldest"}``."""
    late = FilteredRelation("deliveries", condition=Q(deliveries__handled_at__isnull=True,
                                                      deliveries__due_at__lt=now))
    return list(visible.filter(status=Situation.Status.ISSUED).annotate(late=late)
                .filter(late__isnull=False).values(body_id=F("late__body_id"))
                .annotate(n=Count("late"), oldest=Min("late__due_at"))
                .order_by("oldest", "body_id")[:OVERDUE_LIMIT])


def director_state(user, exercise: Exercise, *, now=None) -> dict:
    """The director's console, as the page's first render and as the JSON reloaded on every
    live event: the next situations to issue, the issued ones with each body's progress (those
    still awaited first), the latest issued (the log), the bodies past a deadline, the counts
    per state, the clock and the latest communication check.

    Bounded whatever the size of the scenario (``*_LIMIT`` rows at most; the rest as counts,
    with links to the situation list) and a constant number of queries."""
    now = now or timezone.now()
    clock = clock_for(exercise)
    visible = situations(user, exercise)
    # Both subqueries are scalar lookups by key with LIMIT 1: PostgreSQL probes an index for
    # each row of this exercise instead of hashing the situations and the unhandled deliveries
    # of every exercise (what a join on depends_on and an EXISTS got planned as at national
    # scale: 12 ms instead of 2).
    rows = (visible.defer("content", "expected_handling", "method")
            .annotate(depends_on_code=Subquery(Situation.objects.filter(
                pk=OuterRef("depends_on_id")).order_by().values("code")[:1])))
    upcoming = list(timeline(rows.filter(status__in=OPEN_STATUSES), clock)[:UPCOMING_LIMIT])
    first_unhandled = Subquery(Delivery.objects.filter(
        situation=OuterRef("pk"), handled_at__isnull=True).order_by().values("pk")[:1])
    issued = list(rows.filter(status=Situation.Status.ISSUED)
                  .alias(first_unhandled=first_unhandled)
                  .annotate(awaited=ExpressionWrapper(Q(first_unhandled__isnull=False),
                                                      output_field=BooleanField()))
                  .order_by("-awaited", "-issued_at", "-pk")[:ISSUED_LIMIT])
    shown = {s.pk for s in upcoming + issued}
    addressed = defaultdict(list)
    for situation_id, body_id in (Situation.receiving_bodies.through.objects
                                  .filter(situation_id__in=shown)
                                  .values_list("situation_id", "body_id")):
        addressed[situation_id].append(body_id)
    delivered = defaultdict(list)
    for d in (Delivery.objects.filter(situation_id__in=[s.pk for s in issued])
              .only(*DELIVERY_FIELDS).order_by()):
        delivered[d.situation_id].append(d)
    log = list(visible.filter(status=Situation.Status.ISSUED).order_by("-issued_at", "-pk")
               .values("id", "code", "title", "issued_at", "issued_by_clock")[:LOG_LIMIT])
    counts = director_counts(visible, now)
    overdue = overdue_bodies(visible, now)
    names = body_labels([b for ids in addressed.values() for b in ids]
                        + [d.body_id for ds in delivered.values() for d in ds]
                        + [r["body_id"] for r in overdue])
    labels = choice_labels()
    detail_prefix = reverse("scenarios:detail", args=[exercise.pk, 0]).removesuffix("0/")
    console_url = reverse("scenarios:console", args=[exercise.pk])
    open_count = counts[Situation.Status.SCHEDULED] + counts[Situation.Status.HELD]

    def row(s):
        return _director_row(s, clock, now, labels, detail_prefix=detail_prefix, names=names,
                             bodies=addressed[s.pk], deliveries=delivered[s.pk])

    return {
        "exercise": exercise.pk,
        "clock": clock_json(clock, now),
        "upcoming": [row(s) for s in upcoming],
        "issued": [row(s) for s in issued],
        "log": [{"id": r["id"], "code": r["code"], "title": r["title"],
                 "issued_at": _iso(r["issued_at"]), "by_clock": r["issued_by_clock"]}
                for r in log],
        "overdue_bodies": [{"body": r["body_id"], "name": names[r["body_id"]][2],
                            "count": r["n"], "oldest_due": _iso(r["oldest"]),
                            "console_url": f"{console_url}?body={r['body_id']}"}
                           for r in overdue],
        "counts": counts,
        "more": {"upcoming": max(open_count - len(upcoming), 0),
                 "issued": max(counts[Situation.Status.ISSUED] - len(issued), 0),
                 "log": max(counts[Situation.Status.ISSUED] - len(log), 0),
                 "overdue_bodies": max(counts["overdue_bodies"] - len(overdue), 0)},
        "links": _list_links(exercise),
        "comm_check": comm_check_json(exercise),
        "can_direct": can_direct(user, exercise),
    }


def comm_check_json(exercise: Exercise, *, body_id=None) -> dict | None:
    check = (CommCheck.objects.filter(exercise=exercise)
             .prefetch_related(Prefetch("bodies", queryset=_body_names().order_by(
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


def console_body(user, exercise: Exercise, wanted=None, *, staff: bool) -> Body | None:
    """The body whose console this user opens, in one query: ``wanted`` (any frame body for the
    staff, their own body for anyone else), else their own body when it is in the frame, else
    (staff) the first frame body. None when there is no such body they may open."""
    bodies = frame_bodies(exercise)
    if not staff:
        if not user.body_id or (wanted and str(wanted) != str(user.body_id)):
            return None
        return bodies.filter(pk=user.body_id).first()
    if wanted:
        try:
            return bodies.filter(pk=int(wanted)).first()
        except (TypeError, ValueError):
            return None
    if user.body_id:
        bodies = bodies.annotate(other=Case(When(pk=user.body_id, then=Value(0)),
                                            default=Value(1))).order_by("other", "sort_order",
                                                                        "name")
    return bodies.first()


def _documents_prefetch() -> Prefetch:
    # by number of creation: the register's order would join every document's owner body
    return Prefetch("documents", queryset=Document.objects.only(
        "id", "title", "doc_type").order_by("id"))


def _documents_json(documents) -> list[dict]:
    return [{"id": doc.pk, "title": str(doc), "url": doc.get_absolute_url()}
            for doc in documents]


# A body's console lists what it still has to answer (newest first), then what it answered
# (the latest answer first), CONSOLE_LIMIT situations at most; the rest are counted.
CONSOLE_LIMIT = 30


def console_state(user, exercise: Exercise, body: Body, *, now=None) -> dict:
    """A body's console: the situations issued to it (that this user may see), those it has
    not handled yet first, each with the body's own delivery only (a body is not told who
    else received a situation). Bounded (``CONSOLE_LIMIT``) and a constant number of
    queries whatever the number of situations."""
    now = now or timezone.now()
    clock = clock_for(exercise)
    addressed = Situation.receiving_bodies.through.objects.filter(body=body)
    received = (situations(user, exercise)
                .filter(status=Situation.Status.ISSUED, pk__in=addressed.values("situation_id"))
                .annotate(own=FilteredRelation("deliveries",
                                               condition=Q(deliveries__body=body))))
    counts = received.aggregate(total=Count("pk"),
                                handled=Count("pk", filter=Q(own__handled_at__isnull=False)))
    # the body's own delivery comes in the same row (one delivery per situation and body)
    own = {f"own_{name}": F(f"own__{name}") for name in OWN_DELIVERY_FIELDS}
    items = list(received.annotate(depends_on_code=F("depends_on__code"), **own)
                 .prefetch_related(_documents_prefetch())
                 .order_by(F("own__handled_at").desc(nulls_first=True), "-issued_at", "-id")
                 [:CONSOLE_LIMIT])
    deliveries = [_own_delivery(s, body) for s in items]
    prefetch_related_objects([d for d in deliveries if d is not None], _documents_prefetch())
    body_name = _body_label(body)
    labels = choice_labels()
    rows = []
    for s, delivery in zip(items, deliveries, strict=True):
        row = _situation_head(s, clock, now, labels)
        row.update({
            "content": s.content,
            "method": s.method,
            "expected": s.expected_handling,
            "depends_on": s.depends_on_code or "",
            "bodies": [],
            "documents": _documents_json(s.documents.all()),
            "delivery": _delivery_json(delivery, now, labels, body_name=body_name) if delivery
            else None,
        })
        rows.append(row)
    waiting = counts["total"] - counts["handled"]
    shown_waiting = sum(1 for d in deliveries if d is None or d.handled_at is None)
    return {
        "exercise": exercise.pk,
        "body": body.pk,
        "body_name": str(body),
        "clock": clock_json(clock, now),
        "situations": rows,
        "counts": {"total": counts["total"], "handled": counts["handled"], "waiting": waiting},
        "more": {"waiting": waiting - shown_waiting,
                 "handled": counts["handled"] - (len(rows) - shown_waiting)},
        "comm_check": comm_check_json(exercise, body_id=body.pk),
        "can_respond": user.body_id == body.pk,
    }


OWN_DELIVERY_FIELDS = ("id", "version", "due_at", "acknowledged_at", "handled_at",
                       "handling_kind", "handling_text", "late")


def _own_delivery(s: Situation, body: Body) -> Delivery | None:
    """The body's delivery of ``s``, from the columns joined into the situation's row."""
    if s.own_id is None:
        return None
    return Delivery(situation_id=s.pk, body_id=body.pk,
                    **{name: getattr(s, f"own_{name}") for name in OWN_DELIVERY_FIELDS})


def own_documents(user, exercise: Exercise, body: Body):
    return (Document.objects.restrict(user, VIEW, exercise=exercise).filter(owner_body=body)
            .order_by("title"))
