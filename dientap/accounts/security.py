"""Log-in protection: throttling and lock-out, two-factor log-in (TOTP), session expiry.

State changes here follow the services rule: atomic, audited.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from dientap.core import audit

from . import crypto, otp
from .models import LoginThrottle, RecoveryCode, TwoFactorDevice, TwoFactorRequirement

# Session keys.
TWO_FACTOR_OK = "dientap_2fa_ok"  # the user id whose log-in passed (or needed no) second factor
SESSION_STARTED = "dientap_started"  # epoch seconds of the log-in
SESSION_SEEN = "dientap_seen"  # epoch seconds of the last request (updated once a minute)


def client_address(request) -> str:
    """The client's address (uvicorn puts the proxy's forwarded address here when trusted)."""
    return (request.META.get("REMOTE_ADDR") or "unknown")[:150]


def _username_key(username: str) -> str:
    return (username or "").strip().casefold()[:150]


def _limits():
    return {
        LoginThrottle.Kind.USERNAME: settings.DIENTAP_LOGIN_MAX_FAILURES,
        LoginThrottle.Kind.ADDRESS: settings.DIENTAP_LOGIN_MAX_FAILURES_PER_ADDRESS,
    }


def _when(value: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(value), "H:i d/m/Y")


@dataclass
class Lock:
    kind: str
    until: dt.datetime

    def message(self) -> str:
        if self.kind == LoginThrottle.Kind.USERNAME:
            return _(
                "This account is locked after too many failed log-in attempts. Try again "
                "after {time}, or ask an administrator to unlock it."
            ).format(time=_when(self.until))
        return _(
            "Too many failed log-in attempts from this computer. Try again after {time}, or "
            "ask an administrator to unlock it."
        ).format(time=_when(self.until))


def current_lock(username: str, address: str) -> Lock | None:
    now = timezone.now()
    rows = LoginThrottle.objects.filter(locked_until__gt=now).filter(
        kind=LoginThrottle.Kind.USERNAME, key=_username_key(username)
    ) | LoginThrottle.objects.filter(
        locked_until__gt=now, kind=LoginThrottle.Kind.ADDRESS, key=address
    )
    row = rows.order_by("-locked_until").first()
    return Lock(row.kind, row.locked_until) if row else None


@transaction.atomic
def login_failed(username: str, address: str) -> Lock | None:
    """Count a failed attempt for the user name and the address; lock what reached its limit."""
    now = timezone.now()
    window = dt.timedelta(minutes=settings.DIENTAP_LOGIN_FAILURE_WINDOW_MINUTES)
    lockout = dt.timedelta(minutes=settings.DIENTAP_LOGIN_LOCKOUT_MINUTES)
    lock = None
    for kind, key in ((LoginThrottle.Kind.USERNAME, _username_key(username)),
                      (LoginThrottle.Kind.ADDRESS, address)):
        if not key:
            continue
        row, _created = LoginThrottle.objects.select_for_update().get_or_create(kind=kind, key=key)
        if row.is_locked(now):
            lock = lock or Lock(kind, row.locked_until)
            continue
        if row.window_started_at is None or row.window_started_at + window < now:
            row.failures, row.window_started_at = 0, now
        row.failures += 1
        row.last_failure_at = now
        if row.failures >= _limits()[kind]:
            row.locked_until = now + lockout
            row.save()
            audit.record("lock", row, acting_user=None, after={
                "failures": row.failures, "locked_until": row.locked_until.isoformat()})
            lock = lock or Lock(kind, row.locked_until)
        else:
            row.save()
    return lock


@transaction.atomic
def login_succeeded(username: str) -> None:
    """A right password clears the user name's count (not the address's: one known account
    must not let a guesser reset the counter of a whole computer)."""
    LoginThrottle.objects.filter(
        kind=LoginThrottle.Kind.USERNAME, key=_username_key(username), locked_until__isnull=True
    ).update(failures=0, window_started_at=None)


@transaction.atomic
def unlock(throttle: LoginThrottle, *, acting_user) -> LoginThrottle:
    row = LoginThrottle.objects.select_for_update().get(pk=throttle.pk)
    before = {"failures": row.failures,
              "locked_until": row.locked_until.isoformat() if row.locked_until else None}
    row.failures, row.window_started_at, row.locked_until = 0, None, None
    row.save()
    audit.record("unlock", row, acting_user=acting_user, before=before,
                 after={"failures": 0, "locked_until": None})
    return row


# Two-factor log-in -------------------------------------------------------------------------

def requires_two_factor(user) -> bool:
    """Does an administrator require a second factor for one of this user's roles?"""
    roles = set(TwoFactorRequirement.objects.values_list("role", flat=True))
    if not roles:
        return False
    if TwoFactorRequirement.ADMINISTRATOR in roles and (user.is_staff or user.is_superuser):
        return True
    from dientap.exercises.models import Membership

    return Membership.objects.filter(user=user, role__in=roles).exists()


def confirmed_device(user) -> TwoFactorDevice | None:
    return TwoFactorDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


@transaction.atomic
def device_start(user) -> TwoFactorDevice:
    """A new (unconfirmed) secret for the user; an unconfirmed one is reused."""
    device = TwoFactorDevice.objects.select_for_update().filter(user=user).first()
    if device is not None and device.confirmed_at is not None:
        raise ValidationError(_("Two-factor log-in is already set up for this account."))
    if device is None:
        device = TwoFactorDevice.objects.create(user=user, secret=otp.random_secret())
    return device


def _seed(device: TwoFactorDevice) -> str:
    try:
        return device.secret
    except crypto.SecretUnavailable as exc:
        raise ValidationError(_(
            "Your authenticator cannot be read on this installation (its key has changed). "
            "Use a recovery code, or ask an administrator to reset your two-factor log-in."),
            code="unreadable") from exc


@transaction.atomic
def device_confirm(user, *, code: str) -> TwoFactorDevice:
    device = TwoFactorDevice.objects.select_for_update().get(user=user)
    step = otp.verify(_seed(device), code, last_used_step=device.last_used_step)
    if step is None:
        raise ValidationError(_("The code is not right. Check the time on your phone and enter "
                                "the code shown now."))
    device.confirmed_at, device.last_used_step = timezone.now(), step
    device.save()
    audit.record("create", device, acting_user=user, after=audit.snapshot(device))
    return device


@transaction.atomic
def device_check(user, *, code: str) -> bool:
    """True when `code` is right for the user's confirmed device (each code works once), or
    is one of the user's unused recovery codes (then used up)."""
    device = (TwoFactorDevice.objects.select_for_update()
              .filter(user=user, confirmed_at__isnull=False).first())
    if device is None:
        return False
    if otp.is_recovery_code(code):
        return recovery_code_use(user, code)
    seed = _seed(device)
    step = otp.verify(seed, code, last_used_step=device.last_used_step)
    if step is None:
        return False
    device.last_used_step = step
    device.secret = seed  # encrypted anew under the current key (after a key rotation)
    device.save(update_fields=["last_used_step", "secret_encrypted"])
    return True


@transaction.atomic
def device_reset(device: TwoFactorDevice, *, acting_user) -> None:
    """Remove a user's authenticator (lost phone) and recovery codes; they enrol again at
    their next log-in."""
    audit.record("delete", device, acting_user=acting_user, before=audit.snapshot(device))
    RecoveryCode.objects.filter(user=device.user).delete()
    device.delete()


RECOVERY_CODES = 10


@transaction.atomic
def recovery_codes_make(user, *, acting_user) -> list[str]:
    """New recovery codes for a user with a confirmed authenticator (the old ones stop
    working). The codes are returned to be shown once; only keyed digests are stored."""
    device = confirmed_device(user)
    if device is None:
        raise ValidationError(_("Set up two-factor log-in first."))
    RecoveryCode.objects.filter(user=user).delete()
    codes = [otp.random_recovery_code() for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.bulk_create([
        RecoveryCode(user=user, digest=crypto.keyed_digest("recovery", otp.normal_code(c)))
        for c in codes])
    audit.record("update", device, acting_user=acting_user,
                 after={"recovery_codes": len(codes)})
    return codes


def recovery_codes_left(user) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


@transaction.atomic
def recovery_code_use(user, code: str) -> bool:
    """True (and the code used up) when `code` is one of the user's unused recovery codes."""
    digest = crypto.keyed_digest("recovery", otp.normal_code(code))
    row = (RecoveryCode.objects.select_for_update()
           .filter(user=user, digest=digest, used_at__isnull=True).first())
    if row is None:
        return False
    row.used_at = timezone.now()
    row.save(update_fields=["used_at"])
    device = confirmed_device(user)
    audit.record("update", device or row, acting_user=user, after={
        "recovery_code_used": True, "recovery_codes_left": recovery_codes_left(user)})
    return True


def session_started(request, user) -> None:
    """At every log-in (the log-in page, the admin's, a test client's force_login: connected to
    Django's `user_logged_in` in AccountsConfig.ready): start the session clocks and decide
    whether this session still owes a second factor, so requests pay no query for it."""
    now = int(timezone.now().timestamp())
    request.session[SESSION_STARTED] = request.session[SESSION_SEEN] = now
    if confirmed_device(user) is None and not requires_two_factor(user):
        request.session[TWO_FACTOR_OK] = user.pk
    else:
        request.session.pop(TWO_FACTOR_OK, None)


def on_user_logged_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        session_started(request, user)
