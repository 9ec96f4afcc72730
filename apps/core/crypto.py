"""Secrets kept at rest encrypted (an Apprise URL holds a bot token or a webhook key): Fernet
(AES-128-CBC with HMAC-SHA256) with a key derived from SECRET_KEY. Rotating SECRET_KEY makes the
stored ones unreadable: the learner enters them again (Settings shows them as needing it)."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    key = hashlib.sha256(b"cadence.crypto.v1:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def unseal(token: str) -> str | None:
    """The text, or None when it cannot be read (another SECRET_KEY, or damaged)."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        return None
