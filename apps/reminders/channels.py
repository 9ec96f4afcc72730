"""Reminder channels besides e-mail: Web Push (pywebpush, VAPID) and Apprise URLs.

`deliver(channel, short)` sends one reminder (apps.reminders.mail.render_short) by one channel and
raises ChannelError with a message safe to show and store (never the Apprise URL or its secrets), or
Gone when a push service says the subscription no longer exists (404/410: the channel is removed).

VAPID keys are made once and kept in the database (PushKey), so every web and worker process signs
with the same key; VAPID_PRIVATE_KEY (a PEM, or its base64url DER) overrides them.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
from email.utils import parseaddr
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError
from django.utils.translation import gettext_noop

from apps.core.crypto import seal, unseal
from apps.reminders.models import Channel, PushKey

log = logging.getLogger(__name__)
PUSH_TIMEOUT = 10  # seconds for one push service or Apprise target
PUSH_TTL = 60 * 60  # a reminder a push service could not hand over within an hour is no use


class ChannelError(Exception):
    """A send failed; the message is safe to show the learner and keep (no secret in it)."""


class Gone(ChannelError):
    """The push subscription no longer exists."""


def key_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# Apprise URLs -------------------------------------------------------------------------------------


def shown_url(url: str) -> str:
    """What Settings shows of an Apprise URL: its scheme and host, never a token, key or path."""
    parts = urlsplit(url)
    try:
        host = parts.hostname or ""
        parts.port  # noqa: B018 - a "port" that is not a number is a token (tgram://BOT_ID:TOKEN/CHAT)
    except ValueError:
        host = ""
    # Only a real host name is shown: many schemes put a token where the host would be (wecombot://KEY).
    if parts.username or parts.password or "." not in host or len(host) > 60 or re.search(r"[0-9a-f]{16,}|[A-Za-z0-9_-]{24,}", host):
        host = "…"
    return f"{parts.scheme}://{host}{'/…' if parts.path.strip('/') or parts.query else ''}"


def check_apprise_url(url: str) -> str | None:
    """None when Apprise understands the URL, else what is wrong (in English; the form translates it)."""
    import apprise

    url = url.strip()
    if not re.match(r"^[a-z][a-z0-9+.-]*://", url, re.I):
        return gettext_noop("not a URL: it starts with a scheme such as ntfy://, tgram:// or json://")
    if len(url) > 2000:
        return gettext_noop("too long (at most 2000 characters)")
    if apprise.Apprise.instantiate(url, suppress_exceptions=True) is None:
        return gettext_noop("Apprise does not know this kind of URL, or it is missing a part")
    return None


def add_apprise(user, url: str, label: str = "") -> tuple[Channel, bool]:
    url = url.strip()
    return _add(user, Channel.Kind.APPRISE, url, shown_url(url), label or urlsplit(url).scheme)


def _add(user, kind: str, secret: str, shown: str, label: str) -> tuple[Channel, bool]:
    channel, created = Channel.objects.get_or_create(
        user=user, key=key_of(secret), defaults={"kind": kind, "secret": seal(secret), "shown": shown, "label": label[:100]}
    )
    if not created and not channel.enabled:
        Channel.objects.filter(pk=channel.pk).update(enabled=True)
        channel.enabled = True
    return channel, created


def _scrub(text: str, secret: str) -> str:
    """Apprise's log lines with every part of the URL that could be a secret taken out."""
    parts = urlsplit(secret)
    for piece in [secret, parts.netloc, parts.path, parts.query, *re.split(r"[/:@?&=]", secret)]:
        if piece and len(piece) >= 4 and piece not in (parts.scheme, "http", "https"):
            text = text.replace(piece, "…")
    return " ".join(text.split())[:400]


def _send_apprise(channel: Channel, url: str, short: dict) -> None:
    import apprise

    sender = apprise.Apprise()
    if not sender.add(url):
        raise ChannelError("Apprise does not understand this channel's URL any more")
    with apprise.LogCapture(level=apprise.logging.WARNING, fmt="%(message)s") as captured:
        ok = sender.notify(title=short["title"], body=short["body"])
        text = captured.getvalue()
    if not ok:
        raise ChannelError(_scrub(text, url) or "the service refused the message or could not be reached")


# Web Push -----------------------------------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@lru_cache(maxsize=1)
def vapid():
    """(py_vapid.Vapid02 for signing, the public key as base64url for the browser)."""
    from cryptography.hazmat.primitives import serialization
    from py_vapid import Vapid02

    configured = getattr(settings, "VAPID_PRIVATE_KEY", "")
    if configured:
        key = Vapid02.from_pem(configured.encode()) if "BEGIN" in configured else Vapid02.from_der(configured.encode())
    else:
        row = PushKey.objects.filter(pk=1).first()
        if row is None:
            fresh = Vapid02()
            fresh.generate_keys()
            pem = fresh.private_pem().decode()
            try:
                PushKey.objects.create(pk=1, private_pem=pem)
            except IntegrityError:  # another process made it first: use theirs
                pass
            row = PushKey.objects.get(pk=1)
        key = Vapid02.from_pem(row.private_pem.encode())
    public = key.public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return key, _b64url(public)


def check_subscription(data) -> tuple[dict | None, str | None]:
    """A browser's PushSubscription.toJSON(), checked: (the subscription, None) or (None, what is wrong)."""
    if not isinstance(data, dict):
        return None, "expected an object {\"endpoint\", \"keys\": {\"p256dh\", \"auth\"}}"
    endpoint, keys = data.get("endpoint"), data.get("keys")
    if not isinstance(endpoint, str) or not endpoint or len(endpoint) > 1000:
        return None, "endpoint: a URL of at most 1000 characters is needed"
    scheme = urlsplit(endpoint).scheme
    insecure_ok = getattr(settings, "PUSH_ALLOW_INSECURE_ENDPOINTS", False)
    if scheme != "https" and not (insecure_ok and scheme == "http"):
        return None, "endpoint: only https:// push services are accepted"
    if not isinstance(keys, dict) or not all(isinstance(keys.get(k), str) and 8 <= len(keys[k]) <= 200 for k in ("p256dh", "auth")):
        return None, "keys: p256dh and auth are needed (base64url strings)"
    sizes = {"p256dh": 65, "auth": 16}  # an uncompressed P-256 point, and a 16-byte secret
    for name, size in sizes.items():
        value = keys[name].rstrip("=")
        if not re.fullmatch(r"[A-Za-z0-9_-]+", value) or len(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))) != size:
            return None, f"keys: {name} must be base64url of {size} bytes"
    return {"endpoint": endpoint, "keys": {"p256dh": keys["p256dh"], "auth": keys["auth"]}}, None


def add_push(user, subscription: dict, label: str = "") -> tuple[Channel, bool]:
    parts = urlsplit(subscription["endpoint"])
    return _add(user, Channel.Kind.PUSH, json.dumps(subscription, sort_keys=True), f"{parts.scheme}://{parts.hostname}/…",
                label or parts.hostname or "push")


def remove_push(user, endpoint: str) -> int:
    mine = [c.pk for c in Channel.objects.filter(user=user, kind=Channel.Kind.PUSH)
            if (json.loads(unseal(c.secret) or "{}")).get("endpoint") == endpoint]
    return Channel.objects.filter(pk__in=mine).delete()[0]


def _send_push(subscription: dict, short: dict) -> None:
    from pywebpush import WebPushException, webpush

    key, _public = vapid()
    fields = ("title", "body", "url", "done_url", "snooze_url", "tag", "done_title", "snooze_title")
    payload = json.dumps({k: short[k] for k in fields if k in short}, ensure_ascii=False)
    sender = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    contact = getattr(settings, "VAPID_SUBJECT", "") or f"mailto:{sender}"
    try:
        webpush(subscription, data=payload, vapid_private_key=key, vapid_claims={"sub": contact}, ttl=PUSH_TTL, timeout=PUSH_TIMEOUT)
    except WebPushException as error:
        status = getattr(error.response, "status_code", None)
        if status in (404, 410):
            raise Gone(f"the push service says this subscription is gone ({status})") from None
        raise ChannelError(f"the push service answered {status or 'nothing'}") from None
    except Exception as error:  # noqa: BLE001 - refused connection, timeout, TLS: all mean "try again later"
        raise ChannelError(f"the push service could not be reached ({type(error).__name__})") from None


def test_message() -> dict:
    """What "Send a test" sends, in the active language."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from apps.reminders.mail import absolute

    return {"title": _("Cadence: a test message"), "body": _("If you can read this, your reminders will reach you here."),
            "url": absolute(reverse("progress:today")), "done_url": None, "snooze_url": None, "tag": "cadence-test"}


def deliver(channel: Channel, short: dict) -> None:
    secret = unseal(channel.secret)
    if secret is None:
        raise ChannelError("this channel's address can no longer be read (the site's secret key changed): add it again")
    if channel.kind == Channel.Kind.PUSH:
        _send_push(json.loads(secret), short)
    else:
        _send_apprise(channel, secret, short)
