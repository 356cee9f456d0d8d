"""The organisations API: people, posts and bodies through the services."""

import pytest

from dientap.api.testing import api_world, audit_count, token_client
from dientap.core.audit import entries_for
from dientap.organizations.models import Body, Person, Post

pytestmark = pytest.mark.django_db


@pytest.fixture
def aw(world, settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    return api_world(world)


def test_person_create_needs_the_permission(aw):
    observer, organizer = token_client(aw.observer), token_client(aw.organizer)
    before = audit_count()
    assert observer.post("/api/people/", {"full_name": "Lê Văn Tám"}).status_code == 403
    assert audit_count() == before
    response = organizer.post("/api/people/", {"full_name": "  Lê  Văn   Tám "})
    assert response.status_code == 201, response.content
    assert response.json()["full_name"] == "Lê Văn Tám"
    assert response.json()["given_name"] == "Tám"
    assert entries_for(Person.objects.get(pk=response.json()["id"])).count() == 1


def test_person_stale_update_changes_nothing(aw):
    client = token_client(aw.organizer)
    url = f"/api/people/{aw.son.pk}/"
    etag = client.get(url)["ETag"]
    assert client.patch(url, {"phone": "0912"}, HTTP_IF_MATCH=etag).status_code == 200
    before = audit_count()
    assert client.patch(url, {"phone": "0000"}, HTTP_IF_MATCH=etag).status_code == 412
    assert client.put(url, {"full_name": "X", "version": 1}).status_code == 409
    aw.son.refresh_from_db()
    assert (aw.son.phone, aw.son.full_name, audit_count()) == ("0912", "Nguyễn Văn Sơn", before)


def test_person_update_outside_scope(aw):
    # The organizer (add/change person) sees Hồ Đại Dũng of Phú Thọ? No: hidden, 404.
    assert token_client(aw.organizer).patch(f"/api/people/{aw.pt_person.pk}/",
                                            {"phone": "1"}).status_code == 404
    # The inspector sees Nguyễn Văn Sơn but may not change people.
    assert token_client(aw.inspector).patch(f"/api/people/{aw.son.pk}/",
                                            {"phone": "1"}).status_code == 403


def test_invalid_person_is_400(aw):
    client = token_client(aw.organizer)
    before = Person.objects.count()
    response = client.post("/api/people/", {"full_name": "", "email": "not-an-email"})
    assert response.status_code == 400
    assert {"full_name", "email"} <= set(response.json())
    assert Person.objects.count() == before


def test_posts(aw):
    client = token_client(aw.organizer)
    response = client.post("/api/posts/", {"person": aw.son.pk, "body": aw.bchqs.pk,
                                            "title": "Phó Chỉ huy"})
    assert response.status_code == 201, response.content
    pid = response.json()["id"]
    assert token_client(aw.observer).delete(f"/api/posts/{pid}/").status_code == 403
    assert client.delete(f"/api/posts/{pid}/").status_code == 204
    assert not Post.objects.filter(pk=pid).exists()


def test_bodies(aw):
    client = token_client(aw.organizer)
    response = client.post("/api/bodies/", {"name": "Sở Y tế", "kind": "department",
                                             "area": aw.tq.pk, "parent": aw.ubnd_tq.pk})
    assert response.status_code == 201, response.content
    bid = response.json()["id"]
    assert client.patch(f"/api/bodies/{bid}/", {"parent": bid}).status_code == 400
    assert client.patch(f"/api/bodies/{bid}/", {"area": aw.pt.pk}).status_code == 400
    assert client.get("/api/bodies/?q=so y te").json()["count"] == 1
    assert token_client(aw.observer).patch(f"/api/bodies/{bid}/",
                                           {"short_name": "SYT"}).status_code == 403
    assert Body.objects.get(pk=bid).short_name == ""


def test_regression_a_one_word_name_too_long_for_its_part_is_400_not_500(aw):
    """Found by the fuzz run (PostgreSQL): a 150-character single word overflowed given_name."""
    client = token_client(aw.organizer)
    response = client.post("/api/people/", {"full_name": "0" * 150})
    assert response.status_code == 400 and "full_name" in response.json()
    response = client.patch(f"/api/people/{aw.son.pk}/", {"full_name": "Nguyễn " + "A" * 60})
    assert response.status_code == 400
