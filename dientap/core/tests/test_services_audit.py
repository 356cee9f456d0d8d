import pytest
from django.core.exceptions import ValidationError

from dientap.core import services
from dientap.core.context import reset_request_id, set_request_id
from dientap.core.models import AuditEntry
from dientap.organizations import services as org_services
from dientap.organizations.models import Person


@pytest.fixture
def actor(world):
    return world.organizer


def test_create_records_who_and_after(world, actor):
    token = set_request_id("req-123")
    try:
        person = org_services.person_create(acting_user=actor, full_name="Hoàng Thị Bích")
    finally:
        reset_request_id(token)
    entry = AuditEntry.objects.get(object_id=str(person.pk), content_type__model="person")
    assert entry.action == "create"
    assert entry.user == actor
    assert entry.request_id == "req-123"
    assert entry.before is None
    assert entry.after["full_name"] == "Hoàng Thị Bích"


def test_update_records_before_and_after_and_bumps_version(world, actor):
    person = world.son
    updated = org_services.person_update(person, acting_user=actor, rank="Thượng tá")
    assert updated.version == person.version + 1
    entry = AuditEntry.objects.filter(object_id=str(person.pk), action="update").get()
    assert entry.before["rank"] == "" and entry.after["rank"] == "Thượng tá"
    assert ("rank", "", "Thượng tá") in entry.changed_fields()


def test_update_without_change_writes_nothing(world, actor):
    before = AuditEntry.objects.count()
    same = org_services.person_update(world.son, acting_user=actor, rank=world.son.rank)
    assert same.version == world.son.version
    assert AuditEntry.objects.count() == before


def test_stale_update_is_refused_and_changes_nothing(world, actor):
    person = world.son
    org_services.person_update(person, acting_user=actor, expected_version=person.version,
                               phone="0207 123 456")
    with pytest.raises(services.ConflictError) as exc:
        org_services.person_update(person, acting_user=actor, expected_version=person.version,
                                   phone="0999 999 999")
    assert "changed this record" in str(exc.value) or "thay đổi" in str(exc.value)
    assert Person.objects.get(pk=person.pk).phone == "0207 123 456"


def test_invalid_create_saves_nothing_not_even_audit(world, actor):
    people, entries = Person.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        org_services.person_create(acting_user=actor, full_name="")
    assert Person.objects.count() == people
    assert AuditEntry.objects.count() == entries


def test_delete_is_audited_with_before(world, actor):
    post = world.lam.posts.first()
    services.delete(post, acting_user=actor)
    entry = AuditEntry.objects.get(object_id=str(post.pk), action="delete",
                                   content_type__model="post")
    assert entry.before["title"] == post.title


def test_protected_delete_gives_clear_error_and_keeps_audit_clean(world, actor):
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        services.delete(world.ubnd_tq, acting_user=actor)  # still has posts and frame entries
    assert AuditEntry.objects.count() == entries


def test_exercise_changes_are_tagged_with_the_exercise(world, actor):
    from dientap.exercises import services as es

    rnd = es.round_create(world.tq23, acting_user=actor, kind="rehearsal", number=1,
                          start_date=world.tq23.start_date, end_date=world.tq23.start_date)
    entry = AuditEntry.objects.get(object_id=str(rnd.pk), content_type__model="round")
    assert entry.exercise_id == world.tq23.pk
