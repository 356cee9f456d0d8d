"""REST API of levels, areas, bodies, people and posts (see dientap.api)."""

import django_filters

from dientap.api.filters import FilterSet
from dientap.api.serializers import ReadSerializer, ServiceSerializer
from dientap.api.viewsets import (
    CreateMixin,
    DestroyMixin,
    ReadOnlyViewSet,
    UpdateMixin,
)

from . import selectors, services
from .models import Area, AreaLevel, Body, Person, Post

# ---- serializers ---------------------------------------------------------------------------


class AreaLevelSerializer(ReadSerializer):
    class Meta:
        model = AreaLevel
        fields = ["id", "code", "name", "rank", "version"]


class AreaSerializer(ReadSerializer):
    class Meta:
        model = Area
        fields = ["id", "name", "code", "level", "parent", "version"]


class BodySerializer(ServiceSerializer):
    class Meta:
        model = Body
        fields = ["id", "name", "short_name", "kind", "area", "parent", "sort_order", "version"]


class PersonSerializer(ServiceSerializer):
    class Meta:
        model = Person
        fields = ["id", "full_name", "family_name", "middle_name", "given_name", "rank",
                  "phone", "email", "notes", "version"]
        read_only_fields = ["family_name", "middle_name", "given_name"]


class PostSerializer(ServiceSerializer):
    class Meta:
        model = Post
        fields = ["id", "person", "body", "title", "is_head", "sort_order", "version"]


# ---- filters -------------------------------------------------------------------------------


class SearchFilterSet(FilterSet):
    q = django_filters.CharFilter(method="search", max_length=200,
                                  help_text="Words of the name, with or without accents.")

    def search(self, queryset, name, value):
        return queryset.filter(selectors._search_q(value))


class BodyFilterSet(SearchFilterSet):
    class Meta:
        model = Body
        fields = ["kind", "area", "parent"]


class PersonFilterSet(SearchFilterSet):
    class Meta:
        model = Person
        fields = []


# ---- viewsets ------------------------------------------------------------------------------


class AreaLevelViewSet(ReadOnlyViewSet):
    model = AreaLevel
    serializer_class = AreaLevelSerializer
    ordering_fields = ["rank", "name"]


class AreaViewSet(ReadOnlyViewSet):
    model = Area
    serializer_class = AreaSerializer
    filterset_fields = ["level", "parent"]
    ordering_fields = ["name", "path"]


class BodyViewSet(CreateMixin, UpdateMixin, DestroyMixin, ReadOnlyViewSet):
    model = Body
    serializer_class = BodySerializer
    filterset_class = BodyFilterSet
    ordering_fields = ["name", "sort_order"]

    def service_create(self, data):
        return services.body_create(acting_user=self.request.user, **data)

    def service_update(self, instance, data, expected_version):
        return services.body_update(instance, acting_user=self.request.user,
                                    expected_version=expected_version, **data)

    def service_delete(self, instance):
        services.body_delete(instance, acting_user=self.request.user)


class PersonViewSet(CreateMixin, UpdateMixin, DestroyMixin, ReadOnlyViewSet):
    model = Person
    serializer_class = PersonSerializer
    filterset_class = PersonFilterSet
    ordering_fields = ["sort_key", "full_name"]

    def service_create(self, data):
        return services.person_create(acting_user=self.request.user, **data)

    def service_update(self, instance, data, expected_version):
        return services.person_update(instance, acting_user=self.request.user,
                                      expected_version=expected_version, **data)

    def service_delete(self, instance):
        services.person_delete(instance, acting_user=self.request.user)


class PostViewSet(CreateMixin, DestroyMixin, ReadOnlyViewSet):
    model = Post
    serializer_class = PostSerializer
    filterset_fields = ["person", "body", "is_head"]
    ordering_fields = ["sort_order", "title"]

    def service_create(self, data):
        return services.post_create(acting_user=self.request.user, **data)

    def service_delete(self, instance):
        services.post_delete(instance, acting_user=self.request.user)


ROUTES = [
    ("levels", AreaLevelViewSet),
    ("areas", AreaViewSet),
    ("bodies", BodyViewSet),
    ("people", PersonViewSet),
    ("posts", PostViewSet),
]
