"""Two-factor log-in: the seed encrypted at rest, the QR code, recovery codes."""

import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from dientap.accounts import crypto, otp, security
from dientap.accounts.models import LoginThrottle, RecoveryCode, TwoFactorDevice
from dientap.core import testing as t
from dientap.core.models import AuditEntry


@pytest.fixture
def enrolled(db):
    user = t.user("hai2fa")
    device = TwoFactorDevice.objects.create(user=user, secret=otp.random_secret(),
                                            confirmed_at=timezone.now())
    return user, device


def _login(client, username):
    response = client.post("/accounts/login/", {"username": username, "password": t.PASSWORD})
    assert response.status_code == 302, response.content[:300]


def _raw_column(device) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret_encrypted FROM accounts_twofactordevice WHERE id = %s",
                       [device.pk])
        return cursor.fetchone()[0]


def test_the_seed_is_stored_encrypted(enrolled):
    user, device = enrolled
    seed = TwoFactorDevice.objects.get(pk=device.pk).secret
    raw = _raw_column(device)
    assert len(seed) == 32 and seed not in raw and seed.lower() not in raw.lower()
    assert crypto.decrypt(raw) == seed
    assert security.device_check(user, code=otp.totp(seed))


def test_a_rotated_key_still_reads_the_seed(enrolled, settings):
    user, device = enrolled
    seed, old = device.secret, settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-key-" + "x" * 50, [old]
    assert TwoFactorDevice.objects.get(pk=device.pk).secret == seed
    # A right code re-encrypts the seed under the new key: the old key can then go.
    assert security.device_check(user, code=otp.totp(seed))
    settings.SECRET_KEY_FALLBACKS = []
    assert TwoFactorDevice.objects.get(pk=device.pk).secret == seed


def test_a_lost_key_gives_a_clear_message_and_no_lock_out(client, enrolled):
    user, device = enrolled
    _login(client, "hai2fa")
    code = otp.totp(device.secret)
    # The seed as another installation (another SECRET_KEY) encrypted it, e.g. a restored dump.
    foreign = crypto._fernet("another-installation-" + "y" * 40).encrypt(device.secret.encode())
    TwoFactorDevice.objects.filter(pk=device.pk).update(secret_encrypted=foreign.decode())
    response = client.post(reverse("two_factor_verify"), {"code": code})
    assert response.status_code == 200
    assert "Không đọc được ứng dụng xác thực" in response.text
    assert not LoginThrottle.objects.filter(key="hai2fa", failures__gt=0).exists()


def test_setup_shows_a_qr_code_of_the_provisioning_uri(client, db):
    t.user("newbie")
    _login(client, "newbie")
    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 200
    qr = re.search(r'data-testid="otp-qr">(.*?)</div>', page.text, re.S).group(1)
    assert qr.startswith("<svg") and "<path" in qr and "<script" not in qr
    assert "http" not in qr.replace("http://www.w3.org/2000/svg", "")


def test_recovery_codes_work_once_and_are_stored_as_digests(client, enrolled):
    user, device = enrolled
    codes = security.recovery_codes_make(user, acting_user=user)
    assert len(set(codes)) == security.RECOVERY_CODES
    assert all(re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", c) for c in codes)
    stored = set(RecoveryCode.objects.filter(user=user).values_list("digest", flat=True))
    assert not stored & set(codes) and not stored & {otp.normal_code(c) for c in codes}

    _login(client, "hai2fa")
    # Typed in capitals with a space: still the same code.
    typed = codes[3].upper().replace("-", " ")
    ok = client.post(reverse("two_factor_verify"), {"code": typed, "next": "/exercises/"})
    assert ok.status_code == 302 and ok.url == "/exercises/"
    assert security.recovery_codes_left(user) == security.RECOVERY_CODES - 1
    assert AuditEntry.objects.filter(content_type__model="twofactordevice",
                                     after__recovery_code_used=True).exists()
    client.logout()
    _login(client, "hai2fa")
    again = client.post(reverse("two_factor_verify"), {"code": codes[3]})
    assert again.status_code == 200 and "_auth_user_id" in client.session
    assert client.get("/exercises/").status_code == 302  # still owes the second factor


def test_new_recovery_codes_replace_the_old_ones(client, enrolled):
    user, device = enrolled
    old = security.recovery_codes_make(user, acting_user=user)
    _login(client, "hai2fa")
    assert client.post(reverse("two_factor_verify"),
                       {"code": otp.totp(device.secret), "next": "/"}).status_code == 302
    page = client.get(reverse("two_factor_recovery"))
    assert "10" in page.text and 'data-testid="recovery-codes"' not in page.text
    made = client.post(reverse("two_factor_recovery"))
    assert made.status_code == 302
    shown = client.get(made.url).text
    new = re.findall(r"<li><code>([a-z2-9-]{11})</code></li>", shown)
    assert len(new) == security.RECOVERY_CODES and not set(new) & set(old)
    # Shown once only.
    assert 'data-testid="recovery-codes"' not in client.get(made.url).text
    assert not security.recovery_code_use(user, old[0])
    assert security.recovery_code_use(user, new[0])


def test_recovery_codes_need_an_enrolled_authenticator(client, db):
    t.user("plain2fa")
    _login(client, "plain2fa")
    response = client.get(reverse("two_factor_recovery"))
    assert response.status_code == 302 and response.url.startswith(reverse("two_factor_setup"))


def test_resetting_the_device_removes_the_recovery_codes(enrolled):
    user, device = enrolled
    security.recovery_codes_make(user, acting_user=user)
    security.device_reset(device, acting_user=None)
    assert not RecoveryCode.objects.filter(user=user).exists()
