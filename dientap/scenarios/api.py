"""REST API of the scenario: situations (the MSEL) and their live control, the deliveries to
the receiving bodies (acknowledge, record the handling), the exercise clock and communication
checks (see dientap.api).

Every change goes through `scenarios.services`, as on the pages: the same checks, audit
entries and live events. Who sees a situation or a delivery is their `scope_filter`.
"""

import django_filters
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from dientap.api.filters import FilterSet, IdFilter
from dientap.api.serializers import (
    MoveSerializer,
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
from dientap.core.scoping import VIEW
from dientap.documents.models import Document
from dientap.exercises.models import Exercise
from dientap.exercises.services import require_change

from . import scenario_time, services
from .models import CommCheck, CommCheckReply, Delivery, ExerciseClock, Handling, Situation

MAX_MINUTES = 10**8  # about 190 years of scenario time either way



# ---- serializers ---------------------------------------------------------------------------


class SituationSerializer(ServiceSerializer):
    time_label = serializers.CharField(read_only=True)

    class Meta:
        model = Situation
        fields = ["id", "exercise", "code", "title", "content", "scenario_minutes", "g_relative",
                  "time_label", "issuer_kind", "issuer", "method", "receiving_bodies",
                  "handling_kind", "expected_handling", "deadline_minutes", "documents",
                  "content_item", "classification", "depends_on", "status", "position",
                  "issued_at", "issued_by", "issued_by_clock", "issued_scenario_minutes",
                  "version"]
        read_only_fields = ["status", "position", "issued_at", "issued_by", "issued_by_clock",
                            "issued_scenario_minutes"]
        create_only_fields = ["exercise"]
        extra_kwargs = {
            "scenario_minutes": {"min_value": -MAX_MINUTES, "max_value": MAX_MINUTES},
            "deadline_minutes": {"max_value": 10**6},
            "content": {"max_length": 100_000},
            "expected_handling": {"max_length": 100_000},
            "documents": {"required": False},
        }


class DeliverySerializer(ReadSerializer):
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Delivery
        fields = ["id", "situation", "body", "due_at", "acknowledged_at", "acknowledged_by",
                  "handled_at", "handled_by", "handling_kind", "handling_text", "documents",
                  "late", "overdue", "version"]

    def get_overdue(self, obj) -> bool:
        """Not handled and past its deadline, or handled late."""
        return obj.is_overdue(timezone.now())


class CommCheckReplySerializer(ReadSerializer):
    class Meta:
        model = CommCheckReply
        fields = ["id", "body", "confirmed_at", "confirmed_by"]


class CommCheckSerializer(ServiceSerializer):
    replies = CommCheckReplySerializer(many=True, read_only=True)

    class Meta:
        model = CommCheck
        fields = ["id", "exercise", "sent_at", "sent_by", "bodies", "replies", "version"]
        read_only_fields = ["sent_at", "sent_by", "bodies"]
        create_only_fields = ["exercise"]


class ClockSerializer(ReadSerializer):
    """The exercise clock (version 0: not started yet, no clock stored)."""

    now_seconds = serializers.SerializerMethodField()
    now_label = serializers.SerializerMethodField()

    class Meta:
        model = ExerciseClock
        fields = ["exercise", "state", "speed", "anchor_real", "anchor_scenario_seconds",
                  "g_minutes", "now_seconds", "now_label", "version"]

    def _now(self, obj) -> float:
        from . import clock as clockmath

        return clockmath.scenario_seconds(obj, timezone.now())

    def get_now_seconds(self, obj) -> float:
        """Scenario-now in seconds from day N 00:00."""
        return self._now(obj)

    def get_now_label(self, obj) -> str:
        return scenario_time.format_seconds(self._now(obj))


class ScenarioVersionSerializer(serializers.Serializer):
    version = version_field()


class ScheduleSerializer(ScenarioVersionSerializer):
    scenario_minutes = serializers.IntegerField(
        required=False, min_value=-MAX_MINUTES, max_value=MAX_MINUTES,
        help_text=gettext_lazy("A new scenario time (re-time); leave out to keep it."))
    g_relative = serializers.BooleanField(required=False)


class ShiftSerializer(serializers.Serializer):
    exercise = ScopedPrimaryKeyRelatedField(queryset=Exercise.objects.all())
    situations = serializers.ListField(child=serializers.IntegerField(min_value=1,
                                                                      max_value=2**63 - 1),
                                       min_length=1, max_length=1000)
    minutes = serializers.IntegerField(min_value=-MAX_MINUTES, max_value=MAX_MINUTES,
                                       help_text=gettext_lazy("May be negative."))


class HandleSerializer(ScenarioVersionSerializer):
    handling_kind = serializers.ChoiceField(choices=Handling.choices, required=False,
                                            help_text=gettext_lazy(
                                                "Default: the situation's expected handling."))
    text = serializers.CharField(max_length=100_000)
    documents = serializers.ListField(child=serializers.IntegerField(min_value=1,
                                                                     max_value=2**63 - 1),
                                      required=False, max_length=100)


class ClockTimeSerializer(serializers.Serializer):
    """A scenario time as minutes from day N 00:00, or written as on the page ("N-57 07:30")."""

    minutes = serializers.IntegerField(required=False, min_value=-MAX_MINUTES,
                                       max_value=MAX_MINUTES)
    time = serializers.CharField(required=False, max_length=100,
                                 help_text=gettext_lazy("e.g. N-57 07:30"))
    version = serializers.IntegerField(required=False, min_value=0, max_value=2**31 - 1,
                                       help_text=gettext_lazy("The clock's version you read "
                                                              "(0: not started)."))

    def resolved(self):
        data = self.validated_data
        if "minutes" in data:
            return data["minutes"]
        if data.get("time"):
            from django.core.exceptions import ValidationError as DjangoValidationError

            try:
                when = scenario_time.parse(data["time"])
            except DjangoValidationError as exc:
                raise ValidationError({"time": exc.messages}) from None
            if when.g_relative or abs(when.minutes) > MAX_MINUTES:
                raise ValidationError({"time": [_("Give a time of day N, e.g. “N 07:00”.")]})
            return when.minutes
        return None


class ClockVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=0, max_value=2**31 - 1)


class ClockSpeedSerializer(ClockVersionSerializer):
    speed = serializers.FloatField(min_value=0.1, max_value=120,
                                   help_text=gettext_lazy("Scenario minutes per real minute."))


class ClockGSerializer(ClockVersionSerializer):
    g_minutes = serializers.IntegerField(allow_null=True, min_value=-MAX_MINUTES,
                                         max_value=MAX_MINUTES,
                                         help_text=gettext_lazy("Scenario time of the G hour "
                                                                "(null: not set)."))


# ---- filters -------------------------------------------------------------------------------


class SituationFilterSet(FilterSet):
    q = django_filters.CharFilter(method="search", max_length=200)
    body = IdFilter(field_name="receiving_bodies", distinct=True)

    class Meta:
        model = Situation
        fields = ["exercise", "status", "handling_kind", "content_item", "classification",
                  "issuer_kind", "depends_on"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(title__icontains=value)
                               | Q(content__icontains=value))


class DeliveryFilterSet(FilterSet):
    exercise = IdFilter(field_name="situation__exercise")
    handled = django_filters.BooleanFilter(field_name="handled_at", lookup_expr="isnull",
                                           exclude=True)

    class Meta:
        model = Delivery
        fields = ["situation", "body", "late"]


# ---- viewsets ------------------------------------------------------------------------------


class _VersionedActions:
    def _expected(self, data):
        header = self.if_match()
        return header if header is not None else data.get("version")

    def _read_version(self, request, serializer_class=ScenarioVersionSerializer):
        serializer = serializer_class(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer


class SituationViewSet(_VersionedActions, CreateMixin, UpdateMixin, DestroyMixin,
                       ReadOnlyViewSet):
    """The situations of an exercise. Staff see the whole scenario; a receiving body sees a
    situation once it is issued. Issued situations can no longer be changed or deleted."""

    model = Situation
    serializer_class = SituationSerializer
    prefetch_related = ("receiving_bodies", "documents")
    filterset_class = SituationFilterSet
    ordering_fields = ["scenario_minutes", "position", "code", "id", "issued_at"]

    def service_create(self, data):
        return services.situation_create(data.pop("exercise"), acting_user=self.request.user,
                                         **data)

    def service_update(self, instance, data, expected_version):
        return services.situation_update(instance, acting_user=self.request.user,
                                         expected_version=expected_version, **data)

    def service_delete(self, instance):
        services.situation_delete(instance, acting_user=self.request.user)

    def _step(self, request, run, status=200):
        situation = self.get_object()
        serializer = self._read_version(request)
        check_version(situation, self._expected(serializer.validated_data))
        result = run(situation)
        result = self.get_queryset().get(pk=result.pk) if result is not None else situation
        return Response(self.get_serializer(result).data, status=status)

    @extend_schema(request=ScenarioVersionSerializer, parameters=[IF_MATCH],
                   responses=SituationSerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        """Issue now: deliveries are made for the receiving bodies (exactly once)."""
        return self._step(request, lambda s: services.situation_issue(
            s, acting_user=request.user))

    @extend_schema(request=ScenarioVersionSerializer, parameters=[IF_MATCH],
                   responses=SituationSerializer)
    @action(detail=True, methods=["post"])
    def hold(self, request, pk=None):
        return self._step(request, lambda s: services.situation_hold(s, acting_user=request.user))

    @extend_schema(request=ScenarioVersionSerializer, parameters=[IF_MATCH],
                   responses=SituationSerializer)
    @action(detail=True, methods=["post"])
    def skip(self, request, pk=None):
        return self._step(request, lambda s: services.situation_skip(s, acting_user=request.user))

    @extend_schema(request=ScheduleSerializer, parameters=[IF_MATCH],
                   responses=SituationSerializer)
    @action(detail=True, methods=["post"])
    def schedule(self, request, pk=None):
        """Back on the clock (held or skipped), optionally at a new scenario time."""
        situation = self.get_object()
        serializer = self._read_version(request, ScheduleSerializer)
        data = serializer.validated_data
        check_version(situation, self._expected(data))
        situation = services.situation_schedule(
            situation, acting_user=request.user, scenario_minutes=data.get("scenario_minutes"),
            g_relative=data.get("g_relative"))
        return Response(self.get_serializer(self.get_queryset().get(pk=situation.pk)).data)

    @extend_schema(request=None, responses={201: SituationSerializer})
    @action(detail=True, methods=["post"])
    def duplicate(self, request, pk=None):
        situation = self.get_object()
        copy = services.situation_duplicate(situation, acting_user=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=copy.pk)).data,
                        status=201)

    @extend_schema(request=MoveSerializer, responses=SituationSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        situation = self.get_object()
        serializer = MoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.situation_move(situation, int(serializer.validated_data["delta"]),
                                acting_user=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=situation.pk)).data)

    @extend_schema(request=ShiftSerializer, responses=SituationSerializer(many=True))
    @action(detail=False, methods=["post"], pagination_class=None, filter_backends=[])
    def shift(self, request):
        """Add minutes (may be negative) to the scenario time of the chosen situations."""
        serializer = ShiftSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        require_change(request.user, data["exercise"])  # the service's own first check
        ids = set(self.get_queryset().filter(exercise=data["exercise"], pk__in=data[
            "situations"]).values_list("pk", flat=True))
        if ids != set(data["situations"]):
            raise ValidationError({"situations": [_("Unknown situation.")]})
        chosen = services.situations_shift(data["exercise"], sorted(ids), data["minutes"],
                                           acting_user=request.user)
        items = self.get_queryset().filter(pk__in=[s.pk for s in chosen])
        return Response(self.get_serializer(items, many=True).data)


class DeliveryViewSet(_VersionedActions, ReadOnlyViewSet):
    """Each issued situation as one receiving body got it. A body's members acknowledge it and
    record its handling (their own body's delivery only); staff follow every body."""

    model = Delivery
    serializer_class = DeliverySerializer
    select_related = ("situation",)
    prefetch_related = ("documents",)
    filterset_class = DeliveryFilterSet
    ordering_fields = ["id", "due_at", "handled_at"]

    def _reply(self, delivery):
        return Response(self.get_serializer(self.get_queryset().get(pk=delivery.pk)).data)

    @extend_schema(request=ScenarioVersionSerializer, parameters=[IF_MATCH],
                   responses=DeliverySerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        delivery = self.get_object()
        serializer = self._read_version(request)
        check_version(delivery, self._expected(serializer.validated_data))
        delivery = services.delivery_acknowledge(delivery.situation, acting_user=request.user,
                                                 body=delivery.body)
        return self._reply(delivery)

    @extend_schema(request=HandleSerializer, parameters=[IF_MATCH],
                   responses=DeliverySerializer)
    @action(detail=True, methods=["post"])
    def handle(self, request, pk=None):
        """Record what the body did (kept, marked late, after the deadline)."""
        delivery = self.get_object()
        serializer = self._read_version(request, HandleSerializer)
        data = serializer.validated_data
        check_version(delivery, self._expected(data))
        ids = set(data.get("documents") or [])
        documents = list(Document.objects.restrict(request.user, VIEW).filter(pk__in=ids))
        if len(documents) != len(ids):
            raise ValidationError({"documents": [_("Unknown document.")]})
        situation = delivery.situation
        delivery = services.delivery_handle(
            situation, acting_user=request.user, body=delivery.body,
            handling_kind=data.get("handling_kind") or situation.handling_kind,
            text=data["text"], documents=documents)
        return self._reply(delivery)


EXERCISE_PARAM = OpenApiParameter("exercise", OpenApiTypes.INT, OpenApiParameter.PATH,
                                  description=gettext_lazy("The exercise's id."))


@extend_schema(parameters=[EXERCISE_PARAM])
class ExerciseClockViewSet(ReadOnlyViewSet):
    """The exercise clock, one per exercise, addressed by the exercise's id. Starting, pausing,
    resuming, jumping and changing speed or the G hour are the director's (an exercise's
    Organizing Committee and directors)."""

    model = ExerciseClock
    serializer_class = ClockSerializer
    lookup_field = "exercise"
    lookup_value_regex = r"[0-9]+"
    filterset_fields = ["state"]
    ordering_fields = ["exercise", "id"]

    def get_object(self):
        raw = self.kwargs.get("exercise", "")
        if not str(raw).isdigit() or int(raw) > 2**63 - 1:
            raise Http404
        exercise = Exercise.objects.restrict(self.request.user, VIEW).filter(pk=int(raw)).first()
        if exercise is None:
            raise Http404
        clock = ExerciseClock.objects.filter(exercise=exercise).first()
        if clock is None:
            clock = ExerciseClock(exercise=exercise, version=0)
        self.exercise = exercise
        return clock

    def _reply(self, clock):
        data = self.get_serializer(clock).data
        return Response(data, headers={"ETag": f'"{data["version"]}"'})

    def retrieve(self, request, *args, **kwargs):
        return self._reply(self.get_object())

    def _run(self, request, serializer_class, run):
        clock = self.get_object()
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        header = self.if_match()
        expected = header if header is not None else serializer.validated_data.get("version")
        if expected is not None and clock.pk is None:
            if int(expected) != 0:
                # The client read a clock that this exercise does not have.
                raise ValidationError({"version": [_("The clock has not been started yet.")]})
            expected = None
        clock = run(self.exercise, serializer, expected)
        return self._reply(clock)

    @extend_schema(request=ClockTimeSerializer, parameters=[IF_MATCH], responses=ClockSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, exercise=None):
        """Start the clock, at the given scenario time (default: where it stands)."""
        return self._run(request, ClockTimeSerializer, lambda e, s, v: services.clock_start(
            e, acting_user=request.user, at_minutes=s.resolved(), expected_version=v))

    @extend_schema(request=ClockVersionSerializer, parameters=[IF_MATCH],
                   responses=ClockSerializer)
    @action(detail=True, methods=["post"])
    def pause(self, request, exercise=None):
        return self._run(request, ClockVersionSerializer, lambda e, s, v: services.clock_pause(
            e, acting_user=request.user, expected_version=v))

    @extend_schema(request=ClockVersionSerializer, parameters=[IF_MATCH],
                   responses=ClockSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request, exercise=None):
        return self._run(request, ClockVersionSerializer, lambda e, s, v: services.clock_resume(
            e, acting_user=request.user, expected_version=v))

    @extend_schema(request=ClockTimeSerializer, parameters=[IF_MATCH], responses=ClockSerializer)
    @action(detail=True, methods=["post"])
    def jump(self, request, exercise=None):
        """Set scenario-now (situations in between become due at once)."""
        def run(e, s, v):
            minutes = s.resolved()
            if minutes is None:
                raise ValidationError({"minutes": [_("Give the scenario time to jump to.")]})
            return services.clock_jump(e, acting_user=request.user, to_minutes=minutes,
                                       expected_version=v)
        return self._run(request, ClockTimeSerializer, run)

    @extend_schema(request=ClockSpeedSerializer, parameters=[IF_MATCH], responses=ClockSerializer)
    @action(detail=True, methods=["post"])
    def speed(self, request, exercise=None):
        return self._run(request, ClockSpeedSerializer, lambda e, s, v: services.clock_set_speed(
            e, acting_user=request.user, speed=s.validated_data["speed"], expected_version=v))

    @extend_schema(request=ClockGSerializer, parameters=[IF_MATCH], responses=ClockSerializer)
    @action(detail=True, methods=["post"], url_path="g-hour")
    def g_hour(self, request, exercise=None):
        return self._run(request, ClockGSerializer, lambda e, s, v: services.clock_set_g(
            e, acting_user=request.user, g_minutes=s.validated_data["g_minutes"],
            expected_version=v))


class CommCheckViewSet(CreateMixin, ReadOnlyViewSet):
    """Communication checks: sent to every body of the frame, confirmed by each body."""

    model = CommCheck
    serializer_class = CommCheckSerializer
    prefetch_related = ("bodies", "replies")
    filterset_fields = ["exercise"]
    ordering_fields = ["sent_at", "id"]

    def service_create(self, data):
        return services.comm_check_send(data.pop("exercise"), acting_user=self.request.user)

    @extend_schema(request=None, responses=CommCheckReplySerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """Confirm for one's own body."""
        check = self.get_object()
        reply = services.comm_check_confirm(check, acting_user=request.user)
        return Response(CommCheckReplySerializer(reply, context=self.get_serializer_context())
                        .data)


ROUTES = [
    ("situations", SituationViewSet),
    ("deliveries", DeliveryViewSet),
    ("exercise-clocks", ExerciseClockViewSet),
    ("comm-checks", CommCheckViewSet),
]
