from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from dientap.core.admin import ServiceModelAdmin

from . import security
from .forms import AdminLoginForm
from .models import LoginThrottle, TwoFactorDevice, TwoFactorRequirement, User

# The admin's own log-in page is throttled like the main one.
admin.site.login_form = AdminLoginForm


@admin.register(User)
class UserAdmin(ServiceModelAdmin, DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("dientap"), {"fields": ("body", "person", "clearance", "inspected_area", "language")}),
    )
    list_display = ["username", "first_name", "last_name", "body", "clearance", "is_staff"]
    autocomplete_fields = ["body", "person"]


@admin.register(LoginThrottle)
class LoginThrottleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "failures", "last_failure_at", "locked_until", "locked_now"]
    list_filter = ["kind"]
    search_fields = ["key"]
    readonly_fields = [f.name for f in LoginThrottle._meta.fields]
    actions = ["unlock"]

    @admin.display(boolean=True, description=_("locked now"))
    def locked_now(self, obj):
        return obj.is_locked(timezone.now())

    def has_unlock_permission(self, request):
        return request.user.has_perm("accounts.change_loginthrottle")

    @admin.action(description=_("Unlock the selected user names and addresses"),
                  permissions=["unlock"])
    def unlock(self, request, queryset):
        for row in queryset:
            security.unlock(row, acting_user=request.user)
        self.message_user(request, ngettext("%(count)d lock removed.", "%(count)d locks removed.",
                                            len(queryset)) % {"count": len(queryset)},
                          messages.SUCCESS)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TwoFactorRequirement)
class TwoFactorRequirementAdmin(ServiceModelAdmin):
    list_display = ["role"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TwoFactorDevice)
class TwoFactorDeviceAdmin(admin.ModelAdmin):
    list_display = ["user", "confirmed_at", "created_at"]
    search_fields = ["user__username"]
    fields = ["user", "confirmed_at", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        security.device_reset(obj, acting_user=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            security.device_reset(obj, acting_user=request.user)
