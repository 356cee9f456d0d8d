"""Calendar pages (week/day per exercise, list per body) and their iCalendar feeds."""

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from dientap.core import pagecache
from dientap.core.pagecache import page_cache
from dientap.core.views import post_service_action
from dientap.exercises.views import get_exercise, url_maker
from dientap.organizations.models import Body
from dientap.organizations.views import scoped_get

from . import ical, layout, selectors, services

VIEWS = ("week", "day")


def parse_day(value: str) -> dt.date | None:
    """A dd/mm/yyyy (or ISO) date from the query string; None when absent or invalid."""
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value.strip(), fmt).date()  # noqa: DTZ007 - a date
        except ValueError:
            continue
    return None


def _calendar_url(pk, view: str, day: dt.date) -> str:
    return f"{reverse('schedule:exercise', args=[pk])}?view={view}&date={day:%d/%m/%Y}"


def _feed_links(request, url_name: str, pk) -> dict:
    token = services.feed_token_get_or_create(request.user)
    url = request.build_absolute_uri(reverse(url_name, args=[pk]))
    url += "?" + urlencode({"token": token.token})
    return {
        "feed_url": url,
        "feed_webcal": "webcal://" + url.split("://", 1)[1],
        "feed_token": token,
        "rotate_next": request.get_full_path(),
    }


def _label(holdings, grid, tz) -> None:
    """What each holding shows (its conference's link, its day and times, local) computed once
    per holding, for the grid and the list: a week of a national exercise holds dozens."""
    conference_url = url_maker("conferences:detail")
    weekdays: dict = {}
    for h in holdings:
        start, end = h.starts_at.astimezone(tz), h.ends_at.astimezone(tz)
        if start.date() not in weekdays:
            weekdays[start.date()] = date_format(start, "l")
        h.url = conference_url(h.conference_id)
        h.day_label = f"{weekdays[start.date()]}, {start:%d/%m/%Y}"
        h.time_label = (f"{start:%H:%M}–{end:%H:%M}" if start.date() == end.date()
                        else f"{start:%H:%M}–{end:%d/%m/%Y} {end:%H:%M}")
    for column in grid["days"]:
        for seg in column.segments:
            h, c = seg.holding, seg.holding.conference
            times = f"{seg.start:%H:%M}–{seg.end:%H:%M}"
            seg.time_label = (("… " if seg.continues_before else "") + times
                              + (" …" if seg.continues_after else ""))
            seg.hint = " · ".join(filter(None, [f"{times} {c.title}", str(c.body), h.place]))


# What the week and day pages show of a conference held: when, where, the body, the round.
CALENDAR_HOLDING_FIELDS = (
    "conference_id", "round_id", "starts_at", "ends_at", "location", "conference__title",
    "conference__location", "conference__body__name", "conference__body__short_name",
    "round__kind", "round__number",
)


@login_required
@page_cache(pagecache.LISTS)
def exercise_calendar(request, pk):
    user = request.user
    exercise = get_exercise(user, pk)
    view = request.GET.get("view", "week")
    if view not in VIEWS:
        view = "week"
    day = parse_day(request.GET.get("date", "")) or selectors.default_day(user, exercise)
    if view == "week":
        first, count = layout.week_start(day), 7
    else:
        first, count = day, 1
    days = [first + dt.timedelta(days=i) for i in range(count)]
    tz = timezone.get_default_timezone()
    start = dt.datetime.combine(days[0], dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(days[-1] + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    holdings = list(selectors.exercise_holdings(user, exercise, start, end)
                    .select_related(None).select_related("conference__body", "round")
                    .only(*CALENDAR_HOLDING_FIELDS))
    rounds = selectors.exercise_rounds(user, exercise, days[0], days[-1])
    today = timezone.localdate(timezone=tz)
    step = dt.timedelta(days=count)
    grid = layout.build(days, holdings, rounds, tz, today=today)
    for column in grid["days"]:
        column.url = _calendar_url(pk, "day", column.date)
        column.weekday = date_format(column.date, "l")  # as |date:"l" would (the grid is Jinja)
    _label(holdings, grid, tz)
    return render(request, "schedule/exercise_calendar.html", {
        "exercise": exercise,
        "view": view,
        "day": day,
        "first_day": days[0],
        "last_day": days[-1],
        "grid": grid,
        "holdings": holdings,
        "prev_url": _calendar_url(pk, view, first - step),
        "next_url": _calendar_url(pk, view, first + step),
        "today_url": _calendar_url(pk, view, today),
        "week_url": _calendar_url(pk, "week", day),
        "day_url": _calendar_url(pk, "day", day if view == "day" else first),
        **_feed_links(request, "schedule:exercise_ics", pk),
    })


@login_required
def body_calendar(request, pk):
    body = scoped_get(Body, request.user, pk)
    holdings = selectors.body_holdings(request.user, body)
    return render(request, "schedule/body_calendar.html", {
        "body": body,
        "holdings": holdings,
        "now": timezone.now(),
        **_feed_links(request, "schedule:body_ics", pk),
    })


@require_POST
@login_required
def token_rotate(request):
    nxt = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        nxt = reverse("exercises:list")
    return post_service_action(
        request,
        lambda: services.feed_token_rotate(request.user),
        success_message=_("New subscription links made; the old ones no longer work."),
        redirect_to=nxt,
    )


# --- iCalendar feeds -------------------------------------------------------------------------


def _feed_user(request):
    """Who the feed is for: the token's user when a token is given, else the session's."""
    if "token" in request.GET:
        user = services.user_for_token(request.GET["token"])
        if user is None:
            raise Http404
        return user
    if request.user.is_authenticated:
        return request.user
    raise Http404


def _holding_event(cal, request, holding, stamp, *, with_exercise: bool):
    conference = holding.conference
    summary = f"{conference.title} ({holding.round})"
    if with_exercise:
        summary = f"[{conference.exercise.code_name}] {summary}"
    url = request.build_absolute_uri(conference.get_absolute_url())
    description = "\n".join(filter(None, [
        _("Body: {body}").format(body=conference.body.name),
        _("Exercise: {exercise}").format(exercise=conference.exercise),
        _("Round: {round}").format(round=holding.round),
        holding.notes,
        url,
    ]))
    cal.add_event(
        uid=f"holding-{holding.pk}@dientap", stamp=stamp, summary=summary,
        start=holding.starts_at, end=holding.ends_at, sequence=holding.version,
        location=holding.place, description=description, url=url,
        categories=str(conference.get_kind_display()),
        created=holding.created_at, last_modified=holding.updated_at,
    )


def _ics_response(cal, filename: str) -> HttpResponse:
    response = HttpResponse(cal.serialize().encode("utf-8"),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@never_cache
def exercise_ics(request, pk):
    user = _feed_user(request)
    with translation.override(user.language or settings.LANGUAGE_CODE):
        exercise = get_exercise(user, pk)
        stamp = timezone.now()
        cal = ical.Calendar(f"{exercise.code_name}: {exercise.name}",
                            timezone_name=settings.TIME_ZONE, description=exercise.theme)
        for rnd in selectors.exercise_rounds(user, exercise):
            cal.add_event(
                uid=f"round-{rnd.pk}@dientap", stamp=stamp,
                summary=f"{exercise.code_name}: {rnd}", start=rnd.start_date,
                end=rnd.end_date + dt.timedelta(days=1), sequence=rnd.version,
                transparent=True, created=rnd.created_at, last_modified=rnd.updated_at,
            )
        for holding in selectors.exercise_holdings(user, exercise):
            _holding_event(cal, request, holding, stamp, with_exercise=False)
        return _ics_response(cal, f"exercise-{exercise.pk}.ics")


@never_cache
def body_ics(request, pk):
    user = _feed_user(request)
    with translation.override(user.language or settings.LANGUAGE_CODE):
        body = scoped_get(Body, user, pk)
        stamp = timezone.now()
        cal = ical.Calendar(body.name, timezone_name=settings.TIME_ZONE)
        for holding in selectors.body_holdings(user, body):
            _holding_event(cal, request, holding, stamp, with_exercise=True)
        return _ics_response(cal, f"body-{body.pk}.ics")
