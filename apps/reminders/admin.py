from django.contrib import admin

from apps.reminders.models import Channel, PushKey, Reminder, ReminderSettings


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["user", "local_date", "slot", "kind", "channel", "status", "due_at", "sent_at", "attempts", "short_error"]
    list_filter = ["status", "kind", "channel", "local_date"]
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


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    """Each channel's last result. The secret (an Apprise URL, a push subscription) is never shown."""

    list_display = ["user", "kind", "label", "shown", "enabled", "last_status", "short_error", "last_at"]
    list_filter = ["kind", "enabled", "last_status"]
    list_select_related = ["user"]
    search_fields = ["user__username", "label"]
    exclude = ["secret", "key"]
    readonly_fields = ["kind", "shown", "last_status", "last_error", "last_at", "created_at"]

    @admin.display(description="last error")
    def short_error(self, obj):
        return obj.last_error[:80]

    def has_add_permission(self, request):
        return False  # a channel is added by its learner (Settings) or their browser (push)


@admin.register(PushKey)
class PushKeyAdmin(admin.ModelAdmin):
    """The site's Web Push key: when it was made. The private key is never shown; deleting the row
    makes a new key on the next push, and every browser has to subscribe again."""

    list_display = ["__str__", "created_at"]
    exclude = ["private_pem"]
    readonly_fields = ["created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
