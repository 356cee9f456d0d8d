"""The audit chain's hash: how an entry's content is turned into bytes and hashed.

Changing anything here makes every stored entry fail verification: treat the canonical form
as a file format. The data migration that chained the existing rows uses these functions too.

The canonical form is the JSON of a fixed list of fields (sorted keys, no spaces, UTF-8):
the sequence number, the time in UTC with microseconds, the user *name* (the user id is left
out: deleting a user sets it to NULL through the foreign key, which is not tampering), the
request id, the action, the object type by natural key (``app_label.model``: ids of content
types differ between installations, which would break a restored backup), the object id and
text, the exercise id, the before/after snapshots, and the previous entry's hash.
"""

import datetime as dt
import hashlib
import json

GENESIS = ""  # prev_hash of the first entry


def _normalize(value):
    """JSON values as any database gives them back (PostgreSQL's jsonb turns 1.0 into 1)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(k): _normalize(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_normalize(v) for v in value]
    return value


def _time(value: dt.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(*, seq, timestamp, user_name, request_id, action, content_type, object_id,
              object_repr, exercise_id, before, after, prev_hash) -> bytes:
    """`content_type` is ``"app_label.model"``."""
    data = {
        "seq": int(seq),
        "time": _time(timestamp),
        "user": user_name or "",
        "request": request_id or "",
        "action": action,
        "type": content_type,
        "id": str(object_id),
        "repr": object_repr,
        "exercise": exercise_id,
        "before": _normalize(before),
        "after": _normalize(after),
        "prev": prev_hash or GENESIS,
    }
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def digest(**fields) -> str:
    return hashlib.sha256(canonical(**fields)).hexdigest()


def entry_fields(entry, content_type_label: str) -> dict:
    """The hashed fields of an AuditEntry row (real or historical model)."""
    return {
        "seq": entry.seq,
        "timestamp": entry.timestamp,
        "user_name": entry.user_name,
        "request_id": entry.request_id,
        "action": entry.action,
        "content_type": content_type_label,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "exercise_id": entry.exercise_id,
        "before": entry.before,
        "after": entry.after,
        "prev_hash": entry.prev_hash,
    }
