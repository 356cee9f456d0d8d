"""Security headers and Content Security Policy, CSRF on state changes, the production deploy
check, the request log, and no reference to another host in any template or static file."""

import datetime as dt
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from dientap.core.logging import JsonFormatter
from dientap.core.models import AuditEntry

ROOT = Path(__file__).resolve().parents[3]
SOURCE_DIRS = [ROOT / "dientap", ROOT / "config"]
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>",
                           re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.I)


def inline_code(html: str) -> list[str]:
    found = []
    for rx in (INLINE_SCRIPT, INLINE_STYLE, INLINE_HANDLER, JS_URL):
        found += [m.group(0) for m in rx.finditer(html)]
    return found


def templates():
    for base in SOURCE_DIRS:
        yield from (p for p in base.rglob("templates/**/*") if p.suffix in {".html", ".txt"})


@pytest.fixture
def site(world):
    """A conference with an agenda and a holding, so the run sheet renders."""
    from dientap.conferences import services as cs
    from dientap.exercises import services as es

    tz = dt.timezone(dt.timedelta(hours=7))
    rnd = es.round_create(world.tq23, acting_user=None, kind="rehearsal", number=1,
                          start_date=dt.date(2023, 9, 19), end_date=dt.date(2023, 9, 19))
    conf = cs.conference_create(world.tq23, acting_user=None, body=world.tinh_uy,
                                title="Hội nghị Ban Chấp hành",
                                chair_post=world.lam.posts.first())
    holding = cs.holding_create(conf, acting_user=None, round=rnd,
                                starts_at=dt.datetime(2023, 9, 19, 8, tzinfo=tz),
                                ends_at=dt.datetime(2023, 9, 19, 9, tzinfo=tz))
    world.conference, world.holding = conf, holding
    return world


def main_pages(w):
    ex = w.tq23.pk
    return [
        reverse("exercises:list"), f"/exercises/{ex}/", f"/exercises/{ex}/frame/",
        f"/exercises/{ex}/roles/", f"/exercises/{ex}/calendar/?date=19/09/2023",
        f"/exercises/{ex}/calendar/?view=day&date=19/09/2023",
        f"/exercises/{ex}/documents/", f"/exercises/{ex}/documents/matrix/",
        f"/exercises/{ex}/documents/classified-register/",
        w.conference.get_absolute_url(), f"/holdings/{w.holding.pk}/run/",
        reverse("organizations:person_list"), reverse("organizations:body_list"),
        reverse("two_factor_setup"),
    ]


def test_every_template_is_free_of_inline_script_and_style():
    offenders = {}
    for path in templates():
        found = inline_code(path.read_text())
        if found:
            offenders[str(path.relative_to(ROOT))] = found
    assert not offenders, offenders


def test_main_pages_carry_the_csp_and_no_inline_code(client, site):
    site.organizer.is_staff = True
    site.organizer.save(update_fields=["is_staff"])
    client.force_login(site.organizer)
    pages = [*main_pages(site), "/admin/"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Security-Policy"] == CSP, url
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        if url.startswith("/admin/"):
            continue  # Django's own admin templates are not ours to clean
        assert inline_code(response.text) == [], url
    client.logout()
    login = client.get(reverse("login"))
    assert login["Content-Security-Policy"] == CSP and inline_code(login.text) == []


def test_state_changes_without_csrf_token_are_refused(site):
    client = Client(enforce_csrf_checks=True)
    client.force_login(site.organizer)
    client.get("/exercises/")  # the session exists; still no token sent
    json_posts = [
        f"/conferences/{site.conference.pk}/agenda/reorder/",
        f"/holdings/{site.holding.pk}/run/action/",
    ]
    for url in json_posts:
        response = client.post(url, data=json.dumps({"order": [], "action": "start"}),
                               content_type="application/json")
        assert response.status_code == 403, url
    form_posts = [reverse("set_language"), reverse("exercises:create"), reverse("logout"),
                  f"/exercises/{site.tq23.pk}/roles/", reverse("two_factor_setup")]
    audit_before = AuditEntry.objects.count()
    for url in form_posts:
        response = client.post(url, {"language": "en", "code": "123456"})
        assert response.status_code == 403, url
    assert AuditEntry.objects.count() == audit_before
    # With the token the same kind of request goes through.
    token = client.cookies[settings.CSRF_COOKIE_NAME].value if (
        settings.CSRF_COOKIE_NAME in client.cookies) else None
    if token is None:
        client.get(reverse("exercises:list"))
        token = client.cookies[settings.CSRF_COOKIE_NAME].value
    ok = client.post(reverse("set_language"), {"language": "en", "csrfmiddlewaretoken": token})
    assert ok.status_code == 302


@pytest.mark.parametrize("https", [False, True])
def test_deploy_check_is_clean_for_production_settings(tmp_path, https):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("DIENTAP_")
           and k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env["DIENTAP_DATA_DIR"] = str(tmp_path)
    if https:
        env["DIENTAP_HTTPS"] = "1"
    result = subprocess.run(
        [str(Path(sys.executable).with_name("dientap")), "manage", "check", "--deploy",
         "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_settings_document_every_silenced_check():
    text = (ROOT / "config" / "settings.py").read_text()
    for check in settings.SILENCED_SYSTEM_CHECKS:
        # Each silenced check sits under a comment that explains why.
        block = text[:text.index(f'"{check}"')].rsplit("SILENCED_SYSTEM_CHECKS", 1)[-1]
        assert "#" in block, check


def test_a_request_logs_one_json_line_with_the_request_id_of_its_audit_entry(client, world,
                                                                            caplog):
    client.force_login(world.organizer)
    with caplog.at_level(logging.INFO, logger="dientap.request"):
        response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    records = [r for r in caplog.records if r.name == "dientap.request"]
    assert len(records) == 1
    line = JsonFormatter().format(records[0])
    assert "\n" not in line
    data = json.loads(line)
    assert data["method"] == "POST" and data["path"] == reverse("set_language")
    assert data["status"] == 302 and data["user_id"] == world.organizer.pk
    assert isinstance(data["duration_ms"], float) and data["level"] == "INFO"
    entry = AuditEntry.objects.filter(object_id=str(world.organizer.pk),
                                      content_type__model="user").latest("seq")
    assert entry.request_id == data["request_id"] == response["X-Request-ID"]


def test_logging_is_configured_as_json_lines():
    assert settings.LOGGING["handlers"]["console"]["formatter"] == "json"


# No request leaves the machine -----------------------------------------------------------

OUTSIDE = re.compile(
    r"""(?:\b(?:src|href|action|poster|data)\s*=\s*["']?\s*"""
    r"""|url\(\s*["']?\s*|@import\s+(?:url\(\s*)?["']?\s*)"""
    r"""(?:https?:)?//""",
    re.I,
)
JS_OUTSIDE = re.compile(r"""["'`](?:https?:)?//[^"'`\s]""")
COMMENTS = re.compile(r"/\*.*?\*/|<!--.*?-->|^\s*//.*$", re.S | re.M)


def static_and_templates():
    for base in SOURCE_DIRS:
        for path in base.rglob("*"):
            if not path.is_file():
                continue
            if ("static" in path.parts and path.suffix in {".css", ".js", ".svg", ".html"}) or (
                    "templates" in path.parts and path.suffix in {".html", ".txt", ".xml"}):
                yield path


def test_no_template_or_static_file_references_another_host():
    offenders = []
    checked = 0
    for path in static_and_templates():
        checked += 1
        text = COMMENTS.sub("", path.read_text(errors="replace"))
        hits = [m.group(0) for m in OUTSIDE.finditer(text)]
        if path.suffix == ".js":
            hits += [m.group(0) for m in JS_OUTSIDE.finditer(text)]
        if hits:
            offenders.append((str(path.relative_to(ROOT)), hits[:3]))
    assert checked > 20
    assert not offenders, offenders


def test_the_outside_host_check_catches_what_it_should():
    for bad in ['<script src="https://cdn.example/x.js">', "<link href='//fonts.example/a'>",
                "body { background: url(https://x.example/a.png) }",
                '@import "https://fonts.example/css";', "@import url(//x.example/a.css);"]:
        assert OUTSIDE.search(bad), bad
    for fine in ['<a href="/exercises/">', "url(data:image/png;base64,AAAA)",
                 '<svg xmlns="http://www.w3.org/2000/svg">']:
        assert not OUTSIDE.search(fine), fine
