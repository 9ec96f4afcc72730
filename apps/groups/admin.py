from django.contrib import admin

from apps.groups.models import Group, Membership, Nudge


class MembershipInline(admin.TabularInline):
    model = Membership
    raw_id_fields = ["user"]
    # Consent is the member's to give; the roster's sort keys are copies kept by apps.groups.standings.
    fields = ["user", "shares_since", "share_email", "invited_at"]
    readonly_fields = ["shares_since", "share_email", "invited_at"]
    extra = 0


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "plan", "sharing_count", "invited_count", "created_at"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["leads"]
    inlines = [MembershipInline]
    search_fields = ["name", "slug"]


@admin.register(Nudge)
class NudgeAdmin(admin.ModelAdmin):
    list_display = ["group", "user", "local_date", "automatic", "status"]
    list_filter = ["status", "automatic"]
    raw_id_fields = ["user", "sender"]
    search_fields = ["user__username", "group__slug"]
