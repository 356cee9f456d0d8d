"""The audit log: written explicitly by services, so imports and the CLI are logged too."""

import json

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from .context import get_request_id
from .models import AuditEntry


def snapshot(instance: models.Model) -> dict:
    """A JSON-safe dict of the instance's concrete fields (foreign keys as ids)."""
    exclude = set(getattr(instance, "audit_exclude", ()))
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in exclude:
            continue
        data[field.attname] = field.value_from_object(instance)
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def record(action: str, instance: models.Model, *, acting_user, before=None, after=None):
    exercise_id = instance.audit_exercise_id() if hasattr(instance, "audit_exercise_id") else None
    return AuditEntry.objects.create(
        user=acting_user if acting_user is not None and acting_user.pk else None,
        user_name=acting_user.get_username() if acting_user is not None else "",
        request_id=get_request_id(),
        action=action,
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        exercise_id=exercise_id,
        before=before,
        after=after,
    )


def entries_for(instance: models.Model):
    ct = ContentType.objects.get_for_model(instance, for_concrete_model=False)
    return AuditEntry.objects.filter(content_type=ct, object_id=str(instance.pk)).select_related(
        "user"
    )
