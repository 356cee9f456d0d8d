"""Admin base: every admin save and delete goes through the services (validated, audited),
and lists are narrowed by the same `restrict` as the rest of the product."""

from django.contrib import admin

from . import services
from .models import AuditEntry


class ServiceModelAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs.restrict(request.user, "view") if hasattr(qs, "restrict") else qs

    def save_model(self, request, obj, form, change):
        if not change:
            services.create_instance(obj, acting_user=request.user)
            return
        fields = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in form.cleaned_data and not obj._meta.get_field(name).many_to_many
        }
        saved = services.update(type(obj)._default_manager.get(pk=obj.pk),
                                acting_user=request.user, **fields)
        obj.version = saved.version

    def delete_model(self, request, obj):
        services.delete(obj, acting_user=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.delete(obj, acting_user=request.user)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["timestamp", "user_name", "action", "content_type", "object_repr"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "user_name", "request_id"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
