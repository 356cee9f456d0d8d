"""The scenario of an exercise (its situations, the MSEL), the exercise clock, the delivery of
each issued situation to each receiving body, and communication checks.

Who sees a situation is decided in one place, ``Situation.scope_filter``: the exercise's
Organizing Committee staff, directors and observers (and administrators) see the whole
scenario; a frame body sees a situation only once it is issued and only when it is one of the
receiving bodies; nobody sees a situation classified above their clearance.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dientap.accounts.models import Clearance
from dientap.core.scoping import VIEW
from dientap.exercises import access
from dientap.exercises.models import Exercise, ExerciseChild, Membership

from . import scenario_time

# Who sees the whole scenario of an exercise (besides administrators).
STAFF_ROLES = (Membership.Role.ORGANIZER, Membership.Role.DIRECTOR, Membership.Role.OBSERVER)


def _staff_q(user, path: str = "exercise") -> Q:
    """Rows of the exercises where the user is on the staff (organizer, director, observer)."""
    return access.role_q(user, path, STAFF_ROLES)


def _choice_label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


class Handling(models.TextChoices):
    ADVISE = "advise", _("Advise (propose)")
    CONVENE = "convene", _("Convene a conference")
    DECIDE = "decide", _("Decide")
    ORDER = "order", pgettext_lazy("expected handling", "Order")
    REPORT = "report", _("Report up")


class Situation(ExerciseChild):
    """A situation (tình huống, an inject) handed to players at a scenario time."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", pgettext_lazy("situation", "Scheduled")
        HELD = "held", _("Held")
        ISSUED = "issued", pgettext_lazy("situation", "Issued")
        SKIPPED = "skipped", _("Skipped")

    class IssuerKind(models.TextChoices):
        HIGHER_LEVEL = "higher_level", _("Higher level")
        DIRECTOR = "director", _("Director")
        SIMULATED = "simulated", _("Simulated actor")

    exercise = models.ForeignKey(Exercise, verbose_name=_("exercise"), on_delete=models.CASCADE,
                                 related_name="situations")
    code = models.CharField(_("code"), max_length=30, help_text=_("e.g. TH-01"))
    title = models.CharField(_("title"), max_length=300)
    content = models.TextField(_("content"))
    scenario_minutes = models.IntegerField(
        _("scenario time"),
        help_text=_("Minutes from day N 00:00 (or from G when G-relative)."))
    g_relative = models.BooleanField(_("relative to G"), default=False)
    issuer_kind = models.CharField(_("issued by"), max_length=20, choices=IssuerKind.choices,
                                   default=IssuerKind.DIRECTOR)
    issuer = models.CharField(_("issuer"), max_length=200, blank=True,
                              help_text=_("e.g. Bộ Tư lệnh Quân khu 2"))
    method = models.CharField(_("method"), max_length=200, blank=True,
                              help_text=_("How it is delivered: document, telephone, radio …"))
    receiving_bodies = models.ManyToManyField("organizations.Body",
                                              verbose_name=_("receiving bodies"),
                                              related_name="+")
    handling_kind = models.CharField(_("expected handling"), max_length=20,
                                     choices=Handling.choices, default=Handling.ADVISE)
    expected_handling = models.TextField(_("expected action"), blank=True)
    deadline_minutes = models.PositiveIntegerField(
        _("deadline (minutes)"), null=True, blank=True,
        help_text=_("Minutes of real time after issue; empty for no deadline."))
    documents = models.ManyToManyField("documents.Document", verbose_name=_("related documents"),
                                       blank=True, related_name="situations")
    content_item = models.ForeignKey("exercises.ContentItem", verbose_name=_("content item"),
                                     null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="situations")
    classification = models.IntegerField(_("classification"), choices=Clearance.choices,
                                         default=Clearance.NONE)
    depends_on = models.ForeignKey(
        "self", verbose_name=_("issued after"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="dependants",
        help_text=_("Issue this situation only after that one was handled."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.SCHEDULED, editable=False)
    position = models.PositiveIntegerField(_("number"), default=0)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True, editable=False)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"),
                                  null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", editable=False)
    issued_by_clock = models.BooleanField(_("issued by the clock"), default=False,
                                          editable=False)
    issued_scenario_minutes = models.IntegerField(_("scenario time at issue"), null=True,
                                                  blank=True, editable=False)

    class Meta:
        verbose_name = _("situation")
        verbose_name_plural = _("situations")
        ordering = ["exercise", "g_relative", "scenario_minutes", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["exercise", "code"], name="situation_code_once",
                                    violation_error_message=_(
                                        "This exercise already has a situation with this code.")),
        ]
        indexes = [models.Index(fields=["exercise", "status"])]

    def __str__(self):
        return f"{self.code}: {self.title}"

    def get_absolute_url(self):
        return reverse("scenarios:detail", args=[self.exercise_id, self.pk])

    @property
    def time_label(self) -> str:
        return scenario_time.format_time(self.scenario_minutes, self.g_relative)

    @property
    def time_long(self) -> str:
        return scenario_time.format_long(self.scenario_minutes, self.g_relative)

    # The labels of the choices, for lists: ``get_FOO_display`` hashes every lazy label of the
    # field's choices on each call, which a page of fifty rows pays two hundred times.
    @property
    def status_label(self) -> str:
        return _choice_label(self.Status, self.status)

    @property
    def issuer_kind_label(self) -> str:
        return _choice_label(self.IssuerKind, self.issuer_kind)

    @property
    def handling_label(self) -> str:
        return _choice_label(Handling, self.handling_kind)

    @property
    def classification_label(self) -> str:
        return _choice_label(Clearance, self.classification)

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.SCHEDULED, self.Status.HELD)

    @classmethod
    def scope_filter(cls, user, action):
        cleared = Q(classification__lte=user.clearance)
        if action == VIEW:
            who = _staff_q(user)
            if user.body_id:
                who |= Q(status=cls.Status.ISSUED) & Q(pk__in=cls.receiving_bodies.through.objects
                                                        .filter(body_id=user.body_id)
                                                        .values("situation_id"))
            return access.visible_q(user, "exercise") & who & cleared
        return access.role_q(user, "exercise", Membership.MANAGING_ROLES) & cleared


class Delivery(ExerciseChild):
    """An issued situation as one receiving body got it: acknowledged, then handled."""

    exercise_path = "situation__exercise"

    situation = models.ForeignKey(Situation, verbose_name=_("situation"),
                                  on_delete=models.CASCADE, related_name="deliveries")
    body = models.ForeignKey("organizations.Body", verbose_name=_("body"),
                             on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField(_("to be handled by"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("acknowledged by"),
                                        null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handled by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    handling_kind = models.CharField(_("handling"), max_length=20, choices=Handling.choices,
                                     blank=True)
    handling_text = models.TextField(_("what was done"), blank=True)
    documents = models.ManyToManyField("documents.Document", verbose_name=_("attached documents"),
                                       blank=True, related_name="+")
    late = models.BooleanField(_("late"), default=False)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["situation", "body__sort_order", "body__name"]
        constraints = [
            models.UniqueConstraint(fields=["situation", "body"], name="delivery_once"),
        ]

    def __str__(self):
        return f"{self.situation.code} → {self.body}"

    def audit_exercise_id(self):
        return self.situation.exercise_id

    def is_overdue(self, now) -> bool:
        """Not handled and past its deadline (or handled late)."""
        if self.handled_at:
            return self.late
        return bool(self.due_at and now > self.due_at)

    @classmethod
    def scope_filter(cls, user, action):
        # The situation's own VIEW rule (Situation.scope_filter), written on the joined
        # situation rather than as `situation__in=` every situation the user may see: that
        # subquery made PostgreSQL build the set over all exercises before narrowing to one.
        staff = _staff_q(user, "situation__exercise")
        who = staff
        if user.body_id:
            who |= Q(situation__status=Situation.Status.ISSUED) & Q(
                situation_id__in=Situation.receiving_bodies.through.objects
                .filter(body_id=user.body_id).values("situation_id"))
        visible = (access.visible_q(user, "situation__exercise") & who
                   & Q(situation__classification__lte=user.clearance))
        own = Q(body_id=user.body_id) if user.body_id else Q(pk__in=[])
        if action == VIEW:
            return visible & (staff | own)
        return visible & own


class ExerciseClock(ExerciseChild):
    """The exercise clock: scenario time against real time (one per exercise).

    While running, scenario-now = anchor_scenario + (now - anchor_real) × speed. Pausing,
    resuming, jumping and changing speed move the anchor; the clock is in the database, so a
    restarted server carries on with the same clock.
    """

    class State(models.TextChoices):
        STOPPED = "stopped", _("Not started")
        RUNNING = "running", _("Running")
        PAUSED = "paused", _("Paused")

    exercise = models.OneToOneField(Exercise, verbose_name=_("exercise"),
                                    on_delete=models.CASCADE, related_name="clock")
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.STOPPED)
    speed = models.FloatField(_("speed"), default=1.0,
                              validators=[MinValueValidator(0.1), MaxValueValidator(120)],
                              help_text=_("Scenario minutes per real minute."))
    anchor_real = models.DateTimeField(_("anchor (real time)"), null=True, blank=True)
    anchor_scenario_seconds = models.BigIntegerField(_("anchor (scenario time, seconds)"),
                                                     default=0)
    g_minutes = models.IntegerField(_("G hour"), null=True, blank=True,
                                    help_text=_("Scenario time of the G hour."))

    class Meta:
        verbose_name = _("exercise clock")
        verbose_name_plural = _("exercise clocks")

    def __str__(self):
        return f"{self.exercise}: {self.get_state_display()}"


class CommCheck(ExerciseChild):
    """A communication check sent to every body of the frame before a round."""

    exercise = models.ForeignKey(Exercise, verbose_name=_("exercise"), on_delete=models.CASCADE,
                                 related_name="comm_checks")
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sent by"), null=True,
                                blank=True, on_delete=models.SET_NULL, related_name="+")
    bodies = models.ManyToManyField("organizations.Body", verbose_name=_("bodies"),
                                    related_name="+")

    class Meta:
        verbose_name = _("communication check")
        verbose_name_plural = _("communication checks")
        ordering = ["exercise", "-sent_at", "-id"]

    def __str__(self):
        return str(_("Communication check {time}").format(
            time=self.sent_at.strftime("%d/%m/%Y %H:%M") if self.sent_at else ""))


class CommCheckReply(ExerciseChild):
    exercise_path = "comm_check__exercise"

    comm_check = models.ForeignKey(CommCheck, verbose_name=_("communication check"),
                              on_delete=models.CASCADE, related_name="replies")
    body = models.ForeignKey("organizations.Body", verbose_name=_("body"),
                             on_delete=models.CASCADE, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed at"))
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"),
                                     null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    class Meta:
        verbose_name = _("communication check reply")
        verbose_name_plural = _("communication check replies")
        constraints = [
            models.UniqueConstraint(fields=["comm_check", "body"], name="comm_reply_once"),
        ]

    def __str__(self):
        return f"{self.comm_check}: {self.body}"

    def audit_exercise_id(self):
        return self.comm_check.exercise_id
