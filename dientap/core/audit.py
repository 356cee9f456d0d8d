"""The audit log: written explicitly by services, so imports and the CLI are logged too."""

import json
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from . import auditchain
from .context import get_request_id
from .models import AuditChainHead, AuditEntry


def snapshot(instance: models.Model) -> dict:
    """A JSON-safe dict of the instance's concrete fields (foreign keys as ids)."""
    exclude = set(getattr(instance, "audit_exclude", ()))
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in exclude:
            continue
        data[field.attname] = field.value_from_object(instance)
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _json(value):
    return None if value is None else json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _lock_chain_head(count: int = 1) -> AuditChainHead:
    """Take the next `count` sequence numbers (the last one is the head's `last_seq`); the
    UPDATE locks the head row until the commit."""
    if not AuditChainHead.objects.filter(pk=1).update(last_seq=F("last_seq") + count):
        # No head yet (a new or flushed database): start it from the last entry, if any.
        last = AuditEntry.objects.order_by("-seq").values("seq", "entry_hash").first()
        AuditChainHead.objects.create(
            pk=1,
            last_seq=(last["seq"] if last else 0) + count,
            last_hash=last["entry_hash"] if last else auditchain.GENESIS,
        )
    return AuditChainHead.objects.select_for_update().get(pk=1)


@transaction.atomic
def record(action: str, instance: models.Model, *, acting_user, before=None, after=None):
    """Append an entry for `instance` to the audit chain (in the caller's transaction)."""
    exercise_id = instance.audit_exercise_id() if hasattr(instance, "audit_exercise_id") else None
    content_type = ContentType.objects.get_for_model(instance, for_concrete_model=False)
    head = _lock_chain_head()
    entry = AuditEntry(
        seq=head.last_seq,
        timestamp=timezone.now(),
        user=acting_user if acting_user is not None and acting_user.pk else None,
        user_name=acting_user.get_username() if acting_user is not None else "",
        request_id=get_request_id(),
        action=action,
        content_type=content_type,
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        exercise_id=exercise_id,
        before=_json(before),
        after=_json(after),
        prev_hash=head.last_hash,
    )
    label = f"{content_type.app_label}.{content_type.model}"
    entry.entry_hash = auditchain.digest(**auditchain.entry_fields(entry, label))
    entry.save(force_insert=True)
    AuditChainHead.objects.filter(pk=1).update(last_hash=entry.entry_hash)
    return entry


@transaction.atomic
def record_many(action: str, instances, *, acting_user, afters=None, batch_size: int = 1000):
    """Append one entry per instance (all of one model) under a single lock of the chain head:
    the entries `record()` would write one by one, in a constant number of queries (plus one
    INSERT per `batch_size` entries). `afters`: the instances' snapshots (default: taken)."""
    instances = list(instances)
    if not instances:
        return []
    # snapshot() is JSON-safe already; snapshots given by the caller are made so.
    afters = [snapshot(i) for i in instances] if afters is None else [_json(a) for a in afters]
    content_type = ContentType.objects.get_for_model(instances[0], for_concrete_model=False)
    label = f"{content_type.app_label}.{content_type.model}"
    head = _lock_chain_head(len(instances))
    seq, prev_hash = head.last_seq - len(instances) + 1, head.last_hash
    user = acting_user if acting_user is not None and acting_user.pk else None
    user_name = acting_user.get_username() if acting_user is not None else ""
    now, request_id = timezone.now(), get_request_id()
    entries = []
    for instance, after in zip(instances, afters, strict=True):
        entry = AuditEntry(
            seq=seq, timestamp=now, user=user, user_name=user_name, request_id=request_id,
            action=action, content_type=content_type, object_id=str(instance.pk),
            object_repr=str(instance)[:300],
            exercise_id=instance.audit_exercise_id() if hasattr(
                instance, "audit_exercise_id") else None,
            before=None, after=after, prev_hash=prev_hash)
        entry.entry_hash = prev_hash = auditchain.digest(
            **auditchain.entry_fields(entry, label))
        entries.append(entry)
        seq += 1
    AuditEntry.objects.bulk_create(entries, batch_size=batch_size)
    AuditChainHead.objects.filter(pk=1).update(last_hash=prev_hash)
    return entries


@dataclass
class ChainReport:
    ok: bool
    entries: int
    message: str
    broken_id: int | None = None
    broken_time: object = None
    head_hash: str = ""


def verify_chain() -> ChainReport:
    """Recompute the chain from the first entry; report the first entry that does not fit."""
    labels = {ct.pk: f"{ct.app_label}.{ct.model}" for ct in ContentType.objects.all()}
    prev_hash, expected_seq, count = auditchain.GENESIS, 1, 0
    with transaction.atomic():
        head = AuditChainHead.objects.filter(pk=1).first()
        for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
            fields = auditchain.entry_fields(entry, labels.get(entry.content_type_id, "?"))
            problem = None
            if entry.seq != expected_seq:
                problem = "entries before it are missing (sequence {seq}, expected {expected})"
            elif entry.prev_hash != prev_hash:
                problem = "it does not follow the previous entry (deleted or altered)"
            elif auditchain.digest(**fields) != entry.entry_hash:
                problem = "its content was altered"
            if problem:
                return ChainReport(
                    ok=False, entries=count, broken_id=entry.pk, broken_time=entry.timestamp,
                    message=(f"audit chain broken at entry {entry.pk} "
                             f"({entry.timestamp.isoformat()}): "
                             + problem.format(seq=entry.seq, expected=expected_seq)),
                )
            prev_hash, expected_seq, count = entry.entry_hash, expected_seq + 1, count + 1
        head_seq, head_hash = (head.last_seq, head.last_hash) if head else (0, auditchain.GENESIS)
        if (head_seq, head_hash) != (count, prev_hash):
            return ChainReport(
                ok=False, entries=count,
                message=(
                    f"audit chain broken at the end: the chain head records {head_seq} entries, "
                    f"{count} found (the last entries were deleted or the head was altered)"
                ),
            )
    return ChainReport(ok=True, entries=count, head_hash=prev_hash,
                       message=f"audit chain intact ({count} entries)")


def entries_for(instance: models.Model):
    ct = ContentType.objects.get_for_model(instance, for_concrete_model=False)
    return AuditEntry.objects.filter(content_type=ct, object_id=str(instance.pk)).select_related(
        "user"
    )
