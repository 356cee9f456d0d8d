from django.urls import path

from . import views

app_name = "scenarios"
P = "exercises/<int:pk>/"
urlpatterns = [
    path(P + "scenario/", views.situation_list, name="list"),
    path(P + "scenario/new/", views.SituationCreateView.as_view(), name="create"),
    path(P + "scenario/shift/", views.situations_shift, name="shift"),
    path(P + "scenario/export.xlsx", views.export_xlsx, name="export"),
    path(P + "scenario/import/", views.import_upload, name="import"),
    path(P + "scenario/import/preview/", views.import_preview, name="import_preview"),
    path(P + "scenario/director/", views.director, name="director"),
    path(P + "scenario/director/state/", views.director_state, name="director_state"),
    path(P + "scenario/director/action/", views.director_action, name="director_action"),
    path(P + "scenario/<int:sid>/", views.situation_detail, name="detail"),
    path(P + "scenario/<int:sid>/edit/", views.SituationEditView.as_view(), name="edit"),
    path(P + "scenario/<int:sid>/action/", views.situation_action, name="action"),
    path(P + "console/", views.console, name="console"),
    path(P + "console/state/", views.console_state, name="console_state"),
    path(P + "console/action/", views.console_action, name="console_action"),
]
