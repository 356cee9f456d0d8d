"""Serializer base: related objects are looked up among what the user may see."""

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dientap.core.scoping import VIEW


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference by id to an object the user may see: a hidden one is "does not exist"."""

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        return queryset.restrict(getattr(request, "user", None), VIEW)


class DateTimeField(serializers.DateTimeField):
    """Times in the local zone, or in UTC when the local offset is not whole minutes.

    Before 1906 Asia/Ho_Chi_Minh was on local mean time (+07:06:30), which RFC 3339 (and so
    the schema's "date-time") cannot express.
    """

    def enforce_timezone(self, value):
        value = super().enforce_timezone(value)
        offset = value.utcoffset() if isinstance(value, dt.datetime) else None
        if offset is not None and offset.total_seconds() % 60:
            value = value.astimezone(dt.UTC)
        return value


class ModelSerializer(serializers.ModelSerializer):
    serializer_related_field = ScopedPrimaryKeyRelatedField
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: DateTimeField,
    }


def version_field():
    """The `version` a client sends back (instead of If-Match) so that a stale update is
    refused."""
    return serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1,
        help_text=_("The version you read (or send If-Match); a stale update is refused."))


class ServiceSerializer(ModelSerializer):
    """Validates input for a service call; never saves (the viewset calls the service).

    `version` is the object's version (also sent as the ETag); a client may send it back
    instead of If-Match so that a stale update is refused. Fields named in
    ``Meta.create_only_fields`` (the parent: exercise, conference …) are fixed once created.
    Uniqueness is checked by the service (``full_clean``), in one place.
    """

    version = version_field()

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            for name in getattr(self.Meta, "create_only_fields", ()):
                fields[name].read_only = True
        return fields

    def get_validators(self):
        return []

    def create(self, validated_data):  # pragma: no cover - guard
        raise NotImplementedError("Serializers do not save; the viewset calls the service.")

    def update(self, instance, validated_data):  # pragma: no cover - guard
        raise NotImplementedError("Serializers do not save; the viewset calls the service.")


class ReadSerializer(ModelSerializer):
    pass


class MoveSerializer(serializers.Serializer):
    delta = serializers.ChoiceField(choices=[-1, 1],
                                    help_text=_("-1 moves the item up, 1 moves it down."))
