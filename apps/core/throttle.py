"""Login throttling: after 5 failed logins for a username or an IP within 15 minutes, further attempts
are refused for 15 minutes, with a message saying so. The check runs before the password is looked at."""

from __future__ import annotations

import ipaddress
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models import Q
from django.dispatch import receiver
from django.utils import timezone

from apps.core.models import LoginFailure


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind PROXY_COUNT proxies the address they were given."""
    address = request.META.get("REMOTE_ADDR")
    if settings.PROXY_COUNT:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= settings.PROXY_COUNT:
            address = forwarded[-settings.PROXY_COUNT]
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None


def _normal(username: str) -> str:
    return (username or "").strip().lower()[:150]


def locked_for(request, username: str) -> int:
    """Seconds until this username or IP may try again; 0 if not locked."""
    now = timezone.now()
    window = timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)
    ip = client_ip(request)
    where = Q(username=_normal(username))
    if ip:
        where |= Q(ip=ip)
    recent = list(LoginFailure.objects.filter(where, at__gte=now - 2 * window).values_list("username", "ip", "at"))
    longest = 0
    for key, index in ((_normal(username), 0), (ip, 1)):
        if key is None:
            continue
        times = sorted(row[2] for row in recent if row[index] == key)
        limit = settings.LOGIN_FAILURE_LIMIT
        # Locked for a window after the moment `limit` failures fell within one window.
        for i in range(limit - 1, len(times)):
            if times[i] - times[i - limit + 1] <= window:
                longest = max(longest, int((times[i] + window - now).total_seconds()))
    return max(longest, 0)


@receiver(user_login_failed)
def note_failure(sender, credentials, request=None, **kwargs):
    if request is None:
        return
    now = timezone.now()
    LoginFailure.objects.create(username=_normal(credentials.get("username", "")), ip=client_ip(request), at=now)
    LoginFailure.objects.filter(at__lt=now - timedelta(days=1)).delete()


@receiver(user_logged_in)
def forget_failures(sender, request, user, **kwargs):
    LoginFailure.objects.filter(username=_normal(user.get_username())).delete()
