"""The OpenAPI schema validates and the interactive docs load nothing from outside."""

import re

import pytest
from django.core.management import call_command

from dientap.core.testing import PASSWORD

pytestmark = pytest.mark.django_db


def test_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn",
                 "--file", str(tmp_path / "schema.yaml"))


def test_schema_is_served_to_logged_in_users(client, world):
    assert client.get("/api/schema/").status_code == 401
    client.login(username="observer", password=PASSWORD)
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/exercises/{id}/" in schema["paths"]


def test_docs_reference_only_local_urls(client, world):
    client.login(username="observer", password=PASSWORD)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    refs += re.findall(r"""["'](https?:)?//[^"'\s]+""", html)
    assert refs
    outside = [r for r in refs if re.match(r"^(https?:)?//", r)]
    assert outside == [], outside
    # The scripts and styles it names are served by the app itself.
    for ref in re.findall(r"""(?:src|href)\s*=\s*["'](/static/[^"']+)["']""", html):
        assert client.get(ref).status_code == 200, ref
    assert '"validatorUrl": null' in html
