from django.contrib import admin

from dientap.core import services as core_services
from dientap.core.admin import ServiceModelAdmin

from . import services
from .models import Area, AreaLevel, Body, Person, Post


@admin.register(AreaLevel)
class AreaLevelAdmin(ServiceModelAdmin):
    list_display = ["name", "code", "rank"]


@admin.register(Area)
class AreaAdmin(ServiceModelAdmin):
    list_display = ["name", "code", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "code"]

    def save_model(self, request, obj, form, change):
        # Areas keep a materialised path: their own services maintain it.
        data = {name: form.cleaned_data[name] for name in form.changed_data}
        if change:
            services.area_update(Area.objects.get(pk=obj.pk), acting_user=request.user, **data)
        else:
            created = services.area_create(acting_user=request.user, **form.cleaned_data)
            obj.pk, obj.path = created.pk, created.path

    def delete_model(self, request, obj):
        core_services.delete(obj, acting_user=request.user)



@admin.register(Body)
class BodyAdmin(ServiceModelAdmin):
    list_display = ["name", "short_name", "kind", "area"]
    list_filter = ["kind", "area__level"]
    search_fields = ["name", "short_name", "search_text"]


@admin.register(Person)
class PersonAdmin(ServiceModelAdmin):
    list_display = ["full_name", "rank"]
    search_fields = ["full_name", "search_text"]


@admin.register(Post)
class PostAdmin(ServiceModelAdmin):
    list_display = ["title", "person", "body", "is_head"]
    search_fields = ["title", "person__search_text"]
    autocomplete_fields = ["person", "body"]
