"""One scoping mechanism for every list and detail (after NetBox's RestrictedQuerySet).

A model says who may see or change its rows by defining the classmethod
``scope_filter(user, action)``, which returns a ``Q`` (or ``None`` for "everything").
``Model.objects.restrict(user, action)`` applies it. Views, selectors, the API and exports
call ``restrict``; nothing checks access on its own.

``restrict(user, action, exercise=x)`` is the same restricted to the rows of one exercise (a
model says where its exercise is with ``exercise_path``). While its rule is built, ``within()``
names that exercise, so the rule's exercise conditions (exercises.access) are decided from the
user's standing in it instead of being written as subqueries; rules of other models that the
rule nests (``Document.objects.restrict(...)`` inside the observation rule) are narrowed to
the same exercise. Models without an exercise (bodies, people) are always scoped in full.
"""

import contextlib
import contextvars

from django.db import models

VIEW = "view"
CHANGE = "change"

_within: contextvars.ContextVar[int | None] = contextvars.ContextVar("scope_within",
                                                                     default=None)


def within() -> int | None:
    """The exercise the rule being built is narrowed to, or None."""
    return _within.get()


@contextlib.contextmanager
def narrowed(exercise_id: int | None):
    """Build rules for one exercise (or, with None, in full) inside this block."""
    token = _within.set(exercise_id)
    try:
        yield
    finally:
        _within.reset(token)


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = VIEW, *, exercise=None):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        path = getattr(self.model, "exercise_path", None)
        if exercise is not None and path is None:
            raise TypeError(f"{self.model.__name__} belongs to no exercise: restrict() it "
                            "without exercise=")
        exercise_id = within() if exercise is None else getattr(exercise, "pk", exercise)
        qs = self
        if exercise_id is not None and path is not None:
            qs = qs.filter(**{path: exercise_id})
        else:
            exercise_id = None
        if user.is_superuser:
            return qs
        scope = getattr(self.model, "scope_filter", None)
        if scope is None:
            # A model without a scope is visible to nobody but administrators.
            return qs.none()
        with narrowed(exercise_id):
            q = scope(user, action)
        if q is None:
            return qs
        return qs.filter(q)
