from django.contrib import admin

from apps.milestones.models import MilestoneCheck, Output, Portfolio


@admin.register(MilestoneCheck)
class MilestoneCheckAdmin(admin.ModelAdmin):
    list_display = ["user", "item", "done", "evidence", "done_on"]
    list_filter = ["done"]
    list_select_related = ["user", "item"]


@admin.register(Output)
class OutputAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "title", "url", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["user"]


@admin.register(Portfolio)
class PortfolioAdmin(admin.ModelAdmin):
    list_display = ["user", "token"]
    list_select_related = ["user"]
