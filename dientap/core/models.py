from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .scoping import RestrictedQuerySet


class BaseModel(models.Model):
    """Every domain object: timestamps and a version number for optimistic concurrency.

    `version` grows by one on every update made through a service; an update that was
    prepared against an older version is refused (see core.services.update).
    """

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = RestrictedQuerySet.as_manager()

    # Fields left out of audit snapshots (noise, or derived from others).
    audit_exclude: tuple[str, ...] = ("created_at", "updated_at")

    class Meta:
        abstract = True

    def audit_exercise_id(self):
        """The exercise this object belongs to, for filtering the audit log (or None)."""
        return getattr(self, "exercise_id", None)


class AuditLogIsAppendOnly(Exception):
    """Raised when code tries to change or delete an audit entry."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditLogIsAppendOnly("the audit log is append-only: entries cannot be updated")

    def delete(self):
        raise AuditLogIsAppendOnly("the audit log is append-only: entries cannot be deleted")


class AuditEntry(models.Model):
    """One change, written only by `dientap.core.audit.record()`.

    Append-only and tamper-evident: `seq` numbers the entries 1, 2, 3 … without gaps;
    `entry_hash` is the SHA-256 of the entry's canonical content (see core.auditchain) and of
    `prev_hash`, the previous entry's hash. Changing or deleting a row in the database breaks
    the chain at that row (`dientap audit verify`).
    """

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("updated")
        DELETE = "delete", _("deleted")
        LOCK = "lock", _("locked")
        UNLOCK = "unlock", _("unlocked")

    seq = models.PositiveBigIntegerField(_("sequence"), unique=True, editable=False)
    timestamp = models.DateTimeField(_("time"), default=timezone.now, editable=False,
                                     db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user_name = models.CharField(_("user name"), max_length=150, blank=True)
    request_id = models.CharField(_("request id"), max_length=32, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=300)
    exercise_id = models.BigIntegerField(_("exercise"), null=True, blank=True, db_index=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True, editable=False)
    entry_hash = models.CharField(_("hash"), max_length=64, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-timestamp", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogIsAppendOnly("the audit log is append-only: entries cannot be updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogIsAppendOnly("the audit log is append-only: entries cannot be deleted")

    def changed_fields(self):
        """[(field, before, after)] for the fields whose value changed."""
        before, after = self.before or {}, self.after or {}
        keys = [k for k in {**before, **after} if before.get(k) != after.get(k)]
        return [(k, before.get(k), after.get(k)) for k in keys]


class AuditChainHead(models.Model):
    """The end of the audit chain: the last sequence number and hash (one row, pk 1).

    `audit.record()` updates this row first in its transaction, which locks it (a row lock on
    PostgreSQL, the write lock on SQLite), so entries are appended one after another and the
    chain never forks.
    """

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self):
        return f"#{self.last_seq} {self.last_hash[:12]}"


class Event(models.Model):
    """A live event, stored before it is sent: clients catch up from here by sequence number.

    `seq` grows by one per exercise, in commit order. `audience_bodies` (list of body ids)
    narrows who receives it; empty means everyone who may see the exercise.
    """

    exercise_id = models.BigIntegerField(_("exercise"))
    seq = models.PositiveBigIntegerField(_("sequence"))
    kind = models.CharField(_("kind"), max_length=60)
    payload = models.JSONField(_("payload"), default=dict)
    audience_bodies = models.JSONField(_("audience"), default=list, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("live event")
        verbose_name_plural = _("live events")
        ordering = ["exercise_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["exercise_id", "seq"], name="event_seq_unique")
        ]

    def __str__(self):
        return f"{self.exercise_id}#{self.seq} {self.kind}"


class EventCounter(models.Model):
    """The last sequence number given out per exercise (locked while a transaction emits)."""

    exercise_id = models.BigIntegerField(primary_key=True)
    last_seq = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("event counter")
        verbose_name_plural = _("event counters")

    def __str__(self):
        return f"{self.exercise_id}: {self.last_seq}"
