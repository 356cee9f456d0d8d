"""State changes of areas, bodies, people and posts. Every caller goes through these."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dientap.core import services
from dientap.core.scoping import CHANGE

from .models import Area, AreaLevel, Body, Person, Post


def _require_perm(user, perm: str) -> None:
    """Creating bodies and people needs the model permission (system changes pass)."""
    if user is not None and not user.has_perm(perm):
        raise PermissionDenied(_("You may not do this."))


def _require_change(user, obj) -> None:
    """Changing needs the object within the user's change scope (``restrict``)."""
    if user is not None and not type(obj).objects.restrict(user, CHANGE).filter(
            pk=obj.pk).exists():
        raise PermissionDenied(_("You may not change this record."))


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
    _require_perm(acting_user, "organizations.add_body")
    return services.create(Body, acting_user=acting_user, **fields)


def body_update(body: Body, *, acting_user, expected_version=None, **fields) -> Body:
    _require_change(acting_user, body)
    parent = fields.get("parent")
    if parent is not None and parent.pk == body.pk:
        raise ValidationError({"parent": _("A body cannot be placed inside itself.")})
    return services.update(body, acting_user=acting_user, expected_version=expected_version,
                           **fields)


def person_create(*, acting_user, **fields) -> Person:
    _require_perm(acting_user, "organizations.add_person")
    return services.create(Person, acting_user=acting_user, **fields)


def person_update(person: Person, *, acting_user, expected_version=None, **fields) -> Person:
    _require_change(acting_user, person)
    if "full_name" in fields and fields["full_name"] != person.full_name:
        # Name parts follow the new full name unless given explicitly.
        for part in ("family_name", "middle_name", "given_name"):
            fields.setdefault(part, "")
    return services.update(person, acting_user=acting_user, expected_version=expected_version,
                           **fields)


def body_delete(body: Body, *, acting_user) -> None:
    """Remove a body entered by mistake; refused while anything refers to it (its people's
    posts, exercises, documents…), naming what does."""
    _require_change(acting_user, body)
    services.delete(body, acting_user=acting_user)


def person_delete(person: Person, *, acting_user) -> None:
    """Remove a person entered by mistake with their posts; refused while a frame, committee
    or conference refers to them."""
    _require_change(acting_user, person)
    services.delete(person, acting_user=acting_user)


def post_create(*, acting_user, **fields) -> Post:
    _require_change(acting_user, fields["person"])
    return services.create(Post, acting_user=acting_user, **fields)


def post_delete(post: Post, *, acting_user) -> None:
    _require_change(acting_user, post)
    services.delete(post, acting_user=acting_user)
