"""State changes of oversight: observations, evaluation, corrective actions, round readiness,
preparation checks and budget. Each one validates, saves, audits (through core.services or
core.audit) and, where a page shows it live, emits its event in the same transaction."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dientap.core import audit, realtime, services
from dientap.exercises import access
from dientap.exercises.models import Exercise, FrameParticipant, Membership, Round
from dientap.exercises.services import require_change

from . import files
from .models import (
    OVERSIGHT_ROLES,
    BudgetLine,
    ChecklistItem,
    CorrectiveAction,
    Criterion,
    Observation,
    RoundReadiness,
    Scale,
    ScaleLevel,
    Score,
)

OBSERVING_ROLES = (Membership.Role.ORGANIZER, Membership.Role.DIRECTOR,
                   Membership.Role.OBSERVER)

# The article's criteria (check and evaluate …) and the two scales.
DEFAULT_SCALES = [
    ("vn4", "Giỏi / Khá / Đạt / Không đạt",
     [("G", "Giỏi", 4), ("K", "Khá", 3), ("D", "Đạt", 2), ("KD", "Không đạt", 1)]),
    ("hseep", "HSEEP P / S / M / U",
     [("P", "P: thực hiện không gặp trở ngại", 4), ("S", "S: thực hiện, còn một số trở ngại", 3),
      ("M", "M: thực hiện, còn trở ngại lớn", 2), ("U", "U: không thực hiện được", 1)]),
]
DEFAULT_CRITERIA = [
    "Chuẩn bị văn kiện",
    "Cơ sở vật chất, điều kiện bảo đảm",
    "Nội dung, trình tự, phương pháp tiến hành hội nghị",
    "Chỉ đạo, điều hành của người chủ trì",
    "Vai trò tham mưu của các cơ quan",
    "Xử trí tình huống",
    "Thành phần tham dự đúng quy định",
    "An toàn",
]


# --- who may do what --------------------------------------------------------------------------

def _roles(user, exercise) -> frozenset[str]:
    return access.roles_in(user, exercise)


def require_observe(user, exercise: Exercise) -> None:
    """Observers, the Organizing Committee and directors record observations and scores."""
    if user is None or user.is_superuser:
        return
    if not _roles(user, exercise) & {r.value for r in OBSERVING_ROLES}:
        raise PermissionDenied(_("You may not record observations in this exercise."))


def require_owner_or_change(user, exercise: Exercise, body) -> None:
    """The owning body's members work on their item; the Organizing Committee on any."""
    if user is None or user.is_superuser:
        return
    if user.body_id and user.body_id == body.pk and Exercise.objects.restrict(
            user, exercise=exercise.pk).exists():
        return
    require_change(user, exercise)


def is_overseer(user, exercise) -> bool:
    return access.has_role(user, exercise, OVERSIGHT_ROLES, inspector=True)


def _check_body(exercise: Exercise, body, field="owner_body") -> None:
    if body is None:
        return
    in_area = body.area.path.startswith(exercise.area.path) if body.area_id else False
    if not in_area and not FrameParticipant.objects.filter(exercise=exercise,
                                                           body=body).exists():
        raise ValidationError({field: _("This body is not part of this exercise.")})


def _check_round(exercise, rnd, field="round") -> None:
    if rnd is not None and rnd.exercise_id != exercise.pk:
        raise ValidationError({field: _("This round belongs to another exercise.")})


# --- observations -----------------------------------------------------------------------------

def _observation_subject(exercise, *, body, holding, agenda_item, document_version,
                         delivery=None):
    subjects = [s for s in (body, holding, document_version, delivery) if s is not None]
    if agenda_item is not None and holding is None:
        raise ValidationError({"agenda_item": _(
            "Choose the holding in which the agenda item was observed.")})
    if len(subjects) != 1:
        raise ValidationError(_(
            "An observation is about exactly one thing: a body, a holding (or one of its "
            "agenda items), a document version or the handling of a situation."))
    other = _("This belongs to another exercise.")
    if holding is not None and holding.conference.exercise_id != exercise.pk:
        raise ValidationError({"holding": other})
    if agenda_item is not None and agenda_item.conference_id != holding.conference_id:
        raise ValidationError({"agenda_item": _(
            "This agenda item is not on the agenda of the holding's conference.")})
    if document_version is not None and document_version.document.exercise_id != exercise.pk:
        raise ValidationError({"document_version": other})
    if delivery is not None and delivery.situation.exercise_id != exercise.pk:
        raise ValidationError({"delivery": other})
    _check_body(exercise, body, "body")


@transaction.atomic
def observation_create(exercise: Exercise, *, acting_user, kind: str, text: str, body=None,
                       holding=None, agenda_item=None, document_version=None,
                       scenario_time: str = "", round=None, photo=None,  # noqa: A002
                       observed_at=None, delivery=None) -> Observation:
    require_observe(acting_user, exercise)
    _observation_subject(exercise, body=body, holding=holding, agenda_item=agenda_item,
                         document_version=document_version, delivery=delivery)
    if document_version is not None and acting_user is not None:
        from dientap.documents.models import DocumentVersion

        if not DocumentVersion.objects.restrict(acting_user).filter(
                pk=document_version.pk).exists():
            raise ValidationError({"document_version": _("This belongs to another exercise.")})
    if holding is not None:
        round = holding.round  # noqa: A001
    _check_round(exercise, round)
    if not scenario_time and observed_at is None:
        scenario_time = scenario_now(exercise)
    obs = Observation(exercise=exercise, kind=kind, text=(text or "").strip(), body=body,
                      holding=holding, agenda_item=agenda_item, delivery=delivery,
                      document_version=document_version, scenario_time=scenario_time or "",
                      round=round, author=acting_user if acting_user and acting_user.pk else None,
                      observed_at=observed_at or timezone.now())
    if photo is not None:
        data, kind_ = files.check(photo)
        obs.full_clean()  # nothing is stored for an observation that would be refused
        obs.photo_sha256, obs.photo_type, obs.photo_size = files.store(data), kind_, len(data)
    obs = services.create_instance(obs, acting_user=acting_user)
    # The event carries ids only: the page fetches what this user may see.
    realtime.emit(exercise.pk, "observation.created",
                  {"observation": obs.pk, "holding": obs.holding_id},
                  audience_bodies=_overseer_bodies(exercise))
    return obs


def scenario_now(exercise) -> str:
    """The exercise clock's scenario time ("N-5 07:30"), when the clock has been started."""
    from dientap.scenarios import clock
    from dientap.scenarios.models import ExerciseClock
    from dientap.scenarios.scenario_time import format_time

    exercise_clock = ExerciseClock.objects.filter(exercise=exercise).first()
    if exercise_clock is None or exercise_clock.anchor_real is None:
        return ""
    return format_time(clock.scenario_minutes(exercise_clock, timezone.now()))


def _overseer_bodies(exercise) -> list[int]:
    ids = set(Membership.objects.filter(exercise=exercise, role__in=OVERSIGHT_ROLES,
                                        user__body__isnull=False)
              .values_list("user__body_id", flat=True))
    return sorted(ids) or [0]


@transaction.atomic
def observation_delete(obs: Observation, *, acting_user) -> None:
    if acting_user is not None and obs.author_id != acting_user.pk:
        require_change(acting_user, obs.exercise)
    if obs.actions.exists() or obs.scores.exists():
        raise ValidationError(_("This observation is used by a corrective action or a score."))
    services.delete(obs, acting_user=acting_user)


# --- evaluation -------------------------------------------------------------------------------

@transaction.atomic
def criteria_seed_defaults(exercise: Exercise, *, acting_user=None) -> list[Criterion]:
    """The two scales and the article's eight criteria (skipped when criteria exist)."""
    require_change(acting_user, exercise)
    scales = {}
    for code, name, levels in DEFAULT_SCALES:
        scale = Scale.objects.filter(exercise=exercise, code=code).first()
        if scale is None:
            scale = services.create(Scale, acting_user=acting_user, exercise=exercise,
                                    code=code, name=name)
            for level_code, label, points in levels:
                services.create(ScaleLevel, acting_user=acting_user, scale=scale,
                                code=level_code, label=label, points=points)
        scales[code] = scale
    if exercise.criteria.exists():
        return list(exercise.criteria.all())
    return [services.create(Criterion, acting_user=acting_user, exercise=exercise,
                            position=i, title=title, scale=scales["vn4"])
            for i, title in enumerate(DEFAULT_CRITERIA, start=1)]


def criterion_create(exercise: Exercise, *, acting_user, **fields) -> Criterion:
    require_change(acting_user, exercise)
    if fields.get("scale") is not None and fields["scale"].exercise_id != exercise.pk:
        raise ValidationError({"scale": _("This scale belongs to another exercise.")})
    if "position" not in fields:
        last = exercise.criteria.order_by("-position").values_list("position", flat=True).first()
        fields["position"] = (last or 0) + 1
    return services.create(Criterion, acting_user=acting_user, exercise=exercise, **fields)


def criterion_update(criterion: Criterion, *, acting_user, expected_version=None, **fields):
    require_change(acting_user, criterion.exercise)
    scale = fields.get("scale")
    if scale is not None and scale.exercise_id != criterion.exercise_id:
        raise ValidationError({"scale": _("This scale belongs to another exercise.")})
    if scale is not None and scale.pk != criterion.scale_id and criterion.scores.exists():
        raise ValidationError({"scale": _("Scores were given on this scale: it cannot change.")})
    return services.update(criterion, acting_user=acting_user,
                           expected_version=expected_version, **fields)


@transaction.atomic
def score_set(criterion: Criterion, *, acting_user, level, round=None,  # noqa: A002
              body=None, holding=None, comment: str = "", evidence=()) -> Score:
    """Score a body (in a round) or a holding on a criterion; a second score replaces it."""
    exercise = criterion.exercise
    require_observe(acting_user, exercise)
    if isinstance(level, str):
        found = ScaleLevel.objects.filter(scale=criterion.scale, code=level).first()
        if found is None:
            raise ValidationError({"level": _("“{level}” is not on the scale “{scale}”.").format(
                level=level, scale=criterion.scale)})
        level = found
    if level is None or level.scale_id != criterion.scale_id:
        raise ValidationError({"level": _("This rating is not on the criterion's scale "
                                          "“{scale}”.").format(scale=criterion.scale)})
    if (body is None) == (holding is None):
        raise ValidationError(_("Score either a body or a holding."))
    if holding is not None:
        if holding.conference.exercise_id != exercise.pk:
            raise ValidationError({"holding": _("This belongs to another exercise.")})
        round, body = holding.round, holding.conference.body  # noqa: A001
    if round is None:
        raise ValidationError({"round": _("Choose the round.")})
    _check_round(exercise, round)
    _check_body(exercise, body, "body")
    evidence = list(evidence)
    if any(o.exercise_id != exercise.pk for o in evidence):
        raise ValidationError({"evidence": _("This belongs to another exercise.")})
    existing = Score.objects.filter(criterion=criterion, round=round, body=body,
                                    holding=holding).first()
    who = acting_user if acting_user is not None and acting_user.pk else None
    if existing is None:
        score = services.create(Score, acting_user=acting_user, criterion=criterion,
                                round=round, body=body, holding=holding, level=level,
                                comment=comment, scored_by=who)
    else:
        score = services.update(existing, acting_user=acting_user, level=level,
                                comment=comment, scored_by=who)
    if {o.pk for o in evidence} != set(score.evidence.values_list("pk", flat=True)):
        before = sorted(score.evidence.values_list("pk", flat=True))
        score.evidence.set(evidence)
        audit.record("update", score, acting_user=acting_user, before={"evidence": before},
                     after={"evidence": sorted(o.pk for o in evidence)})
    return score


# --- corrective actions -----------------------------------------------------------------------

@transaction.atomic
def action_create(exercise: Exercise, *, acting_user, owner_body=None, title: str = "",
                  due_date=None, blocking: bool = False, description: str = "",
                  round=None, observation=None, comment=None,  # noqa: A002
                  raised_again_from=None) -> CorrectiveAction:
    require_change(acting_user, exercise)
    errors = {}
    if owner_body is None:
        errors["owner_body"] = _("Choose the body that must carry out the action.")
    if due_date is None:
        errors["due_date"] = _("Give the date by which it must be done.")
    if not (title or "").strip():
        errors["title"] = _("Say what must be changed.")
    if errors:
        raise ValidationError(errors)
    _check_body(exercise, owner_body)
    if observation is not None:
        if observation.exercise_id != exercise.pk:
            raise ValidationError({"observation": _("This belongs to another exercise.")})
        round = round or observation.round  # noqa: A001
    if comment is not None and comment.document.exercise_id != exercise.pk:
        raise ValidationError({"comment": _("This belongs to another exercise.")})
    if raised_again_from is not None:
        if raised_again_from.exercise_id != exercise.pk:
            raise ValidationError({"raised_again_from": _("This belongs to another exercise.")})
        earlier = raised_again_from.round
        if round is None or earlier is None or round.start_date <= earlier.start_date:
            raise ValidationError({"round": _(
                "Choose a later round than the one it was raised in.")})
    _check_round(exercise, round)
    return services.create(
        CorrectiveAction, acting_user=acting_user, exercise=exercise, owner_body=owner_body,
        title=title.strip(), description=description, due_date=due_date, blocking=blocking,
        round=round, observation=observation, comment=comment,
        raised_again_from=raised_again_from,
        created_by=acting_user if acting_user is not None and acting_user.pk else None)


def action_update(action: CorrectiveAction, *, acting_user, expected_version=None, **fields):
    require_change(acting_user, action.exercise)
    if "owner_body" in fields:
        if fields["owner_body"] is None:
            raise ValidationError({"owner_body": _(
                "Choose the body that must carry out the action.")})
        _check_body(action.exercise, fields["owner_body"])
    if "due_date" in fields and fields["due_date"] is None:
        raise ValidationError({"due_date": _("Give the date by which it must be done.")})
    _check_round(action.exercise, fields.get("round"))
    return services.update(action, acting_user=acting_user, expected_version=expected_version,
                           **fields)


S = CorrectiveAction.Status
# status -> statuses it may move to
TRANSITIONS = {
    S.OPEN: {S.IN_PROGRESS, S.DONE},
    S.IN_PROGRESS: {S.DONE},
    S.REOPENED: {S.IN_PROGRESS, S.DONE},
    S.DONE: {S.VERIFIED, S.REOPENED},
    S.VERIFIED: {S.REOPENED},
}


def _move(action, target, *, acting_user, expected_version, **fields):
    if target not in TRANSITIONS[S(action.status)]:
        if target == S.VERIFIED:
            raise ValidationError(_("Only an action marked done can be verified."))
        raise ValidationError(_("An action that is “{current}” cannot become “{target}”.")
                              .format(current=S(action.status).label, target=target.label))
    return services.update(action, acting_user=acting_user, expected_version=expected_version,
                           status=target, **fields)


@transaction.atomic
def action_start(action: CorrectiveAction, *, acting_user, expected_version=None):
    require_owner_or_change(acting_user, action.exercise, action.owner_body)
    return _move(action, S.IN_PROGRESS, acting_user=acting_user,
                 expected_version=expected_version)


@transaction.atomic
def action_done(action: CorrectiveAction, *, acting_user, expected_version=None, note: str = "",
                fixed_by_version=None, fixed_by_holding=None):
    require_owner_or_change(acting_user, action.exercise, action.owner_body)
    if fixed_by_version is not None:
        if fixed_by_version.document.exercise_id != action.exercise_id:
            raise ValidationError({"fixed_by_version": _("This belongs to another exercise.")})
        from dientap.documents.models import DocumentVersion

        if acting_user is not None and not DocumentVersion.objects.restrict(acting_user).filter(
                pk=fixed_by_version.pk).exists():
            raise ValidationError({"fixed_by_version": _("This belongs to another exercise.")})
    if fixed_by_holding is not None and (
            fixed_by_holding.conference.exercise_id != action.exercise_id):
        raise ValidationError({"fixed_by_holding": _("This belongs to another exercise.")})
    return _move(action, S.DONE, acting_user=acting_user, expected_version=expected_version,
                 done_at=timezone.now(), done_note=note or "",
                 done_by=acting_user if acting_user is not None and acting_user.pk else None,
                 fixed_by_version=fixed_by_version, fixed_by_holding=fixed_by_holding)


@transaction.atomic
def action_verify(action: CorrectiveAction, *, acting_user, expected_version=None):
    require_change(acting_user, action.exercise)
    return _move(action, S.VERIFIED, acting_user=acting_user, expected_version=expected_version,
                 verified_at=timezone.now(),
                 verified_by=acting_user if acting_user is not None and acting_user.pk else None)


@transaction.atomic
def action_reopen(action: CorrectiveAction, *, acting_user, reason: str,
                  expected_version=None):
    require_change(acting_user, action.exercise)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the action is reopened.")})
    return _move(action, S.REOPENED, acting_user=acting_user, expected_version=expected_version,
                 reopen_reason=reason.strip(), verified_at=None, verified_by=None)


@transaction.atomic
def action_raise_again(action: CorrectiveAction, *, acting_user, round,  # noqa: A002
                       due_date, title: str = "", blocking=None) -> CorrectiveAction:
    """The same shortcoming seen again in a later round: a new action linked to the old one."""
    return action_create(action.exercise, acting_user=acting_user, owner_body=action.owner_body,
                         title=title or action.title, description=action.description,
                         due_date=due_date, round=round,
                         blocking=action.blocking if blocking is None else blocking,
                         raised_again_from=action)


# --- round readiness --------------------------------------------------------------------------

@transaction.atomic
def round_mark_ready(round: Round, acting_user, override_reason=None) -> RoundReadiness:  # noqa: A002
    """Mark a round ready for the next one: refused while blocking actions raised in it are
    open, unless an override reason is given (who and why are recorded and audited)."""
    exercise = round.exercise
    require_change(acting_user, exercise)
    if RoundReadiness.objects.filter(round=round).exists():
        raise ValidationError(_("This round is already marked ready."))
    blocking = list(CorrectiveAction.objects.select_for_update()
                    .filter(exercise=exercise, round=round, blocking=True,
                            status__in=CorrectiveAction.OPEN_STATUSES)
                    .order_by("id").values_list("pk", flat=True))
    reason = (override_reason or "").strip()
    if blocking and not reason:
        raise ValidationError(_(
            "{count} blocking corrective action(s) raised in this round are still open: the "
            "round cannot be marked ready unless you give a reason for overriding.").format(
                count=len(blocking)))
    return services.create(
        RoundReadiness, acting_user=acting_user, round=round, ready_at=timezone.now(),
        by=acting_user if acting_user is not None and acting_user.pk else None,
        override_reason=reason if blocking else "", open_blocking=blocking)


# --- preparation checks and budget ------------------------------------------------------------

def _evidence(item, evidence_file):
    if evidence_file is not None:
        data, kind = files.check(evidence_file, allowed=files.EVIDENCE_TYPES)
        return {"evidence_sha256": files.store(data), "evidence_type": kind}
    return {}


@transaction.atomic
def checklist_item_create(exercise: Exercise, *, acting_user, evidence_file=None,
                          **fields) -> ChecklistItem:
    require_change(acting_user, exercise)
    _check_body(exercise, fields.get("owner_body"))
    _check_round(exercise, fields.get("round"))
    item = ChecklistItem(exercise=exercise, **fields)
    item.full_clean()
    for name, value in _evidence(item, evidence_file).items():
        setattr(item, name, value)
    return services.create_instance(item, acting_user=acting_user)


@transaction.atomic
def checklist_item_update(item: ChecklistItem, *, acting_user, expected_version=None,
                          evidence_file=None, **fields) -> ChecklistItem:
    """The Organizing Committee edits everything; the owner body its status and evidence."""
    if set(fields) - {"status", "evidence"}:
        require_change(acting_user, item.exercise)
        _check_body(item.exercise, fields.get("owner_body"))
        _check_round(item.exercise, fields.get("round"))
    else:
        require_owner_or_change(acting_user, item.exercise, item.owner_body)
    fields.update(_evidence(item, evidence_file))
    return services.update(item, acting_user=acting_user, expected_version=expected_version,
                           **fields)


def budget_line_create(exercise: Exercise, *, acting_user, **fields) -> BudgetLine:
    require_change(acting_user, exercise)
    _check_body(exercise, fields.get("owner_body"))
    return services.create(BudgetLine, acting_user=acting_user, exercise=exercise, **fields)


def budget_line_update(line: BudgetLine, *, acting_user, expected_version=None, **fields):
    if set(fields) - {"actual", "note"}:
        require_change(acting_user, line.exercise)
        _check_body(line.exercise, fields.get("owner_body"))
    else:
        require_owner_or_change(acting_user, line.exercise, line.owner_body)
    return services.update(line, acting_user=acting_user, expected_version=expected_version,
                           **fields)
