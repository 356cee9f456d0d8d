"""API tokens for scripts: only a SHA-256 of the key is stored; the key is shown once."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dientap.core.scoping import RestrictedQuerySet


class ApiToken(models.Model):
    """A secret that authenticates a script as its user (``Authorization: Token <key>``).

    The key itself is never stored: a lookup hashes the presented key and compares hashes.
    `prefix` (the first characters of the key) lets a user tell their tokens apart.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                             on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True,
                            help_text=_("What the token is for, e.g. the import script"))
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True,
                                        editable=False)

    objects = RestrictedQuerySet.as_manager()

    audit_exclude = ("key_hash", "last_used_at")

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.prefix}… ({self.name or self.user})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @classmethod
    def scope_filter(cls, user, action):
        # One's own tokens only (administrators see all through `restrict`).
        return Q(user=user)
