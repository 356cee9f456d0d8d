"""Reads for the calendar, always scoped to the user with `restrict`."""

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from dientap.conferences.models import Holding
from dientap.core.scoping import VIEW
from dientap.exercises.models import Exercise, Round


def _holdings(user, exercise=None) -> QuerySet[Holding]:
    return (Holding.objects.restrict(user, VIEW, exercise=exercise)
            .select_related("conference", "conference__body", "conference__exercise", "round")
            .order_by("starts_at", "ends_at", "id"))


def exercise_holdings(user, exercise: Exercise, start: dt.datetime | None = None,
                      end: dt.datetime | None = None) -> QuerySet[Holding]:
    """The exercise's holdings the user may see, overlapping [start, end) when given."""
    qs = _holdings(user, exercise)
    if start is not None:
        qs = qs.filter(ends_at__gt=start)
    if end is not None:
        qs = qs.filter(starts_at__lt=end)
    return qs


def exercise_rounds(user, exercise: Exercise, first: dt.date | None = None,
                    last: dt.date | None = None) -> QuerySet[Round]:
    """The exercise's rounds the user may see, overlapping the days [first, last] when given."""
    qs = Round.objects.restrict(user, VIEW, exercise=exercise).order_by(
        "start_date", "end_date", "id")
    if first is not None:
        qs = qs.filter(end_date__gte=first)
    if last is not None:
        qs = qs.filter(start_date__lte=last)
    return qs


def body_holdings(user, body) -> QuerySet[Holding]:
    """The body's holdings across every exercise the user may see."""
    return _holdings(user).filter(conference__body=body)


def default_day(user, exercise: Exercise) -> dt.date:
    """The day a calendar opens on: the next holding's, else the first round's."""
    tz = timezone.get_default_timezone()
    upcoming = (exercise_holdings(user, exercise, start=timezone.now())
                .values_list("starts_at", flat=True).first())
    if upcoming is not None:
        return timezone.localtime(upcoming, tz).date()
    first_round = exercise_rounds(user, exercise).values_list("start_date", flat=True).first()
    if first_round is not None:
        return first_round
    first = exercise_holdings(user, exercise).values_list("starts_at", flat=True).first()
    if first is not None:
        return timezone.localtime(first, tz).date()
    return exercise.start_date
