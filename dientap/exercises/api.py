"""REST API of exercises, roles, committees, the frame, rounds and the exercise structure."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from dientap.api.serializers import MoveSerializer, ServiceSerializer
from dientap.api.viewsets import CreateMixin, DestroyMixin, ReadOnlyViewSet, UpdateMixin

from . import services
from .models import (
    Committee,
    CommitteeMember,
    ContentItem,
    Exercise,
    FrameParticipant,
    Membership,
    Phase,
    Round,
    TrainingIssue,
)

# ---- serializers ---------------------------------------------------------------------------


class ExerciseSerializer(ServiceSerializer):
    class Meta:
        model = Exercise
        fields = ["id", "code_name", "name", "theme", "area", "kind", "form", "start_date",
                  "end_date", "status", "version"]


class MembershipSerializer(ServiceSerializer):
    class Meta:
        model = Membership
        fields = ["id", "exercise", "user", "role", "version"]


class CommitteeSerializer(ServiceSerializer):
    class Meta:
        model = Committee
        fields = ["id", "exercise", "kind", "name", "sort_order", "version"]
        create_only_fields = ["exercise"]


class CommitteeMemberSerializer(ServiceSerializer):
    class Meta:
        model = CommitteeMember
        fields = ["id", "committee", "person", "position", "post", "sort_order", "version"]


class FrameParticipantSerializer(ServiceSerializer):
    class Meta:
        model = FrameParticipant
        fields = ["id", "exercise", "body", "person", "post", "role", "notes", "version"]


class RoundSerializer(ServiceSerializer):
    class Meta:
        model = Round
        fields = ["id", "exercise", "kind", "number", "start_date", "end_date", "version"]
        create_only_fields = ["exercise"]


class PhaseSerializer(ServiceSerializer):
    class Meta:
        model = Phase
        fields = ["id", "exercise", "position", "title", "version"]
        read_only_fields = ["position"]
        create_only_fields = ["exercise"]


class TrainingIssueSerializer(ServiceSerializer):
    class Meta:
        model = TrainingIssue
        fields = ["id", "phase", "position", "title", "version"]
        read_only_fields = ["position"]
        create_only_fields = ["phase"]


class ContentItemSerializer(ServiceSerializer):
    class Meta:
        model = ContentItem
        fields = ["id", "issue", "position", "title", "version"]
        read_only_fields = ["position"]
        create_only_fields = ["issue"]


# ---- viewsets ------------------------------------------------------------------------------


class ExerciseViewSet(CreateMixin, UpdateMixin, DestroyMixin, ReadOnlyViewSet):
    """Exercises; `status` moves one step at a time (PATCH it); deleted only while planned."""

    model = Exercise
    serializer_class = ExerciseSerializer
    filterset_fields = ["status", "kind", "area"]
    ordering_fields = ["start_date", "code_name"]

    def service_create(self, data):
        return services.exercise_create(acting_user=self.request.user, **data)

    def service_update(self, instance, data, expected_version):
        return services.exercise_update(instance, acting_user=self.request.user,
                                        expected_version=expected_version, **data)

    def service_delete(self, instance):
        services.exercise_delete(instance, acting_user=self.request.user)


class MembershipViewSet(CreateMixin, DestroyMixin, ReadOnlyViewSet):
    """Users' roles in exercises (granted and revoked by organizers and directors)."""

    model = Membership
    serializer_class = MembershipSerializer
    filterset_fields = ["exercise", "user", "role"]
    ordering_fields = ["role", "id"]

    def service_create(self, data):
        return services.membership_grant(data.pop("exercise"), acting_user=self.request.user,
                                         **data)

    def service_delete(self, instance):
        services.membership_revoke(instance, acting_user=self.request.user)


class CommitteeViewSet(CreateMixin, DestroyMixin, ReadOnlyViewSet):
    model = Committee
    serializer_class = CommitteeSerializer
    filterset_fields = ["exercise", "kind"]
    ordering_fields = ["sort_order", "name"]

    def service_create(self, data):
        return services.committee_create(data.pop("exercise"), acting_user=self.request.user,
                                         **data)

    def service_delete(self, instance):
        services.committee_delete(instance, acting_user=self.request.user)


class CommitteeMemberViewSet(CreateMixin, DestroyMixin, ReadOnlyViewSet):
    model = CommitteeMember
    serializer_class = CommitteeMemberSerializer
    select_related = ("committee",)
    filterset_fields = ["committee", "committee__exercise", "person"]
    ordering_fields = ["sort_order", "id"]

    def service_create(self, data):
        return services.committee_member_add(data.pop("committee"),
                                             acting_user=self.request.user, **data)

    def service_delete(self, instance):
        services.committee_member_remove(instance, acting_user=self.request.user)


class FrameParticipantViewSet(CreateMixin, DestroyMixin, ReadOnlyViewSet):
    """The exercise frame: bodies (or people of a body) and their roles."""

    model = FrameParticipant
    serializer_class = FrameParticipantSerializer
    filterset_fields = ["exercise", "body", "person", "role"]
    ordering_fields = ["id", "role"]

    def service_create(self, data):
        return services.frame_participant_add(data.pop("exercise"),
                                              acting_user=self.request.user, **data)

    def service_delete(self, instance):
        services.frame_participant_remove(instance, acting_user=self.request.user)


class RoundViewSet(CreateMixin, UpdateMixin, DestroyMixin, ReadOnlyViewSet):
    model = Round
    serializer_class = RoundSerializer
    select_related = ("exercise",)
    filterset_fields = ["exercise", "kind"]
    ordering_fields = ["start_date", "number"]

    def service_create(self, data):
        return services.round_create(data.pop("exercise"), acting_user=self.request.user,
                                     **data)

    def service_update(self, instance, data, expected_version):
        return services.round_update(instance, acting_user=self.request.user,
                                     expected_version=expected_version, **data)

    def service_delete(self, instance):
        services.round_delete(instance, acting_user=self.request.user)


class StructureViewSet(CreateMixin, UpdateMixin, DestroyMixin, ReadOnlyViewSet):
    """Phases, training issues and content items: ordered; `move` swaps with a neighbour."""

    ordering_fields = ["position", "id"]

    def service_update(self, instance, data, expected_version):
        return services.structure_node_update(instance, acting_user=self.request.user,
                                              expected_version=expected_version, **data)

    def service_delete(self, instance):
        services.structure_node_delete(instance, acting_user=self.request.user)

    @extend_schema(request=MoveSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        node = self.get_object()
        serializer = MoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.structure_node_move(node, int(serializer.validated_data["delta"]),
                                     acting_user=request.user)
        node.refresh_from_db()
        return Response(self.get_serializer(node).data)


class PhaseViewSet(StructureViewSet):
    model = Phase
    serializer_class = PhaseSerializer
    select_related = ("exercise",)
    filterset_fields = ["exercise"]

    def service_create(self, data):
        return services.phase_create(data.pop("exercise"), acting_user=self.request.user,
                                     **data)


class TrainingIssueViewSet(StructureViewSet):
    model = TrainingIssue
    serializer_class = TrainingIssueSerializer
    select_related = ("phase__exercise",)
    filterset_fields = ["phase", "phase__exercise"]

    def service_create(self, data):
        return services.training_issue_create(data.pop("phase"), acting_user=self.request.user,
                                              **data)


class ContentItemViewSet(StructureViewSet):
    model = ContentItem
    serializer_class = ContentItemSerializer
    select_related = ("issue__phase__exercise",)
    filterset_fields = ["issue", "issue__phase", "issue__phase__exercise"]

    def service_create(self, data):
        return services.content_item_create(data.pop("issue"), acting_user=self.request.user,
                                            **data)


ROUTES = [
    ("exercises", ExerciseViewSet),
    ("memberships", MembershipViewSet),
    ("committees", CommitteeViewSet),
    ("committee-members", CommitteeMemberViewSet),
    ("frame-participants", FrameParticipantViewSet),
    ("rounds", RoundViewSet),
    ("phases", PhaseViewSet),
    ("training-issues", TrainingIssueViewSet),
    ("content-items", ContentItemViewSet),
]
