from django.urls import path

from . import views

app_name = "conferences"
urlpatterns = [
    path("exercises/<int:pk>/conferences/new/", views.ConferenceCreateView.as_view(),
         name="create"),
    path("conferences/<int:pk>/", views.conference_detail, name="detail"),
    path("conferences/<int:pk>/edit/", views.ConferenceEditView.as_view(), name="edit"),
    path("conferences/<int:pk>/holdings/new/", views.HoldingCreateView.as_view(),
         name="holding_create"),
    path("holdings/<int:pk>/edit/", views.HoldingEditView.as_view(), name="holding_edit"),
]
