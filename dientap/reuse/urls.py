from django.urls import path

from . import views

app_name = "reuse"
urlpatterns = [
    path("reuse/", views.library_page, name="library"),
    path("reuse/import/", views.import_page, name="import_file"),
    path("reuse/templates/<slug:slug>/", views.import_page, name="import_template"),
    path("exercises/<int:pk>/reuse/export/", views.export_page, name="export"),
    path("exercises/<int:pk>/reuse/duplicate/", views.duplicate, name="duplicate"),
]
