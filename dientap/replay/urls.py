from django.urls import path

from . import views

app_name = "replay"
urlpatterns = [
    path("exercises/<int:pk>/rounds/<int:rid>/timeline/", views.round_timeline, name="round"),
    path("exercises/<int:pk>/rounds/<int:rid>/timeline/data/", views.round_timeline_data,
         name="round_data"),
]
