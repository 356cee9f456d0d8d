"""Oversight and follow-up: observations on the spot, evaluation, corrective actions to closure
(the HSEEP improvement plan), round readiness, preparation checks and the budget.

Who sees what is decided here, in the ``scope_filter`` of each model:

- observations, scores and criteria: the Organizing Committee, directors, observers and
  inspectors of the exercise (role or inspected area); an observation about a document
  version only for who may see that document;
- corrective actions, checklist items and budget lines: the same people, and the members of
  the owning body (their own only).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dientap.core.scoping import VIEW
from dientap.exercises import access
from dientap.exercises.models import Exercise, ExerciseChild, Membership

OVERSIGHT_ROLES = (Membership.Role.ORGANIZER, Membership.Role.DIRECTOR,
                   Membership.Role.OBSERVER, Membership.Role.INSPECTOR)


def overseen_q(user, path: str = "exercise") -> Q:
    """Rows of the exercises the user oversees: by role, or as an inspector of an area above
    them."""
    return access.role_q(user, path, OVERSIGHT_ROLES, inspector=True)


def managed_q(user, path: str = "exercise") -> Q:
    return access.role_q(user, path, Membership.MANAGING_ROLES)


def overseen_exercises(user):
    """The exercises the user oversees (a queryset of their ids)."""
    return Exercise.objects.filter(overseen_q(user, "pk")).values("pk")


def _oversight_scope(user, action, path="exercise"):
    """Visible to overseers; changed by the Organizing Committee and directors."""
    if action == VIEW:
        return overseen_q(user, path)
    return managed_q(user, path)


def _owned_scope(user, action, path="exercise"):
    """Overseers see all; members of the owning body see (and work on) their own."""
    own = Q(owner_body_id=user.body_id) if user.body_id else Q(pk__in=[])
    by_role = overseen_q(user, path) if action == VIEW else managed_q(user, path)
    return by_role | (access.visible_q(user, path) & own)


# --- evaluation -------------------------------------------------------------------------------

class Scale(ExerciseChild):
    """A rating scale as data: Giỏi / Khá / Đạt / Không đạt, or HSEEP's P / S / M / U."""

    exercise = models.ForeignKey(Exercise, verbose_name=_("exercise"), on_delete=models.CASCADE,
                                 related_name="scales")
    code = models.SlugField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("rating scale")
        verbose_name_plural = _("rating scales")
        ordering = ["exercise", "id"]
        constraints = [models.UniqueConstraint(fields=["exercise", "code"], name="scale_once")]

    def __str__(self):
        return self.name

    @classmethod
    def scope_filter(cls, user, action):
        return _oversight_scope(user, action)


class ScaleLevel(ExerciseChild):
    exercise_path = "scale__exercise"

    scale = models.ForeignKey(Scale, verbose_name=_("scale"), on_delete=models.CASCADE,
                              related_name="levels")
    code = models.CharField(_("code"), max_length=10)
    label = models.CharField(_("label"), max_length=100)
    points = models.PositiveSmallIntegerField(
        _("points"), help_text=_("Higher is better; used for averages."))

    class Meta:
        verbose_name = _("scale level")
        verbose_name_plural = _("scale levels")
        ordering = ["scale", "-points", "id"]
        constraints = [models.UniqueConstraint(fields=["scale", "code"], name="scale_level_once")]

    def __str__(self):
        return self.label

    def audit_exercise_id(self):
        return self.scale.exercise_id

    @classmethod
    def scope_filter(cls, user, action):
        return _oversight_scope(user, action, "scale__exercise")


class Criterion(ExerciseChild):
    exercise = models.ForeignKey(Exercise, verbose_name=_("exercise"), on_delete=models.CASCADE,
                                 related_name="criteria")
    position = models.PositiveIntegerField(_("order"), default=0)
    title = models.CharField(_("criterion"), max_length=300)
    description = models.TextField(_("what is looked at"), blank=True)
    scale = models.ForeignKey(Scale, verbose_name=_("scale"), on_delete=models.RESTRICT,
                              related_name="criteria")

    class Meta:
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")
        ordering = ["exercise", "position", "id"]

    def __str__(self):
        return self.title

    @classmethod
    def scope_filter(cls, user, action):
        return _oversight_scope(user, action)


# --- observations -----------------------------------------------------------------------------

class Observation(ExerciseChild):
    """Something seen on the spot: a strength, a shortcoming or a proposal, about one thing."""

    class Kind(models.TextChoices):
        STRENGTH = "strength", _("Strength")
        SHORTCOMING = "shortcoming", _("Shortcoming")
        PROPOSAL = "proposal", _("Proposal")

    exercise = models.ForeignKey(Exercise, verbose_name=_("exercise"), on_delete=models.CASCADE,
                                 related_name="observations")
    round = models.ForeignKey("exercises.Round", verbose_name=_("round"), null=True,
                              blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    text = models.TextField(_("observation"))
    body = models.ForeignKey("organizations.Body", verbose_name=_("about the body"), null=True,
                             blank=True, on_delete=models.PROTECT, related_name="+")
    holding = models.ForeignKey("conferences.Holding", verbose_name=_("about the holding"),
                                null=True, blank=True, on_delete=models.RESTRICT,
                                related_name="observations")
    agenda_item = models.ForeignKey("conferences.AgendaItem",
                                    verbose_name=_("about the agenda item"), null=True,
                                    blank=True, on_delete=models.RESTRICT, related_name="+")
    document_version = models.ForeignKey("documents.DocumentVersion",
                                         verbose_name=_("about the document version"),
                                         null=True, blank=True, on_delete=models.RESTRICT,
                                         related_name="+")
    delivery = models.ForeignKey("scenarios.Delivery",
                                 verbose_name=_("about the handling of a situation"), null=True,
                                 blank=True, on_delete=models.RESTRICT, related_name="+")
    observed_at = models.DateTimeField(_("time"), default=timezone.now)
    scenario_time = models.CharField(_("scenario time"), max_length=40, blank=True,
                                     help_text=_("e.g. N-5, 07:30"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("observer"), null=True,
                               blank=True, on_delete=models.SET_NULL, related_name="+")
    photo_sha256 = models.CharField(_("photo"), max_length=64, blank=True, editable=False)
    photo_type = models.CharField(_("photo type"), max_length=20, blank=True, editable=False)
    photo_size = models.PositiveIntegerField(_("photo size"), default=0, editable=False)

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["-observed_at", "-id"]
        # The list's order within an exercise: a page is a short index range, not a sort.
        indexes = [models.Index(fields=["exercise", "-observed_at", "-id"],
                                name="observation_newest")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:60]}"

    def get_absolute_url(self):
        return reverse("oversight:observations", args=[self.exercise_id]) + f"#obs-{self.pk}"

    @property
    def subject(self):
        if self.agenda_item_id:
            return self.agenda_item
        return self.holding or self.document_version or self.delivery or self.body

    @classmethod
    def scope_filter(cls, user, action):
        from dientap.documents.models import DocumentVersion
        from dientap.scenarios.models import Delivery

        q = _oversight_scope(user, VIEW)
        q &= Q(document_version__isnull=True) | Q(
            document_version__in=DocumentVersion.objects.restrict(user, VIEW))
        q &= Q(delivery__isnull=True) | Q(delivery__in=Delivery.objects.restrict(user, VIEW))
        if action != VIEW:
            q &= managed_q(user) | Q(author=user)
        return q


# --- scores -----------------------------------------------------------------------------------

class Score(ExerciseChild):
    """A criterion scored for a body (in a round) or for a holding (its conference's body)."""

    exercise_path = "criterion__exercise"

    criterion = models.ForeignKey(Criterion, verbose_name=_("criterion"),
                                  on_delete=models.CASCADE, related_name="scores")
    round = models.ForeignKey("exercises.Round", verbose_name=_("round"),
                              on_delete=models.RESTRICT, related_name="+")
    body = models.ForeignKey("organizations.Body", verbose_name=_("body"),
                             on_delete=models.PROTECT, related_name="+")
    holding = models.ForeignKey("conferences.Holding", verbose_name=_("holding"), null=True,
                                blank=True, on_delete=models.RESTRICT, related_name="+")
    level = models.ForeignKey(ScaleLevel, verbose_name=_("rating"), on_delete=models.RESTRICT,
                              related_name="+")
    comment = models.TextField(_("comment"), blank=True)
    evidence = models.ManyToManyField(Observation, verbose_name=_("evidence"), blank=True,
                                      related_name="scores")
    scored_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("scored by"),
                                  null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["criterion__position", "body__sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["criterion", "round", "body"],
                                    condition=Q(holding__isnull=True), name="score_body_once"),
            models.UniqueConstraint(fields=["criterion", "holding"],
                                    condition=Q(holding__isnull=False),
                                    name="score_holding_once"),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.level}"

    def audit_exercise_id(self):
        return self.criterion.exercise_id

    @classmethod
    def scope_filter(cls, user, action):
        return _oversight_scope(user, action, "criterion__exercise")


# --- corrective actions -----------------------------------------------------------------------

class CorrectiveAction(ExerciseChild):
    """Nội dung cần sửa đổi, bổ sung, khắc phục: a directive to a body, tracked to closure."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("corrective action", "Open")
        IN_PROGRESS = "in_progress", pgettext_lazy("corrective action", "In progress")
        DONE = "done", pgettext_lazy("corrective action", "Done")
        VERIFIED = "verified", _("Verified")
        REOPENED = "reopened", _("Reopened")

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS, Status.REOPENED)
    FIXED_STATUSES = (Status.DONE, Status.VERIFIED)

    exercise = models.ForeignKey(Exercise, verbose_name=_("exercise"), on_delete=models.CASCADE,
                                 related_name="corrective_actions")
    round = models.ForeignKey("exercises.Round", verbose_name=_("raised in round"), null=True,
                              blank=True, on_delete=models.RESTRICT, related_name="+")
    owner_body = models.ForeignKey("organizations.Body", verbose_name=_("owner body"),
                                   on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("what to change"), max_length=500)
    description = models.TextField(_("details"), blank=True)
    due_date = models.DateField(_("due date"))
    blocking = models.BooleanField(
        _("blocking"), default=False,
        help_text=_("The round cannot be marked ready for the next one while this is open."))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.OPEN, editable=False)
    observation = models.ForeignKey(Observation, verbose_name=_("from the observation"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="actions")
    comment = models.ForeignKey("documents.Comment", verbose_name=_("from the review comment"),
                                null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    raised_again_from = models.ForeignKey(
        "self", verbose_name=_("raised again from"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="raised_again")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("raised by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True, editable=False)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("done by"), null=True,
                                blank=True, on_delete=models.SET_NULL, related_name="+",
                                editable=False)
    done_note = models.TextField(_("what was done"), blank=True, editable=False)
    fixed_by_version = models.ForeignKey("documents.DocumentVersion",
                                         verbose_name=_("fixed by the document version"),
                                         null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="+", editable=False)
    fixed_by_holding = models.ForeignKey("conferences.Holding",
                                         verbose_name=_("fixed in the holding"), null=True,
                                         blank=True, on_delete=models.SET_NULL,
                                         related_name="+", editable=False)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True, editable=False)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("verified by"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", editable=False)
    reopen_reason = models.TextField(_("reason for reopening"), blank=True, editable=False)

    class Meta:
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["exercise", "due_date", "id"],
                                name="action_by_due_date")]

    def __str__(self):
        return self.title[:120]

    def get_absolute_url(self):
        return reverse("oversight:action", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def is_overdue(self, today=None) -> bool:
        return self.is_open and self.due_date < (today or timezone.localdate())

    @classmethod
    def scope_filter(cls, user, action):
        return _owned_scope(user, action)


class RoundReadiness(ExerciseChild):
    """A round marked "ready for the next round"; an override records who and why."""

    exercise_path = "round__exercise"

    round = models.OneToOneField("exercises.Round", verbose_name=_("round"),
                                 on_delete=models.CASCADE, related_name="readiness")
    ready_at = models.DateTimeField(_("marked ready at"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("marked ready by"),
                           null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    override_reason = models.TextField(_("reason for the override"), blank=True)
    open_blocking = models.JSONField(_("blocking actions open at the time"), default=list,
                                     blank=True)

    class Meta:
        verbose_name = _("round readiness")
        verbose_name_plural = _("round readiness")

    def __str__(self):
        return str(self.round)

    def audit_exercise_id(self):
        return self.round.exercise_id

    @classmethod
    def scope_filter(cls, user, action):
        return _oversight_scope(user, action, "round__exercise")


# --- preparation checks and budget ------------------------------------------------------------

class ChecklistItem(ExerciseChild):
    """Cơ sở vật chất, điều kiện đảm bảo, an toàn: one thing to have ready, with evidence."""

    class Category(models.TextChoices):
        ROOMS = "rooms", _("Rooms")
        MAPS = "maps", _("Maps and sand tables")
        COMMUNICATIONS = "communications", _("Communications")
        TRANSPORT = "transport", _("Transport")
        EQUIPMENT = "equipment", _("Equipment")
        LOGISTICS = "logistics", _("Logistics")
        SAFETY = "safety", _("Safety")

    class Status(models.TextChoices):
        TODO = "todo", _("To do")
        IN_PROGRESS = "in_progress", pgettext_lazy("corrective action", "In progress")
        READY = "ready", _("Ready")
        PROBLEM = "problem", _("Problem")

    exercise = models.ForeignKey(Exercise, verbose_name=_("exercise"), on_delete=models.CASCADE,
                                 related_name="checklist")
    round = models.ForeignKey("exercises.Round", verbose_name=_("for the round"), null=True,
                              blank=True, on_delete=models.SET_NULL, related_name="+")
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    title = models.CharField(_("item"), max_length=300)
    owner_body = models.ForeignKey("organizations.Body", verbose_name=_("owner body"),
                                   on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.TODO)
    evidence = models.TextField(_("evidence"), blank=True)
    evidence_sha256 = models.CharField(_("evidence file"), max_length=64, blank=True,
                                       editable=False)
    evidence_type = models.CharField(_("evidence file type"), max_length=20, blank=True,
                                     editable=False)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("preparation checklist")
        ordering = ["exercise", "category", "due_date", "id"]

    def __str__(self):
        return self.title

    def is_overdue(self, today=None) -> bool:
        return self.status != self.Status.READY and self.due_date < (
            today or timezone.localdate())

    @classmethod
    def scope_filter(cls, user, action):
        return _owned_scope(user, action)


class BudgetLine(ExerciseChild):
    """Kinh phí: a planned line and what was actually spent, in đồng (integers)."""

    exercise = models.ForeignKey(Exercise, verbose_name=_("exercise"), on_delete=models.CASCADE,
                                 related_name="budget")
    title = models.CharField(_("line"), max_length=300)
    owner_body = models.ForeignKey("organizations.Body", verbose_name=_("owner body"),
                                   on_delete=models.PROTECT, related_name="+")
    planned = models.PositiveBigIntegerField(_("planned (VND)"))
    actual = models.PositiveBigIntegerField(_("actual (VND)"), default=0)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget")
        ordering = ["exercise", "id"]

    def __str__(self):
        return self.title

    @property
    def variance(self) -> int:
        return self.actual - self.planned

    @classmethod
    def scope_filter(cls, user, action):
        return _owned_scope(user, action)
