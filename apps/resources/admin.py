from django.contrib import admin

from apps.resources.models import UserResource


@admin.register(UserResource)
class UserResourceAdmin(admin.ModelAdmin):
    list_display = ["user", "display_title", "status", "rating", "updated_at"]
    list_filter = ["status"]
    list_select_related = ["user", "resource"]
    search_fields = ["user__username", "title", "resource__title"]
