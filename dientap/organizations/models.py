"""Levels, areas, bodies (organisations), people and their posts: all data, none of it code."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dientap.core.models import BaseModel
from dientap.core.scoping import VIEW
from dientap.core.text import fold, initials, person_sort_key, split_name


class AreaLevel(BaseModel):
    """A level of the territorial / military system: Military Region, province, region, commune."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    rank = models.PositiveSmallIntegerField(
        _("rank"), help_text=_("0 for the highest level; lower levels have larger numbers.")
    )

    class Meta:
        verbose_name = _("level")
        verbose_name_plural = _("levels")
        ordering = ["rank", "name"]

    def __str__(self):
        return self.name

    @classmethod
    def scope_filter(cls, user, action):
        return None if action == VIEW else _if_perm(user, "change_arealevel", Q())


class Area(BaseModel):
    """A territory at a level (Quân khu 2, tỉnh Tuyên Quang, a commune) inside its parent."""

    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=20, blank=True)
    level = models.ForeignKey(
        AreaLevel, verbose_name=_("level"), on_delete=models.PROTECT, related_name="areas"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path ("12/40/"): ids from the root, for subtree queries on any database.
    path = models.CharField(_("path"), max_length=255, editable=False, db_index=True)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["path"]

    def __str__(self):
        return self.name

    def ancestor_paths(self) -> list[str]:
        parts = [p for p in self.path.split("/") if p]
        return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]

    @classmethod
    def scope_filter(cls, user, action):
        if action != VIEW:
            return _if_perm(user, "change_area", visible_areas_q(user, prefix=""))
        return visible_areas_q(user, prefix="")


class Body(BaseModel):
    """An organisation: Party committee, council, People's Committee, military command …"""

    class Kind(models.TextChoices):
        PARTY = "party", _("Party body")
        COUNCIL = "council", _("People's Council")
        COMMITTEE = "committee", _("People's Committee")
        MILITARY = "military", _("Military")
        POLICE = "police", _("Police")
        BORDER_GUARD = "border_guard", _("Border guard")
        DEPARTMENT = "department", _("Department or agency")
        MASS_ORGANISATION = "mass_org", _("Mass organisation")
        SPECIAL_COUNCIL = "special_council", _("Council (e.g. Supply Council)")
        NATIONAL_ASSEMBLY = "national_assembly", _("National Assembly delegation")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(
        _("short name"), max_length=80, blank=True, help_text=_("e.g. UBND tỉnh, Bộ CHQS tỉnh")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="bodies"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent body"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sort_order = models.PositiveIntegerField(_("order"), default=100)
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.short_name or self.name

    def get_absolute_url(self):
        return reverse("organizations:body_detail", args=[self.pk])

    def save(self, *args, **kwargs):
        # Derived search text (an invariant of the row, not business logic).
        self.search_text = " ".join(
            [fold(self.name), fold(self.short_name), initials(self.name), initials(self.short_name)]
        )
        super().save(*args, **kwargs)

    @classmethod
    def scope_filter(cls, user, action):
        if action != VIEW:
            return _if_perm(user, "change_body", visible_areas_q(user, prefix="area__"))
        from dientap.exercises.models import Exercise, FrameParticipant

        in_frames = FrameParticipant.objects.filter(
            exercise__in=Exercise.objects.restrict(user, VIEW)
        ).values("body_id")
        return visible_areas_q(user, prefix="area__") | Q(pk__in=in_frames)


class Person(BaseModel):
    """A real official. Holds one or more posts at the same time."""

    full_name = models.CharField(_("full name"), max_length=150)
    family_name = models.CharField(_("family name"), max_length=50, blank=True)
    middle_name = models.CharField(_("middle name"), max_length=80, blank=True)
    given_name = models.CharField(_("given name"), max_length=50, blank=True)
    rank = models.CharField(
        _("rank or title"), max_length=80, blank=True, help_text=_("e.g. Đại tá")
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    sort_key = models.CharField(max_length=200, editable=False, db_index=True, blank=True)
    search_text = models.TextField(editable=False, blank=True)

    audit_exclude = ("created_at", "updated_at", "sort_key", "search_text")

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["sort_key", "id"]

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        return reverse("organizations:person_detail", args=[self.pk])

    def clean(self):
        # The name parts are derived from the full name on save: they must fit their columns.
        from django.core.exceptions import ValidationError

        parts = (self.family_name, self.middle_name, self.given_name) if self.given_name \
            else split_name(" ".join(self.full_name.split()))
        for name, value in zip(("family_name", "middle_name", "given_name"), parts, strict=True):
            limit = self._meta.get_field(name).max_length
            if len(value) > limit:
                raise ValidationError({"full_name": _(
                    "Each part of the name (family, middle, given) may have at most {limit} "
                    "characters.").format(limit=limit)})

    def save(self, *args, **kwargs):
        # Derived name parts, Vietnamese sort key and search text (row invariants).
        self.full_name = " ".join(self.full_name.split())
        if not self.given_name:
            self.family_name, self.middle_name, self.given_name = split_name(self.full_name)
        self.sort_key = person_sort_key(self.family_name, self.middle_name, self.given_name)
        self.search_text = fold(self.full_name)
        super().save(*args, **kwargs)

    @classmethod
    def scope_filter(cls, user, action):
        if action != VIEW:
            return _if_perm(user, "change_person", Q(pk__in=_people_in_bodies(user)))
        from dientap.exercises.models import Exercise, FrameParticipant

        visible_exercises = Exercise.objects.restrict(user, VIEW)
        in_frames = FrameParticipant.objects.filter(exercise__in=visible_exercises).values(
            "person_id"
        )
        return Q(pk__in=_people_in_bodies(user)) | Q(pk__in=in_frames) | Q(pk=user.person_id)


class Post(BaseModel):
    """A post held by a person in a body (chức vụ). A person may hold several at once."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="posts"
    )
    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="posts"
    )
    title = models.CharField(
        _("post"), max_length=200, help_text=_("e.g. Bí thư Tỉnh ủy, Chủ tịch HĐND tỉnh")
    )
    is_head = models.BooleanField(_("head of the body"), default=False)
    sort_order = models.PositiveIntegerField(_("order"), default=100)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.title

    @classmethod
    def scope_filter(cls, user, action):
        if action != VIEW:
            return _if_perm(user, "change_person", Q(body__in=Body.objects.restrict(user, VIEW)))
        return Q(person__in=Person.objects.restrict(user, VIEW))


def _if_perm(user, codename: str, q: Q) -> Q:
    """`q` when the user holds the model permission to change, else a filter matching nothing."""
    return q if user.has_perm(f"organizations.{codename}") else Q(pk__in=[])


def _home_areas(user) -> list[Area]:
    areas = []
    if user.body_id:
        areas.append(user.body.area)
    if user.inspected_area_id:
        areas.append(user.inspected_area)
    return areas


def visible_areas_q(user, prefix: str) -> Q:
    """Areas a user may see: their own and inspected area with everything under and above them."""
    q = Q(pk__in=[])
    for area in _home_areas(user):
        q |= Q(**{f"{prefix}path__startswith": area.path}) | Q(
            **{f"{prefix}path__in": area.ancestor_paths()}
        )
    return q


def _people_in_bodies(user):
    bodies = Body.objects.filter(visible_areas_q(user, "area__"))
    return Post.objects.filter(body__in=bodies).values("person_id")
