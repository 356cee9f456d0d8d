"""REST API of conferences: definitions, holdings, agendas, composition, attendance and the
run sheet (see dientap.api)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from dientap.api.filters import DateTimeFilter, FilterSet
from dientap.api.serializers import (
    MoveSerializer,
    ReadSerializer,
    ScopedPrimaryKeyRelatedField,
    ServiceSerializer,
)
from dientap.api.viewsets import (
    IF_MATCH,
    CreateMixin,
    DestroyMixin,
    ReadOnlyViewSet,
    UpdateMixin,
)

from . import selectors, services
from .models import AgendaItem, AgendaProgress, Attendance, CompositionEntry, Conference, Holding

# ---- serializers ---------------------------------------------------------------------------


class ConferenceSerializer(ServiceSerializer):
    class Meta:
        model = Conference
        fields = ["id", "exercise", "body", "title", "kind", "chair_post", "secretary_post",
                  "content_item", "location", "output", "sort_order", "version"]
        create_only_fields = ["exercise"]


class HoldingSerializer(ServiceSerializer):
    class Meta:
        model = Holding
        fields = ["id", "conference", "round", "starts_at", "ends_at", "location", "notes",
                  "state", "started_at", "finished_at", "version"]
        read_only_fields = ["state", "started_at", "finished_at"]
        create_only_fields = ["conference"]


class AgendaItemSerializer(ServiceSerializer):
    class Meta:
        model = AgendaItem
        fields = ["id", "conference", "position", "content", "method", "presenter_post",
                  "presenter_text", "advisory_bodies", "minutes", "documents",
                  "expected_output", "version"]
        read_only_fields = ["position"]
        create_only_fields = ["conference"]
        extra_kwargs = {"minutes": {"max_value": 24 * 60}}


class CompositionEntrySerializer(ServiceSerializer):
    class Meta:
        model = CompositionEntry
        fields = ["id", "conference", "kind", "title", "body", "post", "position", "version"]
        create_only_fields = ["conference"]
        extra_kwargs = {"position": {"required": False, "max_value": 2**31 - 1}}


class AttendanceSerializer(ServiceSerializer):
    class Meta:
        model = Attendance
        fields = ["id", "holding", "entry", "status", "substitute_name", "substitute_post",
                  "late_minutes", "note", "version"]
        create_only_fields = ["holding", "entry"]
        extra_kwargs = {"late_minutes": {"max_value": 24 * 60}}


class AgendaProgressSerializer(ReadSerializer):
    class Meta:
        model = AgendaProgress
        fields = ["id", "holding", "item", "started_at", "finished_at", "decision", "version"]


class ReorderSerializer(serializers.Serializer):
    conference = ScopedPrimaryKeyRelatedField(queryset=Conference.objects.all())
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=1000,
                                help_text=_("Every agenda item id of the conference, in the "
                                            "new order."))


class RunsheetItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    content = serializers.CharField()
    method = serializers.CharField()
    presenter = serializers.CharField()
    advisory = serializers.ListField(child=serializers.CharField())
    minutes = serializers.IntegerField()
    documents = serializers.CharField()
    expected_output = serializers.CharField()
    status = serializers.ChoiceField(choices=["pending", "running", "done"])
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    decision = serializers.CharField()
    version = serializers.IntegerField()


class RunsheetSerializer(serializers.Serializer):
    """What a run sheet shows (the same JSON as the page's live events)."""

    holding = serializers.IntegerField()
    state = serializers.ChoiceField(choices=Holding.State.choices)
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField()
    items = RunsheetItemSerializer(many=True)


class RunItemSerializer(serializers.Serializer):
    item = ScopedPrimaryKeyRelatedField(queryset=AgendaItem.objects.all())


class RunNoteSerializer(RunItemSerializer):
    decision = serializers.CharField(allow_blank=True, max_length=20000)
    version = serializers.IntegerField(required=False, min_value=0, max_value=2**31 - 1,
                                       help_text=_("The item's version you read (0: none)."))


# ---- filters -------------------------------------------------------------------------------


class HoldingFilterSet(FilterSet):
    ends_after = DateTimeFilter(field_name="ends_at", lookup_expr="gt")
    starts_before = DateTimeFilter(field_name="starts_at", lookup_expr="lt")

    class Meta:
        model = Holding
        fields = ["conference", "round", "state", "conference__exercise", "conference__body"]


# ---- viewsets ------------------------------------------------------------------------------


class ConferenceViewSet(CreateMixin, UpdateMixin, DestroyMixin, ReadOnlyViewSet):
    model = Conference
    serializer_class = ConferenceSerializer
    select_related = ("exercise",)
    filterset_fields = ["exercise", "body", "kind", "content_item"]
    ordering_fields = ["sort_order", "title"]

    def service_create(self, data):
        return services.conference_create(data.pop("exercise"), acting_user=self.request.user,
                                          **data)

    def service_update(self, instance, data, expected_version):
        return services.conference_update(instance, acting_user=self.request.user,
                                          expected_version=expected_version, **data)

    def service_delete(self, instance):
        services.conference_delete(instance, acting_user=self.request.user)


class HoldingViewSet(CreateMixin, UpdateMixin, DestroyMixin, ReadOnlyViewSet):
    """Holdings of conferences in rounds, and their run sheet."""

    model = Holding
    serializer_class = HoldingSerializer
    select_related = ("conference", "conference__exercise", "conference__chair_post",
                      "conference__secretary_post")
    filterset_class = HoldingFilterSet
    ordering_fields = ["starts_at", "ends_at"]

    def service_create(self, data):
        return services.holding_create(data.pop("conference"), acting_user=self.request.user,
                                       **data)

    def service_update(self, instance, data, expected_version):
        return services.holding_update(instance, acting_user=self.request.user,
                                       expected_version=expected_version, **data)

    def service_delete(self, instance):
        services.holding_delete(instance, acting_user=self.request.user)

    def _runsheet(self, holding):
        holding.refresh_from_db()
        return Response(RunsheetSerializer(selectors.runsheet_state(holding)).data)

    @extend_schema(responses=RunsheetSerializer)
    @action(detail=True, methods=["get"])
    def runsheet(self, request, pk=None):
        return self._runsheet(self.get_object())

    @extend_schema(request=None, responses=RunsheetSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        holding = self.get_object()
        services.holding_start(holding, acting_user=request.user)
        return self._runsheet(holding)

    @extend_schema(request=None, responses=RunsheetSerializer)
    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None):
        holding = self.get_object()
        services.holding_finish(holding, acting_user=request.user)
        return self._runsheet(holding)

    def _item_step(self, request, step):
        holding = self.get_object()
        serializer = RunItemSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        step(holding, serializer.validated_data["item"], acting_user=request.user)
        return self._runsheet(holding)

    @extend_schema(request=RunItemSerializer, responses=RunsheetSerializer)
    @action(detail=True, methods=["post"], url_path="item-start")
    def item_start(self, request, pk=None):
        return self._item_step(request, services.agenda_item_start)

    @extend_schema(request=RunItemSerializer, responses=RunsheetSerializer)
    @action(detail=True, methods=["post"], url_path="item-done")
    def item_done(self, request, pk=None):
        return self._item_step(request, services.agenda_item_done)

    @extend_schema(request=RunNoteSerializer, parameters=[IF_MATCH], responses=RunsheetSerializer)
    @action(detail=True, methods=["post"], url_path="item-note")
    def item_note(self, request, pk=None):
        holding = self.get_object()
        serializer = RunNoteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        expected = self.if_match()
        services.agenda_item_note(holding, data["item"], acting_user=request.user,
                                  decision=data["decision"],
                                  expected_version=expected if expected is not None
                                  else data.get("version"))
        return self._runsheet(holding)


class AgendaItemViewSet(CreateMixin, UpdateMixin, DestroyMixin, ReadOnlyViewSet):
    """A conference's agenda, in order (`position`); `move` and `reorder` change the order."""

    model = AgendaItem
    serializer_class = AgendaItemSerializer
    select_related = ("conference", "conference__exercise")
    prefetch_related = ("advisory_bodies",)
    filterset_fields = ["conference", "conference__exercise"]
    ordering_fields = ["position", "id"]

    def service_create(self, data):
        return services.agenda_item_create(data.pop("conference"),
                                           acting_user=self.request.user, **data)

    def service_update(self, instance, data, expected_version):
        return services.agenda_item_update(instance, acting_user=self.request.user,
                                           expected_version=expected_version, **data)

    def service_delete(self, instance):
        services.agenda_item_delete(instance, acting_user=self.request.user)

    @extend_schema(request=MoveSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        item = self.get_object()
        serializer = MoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.agenda_item_move(item, int(serializer.validated_data["delta"]),
                                  acting_user=request.user)
        item.refresh_from_db()
        return Response(self.get_serializer(item).data)

    @extend_schema(request=ReorderSerializer, responses=AgendaItemSerializer(many=True))
    @action(detail=False, methods=["post"], pagination_class=None, filter_backends=[])
    def reorder(self, request):
        serializer = ReorderSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        conference = serializer.validated_data["conference"]
        services.agenda_reorder(conference, serializer.validated_data["ids"],
                                acting_user=request.user)
        items = self.get_queryset().filter(conference=conference).order_by("position", "id")
        return Response(self.get_serializer(items, many=True).data)


class CompositionEntryViewSet(CreateMixin, UpdateMixin, DestroyMixin, ReadOnlyViewSet):
    """The prescribed composition of a conference: who must attend, who is invited."""

    model = CompositionEntry
    serializer_class = CompositionEntrySerializer
    select_related = ("conference", "conference__exercise")
    filterset_fields = ["conference", "kind", "body", "post"]
    ordering_fields = ["kind", "position", "id"]

    def service_create(self, data):
        return services.composition_entry_create(data.pop("conference"),
                                                 acting_user=self.request.user, **data)

    def service_update(self, instance, data, expected_version):
        return services.composition_entry_update(instance, acting_user=self.request.user,
                                                 expected_version=expected_version, **data)

    def service_delete(self, instance):
        services.composition_entry_delete(instance, acting_user=self.request.user)


class AttendanceViewSet(CreateMixin, UpdateMixin, DestroyMixin, ReadOnlyViewSet):
    """Attendance of each seat at a holding. Creating one that exists meanwhile is a 409."""

    model = Attendance
    serializer_class = AttendanceSerializer
    select_related = ("holding", "entry")
    filterset_fields = ["holding", "entry", "status"]
    ordering_fields = ["id"]

    def service_create(self, data):
        holding, entry = data.pop("holding"), data.pop("entry")
        return services.attendance_set(holding, entry, acting_user=self.request.user,
                                       expected_version=0, **data)

    def service_update(self, instance, data, expected_version):
        fields = {name: getattr(instance, name) for name in (
            "status", "substitute_name", "substitute_post", "late_minutes", "note")}
        fields.update(data)
        return services.attendance_set(instance.holding, instance.entry,
                                       acting_user=self.request.user,
                                       expected_version=expected_version, **fields)

    def service_delete(self, instance):
        services.attendance_clear(instance, acting_user=self.request.user)


class AgendaProgressViewSet(ReadOnlyViewSet):
    """How each agenda item went in a holding (written by the run-sheet actions)."""

    model = AgendaProgress
    serializer_class = AgendaProgressSerializer
    filterset_fields = ["holding", "item"]
    ordering_fields = ["id", "started_at"]


ROUTES = [
    ("conferences", ConferenceViewSet),
    ("holdings", HoldingViewSet),
    ("agenda-items", AgendaItemViewSet),
    ("composition-entries", CompositionEntryViewSet),
    ("attendance", AttendanceViewSet),
    ("agenda-progress", AgendaProgressViewSet),
]
