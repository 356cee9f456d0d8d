"""State changes of areas, bodies, people and posts. Every caller goes through these."""

from django.db import transaction

from dientap.core import services

from .models import Area, AreaLevel, Body, Person, Post


def level_create(*, acting_user, **fields) -> AreaLevel:
    return services.create(AreaLevel, acting_user=acting_user, **fields)


def _path_for(area: Area) -> str:
    return (area.parent.path if area.parent_id else "") + f"{area.pk}/"


@transaction.atomic
def area_create(*, acting_user, **fields) -> Area:
    area = Area(path="-", **fields)
    area.full_clean(exclude=["path"])
    area.save()
    area.path = _path_for(area)
    area.save(update_fields=["path"])
    services.audit.record("create", area, acting_user=acting_user,
                          after=services.audit.snapshot(area))
    return area


@transaction.atomic
def area_update(area: Area, *, acting_user, expected_version=None, **fields) -> Area:
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    parent = fields.get("parent", area.parent)
    if parent is not None and parent.path.startswith(area.path):
        raise ValidationError({"parent": _("An area cannot be placed inside itself.")})
    old_path = area.path
    area = services.update(area, acting_user=acting_user, expected_version=expected_version,
                           **fields)
    new_path = _path_for(area)
    if new_path != old_path:
        for sub in Area.objects.filter(path__startswith=old_path).order_by("path"):
            sub.path = new_path + sub.path[len(old_path):]
            sub.save(update_fields=["path"])
        area.refresh_from_db()
    return area


def body_create(*, acting_user, **fields) -> Body:
    return services.create(Body, acting_user=acting_user, **fields)


def body_update(body: Body, *, acting_user, expected_version=None, **fields) -> Body:
    return services.update(body, acting_user=acting_user, expected_version=expected_version,
                           **fields)


def person_create(*, acting_user, **fields) -> Person:
    return services.create(Person, acting_user=acting_user, **fields)


def person_update(person: Person, *, acting_user, expected_version=None, **fields) -> Person:
    if "full_name" in fields and fields["full_name"] != person.full_name:
        # Name parts follow the new full name unless given explicitly.
        for part in ("family_name", "middle_name", "given_name"):
            fields.setdefault(part, "")
    return services.update(person, acting_user=acting_user, expected_version=expected_version,
                           **fields)


def post_create(*, acting_user, **fields) -> Post:
    return services.create(Post, acting_user=acting_user, **fields)


def post_delete(post: Post, *, acting_user) -> None:
    services.delete(post, acting_user=acting_user)
