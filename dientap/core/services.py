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
    except (models.ProtectedError, models.RestrictedError) as exc:
        used = getattr(exc, "protected_objects", None) or exc.restricted_objects
        raise ValidationError(
            _("This record is still used elsewhere and cannot be deleted: {used}.").format(
                used=", ".join(sorted({str(o) for o in used})[:5])
            )
        ) from exc
    instance.pk = pk
    return instance


@transaction.atomic
def reorder(siblings, ordered_ids, *, acting_user, field: str = "position"):
    """Give `siblings` (a queryset) the positions 1..n in the order of `ordered_ids`.

    The ids must be exactly the siblings' ids: a list built from a stale page (an item added
    or removed meanwhile) is refused with ConflictError-like validation, nothing moves.
    """
    items = {obj.pk: obj for obj in siblings.select_for_update(of=("self",))}
    try:
        ids = [int(i) for i in ordered_ids]
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("The new order is not valid.")) from exc
    if sorted(ids) != sorted(items) or len(set(ids)) != len(ids):
        raise ValidationError(
            _("The list changed while you were reordering it; reload the page and try again.")
        )
    for position, pk in enumerate(ids, start=1):
        obj = items[pk]
        if getattr(obj, field) != position:
            update(obj, acting_user=acting_user, **{field: position})
    return [items[pk] for pk in ids]


def move(instance, siblings, delta: int, *, acting_user, field: str = "position"):
    """Move `instance` up (delta=-1) or down (+1) among its ordered siblings."""
    ids = list(siblings.values_list("pk", flat=True))
    index = ids.index(instance.pk)
    target = max(0, min(len(ids) - 1, index + delta))
    ids.insert(target, ids.pop(index))
    return reorder(siblings, ids, acting_user=acting_user, field=field)
