"""A conference is defined once (body, chair, output) and held in each round (a holding)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dientap.exercises.models import ExerciseChild


class Conference(ExerciseChild):
    class Kind(models.TextChoices):
        CONFERENCE = "conference", _("Conference")
        COUNCIL_SESSION = "council_session", _("Council session")
        BRIEFING = "briefing", _("Briefing")
        COMMAND_MEETING = "command_meeting", _("Command meeting")

    exercise = models.ForeignKey("exercises.Exercise", verbose_name=_("exercise"),
                                 on_delete=models.CASCADE, related_name="conferences")
    body = models.ForeignKey("organizations.Body", verbose_name=_("body"),
                             on_delete=models.PROTECT, related_name="conferences")
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices,
                            default=Kind.CONFERENCE)
    chair_post = models.ForeignKey("organizations.Post", verbose_name=_("chair"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    content_item = models.ForeignKey("exercises.ContentItem", verbose_name=_("content item"),
                                     null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="conferences")
    secretary_post = models.ForeignKey("organizations.Post", verbose_name=_("secretary"),
                                       null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")
    location = models.CharField(_("location"), max_length=255, blank=True)
    output = models.CharField(_("output"), max_length=300, blank=True,
                              help_text=_("What it must produce: resolution, decision, plan …"))
    sort_order = models.PositiveIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("conference")
        verbose_name_plural = _("conferences")
        ordering = ["exercise", "sort_order", "id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("conferences:detail", args=[self.pk])


class Holding(ExerciseChild):
    """A conference held in one round, at its own time and place."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        RUNNING = "running", _("In progress")
        FINISHED = "finished", _("Finished")

    exercise_path = "conference__exercise"

    conference = models.ForeignKey(Conference, verbose_name=_("conference"),
                                   on_delete=models.CASCADE, related_name="holdings")
    round = models.ForeignKey("exercises.Round", verbose_name=_("round"),
                              on_delete=models.RESTRICT, related_name="holdings")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    location = models.CharField(_("location"), max_length=255, blank=True,
                                help_text=_("Leave empty to use the conference's location."))
    notes = models.TextField(_("notes"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices,
                             default=State.SCHEDULED, editable=False)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("holding")
        verbose_name_plural = _("holdings")
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["conference", "round"], name="holding_once_per_round",
                                    violation_error_message=_(
                                        "This conference is already held in this round.")),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                   name="holding_ends_after_start",
                                   violation_error_message=_("The end must be after the start.")),
        ]

    def __str__(self):
        return f"{self.conference} ({self.round})"

    def audit_exercise_id(self):
        return self.conference.exercise_id

    @property
    def place(self):
        return self.location or self.conference.location

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.round_id and self.conference_id and (
            self.round.exercise_id != self.conference.exercise_id
        ):
            raise ValidationError({"round": _("This round belongs to another exercise.")})


class AgendaItem(ExerciseChild):
    """One step of a conference's agenda; `position` is its order (trình tự)."""

    exercise_path = "conference__exercise"

    conference = models.ForeignKey(Conference, verbose_name=_("conference"),
                                   on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveIntegerField(_("order"), default=0)
    content = models.CharField(_("content"), max_length=500)
    method = models.TextField(
        _("method"), blank=True,
        help_text=_("Who presents, who advises, how the decision is taken."),
    )
    presenter_post = models.ForeignKey("organizations.Post", verbose_name=_("presenter"),
                                       null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")
    presenter_text = models.CharField(
        _("presenter (if not a post)"), max_length=200, blank=True,
        help_text=_("e.g. Tham mưu trưởng Bộ CHQS tỉnh"),
    )
    advisory_bodies = models.ManyToManyField("organizations.Body",
                                             verbose_name=_("advisory bodies"), blank=True,
                                             related_name="+")
    minutes = models.PositiveIntegerField(_("time allotted (minutes)"), default=10)
    documents = models.CharField(_("documents used"), max_length=500, blank=True)
    expected_output = models.CharField(_("expected output"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda")
        ordering = ["conference", "position", "id"]

    def __str__(self):
        return self.content

    def audit_exercise_id(self):
        return self.conference.exercise_id

    @property
    def presenter(self):
        if self.presenter_post_id:
            return f"{self.presenter_post.person}, {self.presenter_post.title}"
        return self.presenter_text


class CompositionEntry(ExerciseChild):
    """A post or body that must attend (required) or is invited to a conference."""

    class Kind(models.TextChoices):
        REQUIRED = "required", pgettext_lazy("composition seat", "Required")
        INVITED = "invited", _("Invited")

    exercise_path = "conference__exercise"

    conference = models.ForeignKey(Conference, verbose_name=_("conference"),
                                   on_delete=models.CASCADE, related_name="composition")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices,
                            default=Kind.REQUIRED)
    title = models.CharField(_("post or body"), max_length=255,
                             help_text=_("The seat as the plan names it, e.g. Giám đốc Sở Y tế"))
    body = models.ForeignKey("organizations.Body", verbose_name=_("body"), null=True,
                             blank=True, on_delete=models.SET_NULL, related_name="+")
    post = models.ForeignKey("organizations.Post", verbose_name=_("assigned person"), null=True,
                             blank=True, on_delete=models.SET_NULL, related_name="+",
                             help_text=_("Who holds this seat; empty means nobody is assigned."))
    position = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("composition entry")
        verbose_name_plural = _("prescribed composition")
        ordering = ["conference", "kind", "position", "id"]

    def __str__(self):
        return self.title

    def audit_exercise_id(self):
        return self.conference.exercise_id


class Attendance(ExerciseChild):
    """Who came to a holding, for one seat of the composition."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        REPRESENTED = "represented", _("Represented by a substitute")
        LATE = "late", _("Late")

    exercise_path = "holding__conference__exercise"

    holding = models.ForeignKey(Holding, verbose_name=_("holding"), on_delete=models.CASCADE,
                                related_name="attendance")
    entry = models.ForeignKey(CompositionEntry, verbose_name=_("seat"),
                              on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    substitute_name = models.CharField(_("substitute's name"), max_length=150, blank=True)
    substitute_post = models.CharField(_("substitute's post"), max_length=200, blank=True)
    late_minutes = models.PositiveIntegerField(_("minutes late"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["holding", "entry__kind", "entry__position", "entry_id"]
        constraints = [
            models.UniqueConstraint(fields=["holding", "entry"], name="attendance_once",
                                    violation_error_message=_(
                                        "Attendance for this seat is already recorded."))
        ]

    def __str__(self):
        return f"{self.entry}: {self.get_status_display()}"

    def audit_exercise_id(self):
        return self.holding.conference.exercise_id

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.status == self.Status.REPRESENTED and not self.substitute_name.strip():
            errors["substitute_name"] = _("Give the name of the person who attended instead.")
        if self.status == self.Status.LATE and not self.late_minutes:
            errors["late_minutes"] = _("Give how many minutes late.")
        if self.entry_id and self.holding_id and (
            self.entry.conference_id != self.holding.conference_id
        ):
            errors["entry"] = _("This seat belongs to another conference.")
        if errors:
            raise ValidationError(errors)


class AgendaProgress(ExerciseChild):
    """How an agenda item went in one holding: when it started and ended, what was decided."""

    exercise_path = "holding__conference__exercise"

    holding = models.ForeignKey(Holding, verbose_name=_("holding"), on_delete=models.CASCADE,
                                related_name="progress")
    item = models.ForeignKey(AgendaItem, verbose_name=_("agenda item"),
                             on_delete=models.CASCADE, related_name="progress")
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    decision = models.TextField(_("what was decided"), blank=True)

    class Meta:
        verbose_name = _("agenda progress")
        verbose_name_plural = _("agenda progress")
        constraints = [
            models.UniqueConstraint(fields=["holding", "item"], name="progress_once")
        ]

    def __str__(self):
        return f"{self.holding}: {self.item}"

    def audit_exercise_id(self):
        return self.holding.conference.exercise_id
