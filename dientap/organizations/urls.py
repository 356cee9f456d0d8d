from django.urls import path

from . import views

app_name = "organizations"
urlpatterns = [
    path("people/", views.person_list, name="person_list"),
    path("people/new/", views.PersonCreateView.as_view(), name="person_create"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.PersonEditView.as_view(), name="person_edit"),
    path("people/<int:pk>/posts/add/", views.PostCreateView.as_view(), name="post_add"),
    path("posts/<int:pk>/delete/", views.post_delete, name="post_delete"),
    path("bodies/", views.body_list, name="body_list"),
    path("bodies/new/", views.BodyCreateView.as_view(), name="body_create"),
    path("bodies/<int:pk>/", views.body_detail, name="body_detail"),
    path("bodies/<int:pk>/edit/", views.BodyEditView.as_view(), name="body_edit"),
]
