from django.contrib import admin

from dientap.core.admin import ServiceModelAdmin

from .models import Conference, Holding


@admin.register(Conference)
class ConferenceAdmin(ServiceModelAdmin):
    list_display = ["title", "exercise", "body", "kind"]
    list_filter = ["exercise", "kind"]
    search_fields = ["title"]


@admin.register(Holding)
class HoldingAdmin(ServiceModelAdmin):
    list_display = ["conference", "round", "starts_at", "ends_at"]
    list_filter = ["round__exercise", "round"]
