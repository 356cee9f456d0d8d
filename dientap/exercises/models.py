"""An exercise, its committees, its frame (who plays which role), user roles and its rounds."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dientap.core.models import BaseModel
from dientap.core.scoping import VIEW


class Exercise(BaseModel):
    class Kind(models.TextChoices):
        DEFENCE_ZONE = "defence_zone", _("Defence-zone exercise")
        CIVIL_DEFENCE = "civil_defence", _("Civil-defence exercise")
        COMBINED = "combined", _("Defence-zone and civil-defence exercise")

    class Status(models.TextChoices):
        PLANNING = "planning", _("Planning")
        PREPARING = "preparing", _("Preparing")
        REHEARSING = "rehearsing", _("Rehearsing")
        LIVE = "live", pgettext_lazy("exercise status", "Live")
        CLOSED = "closed", _("Closed")

    code_name = models.CharField(
        _("code name"), max_length=40, unique=True, help_text=_("Mật danh, e.g. TQ-23")
    )
    name = models.CharField(_("name"), max_length=255)
    theme = models.TextField(_("theme"), help_text=_("Đề mục of the exercise"))
    area = models.ForeignKey(
        "organizations.Area", verbose_name=_("area"), on_delete=models.PROTECT,
        related_name="exercises",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices,
                            default=Kind.DEFENCE_ZONE)
    form = models.CharField(
        _("form"), max_length=255, blank=True,
        help_text=_("e.g. 1 bên 2 cấp, trên bản đồ và thực địa, có một phần thực binh"),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.PLANNING)

    class Meta:
        verbose_name = _("exercise")
        verbose_name_plural = _("exercises")
        ordering = ["-start_date", "code_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="exercise_dates_in_order",
                violation_error_message=_("The end date must not be before the start date."),
            )
        ]

    def __str__(self):
        return f"{self.code_name}: {self.name}"

    def audit_exercise_id(self):
        return self.pk

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("exercises:detail", args=[self.pk])

    @property
    def level(self):
        return self.area.level

    exercise_path = "pk"  # restrict(..., exercise=x) on exercises: that one

    @classmethod
    def scope_filter(cls, user, action):
        from . import access

        decided = access.exercise_rule(user, action)  # one exercise: from the standing
        if decided is not None:
            return decided
        if action == VIEW:
            q = Q(pk__in=Membership.objects.filter(user=user).values("exercise_id"))
            if user.body_id:
                q |= Q(pk__in=FrameParticipant.objects.filter(body_id=user.body_id)
                       .values("exercise_id"))
            if user.person_id:
                q |= Q(pk__in=FrameParticipant.objects.filter(person_id=user.person_id)
                       .values("exercise_id"))
            if user.inspected_area_id:
                q |= Q(area__path__startswith=user.inspected_area.path)
            return q
        return Q(pk__in=Membership.objects.filter(user=user, role__in=Membership.MANAGING_ROLES)
                 .values("exercise_id"))


class ExerciseChild(BaseModel):
    """Something that belongs to one exercise; visible and changeable with it."""

    exercise_path = "exercise"

    class Meta:
        abstract = True

    @classmethod
    def scope_filter(cls, user, action):
        from . import access

        if action == VIEW:
            return access.visible_q(user, cls.exercise_path)
        return access.role_q(user, cls.exercise_path, Membership.MANAGING_ROLES)


class Membership(ExerciseChild):
    """A user's role in an exercise: what they may do there."""

    class Role(models.TextChoices):
        ORGANIZER = "organizer", _("Organizing Committee staff")
        DIRECTOR = "director", _("Director")
        FRAME = "frame", _("Exercise-frame member")
        OBSERVER = "observer", _("Observer / evaluator")
        INSPECTOR = "inspector", _("Inspector")

    MANAGING_ROLES = (Role.ORGANIZER, Role.DIRECTOR)

    exercise = models.ForeignKey(Exercise, verbose_name=_("exercise"), on_delete=models.CASCADE,
                                 related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"),
                             on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("exercise role")
        verbose_name_plural = _("exercise roles")
        ordering = ["exercise", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["exercise", "user", "role"],
                                    name="membership_unique_role",
                                    violation_error_message=_("This user already has this role."))
        ]

    def __str__(self):
        return f"{self.user}: {self.get_role_display()}"


class Committee(ExerciseChild):
    class Kind(models.TextChoices):
        STEERING = "steering", _("Steering Committee")
        ORGANIZING = "organizing", _("Organizing Committee")
        DIRECTING = "directing", _("Directing Committee")
        STANDING = "standing", _("Standing body")
        WORKING_GROUP = "working_group", _("Working group")

    exercise = models.ForeignKey(Exercise, verbose_name=_("exercise"), on_delete=models.CASCADE,
                                 related_name="committees")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=255)
    sort_order = models.PositiveIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        ordering = ["exercise", "sort_order", "id"]

    def __str__(self):
        return self.name


class CommitteeMember(ExerciseChild):
    exercise_path = "committee__exercise"

    committee = models.ForeignKey(Committee, verbose_name=_("committee"),
                                  on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("organizations.Person", verbose_name=_("person"),
                               on_delete=models.PROTECT, related_name="committee_seats")
    position = models.CharField(_("position in the committee"), max_length=150,
                                help_text=_("e.g. Trưởng ban, Phó Trưởng ban thường trực, Ủy viên"))
    post = models.ForeignKey("organizations.Post", verbose_name=_("in the capacity of"),
                             null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    sort_order = models.PositiveIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["committee", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "person"],
                                    name="committee_member_once",
                                    violation_error_message=_(
                                        "This person is already a member of this committee."))
        ]

    def __str__(self):
        return f"{self.person}: {self.position}"

    def audit_exercise_id(self):
        return self.committee.exercise_id


class FrameParticipant(ExerciseChild):
    """A body, or a person of a body, in the exercise frame (khung diễn tập), with a role."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        MEMBER = "member", _("Member")
        ADVISORY = "advisory", _("Advisory body")
        SECRETARY = "secretary", _("Secretary")
        DIRECTOR = "director", _("Director")
        OBSERVER = "observer", _("Observer")

    exercise = models.ForeignKey(Exercise, verbose_name=_("exercise"), on_delete=models.CASCADE,
                                 related_name="frame")
    body = models.ForeignKey("organizations.Body", verbose_name=_("body"),
                             on_delete=models.PROTECT, related_name="frame_entries")
    person = models.ForeignKey("organizations.Person", verbose_name=_("person"), null=True,
                               blank=True, on_delete=models.PROTECT, related_name="frame_entries")
    post = models.ForeignKey("organizations.Post", verbose_name=_("plays as"), null=True,
                             blank=True, on_delete=models.SET_NULL, related_name="+")
    role = models.CharField(_("exercise role"), max_length=20, choices=Role.choices)
    notes = models.CharField(_("notes"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("frame participant")
        verbose_name_plural = _("exercise frame")
        ordering = ["exercise", "body__sort_order", "body__name", "person__sort_key", "id"]
        constraints = [
            models.UniqueConstraint(fields=["exercise", "body", "person", "role"],
                                    name="frame_participant_once",
                                    nulls_distinct=False,
                                    violation_error_message=_(
                                        "This participant already has this role in the frame."))
        ]

    def __str__(self):
        who = self.person or self.body
        return f"{who}: {self.get_role_display()}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.post_id and self.person_id and self.post.person_id != self.person_id:
            raise ValidationError({"post": _("This post belongs to someone else.")})
        if self.post_id and self.post.body_id != self.body_id:
            raise ValidationError({"post": _("This post is not in the chosen body.")})


class Round(ExerciseChild):
    """A rehearsal round, the preliminary or final rehearsal, or the live exercise."""

    class Kind(models.TextChoices):
        REHEARSAL = "rehearsal", _("Rehearsal")
        PRELIMINARY = "preliminary", _("Preliminary rehearsal")
        FINAL = "final", _("Final rehearsal")
        LIVE = "live", _("Live exercise")

    exercise = models.ForeignKey(Exercise, verbose_name=_("exercise"), on_delete=models.CASCADE,
                                 related_name="rounds")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(_("number"), default=1,
                                              help_text=_("Rehearsal 1, 2 …"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["exercise", "start_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["exercise", "kind", "number"], name="round_unique",
                                    violation_error_message=_(
                                        "This exercise already has a round of this kind and number."
                                    )),
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")),
                                   name="round_dates_in_order",
                                   violation_error_message=_(
                                       "The end date must not be before the start date.")),
        ]

    def __str__(self):
        if self.kind == self.Kind.REHEARSAL:
            return _("Rehearsal {number}").format(number=self.number)
        return str(self.get_kind_display())


class Phase(ExerciseChild):
    """Giai đoạn: e.g. change of state; preparing defensive operations; conducting them."""

    exercise = models.ForeignKey(Exercise, verbose_name=_("exercise"), on_delete=models.CASCADE,
                                 related_name="phases")
    position = models.PositiveIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=300)

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["exercise", "position", "id"]

    def __str__(self):
        return self.title


class TrainingIssue(ExerciseChild):
    """Vấn đề: a training issue inside a phase."""

    exercise_path = "phase__exercise"

    phase = models.ForeignKey(Phase, verbose_name=_("phase"), on_delete=models.CASCADE,
                              related_name="issues")
    position = models.PositiveIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=300)

    class Meta:
        verbose_name = _("training issue")
        verbose_name_plural = _("training issues")
        ordering = ["phase", "position", "id"]

    def __str__(self):
        return self.title

    def audit_exercise_id(self):
        return self.phase.exercise_id


class ContentItem(ExerciseChild):
    """Nội dung: a content item of a training issue; conferences and situations hang here."""

    exercise_path = "issue__phase__exercise"

    issue = models.ForeignKey(TrainingIssue, verbose_name=_("training issue"),
                              on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=300)

    class Meta:
        verbose_name = _("content item")
        verbose_name_plural = _("content items")
        ordering = ["issue", "position", "id"]

    def __str__(self):
        return self.title

    def audit_exercise_id(self):
        return self.issue.phase.exercise_id
