from django.contrib import admin

from dientap.core.admin import ServiceModelAdmin

from .models import FeedToken


@admin.register(FeedToken)
class FeedTokenAdmin(ServiceModelAdmin):
    """Tokens are made and rotated by their owners; an administrator may revoke one (audited)."""

    list_display = ["user", "created_at"]
    search_fields = ["user__username"]
    fields = ["user", "created_at"]
    readonly_fields = ["user", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
