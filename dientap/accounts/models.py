from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from dientap.core.scoping import RestrictedQuerySet


class UserManager(DjangoUserManager.from_queryset(RestrictedQuerySet)):
    pass


class Clearance(models.IntegerChoices):
    """State-secret levels (Law on Protection of State Secrets 2018), lowest first."""

    NONE = 0, _("Unclassified")
    CONFIDENTIAL = 1, _("Confidential (Mật)")
    SECRET = 2, _("Secret (Tối mật)")
    TOP_SECRET = 3, _("Top secret (Tuyệt mật)")


class User(AbstractUser):
    """A person who logs in. Belongs to a body; roles are per exercise (exercises.Membership)."""

    body = models.ForeignKey(
        "organizations.Body",
        verbose_name=_("body"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="users",
    )
    person = models.OneToOneField(
        "organizations.Person",
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
    )
    clearance = models.IntegerField(
        _("clearance"), choices=Clearance.choices, default=Clearance.NONE
    )
    inspected_area = models.ForeignKey(
        "organizations.Area",
        verbose_name=_("inspects area"),
        help_text=_(
            "For a higher-level inspector: sees the exercises of this area and all areas under it."
        ),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspectors",
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    objects = UserManager()

    audit_exclude = ("password", "last_login", "date_joined")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.username

    @classmethod
    def scope_filter(cls, user, action):
        # Users see themselves and the users of the bodies they may see (to give them roles);
        # only administrators (superusers) change accounts other than their own.
        if action != "view":
            return models.Q(pk=user.pk)
        from dientap.organizations.models import Body

        return models.Q(pk=user.pk) | models.Q(body__in=Body.objects.restrict(user, "view"))


class LoginThrottle(models.Model):
    """Failed log-in attempts for one user name or one client address (shared by all processes).

    After too many failures within the window the key is locked until `locked_until`; an
    administrator can unlock it earlier (accounts.security.unlock). Every lock and unlock is
    in the audit log.
    """

    class Kind(models.TextChoices):
        USERNAME = "username", _("user name")
        ADDRESS = "address", _("client address")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    key = models.CharField(_("key"), max_length=150)
    failures = models.PositiveIntegerField(_("failed attempts"), default=0)
    window_started_at = models.DateTimeField(_("counting since"), null=True, blank=True)
    last_failure_at = models.DateTimeField(_("last failed attempt"), null=True, blank=True)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    class Meta:
        verbose_name = _("log-in lock")
        verbose_name_plural = _("log-in locks")
        ordering = ["-last_failure_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="login_throttle_unique_key")
        ]

    def __str__(self):
        if self.kind == self.Kind.USERNAME:
            return _("user name “{key}”").format(key=self.key)
        return _("address {key}").format(key=self.key)

    def is_locked(self, now) -> bool:
        return self.locked_until is not None and self.locked_until > now


def _two_factor_role_choices():
    from dientap.exercises.models import Membership

    return [(TwoFactorRequirement.ADMINISTRATOR, _("Administrator (staff account)")),
            *Membership.Role.choices]


class TwoFactorRequirement(models.Model):
    """A role whose holders must log in with a one-time code (set by an administrator).

    A user holds a role when they have it in any exercise; "administrator" means a staff
    account. Takes effect at each user's next log-in.
    """

    ADMINISTRATOR = "administrator"

    role = models.CharField(_("role"), max_length=20, unique=True,
                            choices=_two_factor_role_choices)

    class Meta:
        verbose_name = _("two-factor requirement")
        verbose_name_plural = _("two-factor requirements")
        ordering = ["role"]

    def __str__(self):
        return str(self.get_role_display())


class TwoFactorDevice(models.Model):
    """A user's authenticator app (TOTP, RFC 6238): confirmed once a first code was right."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                                on_delete=models.CASCADE, related_name="two_factor")
    # The TOTP seed, encrypted (see accounts/crypto.py); read and set through `secret`.
    secret_encrypted = models.TextField(_("secret (encrypted)"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    last_used_step = models.BigIntegerField(_("last code used"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    audit_exclude = ("secret_encrypted", "last_used_step")

    class Meta:
        verbose_name = _("two-factor device")
        verbose_name_plural = _("two-factor devices")

    def __str__(self):
        return _("authenticator of {user}").format(user=self.user)

    @property
    def secret(self) -> str:
        """The seed in clear (raises crypto.SecretUnavailable when the key is gone)."""
        from .crypto import decrypt

        return decrypt(self.secret_encrypted)

    @secret.setter
    def secret(self, value: str) -> None:
        from .crypto import encrypt

        self.secret_encrypted = encrypt(value)


class RecoveryCode(models.Model):
    """A one-time code that replaces the authenticator's code (lost phone). Only a keyed
    digest is stored; the codes are shown once, when made."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                             on_delete=models.CASCADE, related_name="recovery_codes")
    digest = models.CharField(_("digest"), max_length=64)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    audit_exclude = ("digest",)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        constraints = [models.UniqueConstraint(fields=["user", "digest"],
                                               name="recovery_code_unique")]

    def __str__(self):
        return _("recovery code of {user}").format(user=self.user)
