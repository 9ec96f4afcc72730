"""Login throttling: at most LOGIN_FAILURE_LIMIT (5) attempts for a username or an IP address reach the
password check within LOGIN_FAILURE_WINDOW (15 minutes); more are refused, with a message saying when
to try again. A successful login forgets the username's attempts.

Race-free by construction: each attempt is written first (autocommitted, so every worker sees it) and
counted after, so however many attempts arrive at once, the k-th one written counts at least k and
at most LIMIT of them get to the password. The username is keyed as the login form and the
authentication backend read it (NFKC-normalised, so ａｌｉｃｅ is alice) and case-folded."""

from __future__ import annotations

import ipaddress
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
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


def normal(username) -> str:
    return unicodedata.normalize("NFKC", username if isinstance(username, str) else "").strip().casefold()[:150]


def attempt(request, username: str) -> int:
    """Note a login attempt; the seconds to wait if it is one too many (0: check the password)."""
    now = timezone.now()
    window = timedelta(seconds=settings.LOGIN_FAILURE_WINDOW)
    name, ip = normal(username), client_ip(request)
    LoginFailure.objects.create(username=name, ip=ip, at=now)
    where = Q(username=name) | Q(ip=ip) if ip else Q(username=name)
    recent = list(LoginFailure.objects.filter(where, at__gt=now - window).values_list("username", "ip", "at"))
    limit, wait = settings.LOGIN_FAILURE_LIMIT, 0
    for key, index in ((name, 0), (ip, 1)):
        if key is None:
            continue
        times = sorted(row[2] for row in recent if row[index] == key)
        if len(times) > limit:  # free again once enough of them are a window old
            wait = max(wait, 1, int((times[len(times) - limit - 1] + window - now).total_seconds()))
    if now.second == 0:  # now and then, forget what is a day old
        LoginFailure.objects.filter(at__lt=now - timedelta(days=1)).delete()
    return wait


@receiver(user_logged_in)
def forget_attempts(sender, request, user, **kwargs):
    LoginFailure.objects.filter(username=normal(user.get_username())).delete()
