from django.urls import path

from . import views

app_name = "exports"
urlpatterns = [
    path("exercises/<int:pk>/export/<slug:register>.xlsx", views.register_export,
         name="register"),
]
