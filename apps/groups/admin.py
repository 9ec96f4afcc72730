from django.contrib import admin

from apps.groups.models import Group, Membership, Nudge


class MembershipInline(admin.TabularInline):
    model = Membership
    raw_id_fields = ["user"]
    readonly_fields = ["shares_since", "share_email", "invited_at"]  # consent is the member's to give
    extra = 0


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "plan", "created_at"]
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
