"""Authentication, CSRF, errors, pagination and ETags: the framework under every resource."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from dientap.api import services
from dientap.api.models import ApiToken
from dientap.api.testing import audit_count, token_client
from dientap.core.testing import PASSWORD
from dientap.organizations.models import Person

pytestmark = pytest.mark.django_db


def test_token_authenticates_and_only_its_hash_is_stored(aw):
    token, key = services.token_create(aw.organizer, acting_user=aw.organizer, name="script")
    assert key not in (token.key_hash, token.prefix) and key.startswith(token.prefix)
    client = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/users/me/").json()["username"] == "organizer"
    bearer = APIClient(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert bearer.get("/api/users/me/").status_code == 200


@pytest.mark.parametrize("header", ["Token nope", "Token", "Token a b", "Bearer dt_x",
                                    "Token \u00e9\u00e9"])
def test_bad_token_is_401(aw, header):
    client = APIClient(HTTP_AUTHORIZATION=header.encode().decode("latin-1"))
    response = client.get("/api/exercises/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_anonymous_is_401(aw):
    assert APIClient().get("/api/exercises/").status_code == 401
    assert APIClient().get("/api/schema/").status_code == 401


def test_expired_token_and_inactive_user_are_refused(aw):
    _token, key = services.token_create(aw.organizer, acting_user=None,
                                        expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert APIClient(HTTP_AUTHORIZATION=f"Token {key}").get("/api/exercises/").status_code == 401
    client = token_client(aw.observer)
    aw.observer.is_active = False
    aw.observer.save()
    assert client.get("/api/exercises/").status_code == 401


def test_revoked_token_stops_working(aw):
    client = token_client(aw.organizer)
    token = ApiToken.objects.filter(user=aw.organizer).get()
    services.token_revoke(token, acting_user=aw.organizer)
    assert client.get("/api/exercises/").status_code == 401


def test_management_command_prints_a_working_key(aw):
    out = io.StringIO()
    call_command("api_token", "observer", "--name", "nightly", stdout=out)
    key = out.getvalue().strip()
    assert APIClient(HTTP_AUTHORIZATION=f"Token {key}").get("/api/users/me/").json()[
        "username"] == "observer"


def test_tokens_are_created_from_a_session_only_and_listed_per_user(aw):
    session = APIClient(enforce_csrf_checks=True)
    session.login(username="organizer", password=PASSWORD)
    csrf = session.get("/accounts/login/").cookies["csrftoken"].value
    response = session.post("/api/tokens/", {"name": "import"}, HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 201, response.content
    key = response.json()["key"]
    scripted = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    assert scripted.post("/api/tokens/", {"name": "more"}).status_code == 403
    assert [t["name"] for t in scripted.get("/api/tokens/").json()["results"]] == ["import"]
    assert "key" not in scripted.get("/api/tokens/").json()["results"][0]
    other = token_client(aw.observer)
    token_id = response.json()["id"]
    assert other.delete(f"/api/tokens/{token_id}/").status_code == 404
    assert scripted.delete(f"/api/tokens/{token_id}/").status_code == 204
    assert scripted.get("/api/tokens/").status_code == 401


def test_session_without_csrf_is_refused_on_unsafe_methods(aw):
    client = APIClient(enforce_csrf_checks=True)
    client.login(username="organizer", password=PASSWORD)
    person = aw.son
    before = audit_count()
    assert client.get(f"/api/people/{person.pk}/").status_code == 200
    response = client.patch(f"/api/people/{person.pk}/", {"rank": "Đại tá"})
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert client.post("/api/people/", {"full_name": "Lê Văn A"}).status_code == 403
    assert audit_count() == before
    csrf = client.get("/accounts/login/").cookies["csrftoken"].value
    response = client.patch(f"/api/people/{person.pk}/", {"rank": "Đại tá"},
                            HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 200, response.content
    assert Person.objects.get(pk=person.pk).rank == "Đại tá"


def test_detail_carries_etag_and_bad_if_match_is_400(aw):
    client = token_client(aw.organizer)
    response = client.get(f"/api/exercises/{aw.tq23.pk}/")
    assert response["ETag"] == f'"{aw.tq23.version}"'
    response = client.patch(f"/api/exercises/{aw.tq23.pk}/", {"form": "x"},
                            HTTP_IF_MATCH="not-an-etag")
    assert response.status_code == 400
    response = client.patch(f"/api/exercises/{aw.tq23.pk}/", {"form": "x"},
                            HTTP_IF_MATCH=f'W/"{aw.tq23.version}"')
    assert response.status_code == 200
    assert response["ETag"] == f'"{aw.tq23.version + 1}"'


def test_pagination_is_capped(aw):
    client = token_client(aw.admin)
    data = client.get("/api/people/?page_size=100000").json()
    assert set(data) == {"count", "next", "previous", "results"}
    assert len(data["results"]) == data["count"] <= 200
    assert client.get("/api/people/?page=999").status_code == 404


def test_malformed_json_and_unknown_filter_values_are_400(aw):
    client = token_client(aw.organizer)
    response = client.generic("POST", "/api/people/", "{not json",
                              content_type="application/json")
    assert response.status_code == 400
    assert client.get("/api/documents/?exercise=abc").status_code == 400
    assert client.get("/api/documents/?exercise=99999999999999999999999").status_code == 400
    assert client.get(f"/api/documents/?exercise={2**63 - 1}").json()["count"] == 0


def test_ordering(aw):
    client = token_client(aw.admin)
    names = [b["name"] for b in client.get("/api/bodies/?ordering=-name").json()["results"]]
    assert names == sorted(names, reverse=True)


@pytest.mark.parametrize("value, status", [
    # Found by the fuzz run: PostgreSQL refuses a time zone offset of +18:52 (a 500 before).
    ("1800-07-04T08:36:32+18:52", 200),
    ("2023-09-19T08:00:00+07:00", 200),
    # A time that leaves the calendar once put in UTC.
    ("0001-01-01T00:00:00+05:00", 400),
    ("not a time", 400),
])
def test_time_filters_take_any_offset_or_say_what_is_wrong(aw, value, status):
    client = token_client(aw.organizer)
    response = client.get("/api/holdings/", {"ends_after": value})
    assert response.status_code == status, response.content[:300]
    if status == 200:
        expected = {h.pk for h in aw.own.holding.conference.holdings.all()
                    if h.ends_at > dt.datetime.fromisoformat(value)}
        assert {row["id"] for row in response.json()["results"]} >= expected
    else:
        assert "ends_after" in response.json()
