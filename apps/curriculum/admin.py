from django.contrib import admin

from apps.curriculum.models import Block, BlockItem, Milestone, MilestoneItem, Phase, Plan, Resource, Slot, Topic


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


class SlotInline(admin.TabularInline):
    model = Slot
    extra = 0


class ResourceInline(admin.TabularInline):
    model = Resource
    extra = 0


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "total_days", "imported_at"]
    inlines = [PhaseInline, SlotInline, ResourceInline]


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "plan", "start_day", "end_day"]
    list_filter = ["plan"]


class TopicInline(admin.TabularInline):
    model = Topic
    extra = 0
    fields = ["number", "key", "title", "start_day", "end_day", "points"]


class BlockItemInline(admin.TabularInline):
    model = BlockItem
    extra = 0


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "phase", "start_day", "end_day"]
    list_filter = ["plan"]
    list_select_related = ["phase"]
    inlines = [TopicInline, BlockItemInline]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["key", "title", "start_day", "end_day", "block"]
    list_filter = ["plan"]
    list_select_related = ["block"]
    search_fields = ["title", "key"]


@admin.register(BlockItem)
class BlockItemAdmin(admin.ModelAdmin):
    list_display = ["text", "kind", "block"]
    list_filter = ["kind"]


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "note", "plan"]
    list_filter = ["kind", "plan"]


class MilestoneItemInline(admin.TabularInline):
    model = MilestoneItem
    extra = 0


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["day", "title", "plan"]
    inlines = [MilestoneItemInline]


@admin.register(Slot)
class SlotAdmin(admin.ModelAdmin):
    list_display = ["plan", "days", "number", "start", "end", "activity"]
    list_filter = ["plan", "days"]


@admin.register(MilestoneItem)
class MilestoneItemAdmin(admin.ModelAdmin):
    list_display = ["text", "milestone", "position"]
    list_select_related = ["milestone"]
