"""State changes of exercises, committees, frame, roles and rounds."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dientap.core import services
from dientap.core.scoping import CHANGE

from . import access
from .models import (
    Committee,
    CommitteeMember,
    ContentItem,
    Exercise,
    FrameParticipant,
    Membership,
    Phase,
    Round,
    TrainingIssue,
)

STATUS_ORDER = [s.value for s in Exercise.Status]
# Rehearsals start at most this long before the exercise itself.
_MAX_LEAD = timedelta(days=366)


def require_change(user, exercise: Exercise) -> None:
    """Only Organizing Committee staff and directors of the exercise (or admins) change it."""
    if user is None:
        return  # system changes (demo loader, migrations)
    if not access.may(user, exercise, CHANGE):
        raise PermissionDenied(_("You may not change this exercise."))


@transaction.atomic
def exercise_create(*, acting_user, **fields) -> Exercise:
    if acting_user is not None and not acting_user.has_perm("exercises.add_exercise"):
        raise PermissionDenied(_("You may not create exercises."))
    exercise = services.create(Exercise, acting_user=acting_user, **fields)
    if acting_user is not None and not acting_user.is_superuser:
        # The creator runs it until they hand it over.
        services.create(Membership, acting_user=acting_user, exercise=exercise,
                        user=acting_user, role=Membership.Role.ORGANIZER)
    return exercise


def exercise_update(exercise: Exercise, *, acting_user, expected_version=None, **fields):
    require_change(acting_user, exercise)
    if "status" in fields and fields["status"] != exercise.status:
        _check_status_step(exercise.status, fields["status"])
    return services.update(exercise, acting_user=acting_user, expected_version=expected_version,
                           **fields)


def _check_status_step(old: str, new: str) -> None:
    if new not in STATUS_ORDER:
        raise ValidationError({"status": _("Unknown status.")})
    if abs(STATUS_ORDER.index(new) - STATUS_ORDER.index(old)) != 1:
        raise ValidationError({"status": _(
            "The status moves one step at a time: from “{old}” it can go to {allowed}."
        ).format(
            old=Exercise.Status(old).label,
            allowed=" / ".join(f"“{Exercise.Status(s).label}”" for s in allowed_statuses(old)),
        )})


def allowed_statuses(current: str) -> list[str]:
    i = STATUS_ORDER.index(current)
    return [STATUS_ORDER[j] for j in (i - 1, i + 1) if 0 <= j < len(STATUS_ORDER)]


def exercise_change_status(exercise: Exercise, *, acting_user, status: str,
                           expected_version=None) -> Exercise:
    return exercise_update(exercise, acting_user=acting_user, expected_version=expected_version,
                           status=status)


def membership_grant(exercise: Exercise, *, acting_user, user, role: str) -> Membership:
    require_change(acting_user, exercise)
    return services.create(Membership, acting_user=acting_user,
                           exercise=exercise, user=user, role=role)


def membership_revoke(membership: Membership, *, acting_user) -> None:
    require_change(acting_user, membership.exercise)
    services.delete(membership, acting_user=acting_user)


def committee_create(exercise: Exercise, *, acting_user, **fields) -> Committee:
    require_change(acting_user, exercise)
    return services.create(Committee, acting_user=acting_user, exercise=exercise, **fields)


def committee_delete(committee: Committee, *, acting_user) -> None:
    """Remove a committee with its member list (the members' people and posts stay)."""
    require_change(acting_user, committee.exercise)
    services.delete(committee, acting_user=acting_user)


def committee_member_add(committee: Committee, *, acting_user, **fields) -> CommitteeMember:
    require_change(acting_user, committee.exercise)
    post = fields.get("post")
    if post is not None and post.person_id != fields["person"].pk:
        raise ValidationError({"post": _("This post belongs to someone else.")})
    return services.create(CommitteeMember, acting_user=acting_user, committee=committee,
                           **fields)


def committee_member_remove(member: CommitteeMember, *, acting_user) -> None:
    require_change(acting_user, member.committee.exercise)
    services.delete(member, acting_user=acting_user)


def frame_participant_add(exercise: Exercise, *, acting_user, **fields) -> FrameParticipant:
    require_change(acting_user, exercise)
    return services.create(FrameParticipant, acting_user=acting_user, exercise=exercise,
                           **fields)


def frame_participant_remove(participant: FrameParticipant, *, acting_user) -> None:
    require_change(acting_user, participant.exercise)
    services.delete(participant, acting_user=acting_user)


def _check_round_dates(exercise: Exercise, start, end) -> None:
    if start and end and (start < exercise.start_date - _MAX_LEAD or end > exercise.end_date):
        raise ValidationError(_(
            "A round must fall within the exercise's preparation and conduct "
            "(until {end:%d/%m/%Y})."
        ).format(end=exercise.end_date))


def round_create(exercise: Exercise, *, acting_user, **fields) -> Round:
    require_change(acting_user, exercise)
    _check_round_dates(exercise, fields.get("start_date"), fields.get("end_date"))
    return services.create(Round, acting_user=acting_user, exercise=exercise, **fields)


def round_update(rnd: Round, *, acting_user, expected_version=None, **fields) -> Round:
    require_change(acting_user, rnd.exercise)
    _check_round_dates(rnd.exercise, fields.get("start_date", rnd.start_date),
                       fields.get("end_date", rnd.end_date))
    return services.update(rnd, acting_user=acting_user, expected_version=expected_version,
                           **fields)


def round_delete(rnd: Round, *, acting_user) -> None:
    """Remove a round that nothing was held in yet (a round with holdings is refused)."""
    require_change(acting_user, rnd.exercise)
    services.delete(rnd, acting_user=acting_user)


@transaction.atomic
def exercise_delete(exercise: Exercise, *, acting_user) -> None:
    """Remove an exercise made by mistake (a wrong import, a duplicate) with all it holds;
    only while it is being planned. Later an exercise is closed, never deleted. The audit
    log keeps the record of everything that was done in it."""
    require_change(acting_user, exercise)
    locked = Exercise.objects.select_for_update().get(pk=exercise.pk)
    if locked.status != Exercise.Status.PLANNING:
        raise ValidationError(_(
            "Only an exercise still being planned can be deleted; this one is {status}. "
            "Close it instead.").format(status=locked.get_status_display().lower()))
    services.delete(locked, acting_user=acting_user)


# --- structure: phases → training issues → content items ------------------------------------

def _next_position(siblings) -> int:
    last = siblings.order_by("-position").values_list("position", flat=True).first()
    return (last or 0) + 1


def phase_create(exercise: Exercise, *, acting_user, **fields) -> Phase:
    require_change(acting_user, exercise)
    fields.setdefault("position", _next_position(exercise.phases.all()))
    return services.create(Phase, acting_user=acting_user, exercise=exercise, **fields)


def training_issue_create(phase: Phase, *, acting_user, **fields) -> TrainingIssue:
    require_change(acting_user, phase.exercise)
    fields.setdefault("position", _next_position(phase.issues.all()))
    return services.create(TrainingIssue, acting_user=acting_user, phase=phase, **fields)


def content_item_create(issue: TrainingIssue, *, acting_user, **fields) -> ContentItem:
    require_change(acting_user, issue.phase.exercise)
    fields.setdefault("position", _next_position(issue.items.all()))
    return services.create(ContentItem, acting_user=acting_user, issue=issue, **fields)


def structure_node_update(node, *, acting_user, expected_version=None, **fields):
    require_change(acting_user, _exercise_of(node))
    return services.update(node, acting_user=acting_user, expected_version=expected_version,
                           **fields)


def structure_node_delete(node, *, acting_user) -> None:
    require_change(acting_user, _exercise_of(node))
    services.delete(node, acting_user=acting_user)


def structure_node_move(node, delta: int, *, acting_user):
    require_change(acting_user, _exercise_of(node))
    return services.move(node, _siblings(node), delta, acting_user=acting_user)


def _exercise_of(node) -> Exercise:
    if isinstance(node, Phase):
        return node.exercise
    if isinstance(node, TrainingIssue):
        return node.phase.exercise
    return node.issue.phase.exercise


def _siblings(node):
    if isinstance(node, Phase):
        return node.exercise.phases.all()
    if isinstance(node, TrainingIssue):
        return node.phase.issues.all()
    return node.issue.items.all()
