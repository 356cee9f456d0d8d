"""State changes of the calendar: making and rotating a user's feed token (audited)."""

import secrets

from django.db import IntegrityError
from django.utils import timezone

from dientap.core import services

from .models import FeedToken


def _new_token() -> str:
    return secrets.token_urlsafe(32)  # 43 characters, 256 bits


def feed_token_get_or_create(user, *, acting_user=None) -> FeedToken:
    """The user's feed token, made on first use."""
    existing = FeedToken.objects.filter(user=user).first()
    if existing is not None:
        return existing
    try:
        return services.create(FeedToken, acting_user=acting_user or user, user=user,
                               token=_new_token(), created_at=timezone.now())
    except IntegrityError:
        # Made meanwhile by a concurrent request of the same user.
        return FeedToken.objects.get(user=user)


def feed_token_rotate(user, *, acting_user=None) -> FeedToken:
    """Replace the user's token: the old subscription URLs stop working at once."""
    current = feed_token_get_or_create(user, acting_user=acting_user)
    return services.update(current, acting_user=acting_user or user, token=_new_token(),
                           created_at=timezone.now())


def user_for_token(token: str):
    """The active user a feed token belongs to, or None (unknown, empty or inactive)."""
    if not token or len(token) > 64:
        return None
    found = FeedToken.objects.select_related("user").filter(token=token).first()
    if found is None or not found.user.is_active:
        return None
    return found.user
