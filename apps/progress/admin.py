from django.contrib import admin

from apps.progress.models import ApiToken, CheckIn, Enrollment, Pause, ProjectProgress, Review, SlotTime, TopicNote, TopicProgress


class SlotTimeInline(admin.TabularInline):
    model = SlotTime
    extra = 0


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["user", "plan", "start_date", "timezone", "language"]
    list_filter = ["plan", "language"]
    list_select_related = ["user", "plan"]
    search_fields = ["user__username", "user__email"]
    inlines = [SlotTimeInline]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["user", "local_date", "slot", "status", "minutes"]
    list_filter = ["status"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    date_hierarchy = "local_date"


@admin.register(TopicProgress)
class TopicProgressAdmin(admin.ModelAdmin):
    list_display = ["user", "topic", "status", "closed_on"]
    list_filter = ["status"]
    list_select_related = ["user", "topic"]


@admin.register(SlotTime)
class SlotTimeAdmin(admin.ModelAdmin):
    list_display = ["enrollment", "days", "number", "start", "end"]
    list_select_related = ["enrollment__user", "enrollment__plan"]


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


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["user", "topic", "stage", "reviewed_on"]
    list_select_related = ["user", "topic"]
