"""Reads of exercises and what hangs under them, always scoped to the user."""

from django.db.models import Count, F, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber

from dientap.conferences.models import Holding
from dientap.core.scoping import CHANGE, VIEW

from . import access
from .models import (
    Committee,
    CommitteeMember,
    ContentItem,
    Exercise,
    FrameParticipant,
    Membership,
    Round,
    TrainingIssue,
)


def exercise_list(user, *, status: str = "") -> QuerySet[Exercise]:
    qs = Exercise.objects.restrict(user, VIEW).select_related("area", "area__level")
    if status:
        qs = qs.filter(status=status)
    return qs.annotate(round_count=Count("rounds", distinct=True))


def can_change(user, exercise: Exercise) -> bool:
    return access.may(user, exercise, CHANGE)


def committees(exercise: Exercise) -> QuerySet[Committee]:
    members = CommitteeMember.objects.select_related("person", "post", "post__body")
    return exercise.committees.prefetch_related(Prefetch("members", queryset=members))


def rounds_with_holdings(exercise: Exercise) -> QuerySet[Round]:
    holdings = Holding.objects.select_related(
        "conference", "conference__body", "conference__chair_post",
        "conference__chair_post__person",
    ).order_by("starts_at", "id")
    return exercise.rounds.prefetch_related(Prefetch("holdings", queryset=holdings))


# What the overview shows of a conference held (when, where, its state, the body, the chair).
OVERVIEW_HOLDING_FIELDS = (
    "round_id", "conference_id", "starts_at", "ends_at", "location", "state",
    "conference__title", "conference__location", "conference__body__name",
    "conference__body__short_name", "conference__chair_post__title",
    "conference__chair_post__person__full_name",
)


def rounds_summary(exercise: Exercise, *, first: int = 5) -> list[Round]:
    """The rounds, each with ``holding_count``, ``finished_count``, ``first_holdings`` (its
    first `first` conferences in time order) and ``more_count``: two queries whatever the
    number of conferences (a national exercise holds a hundred and more per round; the
    calendar lists them all)."""
    rounds = list(exercise.rounds.annotate(
        holding_count=Count("holdings"),
        finished_count=Count("holdings", filter=Q(holdings__state=Holding.State.FINISHED)),
    ).order_by("start_date", "id"))
    by_round = {r.pk: r for r in rounds}
    for r in rounds:
        r.first_holdings, r.more_count = [], r.holding_count
    if not rounds:
        return rounds
    holdings = (
        Holding.objects.filter(round__in=list(by_round))
        .annotate(position=Window(RowNumber(), partition_by=[F("round_id")],
                                  order_by=[F("starts_at").asc(), F("id").asc()]))
        .filter(position__lte=first)
        .select_related("conference", "conference__body", "conference__chair_post",
                        "conference__chair_post__person")
        .only(*OVERVIEW_HOLDING_FIELDS)
        .order_by("round_id", "starts_at", "id")
    )
    for holding in holdings:
        r = by_round[holding.round_id]
        r.first_holdings.append(holding)
        r.more_count -= 1
    return rounds


def frame_by_body(exercise: Exercise) -> list[dict]:
    """The frame grouped by body: [{body, entries: [participant …]}], bodies in their order."""
    entries = (
        FrameParticipant.objects.filter(exercise=exercise)
        .select_related("body", "person", "post")
        .order_by("body__sort_order", "body__name", "person__sort_key", "id")
    )
    groups: dict[int, dict] = {}
    for entry in entries:
        group = groups.setdefault(entry.body_id, {"body": entry.body, "entries": []})
        group["entries"].append(entry)
    return list(groups.values())


def structure_tree(exercise: Exercise):
    """Phases with their issues, items and the conferences under each item (3 queries)."""
    from dientap.conferences.models import Conference

    conferences = Conference.objects.select_related("body").order_by("sort_order", "id")
    items = ContentItem.objects.prefetch_related(Prefetch("conferences", queryset=conferences))
    issues = TrainingIssue.objects.prefetch_related(Prefetch("items", queryset=items))
    return exercise.phases.prefetch_related(Prefetch("issues", queryset=issues))


def user_roles(user, exercise: Exercise) -> list[Membership.Role]:
    return [Membership.Role(r) for r in sorted(access.roles_in(user, exercise))]
