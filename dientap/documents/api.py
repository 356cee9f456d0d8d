"""REST API of the document set: register, versions (upload, write, download), review
comments, status changes, issuing, the access log and the readiness matrix.

Reading a classified document (its detail, a version's text) and downloading a version are
logged exactly as on the pages: the API calls the same services.
"""

import django_filters
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from dientap.api.filters import FilterSet, IdFilter
from dientap.api.serializers import ReadSerializer, ServiceSerializer
from dientap.api.viewsets import (
    IF_MATCH,
    CreateMixin,
    DestroyMixin,
    ReadOnlyViewSet,
    UpdateMixin,
)
from dientap.conferences.models import Conference
from dientap.core.scoping import VIEW
from dientap.exercises.models import Exercise, Round

from . import selectors, services
from .models import AccessLog, Comment, Document, DocumentVersion

# ---- serializers ---------------------------------------------------------------------------


class DocumentSerializer(ServiceSerializer):
    number_symbol = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = ["id", "exercise", "title", "doc_type", "owner_body", "drafter", "conferences",
                  "content_items", "due_date", "is_required", "status", "classification",
                  "urgency", "recipients", "copies", "copying_allowed", "format_family",
                  "parent_issuer", "issuer_code", "place", "sign_authority", "sign_on_behalf",
                  "sign_title", "sign_name", "number", "number_year", "number_symbol",
                  "issued_date", "version"]
        read_only_fields = ["status", "number", "number_year", "issued_date"]
        create_only_fields = ["exercise"]

    def get_number_symbol(self, obj) -> str:
        return obj.number_symbol if obj.number else ""


class DocumentVersionSerializer(ReadSerializer):
    class Meta:
        model = DocumentVersion
        fields = ["id", "document", "number", "author", "format", "file_name", "size",
                  "sha256", "text", "note", "created_at", "version"]


class DocumentVersionListSerializer(DocumentVersionSerializer):
    """Lists leave the text out: reading it is the detail's (and is logged when classified)."""

    class Meta(DocumentVersionSerializer.Meta):
        fields = [f for f in DocumentVersionSerializer.Meta.fields if f != "text"]


class CommentSerializer(ServiceSerializer):
    class Meta:
        model = Comment
        fields = ["id", "document", "on_version", "quote", "text", "author", "state", "answer",
                  "answered_by", "answered_at", "closed_by", "closed_at", "created_at",
                  "version"]
        read_only_fields = ["author", "state", "answer", "answered_by", "answered_at",
                            "closed_by", "closed_at"]
        extra_kwargs = {"text": {"max_length": 20000}, "quote": {"max_length": 20000}}


class AccessLogSerializer(ReadSerializer):
    class Meta:
        model = AccessLog
        fields = ["id", "document", "version", "user", "user_name", "body_name", "timestamp",
                  "action", "what", "copy_number"]


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Document.Status.choices)
    version = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class IssueSerializer(serializers.Serializer):
    issued_date = serializers.DateField(required=False)
    version = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class WriteSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2_000_000)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class AnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=20000)
    version = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class CloseSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class MatrixDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    doc_type = serializers.CharField()
    status = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)
    is_required = serializers.BooleanField()
    overdue = serializers.BooleanField()


class MatrixRowSerializer(serializers.Serializer):
    body = serializers.IntegerField(source="body.pk")
    body_name = serializers.CharField(source="body.name")
    documents = MatrixDocumentSerializer(many=True)
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    overdue = serializers.IntegerField()
    percent = serializers.IntegerField(allow_null=True)


class MatrixStatusSerializer(serializers.Serializer):
    status = serializers.CharField()
    count = serializers.IntegerField()


class MatrixSerializer(serializers.Serializer):
    """Bodies (rows) × their documents, with the share of required documents done."""

    rows = MatrixRowSerializer(many=True)
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    percent = serializers.IntegerField(allow_null=True)
    overdue = serializers.IntegerField()
    statuses = MatrixStatusSerializer(many=True)


class MatrixQuerySerializer(serializers.Serializer):
    exercise = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    round = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    conference = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


# ---- filters -------------------------------------------------------------------------------


class DocumentFilterSet(FilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", max_length=200)
    conference = IdFilter(field_name="conferences", distinct=True)

    class Meta:
        model = Document
        fields = ["exercise", "status", "owner_body", "doc_type", "classification",
                  "is_required"]


# ---- viewsets ------------------------------------------------------------------------------

_BINARY = {(200, media): OpenApiTypes.BINARY for media in (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text", "application/pdf", "text/plain")}


class DocumentViewSet(CreateMixin, UpdateMixin, DestroyMixin, ReadOnlyViewSet):
    """The register. Reading a classified document's detail is written to its access log."""

    model = Document
    serializer_class = DocumentSerializer
    prefetch_related = ("conferences", "content_items", "recipients")
    filterset_class = DocumentFilterSet
    ordering_fields = ["due_date", "id", "title", "status"]

    def retrieve(self, request, *args, **kwargs):
        document = self.get_object()
        services.document_viewed(document, acting_user=request.user, what=_("API: document"))
        return Response(self.get_serializer(document).data)

    def service_create(self, data):
        return services.document_create(data.pop("exercise"), acting_user=self.request.user,
                                        **data)

    def service_update(self, instance, data, expected_version):
        return services.document_update(instance, acting_user=self.request.user,
                                        expected_version=expected_version, **data)

    def service_delete(self, instance):
        services.document_delete(instance, acting_user=self.request.user)

    def _version_from(self, data):
        header = self.if_match()
        return header if header is not None else data.get("version")

    @extend_schema(request=StatusSerializer, parameters=[IF_MATCH], responses=DocumentSerializer)
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        document = self.get_object()
        serializer = StatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = services.document_change_status(
            document, acting_user=request.user, status=serializer.validated_data["status"],
            expected_version=self._version_from(serializer.validated_data))
        return Response(self.get_serializer(document).data)

    @extend_schema(request=IssueSerializer, parameters=[IF_MATCH], responses=DocumentSerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        document = self.get_object()
        serializer = IssueSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = services.document_issue(
            document, acting_user=request.user,
            issued_date=serializer.validated_data.get("issued_date"),
            expected_version=self._version_from(serializer.validated_data))
        return Response(self.get_serializer(document).data)

    @extend_schema(request={"multipart/form-data": UploadSerializer},
                   responses={201: DocumentVersionSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def upload(self, request, pk=None):
        document = self.get_object()
        serializer = UploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        from django.core.exceptions import ValidationError as DjangoValidationError

        try:
            version = services.version_upload(document, acting_user=request.user, file=upload,
                                              name=upload.name or "",
                                              note=serializer.validated_data.get("note", ""))
        except DjangoValidationError as exc:
            raise ValidationError({"file": exc.messages}) from None
        return Response(DocumentVersionSerializer(version, context=self.get_serializer_context())
                        .data, status=201)

    @extend_schema(request=WriteSerializer, responses={201: DocumentVersionSerializer})
    @action(detail=True, methods=["post"])
    def write(self, request, pk=None):
        document = self.get_object()
        serializer = WriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = services.version_write(document, acting_user=request.user,
                                         text=serializer.validated_data["text"],
                                         note=serializer.validated_data.get("note", ""))
        return Response(DocumentVersionSerializer(version, context=self.get_serializer_context())
                        .data, status=201)

    @extend_schema(parameters=[MatrixQuerySerializer], responses=MatrixSerializer)
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def readiness(self, request):
        """The readiness matrix of an exercise (optionally of one round or conference)."""
        query = MatrixQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        user = request.user
        exercise = Exercise.objects.restrict(user, VIEW).filter(
            pk=query.validated_data["exercise"]).first()
        if exercise is None:
            raise ValidationError({"exercise": [_("Unknown exercise.")]})
        rnd = conference = None
        if "round" in query.validated_data:
            rnd = Round.objects.restrict(user, VIEW, exercise=exercise).filter(
                pk=query.validated_data["round"]).first()
            if rnd is None:
                raise ValidationError({"round": [_("Unknown round.")]})
        if "conference" in query.validated_data:
            conference = Conference.objects.restrict(user, VIEW, exercise=exercise).filter(
                pk=query.validated_data["conference"]).first()
            if conference is None:
                raise ValidationError({"conference": [_("Unknown conference.")]})
        matrix = selectors.readiness_matrix(user, exercise, round=rnd, conference=conference)
        matrix["statuses"] = [{"status": s.value, "count": n} for s, n in matrix["statuses"]]
        return Response(MatrixSerializer(matrix).data)


class DocumentVersionViewSet(ReadOnlyViewSet):
    """Immutable versions; reading one's text or downloading it is logged when classified."""

    model = DocumentVersion
    serializer_class = DocumentVersionSerializer
    select_related = ("document",)

    def get_serializer_class(self):
        return DocumentVersionListSerializer if self.action == "list" else super(
        ).get_serializer_class()
    filterset_fields = ["document", "format"]
    ordering_fields = ["number", "id"]

    def retrieve(self, request, *args, **kwargs):
        version = self.get_object()
        services.document_viewed(version.document, acting_user=request.user, what=_(
            "API: text of version {number}").format(number=version.number))
        return Response(self.get_serializer(version).data)

    @extend_schema(responses=_BINARY)
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        version = self.get_object()
        data, name, content_type = services.version_download(version,
                                                             acting_user=request.user)
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(True, name)
        if version.document.is_classified:
            response["Cache-Control"] = "no-store, private"
        return response


class CommentViewSet(CreateMixin, ReadOnlyViewSet):
    """Review comments: reviewers write them, the owning body answers, reviewers close them."""

    model = Comment
    serializer_class = CommentSerializer
    select_related = ("document",)
    filterset_fields = ["document", "on_version", "state"]
    ordering_fields = ["created_at", "id"]

    def list(self, request, *args, **kwargs):
        """Reading the comments of a classified document is logged, as reading it is."""
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        services.documents_viewed([c.document for c in rows], acting_user=request.user,
                                  what=_("API: review comments"))
        data = self.get_serializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request, *args, **kwargs):
        comment = self.get_object()
        services.document_viewed(comment.document, acting_user=request.user,
                                 what=_("API: review comment"))
        return Response(self.get_serializer(comment).data)

    def service_create(self, data):
        return services.comment_add(data.pop("document"), acting_user=self.request.user,
                                    text=data.get("text", ""), quote=data.get("quote", ""),
                                    version=data.get("on_version"))

    @extend_schema(request=AnswerSerializer, parameters=[IF_MATCH], responses=CommentSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        comment = self.get_object()
        serializer = AnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        header = self.if_match()
        comment = services.comment_answer(
            comment, acting_user=request.user, answer=serializer.validated_data["answer"],
            expected_version=header if header is not None
            else serializer.validated_data.get("version"))
        return Response(self.get_serializer(comment).data)

    @extend_schema(request=CloseSerializer, parameters=[IF_MATCH], responses=CommentSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        comment = self.get_object()
        serializer = CloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        header = self.if_match()
        comment = services.comment_close(
            comment, acting_user=request.user,
            expected_version=header if header is not None
            else serializer.validated_data.get("version"))
        return Response(self.get_serializer(comment).data)


class AccessLogViewSet(ReadOnlyViewSet):
    """Who viewed or downloaded classified documents (of the documents one may see)."""

    model = AccessLog
    serializer_class = AccessLogSerializer
    filterset_fields = ["document", "action", "user"]
    ordering_fields = ["timestamp", "id"]


ROUTES = [
    ("documents", DocumentViewSet),
    ("document-versions", DocumentVersionViewSet),
    ("comments", CommentViewSet),
    ("document-access-log", AccessLogViewSet),
]
