from django.contrib import admin

from apps.reminders.models import Reminder, ReminderSettings


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["user", "local_date", "slot", "kind", "status", "due_at", "sent_at", "attempts", "short_error"]
    list_filter = ["status", "kind", "local_date"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email", "error"]
    date_hierarchy = "local_date"
    readonly_fields = ["claimed_at", "claim_token", "created_at", "updated_at"]

    @admin.display(description="error")
    def short_error(self, obj):
        return obj.error[:80]


@admin.register(ReminderSettings)
class ReminderSettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "mode", "weekends"]
    list_filter = ["mode"]
    list_select_related = ["user"]
    readonly_fields = ["unsubscribe_token", "calendar_token"]
