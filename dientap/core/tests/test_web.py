import json

import pytest
from django.urls import reverse

from conftest import main_html
from dientap.core.models import AuditEntry


@pytest.mark.django_db
def test_healthz_reports_database_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "ok" and body["database"] == "ok"


@pytest.mark.django_db
def test_healthz_checks_redis_when_configured(client, settings):
    import os

    settings.REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    assert json.loads(client.get("/healthz").content)["redis"] == "ok"
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["redis"].startswith("error")


@pytest.mark.django_db
def test_login_page_is_vietnamese_by_default(client):
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html


@pytest.mark.django_db
def test_anonymous_language_switch_by_cookie(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302 and response.url == "/accounts/login/"
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in html and "Log in" in html


def test_user_language_is_remembered_on_the_account(client, world):
    client.force_login(world.organizer)
    client.post(reverse("set_language"), {"language": "en", "next": "/exercises/"})
    world.organizer.refresh_from_db()
    assert world.organizer.language == "en"
    # a new browser (no cookie) still gets English for this user
    client.cookies.clear()
    client.force_login(world.organizer)
    assert "Exercises" in main_html(client.get(reverse("exercises:list")))
    # the switch is audited like any other change
    assert AuditEntry.objects.filter(object_id=str(world.organizer.pk),
                                     content_type__model="user", action="update").exists()


def test_unknown_language_is_refused(client, world):
    client.force_login(world.organizer)
    assert client.post(reverse("set_language"), {"language": "xx"}).status_code == 400


def test_open_redirect_is_not_followed(client, world):
    response = client.post(reverse("set_language"),
                           {"language": "vi", "next": "https://evil.example/"})
    assert response.url == "/"


def test_404_page_is_friendly_and_translated(client, world):
    client.force_login(world.organizer)
    response = client.get("/exercises/424242/")
    assert response.status_code == 404
    assert "Không tìm thấy" in response.content.decode()


def test_pages_load_nothing_from_other_hosts(client, world):
    import re

    client.force_login(world.organizer)
    for url in ["/exercises/", world.tq23.get_absolute_url(), "/people/", "/bodies/",
                f"/exercises/{world.tq23.pk}/frame/", "/accounts/login/"]:
        html = client.get(url).content.decode()
        refs = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert refs, url
        outside = [r for r in refs if re.match(r"^(https?:)?//", r)]
        assert outside == [], (url, outside)


def test_static_css_is_served_by_the_app(client, world):
    response = client.get("/static/dientap/app.css")
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"--brand" in content
