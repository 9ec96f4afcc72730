from django.contrib import admin

from apps.progress.models import ApiToken, CheckIn, Enrollment, Pause, ProjectProgress, ReviewLog, TopicNote, TopicProgress


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["user", "plan", "start_date", "timezone", "language"]
    list_filter = ["plan", "language"]
    list_select_related = ["user", "plan"]
    search_fields = ["user__username", "user__email"]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["user", "local_date", "slot", "status", "minutes"]
    list_filter = ["status"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    date_hierarchy = "local_date"


@admin.register(TopicProgress)
class TopicProgressAdmin(admin.ModelAdmin):
    list_display = ["user", "topic", "status", "closed_on", "due_at", "stability"]
    list_filter = ["status"]
    list_select_related = ["user", "topic"]


@admin.register(ProjectProgress)
class ProjectProgressAdmin(admin.ModelAdmin):
    list_display = ["user", "item", "done", "link", "done_on"]
    list_select_related = ["user", "item"]


@admin.register(Pause)
class PauseAdmin(admin.ModelAdmin):
    list_display = ["user", "start_date", "end_date"]
    list_select_related = ["user"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "prefix", "created_at", "last_used_at"]
    list_select_related = ["user"]
    readonly_fields = ["prefix", "token_hash", "created_at", "last_used_at"]


@admin.register(TopicNote)
class TopicNoteAdmin(admin.ModelAdmin):
    list_display = ["user", "topic", "updated_at"]
    list_select_related = ["user", "topic"]
    search_fields = ["user__username", "text"]


@admin.register(ReviewLog)
class ReviewLogAdmin(admin.ModelAdmin):
    list_display = ["user", "topic", "rating", "reviewed_at", "due_at"]
    list_filter = ["rating"]
    search_fields = ["user__username", "topic__key"]
    list_select_related = ["user", "topic"]
    raw_id_fields = ["user", "topic"]
