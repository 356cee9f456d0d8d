from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from dientap.core.admin import ServiceModelAdmin

from .models import User


@admin.register(User)
class UserAdmin(ServiceModelAdmin, DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("dientap"), {"fields": ("body", "person", "clearance", "inspected_area", "language")}),
    )
    list_display = ["username", "first_name", "last_name", "body", "clearance", "is_staff"]
    autocomplete_fields = ["body", "person"]
