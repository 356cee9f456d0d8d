from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dientap.core import audit, services


def user_set_language(user, *, language: str):
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Unknown language: {language}.").format(language=language))
    return services.update(user, acting_user=user, language=language)


@transaction.atomic
def user_create(*, acting_user, username: str, password: str | None = None, **fields):
    """Create a login; the password is validated and hashed, never stored in the audit log."""
    from .models import User

    user = User(username=username, **fields)
    if password:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    audit.record("create", user, acting_user=acting_user, after=audit.snapshot(user))
    return user
