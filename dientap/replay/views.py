"""The timeline replay of a round: the page (the state at one moment, rendered on the server,
usable without JavaScript) and the JSON its script replays from. Hidden exercise or a round
of another exercise → 404."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from dientap.core.views import get_scoped
from dientap.exercises.models import Round
from dientap.exercises.views import get_exercise

from . import selectors

AXIS_WIDTH = 1000  # the SVG axis' user units


def _round(user, pk, rid) -> Round:
    """The round of a visible exercise (404 for a hidden exercise or another's round)."""
    exercise = get_exercise(user, pk)
    rnd = get_scoped(Round.objects.filter(exercise=exercise), user, rid)
    rnd.exercise = exercise
    return rnd


def _axis(timeline, at):
    """Positions (0…AXIS_WIDTH) of the moments, the hours and the cursor on the time axis."""
    start, end = timeline.start, timeline.end
    span = max((end - start).total_seconds(), 1)

    def x(value) -> str:  # a string: a localized float ("12,5") would break the SVG
        return f"{min(max((value - start).total_seconds() / span, 0), 1) * AXIS_WIDTH:.1f}"

    ticks = [{"x": x(m.at), "lane": m.lane} for m in timeline.moments]
    hours = []
    first = timezone.localtime(start).replace(minute=0, second=0, microsecond=0)
    step = 1 if span <= 14 * 3600 else (3 if span <= 48 * 3600 else 24)
    hour = first
    while hour <= end:
        if hour >= start:
            hours.append({"x": x(hour), "label": hour.strftime("%H:%M")})
        hour = timezone.localtime(hour + timedelta(hours=step))
    offset = int((min(max(at, start), end) - start).total_seconds())
    return {"ticks": ticks, "hours": hours, "cursor": x(at), "width": str(AXIS_WIDTH),
            "span": str(int(span)), "offset": str(offset)}


def _param(value) -> str:
    """A moment as the ``?at=`` of a link: local ISO time, to the second."""
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M:%S") if value else ""


@login_required
def round_timeline(request, pk, rid):
    rnd = _round(request.user, pk, rid)
    timeline = selectors.round_timeline(request.user, rnd)
    raw = request.GET.get("at", "").strip()
    at, error = None, ""
    if raw:
        at = selectors.parse_at(raw, rnd)
        if at is None:
            error = _("“{value}” is not a time. Write it as HH:MM (08:30), dd/mm/yyyy HH:MM or "
                      "2023-09-19T08:30. The whole round is shown.").format(value=raw[:40])
    if at is None or not timeline.moments:
        at = timeline.end
    context = {"exercise": rnd.exercise, "round": rnd, "timeline": timeline, "error": error,
               "raw_at": raw if not error else "", "undated_note": selectors.UNDATED}
    if at is not None:
        previous, following = timeline.neighbours(at)
        context.update({
            "at": at, "at_label": selectors.local_datetime(at),
            "at_value": selectors.local_datetime(at),
            "lanes": timeline.lanes_at(at), "state": timeline.state_at(at),
            "previous": _param(previous), "following": _param(following),
            "previous_label": selectors.local_datetime(previous),
            "following_label": selectors.local_datetime(following),
            "axis": _axis(timeline, at),
        })
    return render(request, "replay/round.html", context)


@login_required
def round_timeline_data(request, pk, rid):
    rnd = _round(request.user, pk, rid)
    return JsonResponse(selectors.timeline_json(selectors.round_timeline(request.user, rnd)))
