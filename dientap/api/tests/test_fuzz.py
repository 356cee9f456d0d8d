"""Fuzz the API from its own OpenAPI schema (schemathesis), in-process, as an administrator
(who may reach every operation): no 5xx, and every response matches the schema.

Bounded: a few examples per operation (DIENTAP_FUZZ_EXAMPLES, default 8). Run alone with
``pytest -m fuzz``. Every bug found here gets a regression test next to its fix.
"""

import os

import pytest
import schemathesis
from django.test.client import ClientHandler
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis import checks

from dientap.api import services as api_services
from dientap.api.testing import api_world
from dientap.api.urls import router

pytestmark = pytest.mark.fuzz
EXAMPLES = int(os.environ.get("DIENTAP_FUZZ_EXAMPLES", "8"))


class WSGIApp:
    """Django's test handler as a WSGI app: requests share the test's database transaction."""

    def __init__(self):
        self.handler = ClientHandler(enforce_csrf_checks=True)

    def __call__(self, environ, start_response):
        response = self.handler(environ)
        headers = list(response.items())
        headers += [("Set-Cookie", c.output(header="")) for c in response.cookies.values()]
        start_response(f"{response.status_code} {response.reason_phrase}", headers)
        return response


schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = WSGIApp()
MODELS = {f"/api/{prefix}/": viewset.model for prefix, viewset, _b in router.registry}


@pytest.fixture
def fuzz_key(world, settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    w = api_world(world)
    return api_services.token_create(w.admin, acting_user=None, name="fuzz")[1]


def _use_real_ids(case):
    """Half of the generated ids are replaced by an existing object's, to get past 404s."""
    raw = case.path_parameters.get("id") if case.path_parameters else None
    if raw is None:
        return
    prefix = "/".join(case.operation.path.split("/")[:3]) + "/"
    model = MODELS.get(prefix)
    if model is None or (isinstance(raw, int) and raw % 2):
        return
    pks = list(model._default_manager.order_by("pk").values_list("pk", flat=True)[:20])
    if pks:
        case.path_parameters["id"] = pks[hash(str(raw)) % len(pks)]


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_fuzz(case, fuzz_key):
    _use_real_ids(case)
    case.call_and_validate(
        headers={"Authorization": f"Token {fuzz_key}"},
        checks=[checks.not_a_server_error, checks.response_schema_conformance,
                checks.content_type_conformance],
    )
