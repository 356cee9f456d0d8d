"""Generic state changes: validate, save, audit, all in one transaction.

Domain services (``organizations.services``, ``exercises.services`` …) call these, adding
their own rules. Views, admin actions, the CLI and importers call the domain services.
"""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from . import audit


class ConflictError(Exception):
    """The object changed since the caller read it; nothing was saved."""

    def __init__(self, instance, expected_version):
        self.instance = instance
        self.expected_version = expected_version
        super().__init__(
            _(
                "Someone else changed this record while you were editing it "
                "(your version {expected}, now {current}). Your input is kept below: "
                "review the current values and save again."
            ).format(expected=expected_version, current=instance.version)
        )


def create(model: type[models.Model], *, acting_user, **fields):
    return create_instance(model(**fields), acting_user=acting_user)


@transaction.atomic
def create_instance(instance: models.Model, *, acting_user):
    """Validate and insert a new, unsaved instance, and audit it."""
    instance.full_clean()
    instance.save()
    audit.record("create", instance, acting_user=acting_user, after=audit.snapshot(instance))
    return instance


@transaction.atomic
def update(instance: models.Model, *, acting_user, expected_version=None, **fields):
    """Apply `fields` to `instance`. With `expected_version`, refuse a stale update."""
    model = instance._meta.model  # works for lazy objects such as request.user
    locked = model._default_manager.select_for_update().get(pk=instance.pk)
    if expected_version is not None and locked.version != int(expected_version):
        raise ConflictError(locked, expected_version)
    before = audit.snapshot(locked)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean()
    after = audit.snapshot(locked)
    if after == before:
        return locked
    locked.version = F("version") + 1
    locked.save()
    locked.refresh_from_db()
    audit.record("update", locked, acting_user=acting_user, before=before, after=after)
    return locked


@transaction.atomic
def delete(instance: models.Model, *, acting_user):
    before = audit.snapshot(instance)
    pk = instance.pk
    audit.record("delete", instance, acting_user=acting_user, before=before)
    try:
        instance.delete()
    except models.ProtectedError as exc:
        raise ValidationError(
            _("This record is still used elsewhere and cannot be deleted: {used}.").format(
                used=", ".join(sorted({str(o) for o in exc.protected_objects})[:5])
            )
        ) from exc
    instance.pk = pk
    return instance
