"""API tokens as an API resource: list, create (key shown once) and revoke one's own.

Creating a token needs a browser session (a script holding a token cannot mint more).
"""

from django.utils.translation import gettext as _
from rest_framework import mixins, serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from . import services
from .models import ApiToken
from .viewsets import ReadOnlyViewSet


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "expires_at", "last_used_at"]


class NewApiTokenSerializer(ApiTokenSerializer):
    key = serializers.CharField(read_only=True,
                                help_text="The secret: shown once, keep it safe.")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "key"]


class ApiTokenViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, ReadOnlyViewSet):
    model = ApiToken
    ordering_fields = ["created_at", "id"]

    def get_serializer_class(self):
        return NewApiTokenSerializer if self.action == "create" else ApiTokenSerializer

    def create(self, request, *args, **kwargs):
        if not isinstance(request.successful_authenticator, SessionAuthentication):
            raise PermissionDenied(_("Create tokens from a logged-in browser session."))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, key = services.token_create(request.user, acting_user=request.user,
                                           **serializer.validated_data)
        data = NewApiTokenSerializer(token).data
        data["key"] = key
        return Response(data, status=201)

    def perform_destroy(self, instance):
        services.token_revoke(instance, acting_user=self.request.user)
