"""A user's standing in one exercise, and the exercise conditions of the scope rules.

The scope rules (``scope_filter``) of everything that belongs to an exercise say "rows of the
exercises the user sees" or "… where the user has one of these roles". Written generally,
each such condition is a subquery on memberships and the exercise frame, compiled anew in every
query of a page (a page of observations nests the document and delivery rules: a dozen
subqueries). Most pages show one exercise: ``restrict(user, action, exercise=x)`` narrows the
rows to exercise ``x`` and evaluates the rules for ``x`` only, where every such condition is
known in advance from the user's **standing** in ``x`` (roles, place in the frame, inspected
area), read once per request. The conditions then compile to nothing (true) or to an empty
result (false), and the same rules, unchanged, still serve lists across exercises. Outside a
request (the command line, a service called on its own) the standing is not memoised and the
conditions stay subqueries: the same rows, without a query per rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import CharField, Q, Value
from django.db.models.signals import post_delete, post_save

from dientap.core import context
from dientap.core.scoping import VIEW, narrowed, within

# A condition that holds for every row (compiles to no SQL at all) and one that holds for none.
ALL = ~Q(pk__in=[])
NONE = Q(pk__in=[])

FRAME = "@frame"  # the user's body or person is in the exercise frame
AREA = "@area"  # the exercise is in (or under) the area the user inspects


@dataclass(frozen=True)
class Standing:
    """What a user is in one exercise: membership roles, and FRAME / AREA."""

    marks: frozenset[str]

    @property
    def sees(self) -> bool:
        """The exercise's own VIEW rule (Exercise.scope_filter): any role, frame or area."""
        return bool(self.marks)

    def has(self, roles: Iterable[str], *, inspector: bool = False) -> bool:
        return bool(self.marks & {str(r) for r in roles}) or (inspector and AREA in self.marks)


def standing(user, exercise_id: int) -> Standing:
    """The user's standing in the exercise: one query, once per request."""
    return context.memoised(("standing", user.pk, int(exercise_id)),
                            lambda: _read_standing(user, int(exercise_id)))


def _read_standing(user, exercise_id: int) -> Standing:
    from .models import Exercise, FrameParticipant, Membership

    def mark(value):
        return Value(value, output_field=CharField())

    rows = Membership.objects.filter(user=user, exercise_id=exercise_id).order_by().values_list(
        "role")
    in_frame = Q(pk__in=[])
    if user.body_id:
        in_frame |= Q(body_id=user.body_id)
    if user.person_id:
        in_frame |= Q(person_id=user.person_id)
    parts = []
    if user.body_id or user.person_id:
        parts.append(FrameParticipant.objects.filter(in_frame, exercise_id=exercise_id)
                     .order_by().annotate(mark=mark(FRAME)).values_list("mark"))
    if user.inspected_area_id:
        parts.append(Exercise.objects.filter(
            pk=exercise_id, area__path__startswith=user.inspected_area.path)
            .order_by().annotate(mark=mark(AREA)).values_list("mark"))
    if parts:
        rows = rows.union(*parts, all=True)
    return Standing(frozenset(r for (r,) in rows))


def _narrowed(user, roles, inspector: bool) -> Q | None:
    """ALL or NONE when the rule is being built for one exercise and the standing is
    memoised (in a request); None otherwise: the condition is then written in full, as a
    subquery, which costs no query of its own (a service run from the command line builds
    many rules, each would read the standing again)."""
    exercise_id = within()
    if exercise_id is None or not context.memo_active():
        return None
    s = standing(user, exercise_id)
    ok = s.sees if roles is None else s.has(roles, inspector=inspector)
    return ALL if ok else NONE


def exercise_rule(user, action: str) -> Q | None:
    """The exercise's own rule (Exercise.scope_filter) decided for one exercise, or None:
    VIEW for any standing, anything else for the managing roles."""
    from .models import Membership

    return _narrowed(user, None if action == VIEW else Membership.MANAGING_ROLES, False)


def visible_q(user, path: str) -> Q:
    """Rows (their exercise at ``path``) of the exercises the user sees."""
    narrowed = _narrowed(user, None, False)
    if narrowed is not None:
        return narrowed
    from .models import Exercise

    return Q(**{f"{path}__in": Exercise.objects.restrict(user, VIEW)})


def role_q(user, path: str, roles: Iterable[str], *, inspector: bool = False) -> Q:
    """Rows (their exercise at ``path``) of the exercises where the user has one of ``roles``;
    with ``inspector``, also those in the area the user inspects."""
    roles = tuple(roles)
    narrowed = _narrowed(user, roles, inspector)
    if narrowed is not None:
        return narrowed
    from .models import Exercise, Membership

    member = Membership.objects.filter(user=user, role__in=roles).values("exercise_id")
    if inspector and user.inspected_area_id:
        return Q(**{f"{path}__in": Exercise.objects.filter(
            Q(pk__in=member) | Q(area__path__startswith=user.inspected_area.path)).values("pk")})
    return Q(**{f"{path}__in": member})


def may(user, exercise, action: str) -> bool:
    """Whether the exercise's own rule (Exercise.scope_filter) lets the user see (VIEW) or
    change it: the rule evaluated for this exercise, from the standing, without a query."""
    from .models import Exercise

    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    with context.memo_scope(), narrowed(exercise.pk):
        return Exercise.scope_filter(user, action) is ALL


def has_role(user, exercise, roles: Iterable[str], *, inspector: bool = False) -> bool:
    """One of ``roles`` in the exercise (or, with ``inspector``, inspects its area);
    administrators always. From the request's standing."""
    if user.is_superuser:
        return True
    return standing(user, exercise.pk).has(roles, inspector=inspector)


def roles_in(user, exercise) -> frozenset[str]:
    """The user's membership roles in the exercise (from the request's standing)."""
    return standing(user, exercise.pk).marks - {FRAME, AREA}


def _forget(**_kwargs) -> None:
    context.forget("standing")


def connect_signals() -> None:
    """A change to what standings are read from drops this request's memoised ones."""
    from django.contrib.auth import get_user_model

    from .models import Exercise, FrameParticipant, Membership

    for model in (Membership, FrameParticipant, Exercise, get_user_model()):
        post_save.connect(_forget, sender=model, dispatch_uid=f"standing-{model.__name__}")
        post_delete.connect(_forget, sender=model, dispatch_uid=f"standing-d-{model.__name__}")
