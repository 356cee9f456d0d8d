"""One scoping mechanism for every list and detail (after NetBox's RestrictedQuerySet).

A model says who may see or change its rows by defining the classmethod
``scope_filter(user, action)``, which returns a ``Q`` (or ``None`` for "everything").
``Model.objects.restrict(user, action)`` applies it. Views, selectors, the API and exports
call ``restrict``; nothing checks access on its own.
"""

from django.db import models

VIEW = "view"
CHANGE = "change"


class RestrictedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = VIEW):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        scope = getattr(self.model, "scope_filter", None)
        if scope is None:
            # A model without a scope is visible to nobody but administrators.
            return self.none()
        q = scope(user, action)
        if q is None:
            return self
        return self.filter(q)
