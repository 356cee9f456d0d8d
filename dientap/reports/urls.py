from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("exercises/<int:pk>/reports/", views.report_list, name="list"),
    path("exercises/<int:pk>/reports/new/", views.ReportCreateView.as_view(), name="create"),
    path("exercises/<int:pk>/reports/<int:rid>/", views.ReportEditView.as_view(), name="edit"),
    path("exercises/<int:pk>/reports/<int:rid>/regenerate/", views.regenerate,
         name="regenerate"),
    path("exercises/<int:pk>/reports/<int:rid>/register/", views.register, name="register"),
    path("exercises/<int:pk>/reports/<int:rid>/download.<str:fmt>", views.download,
         name="download"),
]
