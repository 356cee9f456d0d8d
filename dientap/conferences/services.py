"""State changes of conferences: definitions, agendas, composition, holdings, attendance and
the run sheet. Every change that a live page shows emits its event here, after the change,
inside the same transaction.

The run-sheet steps take `at` (default: now) so that an import or the demo can record a
holding that took place earlier.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dientap.core import realtime, services
from dientap.exercises.models import Exercise
from dientap.exercises.services import require_change

from . import selectors
from .models import AgendaItem, AgendaProgress, Attendance, CompositionEntry, Conference, Holding

# --- definitions --------------------------------------------------------------------------


def conference_create(exercise: Exercise, *, acting_user, **fields) -> Conference:
    require_change(acting_user, exercise)
    return services.create(Conference, acting_user=acting_user, exercise=exercise, **fields)


@transaction.atomic
def conference_update(conference: Conference, *, acting_user, expected_version=None, **fields):
    require_change(acting_user, conference.exercise)
    conference = services.update(conference, acting_user=acting_user,
                                 expected_version=expected_version, **fields)
    _emit_conference_runsheets(conference)
    return conference


def holding_create(conference: Conference, *, acting_user, **fields) -> Holding:
    require_change(acting_user, conference.exercise)
    return services.create(Holding, acting_user=acting_user, conference=conference, **fields)


@transaction.atomic
def holding_update(holding: Holding, *, acting_user, expected_version=None, **fields) -> Holding:
    require_change(acting_user, holding.conference.exercise)
    holding = services.update(holding, acting_user=acting_user,
                              expected_version=expected_version, **fields)
    _emit_runsheet(holding)
    return holding


@transaction.atomic
def conference_delete(conference: Conference, *, acting_user) -> None:
    """Remove a conference with its agenda and composition; refused once it was held (a
    holding started) — its record belongs to the exercise's history."""
    require_change(acting_user, conference.exercise)
    if conference.holdings.exclude(state=Holding.State.SCHEDULED).exists():
        raise ValidationError(_("This conference has been held; it cannot be deleted."))
    services.delete(conference, acting_user=acting_user)


@transaction.atomic
def holding_delete(holding: Holding, *, acting_user) -> None:
    """Cancel a holding that has not started (its attendance records go with it)."""
    require_change(acting_user, holding.conference.exercise)
    locked = Holding.objects.select_for_update().get(pk=holding.pk)
    if locked.state != Holding.State.SCHEDULED:
        raise ValidationError(_("This holding has started; it cannot be deleted."))
    services.delete(locked, acting_user=acting_user)


# --- agenda -----------------------------------------------------------------------------------


@transaction.atomic
def agenda_item_create(conference: Conference, *, acting_user, advisory_bodies=(), **fields):
    require_change(acting_user, conference.exercise)
    if "position" not in fields:
        last = conference.agenda.order_by("-position").values_list("position", flat=True).first()
        fields["position"] = (last or 0) + 1
    item = services.create(AgendaItem, acting_user=acting_user, conference=conference, **fields)
    item.advisory_bodies.set(advisory_bodies)
    _emit_conference_runsheets(conference)
    return item


@transaction.atomic
def agenda_item_update(item: AgendaItem, *, acting_user, expected_version=None,
                       advisory_bodies=None, **fields) -> AgendaItem:
    require_change(acting_user, item.conference.exercise)
    item = services.update(item, acting_user=acting_user, expected_version=expected_version,
                           **fields)
    if advisory_bodies is not None and set(advisory_bodies) != set(item.advisory_bodies.all()):
        item.advisory_bodies.set(advisory_bodies)
    _emit_conference_runsheets(item.conference)
    return item


@transaction.atomic
def agenda_item_delete(item: AgendaItem, *, acting_user) -> None:
    require_change(acting_user, item.conference.exercise)
    conference = item.conference
    services.delete(item, acting_user=acting_user)
    _emit_conference_runsheets(conference)


@transaction.atomic
def agenda_reorder(conference: Conference, ordered_ids, *, acting_user):
    require_change(acting_user, conference.exercise)
    services.reorder(conference.agenda.all(), ordered_ids, acting_user=acting_user)
    _emit_conference_runsheets(conference)


@transaction.atomic
def agenda_item_move(item: AgendaItem, delta: int, *, acting_user):
    require_change(acting_user, item.conference.exercise)
    services.move(item, item.conference.agenda.all(), delta, acting_user=acting_user)
    _emit_conference_runsheets(item.conference)


# --- prescribed composition -------------------------------------------------------------------


def composition_entry_create(conference: Conference, *, acting_user, **fields):
    require_change(acting_user, conference.exercise)
    _check_post_in_body(fields.get("post"), fields.get("body"))
    if "position" not in fields:
        fields["position"] = conference.composition.count() + 1
    return services.create(CompositionEntry, acting_user=acting_user, conference=conference,
                           **fields)


def composition_entry_update(entry: CompositionEntry, *, acting_user, expected_version=None,
                             **fields):
    require_change(acting_user, entry.conference.exercise)
    _check_post_in_body(fields.get("post", entry.post), fields.get("body", entry.body))
    return services.update(entry, acting_user=acting_user, expected_version=expected_version,
                           **fields)


def composition_entry_delete(entry: CompositionEntry, *, acting_user) -> None:
    require_change(acting_user, entry.conference.exercise)
    services.delete(entry, acting_user=acting_user)


def _check_post_in_body(post, body):
    if post is not None and body is not None and post.body_id != body.pk:
        raise ValidationError({"post": _("This post is not in the chosen body.")})


# --- attendance ----------------------------------------------------------------------------


def _require_operate(user, holding: Holding) -> None:
    if user is not None and not selectors.can_operate(user, holding):
        raise PermissionDenied(_("Only the chair, the secretary or the Organizing Committee "
                                 "may do this."))


@transaction.atomic
def attendance_set(holding: Holding, entry: CompositionEntry, *, acting_user,
                   expected_version=None, **fields) -> Attendance:
    """Record (or correct) the attendance of one seat. `expected_version` 0 means "new"."""
    _require_operate(acting_user, holding)
    for name in ("substitute_name", "substitute_post", "note"):
        fields.setdefault(name, "")
    fields.setdefault("late_minutes", None)
    if fields.get("status") != Attendance.Status.REPRESENTED:
        fields["substitute_name"] = fields["substitute_post"] = ""
    if fields.get("status") != Attendance.Status.LATE:
        fields["late_minutes"] = None
    record = Attendance.objects.select_for_update().filter(holding=holding, entry=entry).first()
    if record is None:
        record = services.create(Attendance, acting_user=acting_user, holding=holding,
                                 entry=entry, **fields)
    else:
        if expected_version in (0, "0"):  # the page had no record: someone recorded it since
            raise services.ConflictError(record, expected_version)
        record = services.update(record, acting_user=acting_user,
                                 expected_version=expected_version, **fields)
    _emit_attendance(holding)
    return record


@transaction.atomic
def attendance_clear(record: Attendance, *, acting_user) -> None:
    """Take back an attendance record entered by mistake: the seat is "not recorded" again."""
    holding = record.holding
    _require_operate(acting_user, holding)
    services.delete(record, acting_user=acting_user)
    _emit_attendance(holding)


# --- the run sheet -----------------------------------------------------------------------------


def _lock(holding: Holding) -> Holding:
    return Holding.objects.select_for_update(of=("self",)).select_related(
        "conference", "conference__chair_post", "conference__secretary_post",
        "conference__exercise").get(pk=holding.pk)


@transaction.atomic
def holding_start(holding: Holding, *, acting_user, at=None) -> Holding:
    _require_operate(acting_user, holding)
    holding = _lock(holding)
    if holding.state != Holding.State.SCHEDULED:
        raise ValidationError(_("This holding has already started."))
    holding = services.update(holding, acting_user=acting_user, state=Holding.State.RUNNING,
                              started_at=at or timezone.now())
    _emit_runsheet(holding)
    return holding


@transaction.atomic
def holding_finish(holding: Holding, *, acting_user, at=None) -> Holding:
    _require_operate(acting_user, holding)
    holding = _lock(holding)
    if holding.state != Holding.State.RUNNING:
        raise ValidationError(_("Only a holding in progress can be finished."))
    now = at or timezone.now()
    for running in AgendaProgress.objects.filter(holding=holding, started_at__isnull=False,
                                                 finished_at__isnull=True):
        services.update(running, acting_user=acting_user, finished_at=now)
    holding = services.update(holding, acting_user=acting_user, state=Holding.State.FINISHED,
                              finished_at=now)
    _emit_runsheet(holding)
    return holding


def _progress(holding, item, acting_user) -> AgendaProgress:
    if item.conference_id != holding.conference_id:
        raise ValidationError(_("This agenda item belongs to another conference."))
    progress = AgendaProgress.objects.select_for_update().filter(holding=holding, item=item).first()
    if progress is None:
        progress = services.create(AgendaProgress, acting_user=acting_user, holding=holding,
                                   item=item)
    return progress


@transaction.atomic
def agenda_item_start(holding: Holding, item: AgendaItem, *, acting_user,
                      at=None) -> AgendaProgress:
    """Start an item; the item that was running (if any) is done at the same moment."""
    _require_operate(acting_user, holding)
    holding = _lock(holding)
    if holding.state != Holding.State.RUNNING:
        raise ValidationError(_("Start the holding before its agenda items."))
    progress = _progress(holding, item, acting_user)
    if progress.started_at:
        raise ValidationError(_("This agenda item has already started."))
    now = at or timezone.now()
    for running in AgendaProgress.objects.filter(holding=holding, started_at__isnull=False,
                                                 finished_at__isnull=True):
        services.update(running, acting_user=acting_user, finished_at=now)
    progress = services.update(progress, acting_user=acting_user, started_at=now)
    _emit_runsheet(holding)
    return progress


@transaction.atomic
def agenda_item_done(holding: Holding, item: AgendaItem, *, acting_user,
                     at=None) -> AgendaProgress:
    _require_operate(acting_user, holding)
    holding = _lock(holding)
    progress = _progress(holding, item, acting_user)
    if not progress.started_at:
        raise ValidationError(_("An agenda item cannot be done before it has started."))
    if progress.finished_at:
        raise ValidationError(_("This agenda item is already done."))
    progress = services.update(progress, acting_user=acting_user,
                               finished_at=at or timezone.now())
    _emit_runsheet(holding)
    return progress


@transaction.atomic
def agenda_item_note(holding: Holding, item: AgendaItem, *, acting_user, decision: str,
                     expected_version=None) -> AgendaProgress:
    """Write what was decided on an item; a note based on an older version is refused."""
    _require_operate(acting_user, holding)
    holding = _lock(holding)
    progress = _progress(holding, item, acting_user)
    if expected_version in (0, "0") and progress.decision:
        raise services.ConflictError(progress, expected_version)
    progress = services.update(
        progress, acting_user=acting_user,
        expected_version=None if expected_version in (None, 0, "0", "") else expected_version,
        decision=decision.strip())
    _emit_runsheet(holding)
    return progress


# --- events -------------------------------------------------------------------------------------


def _emit_runsheet(holding: Holding) -> None:
    realtime.emit(holding.conference.exercise_id, "runsheet",
                  {"holding": holding.pk, "state": selectors.runsheet_state(holding)})


def _emit_conference_runsheets(conference: Conference) -> None:
    for holding in conference.holdings.all():
        _emit_runsheet(holding)


def _emit_attendance(holding: Holding) -> None:
    rows = [
        {"entry": r["entry"].pk,
         "status": r["record"].status if r["record"] else None,
         "version": r["record"].version if r["record"] else 0}
        for r in selectors.attendance_rows(holding)
    ]
    realtime.emit(holding.conference.exercise_id, "attendance",
                  {"holding": holding.pk, "rows": rows})
