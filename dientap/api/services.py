"""Making and revoking API tokens (audited; the key never reaches the audit log)."""

import hashlib
import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from dientap.core import audit

from .models import ApiToken

KEY_PREFIX = "dt_"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


@transaction.atomic
def token_create(user, *, acting_user, name: str = "", expires_at=None) -> tuple[ApiToken, str]:
    """A new token for `user`; returns (token, key). The key cannot be recovered later."""
    if acting_user is not None and acting_user.pk != user.pk and not acting_user.is_superuser:
        raise PermissionDenied(_("You may only create tokens for yourself."))
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, prefix=key[:10], key_hash=hash_key(key),
                     expires_at=expires_at)
    token.full_clean()
    token.save()
    audit.record("create", token, acting_user=acting_user, after=audit.snapshot(token))
    return token, key


@transaction.atomic
def token_revoke(token: ApiToken, *, acting_user) -> None:
    if acting_user is not None and acting_user.pk != token.user_id and not acting_user.is_superuser:
        raise PermissionDenied(_("You may only revoke your own tokens."))
    audit.record("delete", token, acting_user=acting_user, before=audit.snapshot(token))
    token.delete()


def user_for_key(key: str):
    """(user, token) for a valid key of an active user, or None."""
    from django.utils import timezone

    if not key or len(key) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
    if token is None or token.is_expired or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user, token
