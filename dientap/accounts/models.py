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
