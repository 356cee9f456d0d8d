from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("exercises/<int:pk>/documents/", views.register, name="register"),
    path("exercises/<int:pk>/documents/new/", views.DocumentCreateView.as_view(),
         name="create"),
    path("exercises/<int:pk>/documents/seed/", views.SeedView.as_view(), name="seed"),
    path("exercises/<int:pk>/documents/matrix/", views.matrix, name="matrix"),
    path("exercises/<int:pk>/documents/classified-register/", views.secret_register,
         name="secret_register"),
    path("documents/<int:pk>/", views.document_detail, name="detail"),
    path("documents/<int:pk>/edit/", views.DocumentEditView.as_view(), name="edit"),
    path("documents/<int:pk>/delete/", views.document_delete, name="delete"),
    path("documents/<int:pk>/status/", views.document_status, name="status"),
    path("documents/<int:pk>/issue/", views.IssueView.as_view(), name="issue"),
    path("documents/<int:pk>/versions/upload/", views.VersionUploadView.as_view(),
         name="upload"),
    path("documents/<int:pk>/versions/write/", views.VersionWriteView.as_view(), name="write"),
    path("documents/<int:pk>/diff/", views.diff, name="diff"),
    path("documents/<int:pk>/export/<str:fmt>/", views.export, name="export"),
    path("documents/<int:pk>/comments/new/", views.CommentCreateView.as_view(),
         name="comment_add"),
    path("documents/versions/<int:vid>/", views.version_detail, name="version"),
    path("documents/versions/<int:vid>/download/", views.version_download,
         name="version_download"),
    path("documents/comments/<int:cid>/answer/", views.comment_answer, name="comment_answer"),
    path("documents/comments/<int:cid>/close/", views.comment_close, name="comment_close"),
]
