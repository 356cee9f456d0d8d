import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def encrypt_secrets(apps, schema_editor):
    from dientap.accounts.crypto import encrypt

    Device = apps.get_model("accounts", "TwoFactorDevice")
    for device in Device.objects.all():
        device.secret_encrypted = encrypt(device.secret)
        device.save(update_fields=["secret_encrypted"])


def decrypt_secrets(apps, schema_editor):
    from dientap.accounts.crypto import decrypt

    Device = apps.get_model("accounts", "TwoFactorDevice")
    for device in Device.objects.all():
        device.secret = decrypt(device.secret_encrypted)
        device.save(update_fields=["secret"])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_security"),
    ]

    operations = [
        migrations.AddField(
            model_name="twofactordevice",
            name="secret_encrypted",
            field=models.TextField(default="", verbose_name="secret (encrypted)"),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="twofactordevice",
            name="secret",
            field=models.CharField(blank=True, default="", max_length=64, verbose_name="secret"),
        ),
        migrations.RunPython(encrypt_secrets, decrypt_secrets),
        migrations.RemoveField(
            model_name="twofactordevice",
            name="secret",
        ),
        migrations.CreateModel(
            name="RecoveryCode",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("digest", models.CharField(max_length=64, verbose_name="digest")),
                ("used_at", models.DateTimeField(blank=True, null=True, verbose_name="used at")),
                ("created_at", models.DateTimeField(auto_now_add=True,
                                                    verbose_name="created at")),
                ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                           related_name="recovery_codes",
                                           to=settings.AUTH_USER_MODEL, verbose_name="user")),
            ],
            options={
                "verbose_name": "recovery code",
                "verbose_name_plural": "recovery codes",
                "constraints": [models.UniqueConstraint(fields=("user", "digest"),
                                                        name="recovery_code_unique")],
            },
        ),
    ]
