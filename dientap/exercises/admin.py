from django.contrib import admin

from dientap.core.admin import ServiceModelAdmin

from .models import Committee, CommitteeMember, Exercise, FrameParticipant, Membership, Round


@admin.register(Exercise)
class ExerciseAdmin(ServiceModelAdmin):
    list_display = ["code_name", "name", "area", "status", "start_date", "end_date"]
    list_filter = ["status", "kind"]
    search_fields = ["code_name", "name"]


@admin.register(Membership)
class MembershipAdmin(ServiceModelAdmin):
    list_display = ["exercise", "user", "role"]
    list_filter = ["role", "exercise"]


@admin.register(Committee)
class CommitteeAdmin(ServiceModelAdmin):
    list_display = ["name", "exercise", "kind"]
    list_filter = ["exercise", "kind"]


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(ServiceModelAdmin):
    list_display = ["person", "position", "committee"]
    list_filter = ["committee__exercise"]
    autocomplete_fields = ["person"]


@admin.register(FrameParticipant)
class FrameParticipantAdmin(ServiceModelAdmin):
    list_display = ["exercise", "body", "person", "role"]
    list_filter = ["exercise", "role"]
    autocomplete_fields = ["person", "body"]


@admin.register(Round)
class RoundAdmin(ServiceModelAdmin):
    list_display = ["__str__", "exercise", "start_date", "end_date"]
    list_filter = ["exercise", "kind"]
