"""Viewset bases: scoped querysets, writes through the services, ETag / If-Match.

A viewset names its `model` and implements the service calls it supports:
``service_create(data)``, ``service_update(instance, data, expected_version)``,
``service_delete(instance)``. The services validate, check change rights and audit; nothing
here decides who may do what beyond "logged in" and "may see" (``restrict``).
"""

import re

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, viewsets

from dientap.core.scoping import VIEW
from dientap.core.services import ConflictError

_ETAG = re.compile(r'^\s*(?:W/)?"?(\d{1,10})"?\s*$')

IF_MATCH = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description=_('The ETag you read, e.g. "3": a stale change is refused with 412.'))


def parse_if_match(value: str | None) -> int | None:
    if not value or value.strip() == "*":
        return None
    match = _ETAG.match(value)
    if not match:
        raise exceptions.ParseError(_("If-Match must be an ETag such as \"3\"."))
    return int(match.group(1))


class BaseViewSet(viewsets.GenericViewSet):
    model = None
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple = ()

    def get_queryset(self):
        queryset = self.model.objects.restrict(self.request.user, VIEW)
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        if not queryset.ordered:
            queryset = queryset.order_by("pk")  # stable pages
        return queryset

    # ---- optimistic concurrency ----------------------------------------------------------

    def if_match(self) -> int | None:
        return parse_if_match(self.request.headers.get("If-Match"))

    def expected_version(self, data: dict):
        """If-Match, else the `version` sent in the body, else None (no check)."""
        body = data.pop("version", None)
        header = self.if_match()
        return header if header is not None else body

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        data = getattr(response, "data", None)
        if (200 <= response.status_code < 300 and isinstance(data, dict)
                and "id" in data and isinstance(data.get("version"), int)):
            response["ETag"] = f'"{data["version"]}"'
        return response


class ReadOnlyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, BaseViewSet):
    pass


class CreateMixin(mixins.CreateModelMixin):
    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        with transaction.atomic():
            serializer.instance = self.service_create(data)

    def service_create(self, data: dict):
        raise NotImplementedError


class UpdateMixin(mixins.UpdateModelMixin):
    @extend_schema(parameters=[IF_MATCH])
    def update(self, request, *args, **kwargs):
        return super().update(request, *args, **kwargs)

    @extend_schema(parameters=[IF_MATCH])
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        expected = self.expected_version(data)
        with transaction.atomic():
            serializer.instance = self.service_update(serializer.instance, data, expected)

    def service_update(self, instance, data: dict, expected_version):
        raise NotImplementedError


class DestroyMixin(mixins.DestroyModelMixin):
    @extend_schema(parameters=[IF_MATCH])
    def destroy(self, request, *args, **kwargs):
        return super().destroy(request, *args, **kwargs)

    def perform_destroy(self, instance):
        expected = self.if_match()
        with transaction.atomic():
            if expected is not None:
                current = type(instance).objects.select_for_update().get(pk=instance.pk)
                if current.version != expected:
                    raise ConflictError(current, expected)
            self.service_delete(instance)

    def service_delete(self, instance):
        raise NotImplementedError


def check_version(instance, expected) -> None:
    """For actions whose service takes no version: refuse when the object moved on."""
    if expected is not None and instance.version != int(expected):
        raise ConflictError(instance, expected)
