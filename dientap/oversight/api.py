"""REST API of oversight and follow-up: observations, evaluation (scales, criteria, scores and
their averages), corrective actions with their status steps, round readiness, the preparation
checklist and the budget (see dientap.api).

Every change goes through `oversight.services`, as on the pages; who sees what is each
model's `scope_filter` (overseers see it all, a body its own actions, checks and budget lines).
"""

import django_filters
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from dientap.api.filters import DateTimeFilter, FilterSet, IdFilter
from dientap.api.serializers import (
    ReadSerializer,
    ScopedPrimaryKeyRelatedField,
    ServiceSerializer,
    version_field,
)
from dientap.api.viewsets import (
    IF_MATCH,
    CreateMixin,
    DestroyMixin,
    ReadOnlyViewSet,
    UpdateMixin,
    check_version,
)
from dientap.conferences.models import Holding
from dientap.core.scoping import VIEW
from dientap.documents.models import DocumentVersion
from dientap.exercises.models import Exercise, Round

from . import files, selectors, services
from .models import (
    BudgetLine,
    ChecklistItem,
    CorrectiveAction,
    Criterion,
    Observation,
    RoundReadiness,
    Scale,
    ScaleLevel,
    Score,
)

TEXT = {"max_length": 100_000}



# ---- serializers ---------------------------------------------------------------------------


class ObservationSerializer(ServiceSerializer):
    has_photo = serializers.SerializerMethodField()

    class Meta:
        model = Observation
        fields = ["id", "exercise", "round", "kind", "text", "body", "holding", "agenda_item",
                  "document_version", "delivery", "observed_at", "scenario_time", "author",
                  "has_photo", "version"]
        read_only_fields = ["author"]
        create_only_fields = ["exercise"]
        extra_kwargs = {"text": TEXT, "observed_at": {"required": False}}

    def get_has_photo(self, obj) -> bool:
        return bool(obj.photo_sha256)


class ScaleLevelSerializer(ReadSerializer):
    class Meta:
        model = ScaleLevel
        fields = ["id", "code", "label", "points"]


class ScaleSerializer(ReadSerializer):
    levels = ScaleLevelSerializer(many=True, read_only=True)

    class Meta:
        model = Scale
        fields = ["id", "exercise", "code", "name", "levels", "version"]


class CriterionSerializer(ServiceSerializer):
    class Meta:
        model = Criterion
        fields = ["id", "exercise", "position", "title", "description", "scale", "version"]
        read_only_fields = ["position"]
        create_only_fields = ["exercise"]
        extra_kwargs = {"description": TEXT}


class ScoreSerializer(ServiceSerializer):
    class Meta:
        model = Score
        fields = ["id", "criterion", "round", "body", "holding", "level", "comment", "evidence",
                  "scored_by", "version"]
        read_only_fields = ["scored_by"]
        create_only_fields = ["criterion", "round", "body", "holding"]
        extra_kwargs = {
            "comment": TEXT,
            "round": {"required": False, "allow_null": True,
                      "help_text": gettext_lazy("Leave out when scoring a holding.")},
            "body": {"required": False, "allow_null": True,
                     "help_text": gettext_lazy("Leave out when scoring a holding.")},
            "evidence": {"required": False},
        }


class CorrectiveActionSerializer(ServiceSerializer):
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = CorrectiveAction
        fields = ["id", "exercise", "round", "owner_body", "title", "description", "due_date",
                  "blocking", "status", "observation", "comment", "raised_again_from",
                  "created_by", "done_at", "done_by", "done_note", "fixed_by_version",
                  "fixed_by_holding", "verified_at", "verified_by", "reopen_reason", "overdue",
                  "version"]
        read_only_fields = ["status", "created_by", "done_at", "done_by", "done_note",
                            "fixed_by_version", "fixed_by_holding", "verified_at",
                            "verified_by", "reopen_reason"]
        create_only_fields = ["exercise", "observation", "comment", "raised_again_from"]
        extra_kwargs = {"description": TEXT}

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue()


class RoundReadinessSerializer(ServiceSerializer):
    class Meta:
        model = RoundReadiness
        fields = ["id", "round", "ready_at", "by", "override_reason", "open_blocking", "version"]
        read_only_fields = ["ready_at", "by", "open_blocking"]
        create_only_fields = ["round"]
        extra_kwargs = {"override_reason": {**TEXT, "help_text": gettext_lazy(
            "Needed when blocking corrective actions raised in the round are still open.")}}


class ChecklistItemSerializer(ServiceSerializer):
    has_evidence_file = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = ChecklistItem
        fields = ["id", "exercise", "round", "category", "title", "owner_body", "due_date",
                  "status", "evidence", "has_evidence_file", "overdue", "version"]
        create_only_fields = ["exercise"]
        extra_kwargs = {"evidence": TEXT}

    def get_has_evidence_file(self, obj) -> bool:
        return bool(obj.evidence_sha256)

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue()


class BudgetLineSerializer(ServiceSerializer):
    variance = serializers.IntegerField(read_only=True)

    class Meta:
        model = BudgetLine
        fields = ["id", "exercise", "title", "owner_body", "planned", "actual", "variance",
                  "note", "version"]
        create_only_fields = ["exercise"]
        extra_kwargs = {"planned": {"max_value": 10**15}, "actual": {"max_value": 10**15}}


class OversightVersionSerializer(serializers.Serializer):
    version = version_field()


class DoneSerializer(OversightVersionSerializer):
    note = serializers.CharField(required=False, allow_blank=True, **TEXT)
    fixed_by_version = ScopedPrimaryKeyRelatedField(queryset=DocumentVersion.objects.all(),
                                                    required=False, allow_null=True)
    fixed_by_holding = ScopedPrimaryKeyRelatedField(queryset=Holding.objects.all(),
                                                    required=False, allow_null=True)


class ReopenSerializer(OversightVersionSerializer):
    reason = serializers.CharField(**TEXT)


class RaiseAgainSerializer(serializers.Serializer):
    round = ScopedPrimaryKeyRelatedField(queryset=Round.objects.all())
    due_date = serializers.DateField()
    title = serializers.CharField(required=False, allow_blank=True, max_length=500)
    blocking = serializers.BooleanField(required=False, allow_null=True, default=None)


class ExerciseRefSerializer(serializers.Serializer):
    exercise = ScopedPrimaryKeyRelatedField(queryset=Exercise.objects.all())


class ExerciseQueryRefSerializer(serializers.Serializer):
    exercise = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class AverageSerializer(serializers.Serializer):
    avg = serializers.FloatField(help_text=gettext_lazy("Average points (higher is better)."))
    n = serializers.IntegerField(help_text=gettext_lazy("Number of scores."))


class BodyAverageSerializer(AverageSerializer):
    body = serializers.IntegerField(source="body_id")
    name = serializers.CharField()


class RoundAverageSerializer(AverageSerializer):
    round = serializers.IntegerField(source="round_id")


class CriterionAverageSerializer(AverageSerializer):
    criterion = serializers.IntegerField(source="criterion_id")
    title = serializers.CharField(source="criterion__title")


class CellSerializer(AverageSerializer):
    criterion = serializers.IntegerField(source="criterion_id")
    body = serializers.IntegerField(source="body_id")


class SummarySerializer(serializers.Serializer):
    """Average points per body, per round, per criterion and per criterion × body."""

    by_body = BodyAverageSerializer(many=True)
    by_round = RoundAverageSerializer(many=True)
    by_criterion = CriterionAverageSerializer(many=True)
    cells = CellSerializer(many=True)


# ---- filters -------------------------------------------------------------------------------


class ObservationFilterSet(FilterSet):
    q = django_filters.CharFilter(field_name="text", lookup_expr="icontains", max_length=200)
    observed_after = DateTimeFilter(field_name="observed_at",
                                                      lookup_expr="gte")

    class Meta:
        model = Observation
        fields = ["exercise", "round", "kind", "body", "holding", "agenda_item",
                  "document_version", "delivery", "author"]


class ActionFilterSet(FilterSet):
    overdue = django_filters.BooleanFilter(method="filter_overdue")

    class Meta:
        model = CorrectiveAction
        fields = ["exercise", "round", "owner_body", "status", "blocking", "observation",
                  "raised_again_from"]

    def filter_overdue(self, queryset, name, value):
        late = {"status__in": CorrectiveAction.OPEN_STATUSES,
                "due_date__lt": timezone.localdate()}
        return queryset.filter(**late) if value else queryset.exclude(**late)


class ReadinessFilterSet(FilterSet):
    exercise = IdFilter(field_name="round__exercise")

    class Meta:
        model = RoundReadiness
        fields = ["round"]


class ScoreFilterSet(FilterSet):
    exercise = IdFilter(field_name="criterion__exercise")

    class Meta:
        model = Score
        fields = ["criterion", "round", "body", "holding", "level"]


# ---- viewsets ------------------------------------------------------------------------------


class _Versioned:
    def _expected(self, data):
        header = self.if_match()
        return header if header is not None else data.get("version")

    def _valid(self, request, serializer_class):
        serializer = serializer_class(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _reply(self, obj, status=200):
        return Response(self.get_serializer(self.get_queryset().get(pk=obj.pk)).data,
                        status=status)


def _changed(instance, data: dict) -> dict:
    """Only the fields that differ (a full PUT by a body that may change only some of them)."""
    return {k: v for k, v in data.items() if getattr(instance, k) != v}


def _visible_exercise(user, raw_query) -> Exercise:
    query = ExerciseQueryRefSerializer(data=raw_query)
    query.is_valid(raise_exception=True)
    exercise = Exercise.objects.restrict(user, VIEW).filter(
        pk=query.validated_data["exercise"]).first()
    if exercise is None:
        raise ValidationError({"exercise": [_("Unknown exercise.")]})
    return exercise


class ObservationViewSet(CreateMixin, DestroyMixin, ReadOnlyViewSet):
    """Observations on the spot (observers, the Organizing Committee and directors record them;
    inspectors read them). An observation is about exactly one thing."""

    model = Observation
    serializer_class = ObservationSerializer
    filterset_class = ObservationFilterSet
    ordering_fields = ["observed_at", "id"]

    def service_create(self, data):
        return services.observation_create(data.pop("exercise"), acting_user=self.request.user,
                                           **data)

    def service_delete(self, instance):
        services.observation_delete(instance, acting_user=self.request.user)

    @extend_schema(responses={(200, mime): OpenApiTypes.BINARY
                              for mime in files.IMAGE_TYPES.values()})
    @action(detail=True, methods=["get"])
    def photo(self, request, pk=None):
        obs = self.get_object()
        if not obs.photo_sha256:
            raise Http404
        return files.response(files.read(obs.photo_sha256), files.IMAGE_TYPES[obs.photo_type],
                              f"quan-sat-{obs.pk}.{obs.photo_type}")


class ScaleViewSet(ReadOnlyViewSet):
    """The rating scales of an exercise with their levels (seeded with the criteria)."""

    model = Scale
    serializer_class = ScaleSerializer
    prefetch_related = ("levels",)
    filterset_fields = ["exercise", "code"]
    ordering_fields = ["id", "code"]


class CriterionViewSet(CreateMixin, UpdateMixin, ReadOnlyViewSet):
    model = Criterion
    serializer_class = CriterionSerializer
    filterset_fields = ["exercise", "scale"]
    ordering_fields = ["position", "id"]

    def service_create(self, data):
        return services.criterion_create(data.pop("exercise"), acting_user=self.request.user,
                                         **data)

    def service_update(self, instance, data, expected_version):
        return services.criterion_update(instance, acting_user=self.request.user,
                                         expected_version=expected_version, **data)

    @extend_schema(request=ExerciseRefSerializer, responses=CriterionSerializer(many=True))
    @action(detail=False, methods=["post"], pagination_class=None, filter_backends=[])
    def seed(self, request):
        """The default scales (Giỏi/Khá/Đạt/Không đạt, HSEEP P/S/M/U) and criteria."""
        serializer = ExerciseRefSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        criteria = services.criteria_seed_defaults(serializer.validated_data["exercise"],
                                                   acting_user=request.user)
        items = self.get_queryset().filter(pk__in=[c.pk for c in criteria])
        return Response(self.get_serializer(items, many=True).data)


class ScoreViewSet(_Versioned, CreateMixin, UpdateMixin, ReadOnlyViewSet):
    """Scores of a body (in a round) or of a holding on a criterion; scoring the same thing
    again replaces the score."""

    model = Score
    serializer_class = ScoreSerializer
    prefetch_related = ("evidence",)
    filterset_class = ScoreFilterSet
    ordering_fields = ["id"]

    def service_create(self, data):
        return services.score_set(data.pop("criterion"), acting_user=self.request.user,
                                  level=data.pop("level"), round=data.get("round"),
                                  body=data.get("body"), holding=data.get("holding"),
                                  comment=data.get("comment", ""),
                                  evidence=data.get("evidence", ()))

    def service_update(self, instance, data, expected_version):
        check_version(instance, expected_version)
        return services.score_set(
            instance.criterion, acting_user=self.request.user,
            level=data.get("level", instance.level),
            round=None if instance.holding_id else instance.round,
            body=None if instance.holding_id else instance.body, holding=instance.holding,
            comment=data.get("comment", instance.comment),
            evidence=data["evidence"] if "evidence" in data else instance.evidence.all())

    @extend_schema(parameters=[ExerciseQueryRefSerializer], responses=SummarySerializer)
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def summary(self, request):
        """The averages of the evaluation page (of the scores one may see)."""
        exercise = _visible_exercise(request.user, request.query_params)
        agg = selectors.aggregates(request.user, exercise)
        agg["cells"] = list(agg["cells"].values())
        return Response(SummarySerializer(agg).data)


class CorrectiveActionViewSet(_Versioned, CreateMixin, UpdateMixin, ReadOnlyViewSet):
    """The improvement plan: each corrective action with its owner body, due date and status,
    tracked to closure (start, done by the body; verify, reopen by the Organizing Committee)."""

    model = CorrectiveAction
    serializer_class = CorrectiveActionSerializer
    filterset_class = ActionFilterSet
    ordering_fields = ["due_date", "id", "status"]

    def service_create(self, data):
        return services.action_create(data.pop("exercise"), acting_user=self.request.user,
                                      **data)

    def service_update(self, instance, data, expected_version):
        return services.action_update(instance, acting_user=self.request.user,
                                      expected_version=expected_version, **data)

    @extend_schema(request=OversightVersionSerializer, parameters=[IF_MATCH],
                   responses=CorrectiveActionSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        obj = self.get_object()
        data = self._valid(request, OversightVersionSerializer)
        return self._reply(services.action_start(obj, acting_user=request.user,
                                                 expected_version=self._expected(data)))

    @extend_schema(request=DoneSerializer, parameters=[IF_MATCH],
                   responses=CorrectiveActionSerializer)
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        obj = self.get_object()
        data = self._valid(request, DoneSerializer)
        return self._reply(services.action_done(
            obj, acting_user=request.user, expected_version=self._expected(data),
            note=data.get("note", ""), fixed_by_version=data.get("fixed_by_version"),
            fixed_by_holding=data.get("fixed_by_holding")))

    @extend_schema(request=OversightVersionSerializer, parameters=[IF_MATCH],
                   responses=CorrectiveActionSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        obj = self.get_object()
        data = self._valid(request, OversightVersionSerializer)
        return self._reply(services.action_verify(obj, acting_user=request.user,
                                                  expected_version=self._expected(data)))

    @extend_schema(request=ReopenSerializer, parameters=[IF_MATCH],
                   responses=CorrectiveActionSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        obj = self.get_object()
        data = self._valid(request, ReopenSerializer)
        return self._reply(services.action_reopen(obj, acting_user=request.user,
                                                  reason=data["reason"],
                                                  expected_version=self._expected(data)))

    @extend_schema(request=RaiseAgainSerializer, responses={201: CorrectiveActionSerializer})
    @action(detail=True, methods=["post"], url_path="raise-again")
    def raise_again(self, request, pk=None):
        """The same shortcoming seen again in a later round: a new action linked to this one."""
        obj = self.get_object()
        data = self._valid(request, RaiseAgainSerializer)
        new = services.action_raise_again(obj, acting_user=request.user, round=data["round"],
                                          due_date=data["due_date"],
                                          title=data.get("title", ""),
                                          blocking=data.get("blocking"))
        return self._reply(new, status=201)


class RoundReadinessViewSet(CreateMixin, ReadOnlyViewSet):
    """Rounds marked ready for the next one (refused while blocking actions raised in the
    round are open, unless an override reason is given)."""

    model = RoundReadiness
    serializer_class = RoundReadinessSerializer
    filterset_class = ReadinessFilterSet
    ordering_fields = ["ready_at", "id"]

    def service_create(self, data):
        return services.round_mark_ready(data["round"], self.request.user,
                                         override_reason=data.get("override_reason"))


class ChecklistItemViewSet(CreateMixin, UpdateMixin, ReadOnlyViewSet):
    """The preparation checklist (facilities, support conditions, safety). The owning body
    updates the status and evidence of its items; the Organizing Committee everything."""

    model = ChecklistItem
    serializer_class = ChecklistItemSerializer
    filterset_fields = ["exercise", "round", "owner_body", "category", "status"]
    ordering_fields = ["due_date", "category", "id"]

    def service_create(self, data):
        return services.checklist_item_create(data.pop("exercise"),
                                              acting_user=self.request.user, **data)

    def service_update(self, instance, data, expected_version):
        return services.checklist_item_update(instance, acting_user=self.request.user,
                                              expected_version=expected_version,
                                              **_changed(instance, data))

    @extend_schema(responses={(200, mime): OpenApiTypes.BINARY
                              for mime in files.EVIDENCE_TYPES.values()})
    @action(detail=True, methods=["get"], url_path="evidence-file")
    def evidence_file(self, request, pk=None):
        item = self.get_object()
        if not item.evidence_sha256:
            raise Http404
        return files.response(files.read(item.evidence_sha256),
                              files.EVIDENCE_TYPES[item.evidence_type],
                              f"minh-chung-{item.pk}.{item.evidence_type}")


class BudgetLineViewSet(CreateMixin, UpdateMixin, ReadOnlyViewSet):
    """The budget (VND): planned and actual per line; the owning body records what it spent."""

    model = BudgetLine
    serializer_class = BudgetLineSerializer
    filterset_fields = ["exercise", "owner_body"]
    ordering_fields = ["id", "planned", "actual"]

    def service_update(self, instance, data, expected_version):
        return services.budget_line_update(instance, acting_user=self.request.user,
                                           expected_version=expected_version,
                                           **_changed(instance, data))

    def service_create(self, data):
        return services.budget_line_create(data.pop("exercise"), acting_user=self.request.user,
                                           **data)


ROUTES = [
    ("observations", ObservationViewSet),
    ("scales", ScaleViewSet),
    ("criteria", CriterionViewSet),
    ("scores", ScoreViewSet),
    ("corrective-actions", CorrectiveActionViewSet),
    ("round-readiness", RoundReadinessViewSet),
    ("checklist-items", ChecklistItemViewSet),
    ("budget-lines", BudgetLineViewSet),
]
