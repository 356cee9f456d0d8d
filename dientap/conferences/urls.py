from django.urls import path

from . import views

app_name = "conferences"
urlpatterns = [
    path("exercises/<int:pk>/conferences/new/", views.ConferenceCreateView.as_view(),
         name="create"),
    path("exercises/<int:pk>/rounds/<int:rid>/gaps/", views.round_gaps, name="round_gaps"),
    path("conferences/<int:pk>/", views.conference_detail, name="detail"),
    path("conferences/<int:pk>/edit/", views.ConferenceEditView.as_view(), name="edit"),
    path("conferences/<int:pk>/holdings/new/", views.HoldingCreateView.as_view(),
         name="holding_create"),
    path("conferences/<int:pk>/agenda/add/", views.AgendaItemCreateView.as_view(),
         name="agenda_add"),
    path("conferences/<int:pk>/agenda/<int:iid>/edit/", views.AgendaItemEditView.as_view(),
         name="agenda_edit"),
    path("conferences/<int:pk>/agenda/<int:iid>/delete/", views.agenda_item_delete,
         name="agenda_delete"),
    path("conferences/<int:pk>/agenda/<int:iid>/move/", views.agenda_item_move,
         name="agenda_move"),
    path("conferences/<int:pk>/agenda/reorder/", views.agenda_reorder, name="agenda_reorder"),
    path("conferences/<int:pk>/composition/add/", views.CompositionEntryCreateView.as_view(),
         name="composition_add"),
    path("conferences/<int:pk>/composition/<int:eid>/edit/",
         views.CompositionEntryEditView.as_view(), name="composition_edit"),
    path("conferences/<int:pk>/composition/<int:eid>/delete/", views.composition_entry_delete,
         name="composition_delete"),
    path("holdings/<int:pk>/edit/", views.HoldingEditView.as_view(), name="holding_edit"),
    path("holdings/<int:pk>/run/", views.runsheet, name="runsheet"),
    path("holdings/<int:pk>/run/state/", views.runsheet_state, name="runsheet_state"),
    path("holdings/<int:pk>/run/action/", views.runsheet_action, name="runsheet_action"),
    path("holdings/<int:pk>/attendance/", views.attendance, name="attendance"),
]
