"""The REST API: one router over every app's `api.ROUTES`, the OpenAPI schema and its docs.

The docs (Swagger UI) are served from the app's own static files (sidecar), with the online
validator switched off: no outside asset is loaded. (ReDoc is left out: its page loads web
fonts from outside.)
"""

from importlib import import_module

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from .tokens import ApiTokenViewSet

API_MODULES = [
    "dientap.accounts.api",
    "dientap.organizations.api",
    "dientap.exercises.api",
    "dientap.conferences.api",
    "dientap.documents.api",
    "dientap.scenarios.api",
    "dientap.oversight.api",
]


class Router(DefaultRouter):
    include_format_suffixes = False


router = Router()
for module_name in API_MODULES:
    for prefix, viewset in import_module(module_name).ROUTES:
        router.register(prefix, viewset, basename=prefix)
router.register("tokens", ApiTokenViewSet, basename="tokens")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]
