import functools

from django.conf import settings
from django.urls import get_script_prefix, reverse

# The links every page's menus carry (templates/base.html), reversed once per process and script
# prefix instead of some twenty {% url %} tags on every page.
NAV = {
    "today": "progress:today", "dashboard": "dashboard:dashboard", "plan": "progress:plan", "history": "progress:history",
    "notes": "progress:notes", "resources": "resources:list", "milestones": "milestones:list", "groups": "groups:mine",
    "settings": "progress:settings", "admin": "admin:index", "logout": "logout", "language": "accounts:language",
}


@functools.lru_cache(maxsize=16)
def nav_urls(prefix: str, urlconf: str) -> dict[str, str]:
    return {key: reverse(name) for key, name in NAV.items()}


def site(request):
    return {"ALLOW_SIGNUP": settings.ALLOW_SIGNUP, "nav": nav_urls(get_script_prefix(), settings.ROOT_URLCONF)}
