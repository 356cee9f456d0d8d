"""The audit log is append-only and tamper-evident: a row changed or deleted in the database
breaks the chain, and `dientap audit verify` names the first broken entry."""

import threading

import pytest
from django.db import connection

from dientap.core import audit
from dientap.core import testing as t
from dientap.core.models import AuditChainHead, AuditEntry, AuditLogIsAppendOnly
from dientap.organizations.models import Person


@pytest.fixture
def entries(db):
    t.user("chainadmin")
    for i in range(5):
        t.person(f"Người {i}")
    return list(AuditEntry.objects.order_by("seq"))


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_entries_are_chained_and_the_chain_verifies(entries):
    assert len(entries) >= 5
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert entries[0].prev_hash == ""
    for previous, entry in zip(entries, entries[1:], strict=False):
        assert entry.prev_hash == previous.entry_hash and len(entry.entry_hash) == 64
    report = audit.verify_chain()
    assert report.ok and report.message == f"audit chain intact ({len(entries)} entries)"
    head = AuditChainHead.objects.get()
    assert (head.last_seq, head.last_hash) == (len(entries), entries[-1].entry_hash)


def test_the_orm_refuses_to_change_or_delete_entries(entries):
    entry = entries[1]
    entry.object_repr = "forged"
    with pytest.raises(AuditLogIsAppendOnly):
        entry.save()
    with pytest.raises(AuditLogIsAppendOnly):
        entry.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(object_repr="forged")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert audit.verify_chain().ok


def test_a_row_altered_in_the_database_is_reported(entries):
    target = entries[2]
    raw("UPDATE core_auditentry SET object_repr = %s WHERE id = %s", ["forged", target.pk])
    report = audit.verify_chain()
    assert not report.ok and report.broken_id == target.pk
    assert f"entry {target.pk} ({target.timestamp.isoformat()})" in report.message
    assert "altered" in report.message and report.entries == 2


def test_a_snapshot_altered_in_the_database_is_reported(entries):
    target = entries[3]
    raw("UPDATE core_auditentry SET after = %s WHERE id = %s", ['{"full_name": "X"}', target.pk])
    assert audit.verify_chain().broken_id == target.pk


def test_a_row_deleted_in_the_database_is_reported_at_the_next_entry(entries):
    raw("DELETE FROM core_auditentry WHERE id = %s", [entries[1].pk])
    report = audit.verify_chain()
    assert not report.ok and report.broken_id == entries[2].pk
    assert "missing" in report.message


def test_a_rehashed_forgery_is_still_caught_by_the_next_entry(entries):
    """Recomputing the forged row's own hash does not help: the next entry points to the old one."""
    from dientap.core import auditchain

    target = entries[1]
    target.object_repr = "forged"
    fields = auditchain.entry_fields(
        target, f"{target.content_type.app_label}.{target.content_type.model}")
    raw("UPDATE core_auditentry SET object_repr = %s, entry_hash = %s WHERE id = %s",
        ["forged", auditchain.digest(**fields), target.pk])
    assert audit.verify_chain().broken_id == entries[2].pk


def test_deleting_the_last_entries_is_reported(entries):
    raw("DELETE FROM core_auditentry WHERE id = %s", [entries[-1].pk])
    report = audit.verify_chain()
    assert not report.ok and "at the end" in report.message


def test_deleting_a_user_keeps_the_chain_intact(entries):
    user = t.user("leaver")
    person = t.person("Người rời đi")
    audit.record("update", person, acting_user=user, before={}, after={"a": 1.0})
    user.delete()  # the foreign key sets the entries' user to NULL: the name stays hashed
    assert audit.verify_chain().ok


def test_record_keeps_working_after_a_flush_of_the_head(entries):
    AuditChainHead.objects.all().delete()
    audit.record("update", Person.objects.first(), acting_user=None)
    assert audit.verify_chain().ok


def test_cli_verify_reports_intact_and_broken(entries, capsys):
    from dientap import cli

    assert cli.main(["audit", "verify"]) == 0
    assert capsys.readouterr().out.strip().startswith(
        f"audit chain intact ({len(entries)} entries)")
    raw("UPDATE core_auditentry SET user_name = %s WHERE id = %s", ["mallory", entries[0].pk])
    assert cli.main(["audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert f"audit chain broken at entry {entries[0].pk}" in out


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain():
    """Several threads (own connections) appending at once: one chain, no gaps."""
    person = t.person("Người chung")
    errors = []

    def work():
        try:
            for _ in range(5):
                audit.record("update", person, acting_user=None)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    if connection.vendor == "sqlite" and errors:
        pytest.skip("in-memory SQLite is not shared between threads")
    assert not errors
    report = audit.verify_chain()
    assert report.ok, report.message
