"""REST API of user accounts: read only (who may be given a role); `me` is oneself."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from dientap.api.serializers import ReadSerializer
from dientap.api.viewsets import ReadOnlyViewSet

from .models import User


class UserSerializer(ReadSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "body", "person", "clearance",
                  "inspected_area", "language"]


class UserViewSet(ReadOnlyViewSet):
    """Users one may see: oneself and the users of the bodies one sees."""

    model = User
    serializer_class = UserSerializer
    filterset_fields = ["body"]
    ordering_fields = ["username", "id"]

    def get_queryset(self):
        return super().get_queryset().order_by("username", "id")

    @extend_schema(responses=UserSerializer)
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def me(self, request):
        return Response(self.get_serializer(request.user).data)


ROUTES = [("users", UserViewSet)]
