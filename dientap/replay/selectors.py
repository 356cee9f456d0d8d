"""The timeline of a round: what was issued, handled, observed and decided, moment by moment.

Where the moments come from (and why not from the live event log)
-------------------------------------------------------------------
``dientap.core.realtime`` stores every live event with a per-exercise sequence number, so it
looks like a ready-made stream of the round. It is not a correct source for a replay:

- its ``created_at`` is when the change was *recorded*, not when it happened. Services take
  the real time of what happened as an argument (``holding_start(at=…)``,
  ``delivery_handle(now=…)``, ``observation_create(observed_at=…)``) so a secretary can enter
  the run sheet or an observer a note afterwards; the demo's round of 19/09/2023 is recorded
  whenever the demo is loaded;
- its payloads are wake-ups and snapshots carrying ids (``{"situation": 7, "action":
  "handled"}``), not the facts: no decision text, no corrective actions, no late minutes;
- it is narrowed by ``audience_bodies`` only, not by clearance or by the models' scopes.

So the moments are built from the domain models' own stored times, each source read through
``Model.objects.restrict(user, VIEW)`` (the one permission mechanism): a user sees exactly the
moments of what they may see, classified situations (and their deliveries) only when cleared.

The one exception is the exercise clock: ``ExerciseClock`` keeps only its current state, so
its history exists only in the event log. Its ``clock`` events carry the clock's state and
``anchor_real``, which *is* the real time of the change (start, pause, resume, jump, speed);
a change of the G hour leaves ``anchor_real`` as it was and is placed at the event's
``created_at``. They are shown to whoever may see the exercise's clock (``ExerciseClock``'s
scope).

Times used, per source (no time is invented; see ``UNDATED`` for what has none):

- holdings: ``started_at`` / ``finished_at`` (holdings never started are not moments);
- agenda progress: ``started_at`` / ``finished_at``; a decision at its item's ``finished_at``
  (else ``started_at``): the decision text has no time of its own;
- attendance has no stored time (``created_at`` is when it was entered): absences and
  substitutes are placed at the holding's start (recorded, else scheduled), a late arrival at
  that start plus ``late_minutes``;
- situations: ``issued_at`` (with the scenario time at issue); held / skipped / put back on
  the clock: the audit log's timestamp of that status change (those actions are live clicks
  and take no back-dated time);
- deliveries: ``acknowledged_at``, ``handled_at`` (on time or late), and ``due_at`` when it
  passed without handling;
- observations: ``observed_at`` (and their written scenario time);
- corrective actions: only ``created_at``; an action of the round recorded outside the
  round's days is listed apart, without a place on the axis;
- communication checks: ``sent_at`` and each reply's ``confirmed_at``.

A round's window is its days in local time; holdings and observations belong to it by
foreign key, situations, checks and clock changes by falling inside the window.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from dientap.conferences.models import AgendaProgress, Attendance, Holding
from dientap.core.models import AuditEntry, Event
from dientap.core.scoping import VIEW
from dientap.exercises.models import Exercise, Round
from dientap.oversight.models import CorrectiveAction, Observation
from dientap.scenarios import scenario_time
from dientap.scenarios import selectors as scenario_selectors
from dientap.scenarios.models import (
    CommCheck,
    CommCheckReply,
    Delivery,
    ExerciseClock,
    Situation,
)

LANES = (
    ("conferences", pgettext_lazy("timeline lane", "Conferences")),
    ("situations", pgettext_lazy("timeline lane", "Situations")),
    ("handling", pgettext_lazy("timeline lane", "Bodies' handling")),
    ("observations", pgettext_lazy("timeline lane", "Observations")),
    ("decisions", pgettext_lazy("timeline lane", "Decisions")),
)

KINDS = {
    "holding_started": gettext_lazy("Conference opened"),
    "holding_finished": gettext_lazy("Conference closed"),
    "item_started": gettext_lazy("Agenda item started"),
    "item_done": gettext_lazy("Agenda item done"),
    "decision": gettext_lazy("Decision noted"),
    "late": gettext_lazy("Late arrival"),
    "substitute": gettext_lazy("Attended by a substitute"),
    "absent": pgettext_lazy("attendance moment", "Absent"),
    "issued": gettext_lazy("Situation issued"),
    "held": gettext_lazy("Situation held"),
    "skipped": gettext_lazy("Situation withdrawn (skipped)"),
    "rescheduled": gettext_lazy("Situation back on the clock"),
    "acknowledged": gettext_lazy("Acknowledged"),
    "handled": gettext_lazy("Handled on time"),
    "handled_late": gettext_lazy("Handled late"),
    "deadline": gettext_lazy("Deadline passed, not handled"),
    "observation": gettext_lazy("Observation"),
    "action": gettext_lazy("Corrective action raised"),
    "comm_sent": gettext_lazy("Communication check sent"),
    "comm_confirmed": gettext_lazy("Communication check confirmed"),
    "clock_started": gettext_lazy("Exercise clock started"),
    "clock_paused": gettext_lazy("Exercise clock paused"),
    "clock_resumed": gettext_lazy("Exercise clock resumed"),
    "clock_jumped": gettext_lazy("Exercise clock moved"),
    "clock_speed": gettext_lazy("Exercise clock speed changed"),
    "clock_g": gettext_lazy("G hour set"),
}

# Among moments at the same time: what opens comes first, what closes last.
_KIND_ORDER = {"clock_started": 0, "clock_resumed": 0, "holding_started": 0, "item_done": 1,
               "absent": 2, "substitute": 2, "item_started": 3, "holding_finished": 9,
               "clock_paused": 9}

# What the replay cannot place on the time axis, said once (the page shows it).
UNDATED = gettext_lazy(
    "Attendance has no time of its own: absences and substitutes are shown at the start of "
    "the conference, late arrivals at the start plus the minutes late. A decision is shown "
    "when its agenda item ended. Corrective actions store only when they were recorded.")


@dataclass
class Moment:
    at: datetime
    lane: str
    kind: str
    title: str
    detail: str = ""
    body: str = ""
    scenario: str = ""
    url: str = ""
    secret: str = ""
    tag: str = ""  # an observation's kind (the state counts them by kind)

    @property
    def kind_label(self) -> str:
        return str(KINDS[self.kind])


@dataclass
class _Holding:
    pk: int
    title: str
    url: str
    started_at: datetime | None
    finished_at: datetime | None
    starts_at: datetime | None = None  # recorded start, else scheduled (for attendance)
    items: list = field(default_factory=list)  # [(started_at, finished_at, content)]


@dataclass
class _Situation:
    pk: int
    code: str
    title: str
    url: str
    issued_at: datetime
    secret: str
    deliveries: list = field(default_factory=list)


@dataclass
class Timeline:
    exercise: Exercise
    round: Round
    moments: list[Moment]
    holdings: list[_Holding]
    situations: list[_Situation]
    clock: list[dict]
    undated: list[dict]
    window: tuple[datetime, datetime]

    # --- the axis ----------------------------------------------------------------------

    @property
    def times(self) -> list[datetime]:
        """The distinct times of the moments, in order (the steps of the replay)."""
        out = []
        for m in self.moments:
            if not out or m.at != out[-1]:
                out.append(m.at)
        return out

    @property
    def start(self) -> datetime | None:
        return self.moments[0].at if self.moments else None

    @property
    def end(self) -> datetime | None:
        return self.moments[-1].at if self.moments else None

    def up_to(self, at: datetime) -> list[Moment]:
        return self.moments[:bisect.bisect_right([m.at for m in self.moments], at)]

    def neighbours(self, at: datetime) -> tuple[datetime | None, datetime | None]:
        times = self.times
        i = bisect.bisect_left(times, at)
        previous = times[i - 1] if i > 0 else None
        j = bisect.bisect_right(times, at)
        following = times[j] if j < len(times) else None
        return previous, following

    def lanes_at(self, at: datetime) -> list[dict]:
        shown = self.up_to(at)
        latest = shown[-1].at if shown else None
        return [{"key": key, "label": label,
                 "moments": [(m, m.at == latest) for m in reversed(shown) if m.lane == key]}
                for key, label in LANES]

    # --- the state at a moment ------------------------------------------------------------

    def scenario_at(self, at: datetime) -> str:
        return scenario_label(self.clock, at)

    def state_at(self, at: datetime) -> dict:
        running = []
        for h in self.holdings:
            if h.started_at and h.started_at <= at and not (h.finished_at and h.finished_at <= at):
                item = next((content for s, f, content in h.items
                             if s and s <= at and not (f and f <= at)), "")
                running.append({"title": h.title, "url": h.url, "item": item,
                                "since": local_time(h.started_at)})
        open_, overdue, late = [], [], 0
        for s in self.situations:
            if s.issued_at > at:
                continue
            pending = []
            for d in s.deliveries:
                done = d.handled_at is not None and d.handled_at <= at
                if done and d.late:
                    late += 1
                if done:
                    continue
                pending.append(_body(d.body))
                if d.due_at and d.due_at <= at:
                    overdue.append({"code": s.code, "url": s.url, "body": _body(d.body),
                                    "due": local_time(d.due_at)})
            if pending or not s.deliveries:
                open_.append({"code": s.code, "title": s.title, "url": s.url,
                              "secret": s.secret, "since": local_time(s.issued_at),
                              "pending": pending})
        shown = self.up_to(at)
        observations = dict.fromkeys(Observation.Kind.values, 0)
        actions = 0
        for m in shown:
            if m.kind == "observation":
                observations[m.tag] = observations.get(m.tag, 0) + 1
            elif m.kind == "action":
                actions += 1
        observations["total"] = sum(observations.values())
        return {
            "at": at.isoformat(),
            "label": local_datetime(at),
            "scenario": self.scenario_at(at),
            "running": running,
            "open": open_,
            "overdue": overdue,
            "handled_late": late,
            "observations": observations,
            "actions": actions,
            "moments": len(shown),
        }


# --- formatting -------------------------------------------------------------------------------

def local_datetime(value: datetime | None) -> str:
    return formats.date_format(timezone.localtime(value), "d/m/Y H:i") if value else ""


def local_time(value: datetime | None) -> str:
    return formats.date_format(timezone.localtime(value), "H:i") if value else ""


def _body(body) -> str:
    return (body.short_name or body.name) if body else ""


def scenario_label(clock: list[dict], at: datetime) -> str:
    """Scenario-now at real time `at` from the clock's history ("" before it was started)."""
    i = bisect.bisect_right([c["at"] for c in clock], at) - 1
    if i < 0:
        return ""
    c = clock[i]
    seconds = float(c["anchor_scenario_seconds"])
    if c["state"] == "running" and c["anchor_real"]:
        seconds += (at - c["anchor_real"]).total_seconds() * float(c["speed"])
    elif c["state"] == "stopped":
        return ""
    return scenario_time.format_time(math.floor(seconds / 60))


def parse_at(text: str, rnd: Round) -> datetime | None:
    """A moment from ``?at=``: ``HH:MM`` (on the round's first day), ``dd/mm/yyyy HH:MM`` or
    ISO 8601; local time unless an offset is given. None when it cannot be read."""
    text = (text or "").strip()
    if not text or len(text) > 40:
        return None
    value = None
    try:
        if len(text) <= 5 and ":" in text:
            hours, minutes = text.split(":")
            value = datetime.combine(rnd.start_date, time(int(hours), int(minutes)))
        elif "/" in text:
            value = datetime.strptime(text, "%d/%m/%Y %H:%M").replace(
                tzinfo=timezone.get_current_timezone())
        else:
            value = parse_datetime(text)
    except ValueError:
        return None
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


# --- building the timeline --------------------------------------------------------------------

def round_window(rnd: Round) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(rnd.start_date, time.min))
    end = timezone.make_aware(datetime.combine(rnd.end_date + timedelta(days=1), time.min))
    return start, end


def round_timeline(user, rnd: Round) -> Timeline:
    """Every moment of the round that `user` may see, in time order (a fixed number of
    queries whatever the number of moments)."""
    exercise = rnd.exercise
    window = round_window(rnd)
    moments: list[Moment] = []
    holdings = _conferences(user, rnd, moments)
    situations = _scenario(user, exercise, window, moments)
    _observations(user, rnd, window, moments)
    undated = _actions(user, rnd, window, moments)
    _comm_checks(user, exercise, window, moments)
    clock = _clock(user, exercise, window, moments)
    order = {key: i for i, (key, _label) in enumerate(LANES)}
    moments.sort(key=lambda m: (m.at, order[m.lane], _KIND_ORDER.get(m.kind, 5)))
    return Timeline(exercise=exercise, round=rnd, moments=moments, holdings=holdings,
                    situations=situations, clock=clock, undated=undated, window=window)


def _in(window, value) -> bool:
    return value is not None and window[0] <= value < window[1]


def _conferences(user, rnd: Round, moments: list[Moment]) -> list[_Holding]:
    holdings = {}
    for h in (Holding.objects.restrict(user, VIEW).filter(round=rnd)
              .select_related("conference", "conference__body").order_by("starts_at", "pk")):
        title = h.conference.title
        url = reverse("conferences:runsheet", args=[h.pk])
        holdings[h.pk] = _Holding(h.pk, title, url, h.started_at, h.finished_at,
                                  h.started_at or h.starts_at)
        body = _body(h.conference.body)
        if h.started_at:
            moments.append(Moment(h.started_at, "conferences", "holding_started", title,
                                  detail=h.place, body=body, url=url))
        if h.finished_at:
            moments.append(Moment(h.finished_at, "conferences", "holding_finished", title,
                                  body=body, url=url))
    progress = (AgendaProgress.objects.restrict(user, VIEW).filter(holding__in=holdings)
                .select_related("item").order_by("item__position", "item_id"))
    for p in progress:
        h = holdings[p.holding_id]
        h.items.append((p.started_at, p.finished_at, p.item.content))
        if p.started_at:
            moments.append(Moment(p.started_at, "conferences", "item_started", p.item.content,
                                  detail=h.title, url=h.url))
        if p.finished_at:
            moments.append(Moment(p.finished_at, "conferences", "item_done", p.item.content,
                                  detail=h.title, url=h.url))
        when = p.finished_at or p.started_at
        if p.decision and when:
            moments.append(Moment(when, "decisions", "decision", p.decision,
                                  detail=f"{p.item.content} · {h.title}", url=h.url))
    attendance = (Attendance.objects.restrict(user, VIEW).filter(holding__in=holdings)
                  .exclude(status=Attendance.Status.PRESENT).select_related("entry"))
    for a in attendance:
        h = holdings[a.holding_id]
        seat = a.entry.title
        if a.status == Attendance.Status.LATE:
            moments.append(Moment(h.starts_at + timedelta(minutes=a.late_minutes or 0),
                                  "conferences", "late", seat,
                                  detail=_("{minutes} minutes late · {conference}").format(
                                      minutes=a.late_minutes or 0, conference=h.title),
                                  url=h.url))
        elif a.status == Attendance.Status.REPRESENTED:
            who = ", ".join(x for x in (a.substitute_name, a.substitute_post) if x)
            moments.append(Moment(h.starts_at, "conferences", "substitute", seat,
                                  detail=_("{who} attended instead · {conference}").format(
                                      who=who, conference=h.title), url=h.url))
        else:
            moments.append(Moment(h.starts_at, "conferences", "absent", seat,
                                  detail=" · ".join(x for x in (a.note, h.title) if x),
                                  url=h.url))
    return list(holdings.values())


def _scenario(user, exercise, window, moments: list[Moment]) -> list[_Situation]:
    visible = list(Situation.objects.restrict(user, VIEW, exercise=exercise)
                   .only("pk", "code", "title", "status", "issued_at", "classification",
                         "issued_scenario_minutes", "scenario_minutes", "g_relative",
                         "exercise_id"))
    in_round = {s.pk: s for s in visible if _in(window, s.issued_at)}
    result = {}
    for s in sorted(in_round.values(), key=lambda s: (s.issued_at, s.pk)):
        url = reverse("scenarios:detail", args=[exercise.pk, s.pk])
        secret = str(s.get_classification_display()) if s.classification else ""
        result[s.pk] = _Situation(s.pk, s.code, s.title, url, s.issued_at, secret)
    deliveries = (Delivery.objects.restrict(user, VIEW).filter(situation_id__in=in_round)
                  .select_related("body").order_by("body__sort_order", "body__name"))
    for d in deliveries:
        sit = result[d.situation_id]
        sit.deliveries.append(d)
    for sit in result.values():
        s = in_round[sit.pk]
        to = ", ".join(_body(d.body) for d in sit.deliveries)
        scen = (scenario_time.format_time(s.issued_scenario_minutes)
                if s.issued_scenario_minutes is not None else s.time_label)
        moments.append(Moment(sit.issued_at, "situations", "issued", f"{s.code}: {s.title}",
                              detail=_("to {bodies}").format(bodies=to) if to else "",
                              scenario=scen, url=sit.url, secret=sit.secret))
        for d in sit.deliveries:
            body = _body(d.body)
            common = {"body": body, "url": sit.url, "secret": sit.secret}
            if d.acknowledged_at and d.acknowledged_at != d.handled_at:
                moments.append(Moment(d.acknowledged_at, "handling", "acknowledged", s.code,
                                      **common))
            if d.handled_at:
                moments.append(Moment(d.handled_at, "handling",
                                      "handled_late" if d.late else "handled", s.code,
                                      detail=d.handling_text, **common))
            if d.due_at and (d.handled_at is None or d.handled_at > d.due_at) \
                    and d.due_at < window[1]:
                moments.append(Moment(d.due_at, "handling", "deadline", s.code, **common))
    # Held / skipped / back on the clock: times from the audit log of the visible situations.
    by_id = {str(s.pk): s for s in visible}
    entries = (AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Situation), object_id__in=list(by_id),
        action=AuditEntry.Action.UPDATE, timestamp__gte=window[0], timestamp__lt=window[1])
        .only("timestamp", "object_id", "before", "after").order_by("timestamp", "seq"))
    transitions = {("scheduled", "held"): "held", ("scheduled", "skipped"): "skipped",
                   ("held", "skipped"): "skipped", ("held", "scheduled"): "rescheduled",
                   ("skipped", "scheduled"): "rescheduled"}
    for e in entries:
        kind = transitions.get(((e.before or {}).get("status"), (e.after or {}).get("status")))
        if kind:
            s = by_id[e.object_id]
            moments.append(Moment(e.timestamp, "situations", kind, f"{s.code}: {s.title}",
                                  scenario=s.time_label,
                                  url=reverse("scenarios:detail", args=[exercise.pk, s.pk]),
                                  secret=str(s.get_classification_display())
                                  if s.classification else ""))
    return list(result.values())


def _observations(user, rnd: Round, window, moments: list[Moment]) -> None:
    observations = (Observation.objects.restrict(user, VIEW, exercise=rnd.exercise)
                    .filter(Q(round=rnd) | Q(holding__round=rnd)
                            | Q(round__isnull=True, holding__isnull=True,
                                observed_at__gte=window[0], observed_at__lt=window[1]))
                    .select_related("body", "holding__conference__body")
                    .order_by("observed_at", "pk"))
    url = reverse("oversight:observations", args=[rnd.exercise_id])
    for o in observations:
        body = o.body or (o.holding.conference.body if o.holding_id else None)
        m = Moment(o.observed_at, "observations", "observation", o.text,
                   detail=str(o.get_kind_display()), body=_body(body),
                   scenario=o.scenario_time, url=f"{url}#obs-{o.pk}", tag=o.kind)
        moments.append(m)


def _actions(user, rnd: Round, window, moments: list[Moment]) -> list[dict]:
    undated = []
    actions = (CorrectiveAction.objects.restrict(user, VIEW, exercise=rnd.exercise)
               .filter(Q(round=rnd) | Q(round__isnull=True, created_at__gte=window[0],
                                        created_at__lt=window[1]))
               .select_related("owner_body").order_by("created_at", "pk"))
    for a in actions:
        detail = _("{body}, due {date}").format(
            body=_body(a.owner_body), date=formats.date_format(a.due_date, "d/m/Y"))
        if _in(window, a.created_at):
            moments.append(Moment(a.created_at, "observations", "action", a.title,
                                  detail=detail, body=_body(a.owner_body),
                                  url=a.get_absolute_url()))
        else:
            undated.append({"title": a.title, "detail": detail, "url": a.get_absolute_url(),
                            "recorded": local_datetime(a.created_at),
                            "status": str(a.get_status_display())})
    return undated


def _comm_checks(user, exercise, window, moments: list[Moment]) -> None:
    checks = {c.pk: c for c in CommCheck.objects.restrict(user, VIEW, exercise=exercise).filter(
        sent_at__gte=window[0], sent_at__lt=window[1])}
    for c in checks.values():
        moments.append(Moment(c.sent_at, "situations", "comm_sent", str(KINDS["comm_sent"])))
    replies = CommCheckReply.objects.restrict(user, VIEW).filter(comm_check__in=checks)
    if checks and not scenario_selectors.is_staff(user, exercise):
        # As on the body's console: a body is told about its own confirmation only.
        replies = replies.filter(body_id=user.body_id)
    for r in replies.select_related("body"):
        moments.append(Moment(r.confirmed_at, "handling", "comm_confirmed",
                              str(KINDS["comm_confirmed"]), body=_body(r.body)))


def _clock(user, exercise, window, moments: list[Moment]) -> list[dict]:
    """The clock's history from its stored ``clock`` events (see the module docstring)."""
    if not ExerciseClock.objects.restrict(user, VIEW, exercise=exercise).exists():
        return []
    history, previous = [], None
    for e in Event.objects.filter(exercise_id=exercise.pk, kind="clock").order_by("seq"):
        p = e.payload or {}
        anchor = parse_datetime(p["anchor_real"]) if p.get("anchor_real") else None
        state = p.get("state", "stopped")
        before = previous or {"state": "stopped", "speed": 1.0, "anchor_real": None,
                              "anchor_scenario_seconds": 0, "g_minutes": None}
        if state == "running" and before["state"] == "stopped":
            kind = "clock_started"
        elif state == "paused" and before["state"] == "running":
            kind = "clock_paused"
        elif state == "running" and before["state"] == "paused":
            kind = "clock_resumed"
        elif float(p.get("speed", 1.0)) != float(before["speed"]):
            kind = "clock_speed"
        elif p.get("g_minutes") != before["g_minutes"]:
            kind = "clock_g"
        else:
            kind = "clock_jumped"
        at = e.created_at if kind == "clock_g" or anchor is None else anchor
        entry = {"at": at, "state": state, "speed": float(p.get("speed", 1.0)),
                 "anchor_real": anchor, "g_minutes": p.get("g_minutes"),
                 "anchor_scenario_seconds": p.get("anchor_scenario_seconds", 0)}
        history.append(entry)
        previous = entry
        if _in(window, at):
            scen = scenario_label(history, at)
            detail = ""
            if kind == "clock_speed":
                detail = _("×{speed}").format(speed=formats.number_format(entry["speed"]))
            elif kind == "clock_g" and entry["g_minutes"] is not None:
                detail = scenario_time.format_time(entry["g_minutes"])
            moments.append(Moment(at, "situations", kind, str(KINDS[kind]), detail=detail,
                                  scenario=scen))
    history.sort(key=lambda c: c["at"])
    return history


# --- JSON for the page's script -----------------------------------------------------------------

def _iso(value):
    return value.isoformat() if value else None


def timeline_json(timeline: Timeline) -> dict:
    """Everything the replay script needs: the moments and the state after each of them."""
    return {
        "exercise": timeline.exercise.pk,
        "round": timeline.round.pk,
        "start": _iso(timeline.start),
        "end": _iso(timeline.end),
        "utc_offset": (timezone.localtime(timeline.start).utcoffset().total_seconds()
                       if timeline.start else 0),
        "lanes": [{"key": key, "label": str(label)} for key, label in LANES],
        "moments": [{
            "at": m.at.isoformat(), "label": local_datetime(m.at), "time": local_time(m.at),
            "lane": m.lane, "kind": m.kind, "kind_label": m.kind_label, "title": m.title,
            "detail": m.detail, "body": m.body, "scenario": m.scenario, "url": m.url,
            "secret": m.secret,
        } for m in timeline.moments],
        "states": [timeline.state_at(at) for at in timeline.times],
        "clock": [{"at": c["at"].isoformat(), "state": c["state"], "speed": c["speed"],
                   "anchor_real": _iso(c["anchor_real"]),
                   "anchor_scenario_seconds": c["anchor_scenario_seconds"]}
                  for c in timeline.clock],
    }
