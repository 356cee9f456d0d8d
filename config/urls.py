from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from dientap.accounts import views as account_views
from dientap.core import views as core_views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="exercises:list", permanent=False)),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    path("accounts/two-factor/", account_views.two_factor_verify, name="two_factor_verify"),
    path("accounts/two-factor/setup/", account_views.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/recovery/", account_views.two_factor_recovery,
         name="two_factor_recovery"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/language/", account_views.set_language, name="set_language"),
    path("exercises/", include("dientap.exercises.urls")),
    path("", include("dientap.organizations.urls")),
    path("", include("dientap.conferences.urls")),
    path("", include("dientap.documents.urls")),
    path("", include("dientap.schedule.urls")),
    path("", include("dientap.oversight.urls")),
    path("", include("dientap.exports.urls")),
    path("", include("dientap.scenarios.urls")),
    path("", include("dientap.reuse.urls")),
    path("", include("dientap.reports.urls")),
    path("", include("dientap.replay.urls")),
    path("api/", include("dientap.api.urls")),
    path("", include("dientap.bench.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "dientap.core.views.permission_denied"
handler404 = "dientap.core.views.page_not_found"
handler500 = "dientap.core.views.server_error"
