from django.urls import path

from . import views

app_name = "schedule"
urlpatterns = [
    path("exercises/<int:pk>/calendar/", views.exercise_calendar, name="exercise"),
    path("exercises/<int:pk>/calendar.ics", views.exercise_ics, name="exercise_ics"),
    path("bodies/<int:pk>/calendar/", views.body_calendar, name="body"),
    path("bodies/<int:pk>/calendar.ics", views.body_ics, name="body_ics"),
    path("calendar/feed-token/rotate/", views.token_rotate, name="token_rotate"),
]
