"""State changes of the scenario: situations, the exercise clock, issuing, deliveries and
communication checks. Each validates, saves, audits and emits its live events inside its
transaction (announced after commit).

Events (all on the exercise's stream, see dientap.core.realtime):

- ``scenario`` (no payload, every viewer of the exercise): "the scenario changed"; the
  director's console and the situation list reload their state (scoped to the user).
- ``situation`` (audience: the receiving bodies concerned): ``{"situation": id, "action":
  "issued" | "acknowledged" | "handled", "body": id?}``; a body's console reloads its state.
  It carries no title or content, so a classified situation never travels on the stream.
- ``clock`` (everyone): the clock's public state (``clock_payload``).
- ``comm_check`` (audience: the bodies asked): ``{"check": id}``.

Issuing happens **exactly once**: a situation is claimed by a conditional UPDATE
(``… WHERE status IN (…)``) whose row count says who issues it; a click, the clock and another
server process racing for the same situation cannot issue it twice.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dientap.core import audit, realtime, services
from dientap.core.scoping import CHANGE, VIEW
from dientap.documents.models import Document
from dientap.exercises.models import Exercise, FrameParticipant
from dientap.exercises.services import require_change

from . import clock as clockmath
from .models import CommCheck, CommCheckReply, Delivery, ExerciseClock, Situation

S = Situation.Status
M2M_FIELDS = ("receiving_bodies", "documents")


# --- events ----------------------------------------------------------------------------------

def _emit_scenario(exercise_id: int) -> None:
    realtime.emit(exercise_id, "scenario", {})


def _emit_situation(situation: Situation, action: str, bodies, **extra) -> None:
    realtime.emit(situation.exercise_id, "situation",
                  {"situation": situation.pk, "action": action, **extra},
                  audience_bodies=[b if isinstance(b, int) else b.pk for b in bodies])


def clock_payload(clock: ExerciseClock | None) -> dict:
    if clock is None:
        return {"state": "stopped", "speed": 1.0, "anchor_real": None,
                "anchor_scenario_seconds": 0, "g_minutes": None, "version": 0}
    return {
        "state": clock.state,
        "speed": float(clock.speed),
        "anchor_real": clock.anchor_real.isoformat() if clock.anchor_real else None,
        "anchor_scenario_seconds": clock.anchor_scenario_seconds,
        "g_minutes": clock.g_minutes,
        "version": clock.version,
    }


# --- checks ----------------------------------------------------------------------------------

def _require_situation_change(user, situation: Situation) -> None:
    require_change(user, situation.exercise)
    if user is not None and not Situation.objects.restrict(user, CHANGE).filter(
            pk=situation.pk).exists():
        raise PermissionDenied(_("Your clearance does not allow you to change this situation."))


def frame_body_ids(exercise: Exercise) -> set[int]:
    return set(FrameParticipant.objects.filter(exercise=exercise)
               .values_list("body_id", flat=True))


def _check_bodies(exercise: Exercise, bodies) -> None:
    if not bodies:
        raise ValidationError({"receiving_bodies": _("Choose at least one receiving body.")})
    outside = [b for b in bodies if b.pk not in frame_body_ids(exercise)]
    if outside:
        raise ValidationError({"receiving_bodies": _(
            "Not in the frame of this exercise: {bodies}. Add them to the exercise frame first."
        ).format(bodies=", ".join(str(b) for b in outside))})


def _check_documents(exercise: Exercise, documents) -> None:
    foreign = [d for d in documents if d.exercise_id != exercise.pk]
    if foreign:
        raise ValidationError({"documents": _("These documents belong to another exercise: "
                                              "{docs}.").format(docs=", ".join(map(str, foreign)))})


def _check_content_item(exercise: Exercise, item) -> None:
    if item is not None and item.issue.phase.exercise_id != exercise.pk:
        raise ValidationError({"content_item": _("This content item belongs to another "
                                                 "exercise.")})


def _check_dependency(situation: Situation, depends_on: Situation | None) -> None:
    if depends_on is None:
        return
    if depends_on.exercise_id != situation.exercise_id:
        raise ValidationError({"depends_on": _("The situation it depends on belongs to another "
                                               "exercise.")})
    if situation.pk and depends_on.pk == situation.pk:
        raise ValidationError({"depends_on": _("A situation cannot depend on itself.")})
    # Walk the chain in the database (objects in memory may be stale).
    parents = dict(Situation.objects.filter(exercise_id=situation.exercise_id)
                   .values_list("pk", "depends_on_id"))
    seen, current = set(), depends_on.pk
    while current is not None and current not in seen:
        seen.add(current)
        if situation.pk and parents.get(current) == situation.pk:
            raise ValidationError({"depends_on": _(
                "This dependency would make a cycle: {code} already waits for this situation."
            ).format(code=depends_on.code)})
        current = parents.get(current)


def dependency_met(situation: Situation) -> bool:
    """B waits until A was handled by every receiving body (a skipped A lets B go)."""
    dep = situation.depends_on
    if dep is None or dep.status == S.SKIPPED:
        return True
    if dep.status != S.ISSUED:
        return False
    return not dep.deliveries.filter(handled_at__isnull=True).exists()


def _status(situation: Situation) -> str:
    """The status in the database (the object in hand may be stale)."""
    return Situation.objects.filter(pk=situation.pk).values_list("status", flat=True).get()


def _next_position(exercise: Exercise) -> int:
    last = (Situation.objects.filter(exercise=exercise).order_by("-position")
            .values_list("position", flat=True).first())
    return (last or 0) + 1


# --- situations --------------------------------------------------------------------------

@transaction.atomic
def situation_create(exercise: Exercise, *, acting_user, receiving_bodies=(), documents=(),
                     **fields) -> Situation:
    require_change(acting_user, exercise)
    receiving_bodies, documents = list(receiving_bodies), list(documents)
    _check_bodies(exercise, receiving_bodies)
    _check_documents(exercise, documents)
    _check_content_item(exercise, fields.get("content_item"))
    fields.setdefault("position", _next_position(exercise))
    situation = Situation(exercise=exercise, **fields)
    _check_dependency(situation, fields.get("depends_on"))
    if acting_user is not None and situation.classification > acting_user.clearance \
            and not acting_user.is_superuser:
        raise ValidationError({"classification": _("You cannot classify above your own "
                                                    "clearance.")})
    services.create_instance(situation, acting_user=acting_user)
    situation.receiving_bodies.set(receiving_bodies)
    situation.documents.set(documents)
    _emit_scenario(exercise.pk)
    return situation


@transaction.atomic
def situation_update(situation: Situation, *, acting_user, expected_version=None,
                     receiving_bodies=None, documents=None, **fields) -> Situation:
    _require_situation_change(acting_user, situation)
    if _status(situation) == S.ISSUED:
        raise ValidationError(_("{code} has already been issued and can no longer be changed; "
                                "duplicate it to make a new one.").format(code=situation.code))
    exercise = situation.exercise
    if receiving_bodies is not None:
        receiving_bodies = list(receiving_bodies)
        _check_bodies(exercise, receiving_bodies)
    if documents is not None:
        documents = list(documents)
        _check_documents(exercise, documents)
    if "content_item" in fields:
        _check_content_item(exercise, fields["content_item"])
    if "depends_on" in fields:
        _check_dependency(situation, fields["depends_on"])
    situation = services.update(situation, acting_user=acting_user,
                                expected_version=expected_version, **fields)
    if receiving_bodies is not None and set(receiving_bodies) != set(
            situation.receiving_bodies.all()):
        situation.receiving_bodies.set(receiving_bodies)
    if documents is not None and set(documents) != set(situation.documents.all()):
        situation.documents.set(documents)
    _emit_scenario(exercise.pk)
    return situation


@transaction.atomic
def situation_delete(situation: Situation, *, acting_user) -> None:
    _require_situation_change(acting_user, situation)
    if _status(situation) == S.ISSUED:
        raise ValidationError(_("{code} has already been issued and cannot be deleted.")
                              .format(code=situation.code))
    exercise_id = situation.exercise_id
    services.delete(situation, acting_user=acting_user)
    _emit_scenario(exercise_id)


def _free_code(exercise: Exercise, code: str) -> str:
    taken = set(Situation.objects.filter(exercise=exercise).values_list("code", flat=True))
    n = 2
    while f"{code}-{n}"[:30] in taken:
        n += 1
    return f"{code}-{n}"[:30]


@transaction.atomic
def situation_duplicate(situation: Situation, *, acting_user) -> Situation:
    _require_situation_change(acting_user, situation)
    copy_fields = {
        f.name: getattr(situation, f.name) for f in Situation._meta.concrete_fields
        if f.editable and f.name not in ("id", "exercise", "code", "position", "version",
                                         "created_at", "updated_at")
    }
    return situation_create(
        situation.exercise, acting_user=acting_user,
        code=_free_code(situation.exercise, situation.code),
        receiving_bodies=situation.receiving_bodies.all(), documents=situation.documents.all(),
        **copy_fields)


@transaction.atomic
def situation_move(situation: Situation, delta: int, *, acting_user):
    require_change(acting_user, situation.exercise)
    services.move(situation, situation.exercise.situations.order_by("position", "id"), delta,
                  acting_user=acting_user)
    _emit_scenario(situation.exercise_id)


@transaction.atomic
def situations_reorder(exercise: Exercise, ordered_ids, *, acting_user):
    require_change(acting_user, exercise)
    services.reorder(exercise.situations.all(), ordered_ids, acting_user=acting_user)
    _emit_scenario(exercise.pk)


@transaction.atomic
def situations_shift(exercise: Exercise, situation_ids, minutes: int, *, acting_user):
    """Add `minutes` (may be negative) to the scenario time of the chosen situations."""
    require_change(acting_user, exercise)
    chosen = list(Situation.objects.select_for_update().filter(exercise=exercise,
                                                               pk__in=situation_ids))
    if not chosen:
        raise ValidationError(_("Choose the situations to shift."))
    issued = [s.code for s in chosen if s.status == S.ISSUED]
    if issued:
        raise ValidationError(_("Already issued, cannot be shifted: {codes}.").format(
            codes=", ".join(issued)))
    for situation in chosen:
        _require_situation_change(acting_user, situation)
        services.update(situation, acting_user=acting_user,
                        scenario_minutes=situation.scenario_minutes + int(minutes))
    _emit_scenario(exercise.pk)
    return chosen


# --- live control: hold, skip, schedule, re-time, issue -------------------------------------

def _set_status(situation, from_statuses, to_status, *, acting_user) -> Situation:
    """Conditional status change (never overrides a concurrent issue)."""
    before = audit.snapshot(situation)
    changed = Situation.objects.filter(pk=situation.pk, status__in=from_statuses).update(
        status=to_status, version=F("version") + 1, updated_at=timezone.now())
    current = Situation.objects.get(pk=situation.pk)
    if not changed:
        raise ValidationError(_("{code} is {status}: this cannot be done now.").format(
            code=current.code, status=current.get_status_display().lower()))
    audit.record("update", current, acting_user=acting_user, before=before,
                 after=audit.snapshot(current))
    _emit_scenario(current.exercise_id)
    return current


@transaction.atomic
def situation_hold(situation: Situation, *, acting_user) -> Situation:
    _require_situation_change(acting_user, situation)
    return _set_status(situation, [S.SCHEDULED], S.HELD, acting_user=acting_user)


@transaction.atomic
def situation_skip(situation: Situation, *, acting_user) -> Situation:
    _require_situation_change(acting_user, situation)
    return _set_status(situation, [S.SCHEDULED, S.HELD], S.SKIPPED, acting_user=acting_user)


@transaction.atomic
def situation_schedule(situation: Situation, *, acting_user, scenario_minutes=None,
                       g_relative=None) -> Situation:
    """Put a held or skipped situation back on the clock, optionally at a new time (re-time:
    "issue at scenario time")."""
    _require_situation_change(acting_user, situation)
    situation.status = _status(situation)
    if situation.status == S.ISSUED:
        raise ValidationError(_("{code} has already been issued.").format(code=situation.code))
    if scenario_minutes is not None:
        fields = {"scenario_minutes": int(scenario_minutes)}
        if g_relative is not None:
            fields["g_relative"] = bool(g_relative)
        situation = services.update(situation, acting_user=acting_user, **fields)
    if situation.status != S.SCHEDULED:
        return _set_status(situation, [S.HELD, S.SKIPPED], S.SCHEDULED, acting_user=acting_user)
    _emit_scenario(situation.exercise_id)
    return situation


def _claim(situation_id: int, from_statuses, *, now, acting_user, by_clock: bool,
           scenario_minutes) -> bool:
    """The one place a situation becomes issued: True for the single caller that won."""
    issuer = acting_user if acting_user is not None and acting_user.pk else None
    claimed = Situation.objects.filter(pk=situation_id, status__in=list(from_statuses)).update(
        status=S.ISSUED, issued_at=now, issued_by=issuer, issued_by_clock=by_clock,
        issued_scenario_minutes=scenario_minutes, version=F("version") + 1, updated_at=now)
    return claimed == 1


def _issue(situation: Situation, from_statuses, *, acting_user, now, by_clock) -> bool:
    with transaction.atomic():
        before = audit.snapshot(situation)
        clock = ExerciseClock.objects.filter(exercise_id=situation.exercise_id).first()
        scen = clockmath.scenario_minutes(clock, now) if clock and clock.state != "stopped" \
            else None
        if not _claim(situation.pk, from_statuses, now=now, acting_user=acting_user,
                      by_clock=by_clock, scenario_minutes=scen):
            return False
        situation = Situation.objects.get(pk=situation.pk)
        bodies = list(situation.receiving_bodies.all())
        due = now + timedelta(minutes=situation.deadline_minutes) \
            if situation.deadline_minutes else None
        for body in bodies:
            services.create(Delivery, acting_user=acting_user, situation=situation, body=body,
                            due_at=due)
        audit.record("update", situation, acting_user=acting_user, before=before,
                     after=audit.snapshot(situation))
        _emit_situation(situation, "issued", bodies)
        _emit_scenario(situation.exercise_id)
    return True


def situation_issue(situation: Situation, *, acting_user, now=None) -> Situation:
    """Issue now (a click). Refused when already issued (by someone or by the clock)."""
    _require_situation_change(acting_user, situation)
    situation = Situation.objects.select_related("depends_on").get(pk=situation.pk)
    if situation.is_open and not dependency_met(situation):
        raise ValidationError(_("{code} waits until {dep} has been handled.").format(
            code=situation.code, dep=situation.depends_on.code))
    if not _issue(situation, [S.SCHEDULED, S.HELD], acting_user=acting_user,
                  now=now or timezone.now(), by_clock=False):
        current = Situation.objects.get(pk=situation.pk)
        raise ValidationError(_("{code} is {status}: it was not issued again.").format(
            code=current.code, status=current.get_status_display().lower()))
    return Situation.objects.get(pk=situation.pk)


def due_situations(exercise: Exercise, clock: ExerciseClock, now) -> list[Situation]:
    """Scheduled situations whose scenario time the running clock has reached, in order."""
    if clock is None or clock.state != ExerciseClock.State.RUNNING:
        return []
    minutes = clockmath.scenario_minutes(clock, now)
    reached = Q(g_relative=False, scenario_minutes__lte=minutes)
    if clock.g_minutes is not None:
        reached |= Q(g_relative=True, scenario_minutes__lte=minutes - clock.g_minutes)
    candidates = (Situation.objects.filter(exercise=exercise, status=S.SCHEDULED)
                  .filter(reached).select_related("depends_on")
                  .order_by("g_relative", "scenario_minutes", "position", "id"))
    return [s for s in candidates if dependency_met(s)]


def issue_due(exercise: Exercise, *, now=None) -> list[Situation]:
    """Issue every situation that is due on the exercise clock (the ticker calls this)."""
    now = now or timezone.now()
    clock = ExerciseClock.objects.filter(exercise=exercise).first()
    issued = []
    for situation in due_situations(exercise, clock, now):
        if _issue(situation, [S.SCHEDULED], acting_user=None, now=now, by_clock=True):
            issued.append(situation)
    return issued


# --- the clock --------------------------------------------------------------------------------

def clock_of(exercise: Exercise) -> ExerciseClock:
    clock, _created = ExerciseClock.objects.get_or_create(exercise=exercise)
    return ExerciseClock.objects.select_for_update().get(pk=clock.pk)


def _save_clock(clock: ExerciseClock, *, acting_user, expected_version=None, **fields):
    clock = services.update(clock, acting_user=acting_user, expected_version=expected_version,
                            **fields)
    realtime.emit(clock.exercise_id, "clock", clock_payload(clock))
    _emit_scenario(clock.exercise_id)
    return clock


@transaction.atomic
def clock_start(exercise: Exercise, *, acting_user, at_minutes: int | None = None, now=None,
                expected_version=None) -> ExerciseClock:
    """Start the clock at `at_minutes` (default: where it stands)."""
    require_change(acting_user, exercise)
    now = now or timezone.now()
    clock = clock_of(exercise)
    if clock.state != ExerciseClock.State.STOPPED:
        raise ValidationError(_("The clock has already been started."))
    seconds = at_minutes * 60 if at_minutes is not None else clock.anchor_scenario_seconds
    return _save_clock(clock, acting_user=acting_user, expected_version=expected_version,
                       state=ExerciseClock.State.RUNNING, anchor_real=now,
                       anchor_scenario_seconds=seconds)


@transaction.atomic
def clock_pause(exercise: Exercise, *, acting_user, now=None, expected_version=None):
    require_change(acting_user, exercise)
    now = now or timezone.now()
    clock = clock_of(exercise)
    if clock.state != ExerciseClock.State.RUNNING:
        raise ValidationError(_("Only a running clock can be paused."))
    clockmath.rebase(clock, now)
    return _save_clock(clock, acting_user=acting_user, expected_version=expected_version,
                       state=ExerciseClock.State.PAUSED, anchor_real=now,
                       anchor_scenario_seconds=clock.anchor_scenario_seconds)


@transaction.atomic
def clock_resume(exercise: Exercise, *, acting_user, now=None, expected_version=None):
    require_change(acting_user, exercise)
    now = now or timezone.now()
    clock = clock_of(exercise)
    if clock.state != ExerciseClock.State.PAUSED:
        raise ValidationError(_("Only a paused clock can be resumed."))
    return _save_clock(clock, acting_user=acting_user, expected_version=expected_version,
                       state=ExerciseClock.State.RUNNING, anchor_real=now)


@transaction.atomic
def clock_jump(exercise: Exercise, *, acting_user, to_minutes: int, now=None,
               expected_version=None):
    """Set scenario-now to `to_minutes` (the clock keeps running or stays paused).

    Jumping forward makes every scheduled situation in between due at once.
    """
    require_change(acting_user, exercise)
    now = now or timezone.now()
    clock = clock_of(exercise)
    return _save_clock(clock, acting_user=acting_user, expected_version=expected_version,
                       anchor_real=now, anchor_scenario_seconds=int(to_minutes) * 60)


@transaction.atomic
def clock_set_speed(exercise: Exercise, *, acting_user, speed: float, now=None,
                    expected_version=None):
    require_change(acting_user, exercise)
    now = now or timezone.now()
    try:
        speed = float(speed)
    except (TypeError, ValueError):
        raise ValidationError({"speed": _("The speed must be a number.")}) from None
    clock = clock_of(exercise)
    clockmath.rebase(clock, now)
    return _save_clock(clock, acting_user=acting_user, expected_version=expected_version,
                       speed=speed, anchor_real=clock.anchor_real,
                       anchor_scenario_seconds=clock.anchor_scenario_seconds)


@transaction.atomic
def clock_set_g(exercise: Exercise, *, acting_user, g_minutes: int | None,
                expected_version=None):
    require_change(acting_user, exercise)
    clock = clock_of(exercise)
    return _save_clock(clock, acting_user=acting_user, expected_version=expected_version,
                       g_minutes=g_minutes)


# --- the bodies' side: acknowledge, handle ----------------------------------------------------

def _delivery_for(situation: Situation, acting_user, body) -> Delivery:
    if acting_user is not None:
        if body is not None and body.pk != acting_user.body_id:
            raise PermissionDenied(_("You can only respond for your own body."))
        body_id = acting_user.body_id
        visible = Situation.objects.restrict(acting_user, VIEW).filter(pk=situation.pk).exists()
    else:
        body_id, visible = (body.pk if body else None), True
    delivery = (Delivery.objects.select_for_update().filter(situation=situation, body_id=body_id)
                .first() if body_id and visible else None)
    if delivery is None:
        raise PermissionDenied(_("This situation is not addressed to your body."))
    return delivery


@transaction.atomic
def delivery_acknowledge(situation: Situation, *, acting_user, body=None, now=None) -> Delivery:
    delivery = _delivery_for(situation, acting_user, body)
    if delivery.acknowledged_at:
        return delivery
    delivery = services.update(delivery, acting_user=acting_user,
                               acknowledged_at=now or timezone.now(),
                               acknowledged_by=acting_user)
    _emit_situation(situation, "acknowledged", [delivery.body_id], body=delivery.body_id)
    _emit_scenario(situation.exercise_id)
    return delivery


@transaction.atomic
def delivery_handle(situation: Situation, *, acting_user, handling_kind: str, text: str,
                    documents=(), body=None, now=None) -> Delivery:
    """Record how the body handled the situation. After the deadline it is kept, marked late."""
    delivery = _delivery_for(situation, acting_user, body)
    if delivery.handled_at:
        raise ValidationError(_("The handling of {code} has already been recorded.").format(
            code=situation.code))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write what your body did.")})
    documents = list(documents)
    for doc in documents:
        if doc.exercise_id != situation.exercise_id or doc.owner_body_id != delivery.body_id:
            raise ValidationError({"documents": _("Attach documents of your own body in this "
                                                  "exercise only.")})
        if acting_user is not None and not Document.objects.restrict(acting_user, VIEW).filter(
                pk=doc.pk).exists():
            raise ValidationError({"documents": _("Unknown document.")})
    now = now or timezone.now()
    fields = {"handled_at": now, "handled_by": acting_user, "handling_kind": handling_kind,
              "handling_text": text, "late": bool(delivery.due_at and now > delivery.due_at)}
    if not delivery.acknowledged_at:
        fields.update(acknowledged_at=now, acknowledged_by=acting_user)
    delivery = services.update(delivery, acting_user=acting_user, **fields)
    if documents:
        delivery.documents.set(documents)
    _emit_situation(situation, "handled", [delivery.body_id], body=delivery.body_id)
    _emit_scenario(situation.exercise_id)
    return delivery


# --- communication check -----------------------------------------------------------------

@transaction.atomic
def comm_check_send(exercise: Exercise, *, acting_user, now=None) -> CommCheck:
    require_change(acting_user, exercise)
    bodies = sorted(frame_body_ids(exercise))
    if not bodies:
        raise ValidationError(_("The exercise frame has no body yet."))
    check = services.create(CommCheck, acting_user=acting_user, exercise=exercise,
                            sent_at=now or timezone.now(),
                            sent_by=acting_user if acting_user is not None else None)
    check.bodies.set(bodies)
    realtime.emit(exercise.pk, "comm_check", {"check": check.pk}, audience_bodies=bodies)
    _emit_scenario(exercise.pk)
    return check


@transaction.atomic
def comm_check_confirm(check: CommCheck, *, acting_user, body=None, now=None) -> CommCheckReply:
    body_id = acting_user.body_id if acting_user is not None else getattr(body, "pk", None)
    if acting_user is not None and body is not None and body.pk != body_id:
        raise PermissionDenied(_("You can only respond for your own body."))
    if not body_id or not check.bodies.filter(pk=body_id).exists():
        raise PermissionDenied(_("This communication check was not sent to your body."))
    existing = CommCheckReply.objects.filter(comm_check=check, body_id=body_id).first()
    if existing:
        return existing
    reply = services.create(CommCheckReply, acting_user=acting_user, comm_check=check,
                            body_id=body_id, confirmed_at=now or timezone.now(),
                            confirmed_by=acting_user)
    realtime.emit(check.exercise_id, "comm_check", {"check": check.pk}, audience_bodies=[body_id])
    _emit_scenario(check.exercise_id)
    return reply


# --- many situations at once (the spreadsheet import) -----------------------------------------

BULK_BATCH = 1000


def dependency_cycles(next_of: dict) -> set:
    """The items on a dependency cycle (`next_of`: item → the item it waits for), in time
    linear in the items (each chain is followed once)."""
    on_cycle, state = set(), {}  # state: 1 = on the current walk, 2 = done
    for start in next_of:
        walk, current = [], start
        while current is not None and current not in state:
            state[current] = 1
            walk.append(current)
            current = next_of.get(current)
        if current is not None and state[current] == 1:  # closed a loop on this walk
            on_cycle.update(walk[walk.index(current):])
        for i in walk:
            state[i] = 2
    return on_cycle


def _field_messages(exc: ValidationError) -> list[str]:
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    from django.core.exceptions import NON_FIELD_ERRORS
    from django.utils.text import capfirst

    out = []
    for name, errors in exc.message_dict.items():
        label = "" if name == NON_FIELD_ERRORS else capfirst(
            Situation._meta.get_field(name).verbose_name)
        out += [f"{label}: {e}" if label else e for e in errors]
    return out


@transaction.atomic
def situations_create_many(exercise: Exercise, items, *, acting_user,
                           labels=None) -> list[Situation]:
    """Create many situations at once (the spreadsheet import), by the rules of
    ``situation_create``: every item is checked first and every problem is reported ("Row n:
    …", nothing saved when one is bad); then the situations, their receiving bodies and
    documents and one audit entry each are written with bulk inserts, in a number of queries
    that does not grow with the items (one INSERT per ``BULK_BATCH`` rows), and one
    ``scenario`` event is emitted for the whole batch.

    ``items``: dicts of Situation fields with ``receiving_bodies``, optionally ``documents``
    and either ``depends_on`` (a situation of this exercise) or ``depends_on_code`` (the code
    of an existing situation or of another item). Positions follow the order of the items,
    after the existing situations. ``labels``: how each item is called in the messages (the
    spreadsheet's row numbers; default 1, 2, …).
    """
    require_change(acting_user, exercise)
    items = [dict(item) for item in items]
    if not items:
        return []
    labels = [str(n) for n in (labels if labels is not None else range(1, len(items) + 1))]
    frame = frame_body_ids(exercise)
    existing = dict(Situation.objects.filter(exercise=exercise).values_list("code", "pk"))
    content_ids = {item["content_item"].pk for item in items if item.get("content_item")}
    content_ok = set()
    if content_ids:
        from dientap.exercises.models import ContentItem

        content_ok = set(ContentItem.objects.filter(pk__in=content_ids,
                                                    issue__phase__exercise=exercise)
                         .values_list("pk", flat=True))
    first = _next_position(exercise)
    index_of: dict[str, int] = {}
    for i, item in enumerate(items):
        index_of.setdefault(item.get("code", ""), i)
    cleared = acting_user is None or acting_user.is_superuser
    problems, situations, bodies_of, documents_of, waits_for = [], [], [], [], {}
    for i, item in enumerate(items):
        bodies = list({b.pk: b for b in item.pop("receiving_bodies", ())}.values())
        documents = list({d.pk: d for d in item.pop("documents", ())}.values())
        dep_code = item.pop("depends_on_code", "") or ""
        item.setdefault("position", first + i)
        situation = Situation(exercise=exercise, **item)
        found, unknown = [], None
        if not bodies:
            found.append(_("Choose at least one receiving body."))
        outside = [b for b in bodies if b.pk not in frame]
        if outside:
            found.append(_("Not in the frame of this exercise: {bodies}. Add them to the "
                           "exercise frame first.").format(bodies=", ".join(map(str, outside))))
        foreign = [d for d in documents if d.exercise_id != exercise.pk]
        if foreign:
            found.append(_("These documents belong to another exercise: {docs}.").format(
                docs=", ".join(map(str, foreign))))
        if situation.content_item_id and situation.content_item_id not in content_ok:
            found.append(_("This content item belongs to another exercise."))
        code = situation.code
        if code and code in existing:
            found.append(_("This exercise already has a situation with this code."))
        elif code and index_of.get(code, i) != i:
            found.append(_("Duplicate code: {code} is also on row {row}.").format(
                code=code, row=labels[index_of[code]]))
        depends_on = item.get("depends_on")
        if depends_on is not None and depends_on.exercise_id != exercise.pk:
            found.append(_("The situation it depends on belongs to another exercise."))
        elif not dep_code:
            pass
        elif dep_code == code:
            found.append(_("A situation cannot depend on itself."))
        elif dep_code in index_of:
            waits_for[i] = index_of[dep_code]
        elif dep_code in existing:
            situation.depends_on_id = existing[dep_code]
        else:
            unknown = _("Row {row} depends on {code}, which is not imported.").format(
                row=labels[i], code=dep_code)
        if not cleared and situation.classification > acting_user.clearance:
            found.append(_("You cannot classify above your own clearance."))
        try:  # the model's own rules; the exercise, foreign keys and codes are checked above
            situation.full_clean(exclude=["exercise", "depends_on", "content_item"],
                                 validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            found += _field_messages(exc)
        problems += [_("Row {row}: {error}").format(row=labels[i], error=m) for m in found]
        problems += [unknown] if unknown else []
        situations.append(situation)
        bodies_of.append(bodies)
        documents_of.append(documents)
    for i in sorted(dependency_cycles(waits_for)):
        problems.append(_("Row {row}: {error}").format(row=labels[i], error=_(
            "This dependency would make a cycle: {code} already waits for this situation."
        ).format(code=situations[waits_for[i]].code)))
    if problems:
        raise ValidationError(problems)

    Situation.objects.bulk_create(situations, batch_size=BULK_BATCH)
    linked = []
    for i, j in waits_for.items():
        situations[i].depends_on = situations[j]
        linked.append(situations[i])
    if linked:
        Situation.objects.bulk_update(linked, ["depends_on"], batch_size=BULK_BATCH)
    for name, related in (("receiving_bodies", bodies_of), ("documents", documents_of)):
        field = Situation._meta.get_field(name)
        through = field.remote_field.through
        source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
        rows = [through(**{source: s.pk, target: obj.pk})
                for s, objs in zip(situations, related, strict=True) for obj in objs]
        if rows:
            through.objects.bulk_create(rows, batch_size=BULK_BATCH)
    audit.record_many("create", situations, acting_user=acting_user, batch_size=BULK_BATCH)
    _emit_scenario(exercise.pk)
    return situations
