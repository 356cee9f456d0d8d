from django.urls import path

from . import live, views

app_name = "exercises"
urlpatterns = [
    path("", views.exercise_list, name="list"),
    path("new/", views.ExerciseCreateView.as_view(), name="create"),
    path("<int:pk>/", views.exercise_detail, name="detail"),
    path("<int:pk>/edit/", views.ExerciseEditView.as_view(), name="edit"),
    path("<int:pk>/status/", views.exercise_status, name="status"),
    path("<int:pk>/frame/", views.frame, name="frame"),
    path("<int:pk>/events/", live.event_stream, name="events"),
    path("<int:pk>/frame/add/", views.FrameParticipantCreateView.as_view(), name="frame_add"),
    path("<int:pk>/frame/<int:fid>/delete/", views.frame_participant_delete,
         name="frame_delete"),
    path("<int:pk>/committees/add/", views.CommitteeCreateView.as_view(), name="committee_add"),
    path("<int:pk>/committees/<int:cid>/members/add/", views.CommitteeMemberCreateView.as_view(),
         name="member_add"),
    path("<int:pk>/committees/members/<int:mid>/delete/", views.committee_member_delete,
         name="member_delete"),
    path("<int:pk>/roles/", views.RolesView.as_view(), name="roles"),
    path("<int:pk>/roles/<int:mid>/revoke/", views.membership_revoke, name="role_revoke"),
    path("<int:pk>/structure/", views.structure, name="structure"),
    path("<int:pk>/structure/phase/add/", views.StructureNodeCreateView.as_view(),
         {"level": "phase"}, name="phase_add"),
    path("<int:pk>/structure/<str:level>/add/<int:parent>/",
         views.StructureNodeCreateView.as_view(), name="structure_add"),
    path("<int:pk>/structure/<str:level>/<int:nid>/edit/", views.StructureNodeEditView.as_view(),
         name="structure_edit"),
    path("<int:pk>/structure/<str:level>/<int:nid>/action/", views.structure_node_action,
         name="structure_action"),
    path("<int:pk>/rounds/add/", views.RoundCreateView.as_view(), name="round_add"),
    path("<int:pk>/rounds/<int:rid>/edit/", views.RoundEditView.as_view(), name="round_edit"),
]
