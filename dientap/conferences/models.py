"""A conference is defined once (body, chair, output) and held in each round (a holding)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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

    exercise_path = "conference__exercise"

    conference = models.ForeignKey(Conference, verbose_name=_("conference"),
                                   on_delete=models.CASCADE, related_name="holdings")
    round = models.ForeignKey("exercises.Round", verbose_name=_("round"),
                              on_delete=models.PROTECT, related_name="holdings")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    location = models.CharField(_("location"), max_length=255, blank=True,
                                help_text=_("Leave empty to use the conference's location."))
    notes = models.TextField(_("notes"), blank=True)

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
