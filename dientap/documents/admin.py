from django.contrib import admin

from dientap.core.admin import ServiceModelAdmin

from .models import AccessLog, Document


@admin.register(Document)
class DocumentAdmin(ServiceModelAdmin):
    list_display = ["title", "doc_type", "owner_body", "status", "classification", "exercise"]
    list_filter = ["exercise", "status", "classification"]
    search_fields = ["title"]


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ["timestamp", "user_name", "action", "document", "copy_number"]
    readonly_fields = [f.name for f in AccessLog._meta.fields]

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user, "view")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
