"""Log-in protection: password hashing, throttling and lock-out, session expiry, two-factor."""

import datetime as dt
import importlib

import pytest
from django.contrib.auth.hashers import check_password, get_hasher, make_password
from django.urls import reverse
from django.utils import timezone

from dientap.accounts import otp, security
from dientap.accounts.models import LoginThrottle, TwoFactorDevice, TwoFactorRequirement
from dientap.core import testing as t
from dientap.core.models import AuditEntry
from dientap.exercises.models import Membership

LOGIN = "/accounts/login/"


# Passwords -------------------------------------------------------------------------------

def test_production_hashers_are_argon2_first_with_pbkdf2_for_old_hashes(settings):
    production = importlib.import_module("config.settings").PASSWORD_HASHERS
    assert production[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in production
    settings.PASSWORD_HASHERS = production
    encoded = make_password("Mật-khẩu-2023")
    assert encoded.startswith("argon2$argon2id$")
    assert check_password("Mật-khẩu-2023", encoded)
    assert not check_password("wrong", encoded)
    # An old PBKDF2 hash still verifies (and would be upgraded at the next log-in).
    old = get_hasher("pbkdf2_sha256").encode("Cũ-2020", "somesalt1234")
    assert check_password("Cũ-2020", old)


def test_password_set_at_log_in_is_upgraded_to_argon2(client, db, settings):
    settings.PASSWORD_HASHERS = importlib.import_module("config.settings").PASSWORD_HASHERS
    user = t.user("oldhash")
    user.password = get_hasher("pbkdf2_sha256").encode(t.PASSWORD, "somesalt1234")
    user.save(update_fields=["password"])
    assert client.post(LOGIN, {"username": "oldhash", "password": t.PASSWORD}).status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")


# Throttling and lock-out -------------------------------------------------------------------

def fail(client, username="victim", address="10.0.0.1", times=1):
    for _ in range(times):
        response = client.post(LOGIN, {"username": username, "password": "wrong-password"},
                               REMOTE_ADDR=address)
        assert response.status_code == 200
    return response


def test_user_name_is_locked_after_repeated_failures_even_with_the_right_password(client, db,
                                                                                   settings):
    settings.LANGUAGE_CODE = "en"
    t.user("victim")
    fail(client, times=4)
    assert not AuditEntry.objects.filter(action="lock").exists()
    response = fail(client)  # the fifth
    assert "This account is locked after too many failed log-in attempts" in response.text
    row = LoginThrottle.objects.get(kind="username", key="victim")
    assert row.is_locked(timezone.now())
    expected = timezone.localtime(row.locked_until).strftime("%H:%M %d/%m/%Y")
    assert expected in response.text
    response = client.post(LOGIN, {"username": "victim", "password": t.PASSWORD},
                           REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 200 and "locked" in response.text
    assert "_auth_user_id" not in client.session
    entry = AuditEntry.objects.get(action="lock")
    assert entry.object_id == str(row.pk) and entry.after["failures"] == 5


def test_the_lock_is_per_user_name_case_insensitively(client, db):
    t.user("victim")
    fail(client, username="VICTIM", times=5)
    assert LoginThrottle.objects.get(kind="username", key="victim").locked_until
    t.user("other")
    response = client.post(LOGIN, {"username": "other", "password": t.PASSWORD},
                           REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 302


def test_an_address_is_locked_after_many_failures_across_user_names(client, db, settings):
    settings.DIENTAP_LOGIN_MAX_FAILURES_PER_ADDRESS = 6
    t.user("someone")
    for i in range(6):
        fail(client, username=f"guess{i}", address="10.0.0.66")
    response = client.post(LOGIN, {"username": "someone", "password": t.PASSWORD},
                           REMOTE_ADDR="10.0.0.66")
    assert response.status_code == 200
    assert LoginThrottle.objects.get(kind="address", key="10.0.0.66").locked_until
    # Another computer is not affected.
    assert client.post(LOGIN, {"username": "someone", "password": t.PASSWORD},
                       REMOTE_ADDR="10.0.0.67").status_code == 302


def test_failures_outside_the_window_do_not_add_up(client, db):
    t.user("victim")
    fail(client, times=4)
    LoginThrottle.objects.filter(kind="username").update(
        window_started_at=timezone.now() - dt.timedelta(hours=1))
    fail(client)
    row = LoginThrottle.objects.get(kind="username", key="victim")
    assert row.failures == 1 and row.locked_until is None


def test_a_right_password_resets_the_count(client, db):
    t.user("victim")
    fail(client, times=4)
    assert client.post(LOGIN, {"username": "victim", "password": t.PASSWORD},
                       REMOTE_ADDR="10.0.0.1").status_code == 302
    assert LoginThrottle.objects.get(kind="username", key="victim").failures == 0


def test_lock_expires_by_itself(client, db):
    t.user("victim")
    fail(client, times=5)
    LoginThrottle.objects.update(locked_until=timezone.now() - dt.timedelta(seconds=1))
    assert client.post(LOGIN, {"username": "victim", "password": t.PASSWORD},
                       REMOTE_ADDR="10.0.0.1").status_code == 302


def test_administrator_unlocks_from_the_admin_and_it_is_audited(client, db):
    t.user("victim")
    fail(client, times=5)
    admin = t.user("boss", is_staff=True, is_superuser=True)
    client.force_login(admin)
    row = LoginThrottle.objects.get(kind="username", key="victim")
    response = client.post(reverse("admin:accounts_loginthrottle_changelist"),
                           {"action": "unlock", "_selected_action": [row.pk]})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.locked_until is None and row.failures == 0
    entry = AuditEntry.objects.get(action="unlock")
    assert entry.user == admin and entry.object_id == str(row.pk)
    client.logout()
    assert client.post(LOGIN, {"username": "victim", "password": t.PASSWORD},
                       REMOTE_ADDR="10.0.0.1").status_code == 302


def test_admin_login_page_is_throttled_too(client, db):
    t.user("victim", is_staff=True)
    for _ in range(5):
        client.post(reverse("admin:login"), {"username": "victim", "password": "nope"},
                    REMOTE_ADDR="10.0.0.5")
    assert LoginThrottle.objects.get(kind="username", key="victim").locked_until


# Session expiry ----------------------------------------------------------------------------

def _login(client, username):
    response = client.post(LOGIN, {"username": username, "password": t.PASSWORD})
    assert response.status_code == 302
    return response


def _age_session(client, **keys):
    session = client.session
    now = int(timezone.now().timestamp())
    for key, seconds in keys.items():
        session[key] = now - seconds
    session.save()


def test_idle_session_expires(client, db, settings):
    settings.DIENTAP_SESSION_IDLE_MINUTES = 30
    t.user("idle")
    _login(client, "idle")
    assert client.get("/exercises/").status_code == 200
    _age_session(client, **{security.SESSION_SEEN: 31 * 60})
    response = client.get("/exercises/")
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_active_session_expires_after_the_absolute_limit(client, db, settings):
    settings.DIENTAP_SESSION_MAX_HOURS = 12
    t.user("busy")
    _login(client, "busy")
    _age_session(client, **{security.SESSION_STARTED: 12 * 3600 + 5, security.SESSION_SEEN: 5})
    response = client.get("/exercises/")
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_recent_activity_keeps_the_session(client, db):
    t.user("active")
    _login(client, "active")
    _age_session(client, **{security.SESSION_SEEN: 10 * 60})
    assert client.get("/exercises/").status_code == 200


# Two-factor --------------------------------------------------------------------------------

def test_totp_matches_the_rfc_6238_test_vectors():
    import base64
    import hashlib

    key = b"12345678901234567890"
    vectors = {59: "94287082", 1111111109: "07081804", 1111111111: "14050471",
               1234567890: "89005924", 2000000000: "69279037", 20000000000: "65353130"}
    for when, code in vectors.items():
        assert otp.hotp(key, when // 30, digits=8, digest=hashlib.sha1) == code
    secret = base64.b32encode(key).decode()
    assert otp.totp(secret, 59) == "287082"
    assert otp.verify(secret, "287082", when=59) == 1
    assert otp.verify(secret, "287082", when=59 + 30) == 1  # one step of clock drift
    assert otp.verify(secret, "287082", when=59 + 90) is None
    assert otp.verify(secret, "287082", when=59, last_used_step=1) is None  # no replay
    assert otp.verify(secret, "28708x", when=59) is None


def test_provisioning_uri():
    uri = otp.provisioning_uri("JBSWY3DPEHPK3PXP", "bantochuc")
    assert uri.startswith("otpauth://totp/dientap%3Abantochuc?secret=JBSWY3DPEHPK3PXP")
    assert "issuer=dientap" in uri and "period=30" in uri and "digits=6" in uri


@pytest.fixture
def director(db):
    area = t.area("Tỉnh Thử")
    exercise = t.exercise("TH-2FA", area=area)
    user = t.user("director2fa")
    t.grant(exercise, user, Membership.Role.DIRECTOR)
    return user


def test_no_requirement_no_second_factor(client, director):
    _login(client, "director2fa")
    assert client.get("/exercises/").status_code == 200


def test_required_role_must_enrol_before_using_the_app(client, director):
    TwoFactorRequirement.objects.create(role=Membership.Role.DIRECTOR)
    _login(client, "director2fa")
    response = client.get("/exercises/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("two_factor_setup"))
    page = client.get(response.url)
    assert page.status_code == 200
    device = TwoFactorDevice.objects.get(user=director)
    assert device.confirmed_at is None
    html = page.text
    assert otp.grouped(device.secret) in html
    assert "otpauth://totp/dientap%3Adirector2fa?secret=" + device.secret in html.replace(
        "&amp;", "&")
    # Still blocked until a code is confirmed, also for POSTs and JSON.
    assert client.get("/exercises/").status_code == 302
    bad = client.post(reverse("two_factor_setup"), {"code": "000000", "next": "/exercises/"})
    assert bad.status_code == 200 and TwoFactorDevice.objects.get().confirmed_at is None
    ok = client.post(reverse("two_factor_setup"),
                     {"code": otp.totp(device.secret), "next": "/exercises/"})
    # Enrolled: the recovery codes are shown once, then the user goes on where they wanted.
    assert ok.status_code == 302
    assert ok.url == reverse("two_factor_recovery") + "?next=%2Fexercises%2F"
    assert client.get(ok.url).text.count("<li><code>") == security.RECOVERY_CODES
    assert client.get("/exercises/").status_code == 200
    assert AuditEntry.objects.filter(action="create", content_type__model="twofactordevice",
                                     object_id=str(device.pk)).exists()


def test_enrolled_user_gives_a_code_at_each_log_in(client, director):
    device = TwoFactorDevice.objects.create(user=director, secret=otp.random_secret(),
                                            confirmed_at=timezone.now())
    _login(client, "director2fa")
    response = client.get("/exercises/?page=1")
    assert response.status_code == 302
    assert response.url.startswith(reverse("two_factor_verify"))
    assert "next=%2Fexercises%2F%3Fpage%3D1" in response.url
    wrong = client.post(reverse("two_factor_verify"), {"code": "123456"})
    assert wrong.status_code == 200
    assert client.get("/exercises/").status_code == 302
    code = otp.totp(device.secret)
    ok = client.post(reverse("two_factor_verify"), {"code": code, "next": "/exercises/"})
    assert ok.status_code == 302 and ok.url == "/exercises/"
    assert client.get("/exercises/").status_code == 200
    # The same code cannot be used twice.
    client.logout()
    _login(client, "director2fa")
    again = client.post(reverse("two_factor_verify"), {"code": code, "next": "/exercises/"})
    assert again.status_code == 200


def test_wrong_codes_count_towards_the_lock_out(client, director):
    TwoFactorDevice.objects.create(user=director, secret=otp.random_secret(),
                                   confirmed_at=timezone.now())
    _login(client, "director2fa")
    for _ in range(5):
        response = client.post(reverse("two_factor_verify"), {"code": "000000"})
    assert response.status_code == 302 and response.url == LOGIN
    assert "_auth_user_id" not in client.session
    assert LoginThrottle.objects.get(kind="username", key="director2fa").locked_until


def test_administrator_requirement_covers_staff(client, db):
    TwoFactorRequirement.objects.create(role=TwoFactorRequirement.ADMINISTRATOR)
    t.user("staffer", is_staff=True)
    t.user("plain")
    _login(client, "staffer")
    assert client.get("/exercises/").status_code == 302
    client.logout()
    _login(client, "plain")
    assert client.get("/exercises/").status_code == 200


def test_reset_device_is_audited(director):
    device = TwoFactorDevice.objects.create(user=director, secret=otp.random_secret(),
                                            confirmed_at=timezone.now())
    security.device_reset(device, acting_user=None)
    assert not TwoFactorDevice.objects.exists()
    entry = AuditEntry.objects.get(action="delete", content_type__model="twofactordevice")
    assert not [key for key in entry.before if "secret" in key]
