from django.urls import path

from . import views

app_name = "oversight"
urlpatterns = [
    path("exercises/<int:pk>/dashboard/", views.dashboard, name="dashboard"),
    path("exercises/<int:pk>/observe/", views.ObserveView.as_view(), name="observe"),
    path("exercises/<int:pk>/observations/", views.observations, name="observations"),
    path("exercises/<int:pk>/observations/feed/", views.observation_feed,
         name="observation_feed"),
    path("observations/<int:oid>/photo/", views.observation_photo, name="observation_photo"),
    path("exercises/<int:pk>/actions/", views.actions, name="actions"),
    path("exercises/<int:pk>/actions/new/", views.ActionCreateView.as_view(),
         name="action_create"),
    path("actions/<int:aid>/", views.action_detail, name="action"),
    path("actions/<int:aid>/edit/", views.ActionEditView.as_view(), name="action_edit"),
    path("actions/<int:aid>/<str:step>/", views.action_step, name="action_step"),
    path("exercises/<int:pk>/follow-up/", views.follow_up, name="follow_up"),
    path("exercises/<int:pk>/rounds/<int:rid>/ready/", views.round_ready, name="round_ready"),
    path("exercises/<int:pk>/evaluation/", views.evaluation, name="evaluation"),
    path("exercises/<int:pk>/evaluation/seed/", views.criteria_seed, name="criteria_seed"),
    path("exercises/<int:pk>/evaluation/criteria/new/", views.CriterionCreateView.as_view(),
         name="criterion_create"),
    path("exercises/<int:pk>/evaluation/score/", views.ScoreView.as_view(), name="score"),
    path("exercises/<int:pk>/checks/", views.checks, name="checks"),
    path("exercises/<int:pk>/checks/new/", views.ChecklistItemCreateView.as_view(),
         name="check_create"),
    path("checks/<int:iid>/edit/", views.ChecklistItemEditView.as_view(), name="check_edit"),
    path("checks/<int:iid>/evidence/", views.checklist_evidence, name="check_evidence"),
    path("exercises/<int:pk>/budget/new/", views.BudgetLineCreateView.as_view(),
         name="budget_create"),
    path("budget/<int:lid>/edit/", views.BudgetLineEditView.as_view(), name="budget_edit"),
    path("oversight/region/", views.region, name="region"),
]
