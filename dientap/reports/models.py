"""Round reports (báo cáo rút kinh nghiệm) and the final review report (báo cáo tổng kết).

A report is generated from the data of the exercise (``selectors.gather``) into editable text
sections and a snapshot of the figures its tables and charts print (``data``), so that every
reader who may see the report downloads the same document. Its classification is the highest
of what it includes (``selectors.classification_of``); an unclassified version leaves the
classified details out and is never classified.

Who sees a report is decided in one place, ``Report.scope_filter``: everyone who sees the
exercise sees its unclassified reports; a classified report only those cleared to its level
who oversee the exercise (Organizing Committee staff, directors, observers, inspectors) or
belong to the issuing body. Organizing Committee staff and directors change them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dientap.accounts.models import Clearance
from dientap.core.scoping import VIEW, RestrictedQuerySet
from dientap.documents.models import SECRECY_MARK
from dientap.exercises import access
from dientap.exercises.models import Exercise, ExerciseChild, Membership

# The editable sections, in the order they are printed.
SECTIONS = ("overview", "conduct", "strengths", "shortcomings", "conclusion")


class Report(ExerciseChild):
    class Kind(models.TextChoices):
        ROUND = "round", _("Round report (lessons learned)")
        FINAL = "final", _("Final review report")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FINAL = "final", _("Final")

    exercise = models.ForeignKey(Exercise, verbose_name=_("exercise"), on_delete=models.CASCADE,
                                 related_name="reports")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    round = models.ForeignKey("exercises.Round", verbose_name=_("round"), null=True,
                              blank=True, on_delete=models.RESTRICT, related_name="+")
    issuing_body = models.ForeignKey("organizations.Body", verbose_name=_("issuing body"),
                                     on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("summary (trích yếu)"), max_length=500)
    overview = models.TextField(_("overview of the exercise"), blank=True)
    conduct = models.TextField(_("what was done"), blank=True)
    strengths = models.TextField(_("strengths"), blank=True)
    shortcomings = models.TextField(_("shortcomings"), blank=True)
    conclusion = models.TextField(_("conclusion and proposals"), blank=True)
    unclassified = models.BooleanField(
        _("unclassified version"), default=False,
        help_text=_("Leave classified details out: the report then carries no secrecy mark."))
    classification = models.IntegerField(_("classification"), choices=Clearance.choices,
                                         default=Clearance.NONE, editable=False)
    data = models.JSONField(_("figures"), default=dict, blank=True, editable=False)
    generated_at = models.DateTimeField(_("figures as of"), null=True, blank=True,
                                        editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    place = models.CharField(_("place name"), max_length=100, blank=True)
    issuer_code = models.CharField(_("issuer code in the symbol"), max_length=20, blank=True)
    sign_authority = models.CharField(_("signing authority"), max_length=5, blank=True,
                                      default="TM.")
    sign_on_behalf = models.CharField(_("on behalf of"), max_length=200, blank=True)
    sign_title = models.CharField(_("signer's post"), max_length=200, blank=True)
    sign_name = models.CharField(_("signer's name"), max_length=150, blank=True)
    document = models.ForeignKey(
        "documents.Document", verbose_name=_("in the document register as"), null=True,
        blank=True, on_delete=models.SET_NULL, related_name="+", editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["exercise", "kind", "round__start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="round") & Q(round__isnull=False))
                | (Q(kind="final") & Q(round__isnull=True)),
                name="report_round_for_round_reports",
                violation_error_message=_(
                    "A round report needs its round; the final report has none.")),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reports:edit", args=[self.exercise_id, self.pk])

    @property
    def is_classified(self) -> bool:
        return self.classification > Clearance.NONE

    @property
    def secrecy_mark(self) -> str:  # the same marks as documents
        return SECRECY_MARK.get(self.classification, "")

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.round_id and self.exercise_id and self.round.exercise_id != self.exercise_id:
            raise ValidationError({"round": _("This round belongs to another exercise.")})

    @classmethod
    def scope_filter(cls, user, action):
        from dientap.oversight.models import overseen_q

        need_to_know = overseen_q(user)
        if user.body_id:
            need_to_know |= Q(issuing_body_id=user.body_id)
        cleared = Q(classification__lte=user.clearance) & need_to_know
        q = access.visible_q(user, "exercise") & (Q(classification=Clearance.NONE) | cleared)
        if action == VIEW:
            return q
        return q & access.role_q(user, "exercise", Membership.MANAGING_ROLES)


class ReportAccess(models.Model):
    """Who downloaded a classified report, when, and which copy (as documents' AccessLog)."""

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE,
                               related_name="access_log")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True,
                             on_delete=models.SET_NULL, related_name="+")
    user_name = models.CharField(_("user name"), max_length=150)
    body_name = models.CharField(_("body"), max_length=255, blank=True)
    timestamp = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    what = models.CharField(_("what"), max_length=100, blank=True)
    classification = models.IntegerField(_("classification"), choices=Clearance.choices)
    copy_number = models.PositiveIntegerField(_("copy number"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("report access log entry")
        verbose_name_plural = _("report access log")
        ordering = ["-timestamp", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "copy_number"],
                                    name="report_copy_number_once")
        ]

    def __str__(self):
        return f"{self.user_name} {self.report_id} #{self.copy_number}"

    @classmethod
    def scope_filter(cls, user, action):
        return Q(report__in=Report.objects.restrict(user, VIEW)) if action == VIEW else Q(
            pk__in=[])
