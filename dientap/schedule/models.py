"""The calendar's only state: each user's personal feed token (a calendar client cannot log in)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dientap.core.models import BaseModel


class FeedToken(BaseModel):
    """The secret in a user's calendar subscription URLs; it authenticates as that user.

    `created_at` is when the current token was made: rotating the token moves it, so the
    audit log records the rotation without ever storing the secret itself.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                                on_delete=models.CASCADE, related_name="feed_token")
    token = models.CharField(_("token"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    audit_exclude = ("updated_at", "token")

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")

    def __str__(self):
        return _("Calendar feed of {user}").format(user=self.user)

    @classmethod
    def scope_filter(cls, user, action):
        # One's own token only (administrators see all through `restrict`).
        return Q(user=user)
