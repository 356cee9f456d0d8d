# The audit log becomes a hash chain: chain the entries written before, oldest first.

from django.db import migrations


def chain_existing(apps, schema_editor):
    from dientap.core import auditchain

    AuditEntry = apps.get_model("core", "AuditEntry")
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    labels = {ct.pk: f"{ct.app_label}.{ct.model}" for ct in ContentType.objects.using(db).all()}
    prev, seq = auditchain.GENESIS, 0
    for entry in AuditEntry.objects.using(db).order_by("timestamp", "id").iterator():
        seq += 1
        entry.seq, entry.prev_hash = seq, prev
        entry.entry_hash = auditchain.digest(
            **auditchain.entry_fields(entry, labels[entry.content_type_id]))
        AuditEntry.objects.using(db).filter(pk=entry.pk).update(
            seq=entry.seq, prev_hash=entry.prev_hash, entry_hash=entry.entry_hash)
        prev = entry.entry_hash
    AuditChainHead.objects.using(db).update_or_create(
        pk=1, defaults={"last_seq": seq, "last_hash": prev})


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_audit_chain'),
    ]

    operations = [
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
    ]
