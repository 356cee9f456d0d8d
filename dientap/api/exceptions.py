"""Errors of the services, in HTTP terms.

ValidationError → 400 with field errors; PermissionDenied → 403; a hidden object → 404 (the
same as a missing one); ConflictError → 412 when the client sent If-Match, 409 otherwise.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from dientap.core.services import ConflictError


def validation_detail(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        detail = {}
        for field, errors in exc.error_dict.items():
            key = api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field
            detail[key] = [m for e in errors for m in e.messages]
        return detail
    return {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}


def exception_handler(exc, context):
    request = context.get("request")
    if isinstance(exc, ConflictError):
        given = request is not None and bool(request.headers.get("If-Match"))
        code = status.HTTP_412_PRECONDITION_FAILED if given else status.HTTP_409_CONFLICT
        current = exc.instance.version
        return Response({"detail": str(exc), "version": current}, status=code,
                        headers={"ETag": f'"{current}"'})
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_detail(exc))
    elif isinstance(exc, ObjectDoesNotExist):
        exc = exceptions.NotFound(_("Not found."))
    return drf_exception_handler(exc, context)
