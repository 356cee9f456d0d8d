# The audit log becomes a hash chain: every entry has its own sequence number.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_audit_chain_existing'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditentry',
            name='seq',
            field=models.PositiveBigIntegerField(editable=False, unique=True, verbose_name='sequence'),
        ),
    ]
