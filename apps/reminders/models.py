"""Reminder preferences and the reminder rows that make "exactly once" a database guarantee.

A Reminder row is claimed before anything is sent: the unique constraint on (user, local_date, slot,
kind) means a second dispatch of the same tick inserts nothing, and a send task only mails rows it won
with a conditional UPDATE (see services.py). Rows move pending → sent / failed / skipped / missed.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

EMAIL = "email"  # Reminder.channel for e-mail


def new_token() -> str:
    return secrets.token_urlsafe(24)


class ReminderSettings(models.Model):
    class Mode(models.TextChoices):
        OFF = "off", _("Off")
        EVERY_SLOT = "every_slot", _("At every study slot")
        DIGEST = "digest", _("One daily digest at the first slot")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_settings")
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.EVERY_SLOT)
    weekends = models.BooleanField(default=True, help_text=_("Send reminders on Saturdays and Sundays."))
    disabled_slots = models.JSONField(default=list, blank=True, help_text=_('Slots without e-mail reminders, e.g. ["weekday-2"].'))
    email = models.BooleanField(default=True, db_default=True, help_text=_("Send reminders by e-mail (other channels are in Channel)."))
    unsubscribe_token = models.CharField(max_length=64, unique=True, default=new_token)
    calendar_token = models.CharField(max_length=64, unique=True, default=new_token)

    class Meta:
        verbose_name_plural = "reminder settings"

    def __str__(self):
        return f"{self.user} · {self.mode}"


class Reminder(models.Model):
    class Kind(models.TextChoices):
        SLOT = "slot", _("Study slot")
        DIGEST = "digest", _("Daily digest")
        SNOOZE = "snooze", _("Snoozed")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped (already checked in)")
        MISSED = "missed", _("Missed (too late to send)")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders")
    local_date = models.DateField()
    slot = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SLOT)
    # Which channel this row is for: "email", or "ch<id>" for a Channel row. Each channel is claimed,
    # sent and marked on its own, so one that fails never holds the others back.
    channel = models.CharField(max_length=24, default=EMAIL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    due_at = models.DateTimeField(help_text=_("When the slot starts (UTC)."))
    window_ends_at = models.DateTimeField(help_text=_("After this the reminder is no use: missed or failed."))
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-due_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "local_date", "slot", "kind", "channel"], name="reminder_once_per_channel"),
        ]
        indexes = [
            models.Index(fields=["due_at"], condition=models.Q(status="pending"), name="reminder_pending_due"),
            models.Index(fields=["claim_token"], condition=~models.Q(claim_token=""), name="reminder_claim"),
        ]

    def __str__(self):
        return f"{self.user} · {self.local_date} · slot {self.slot} · {self.kind} · {self.channel} · {self.status}"


class Channel(models.Model):
    """A reminder channel besides e-mail: a browser's Web Push subscription, or an Apprise URL (ntfy,
    Telegram, WeCom, DingTalk, Feishu, Matrix, Discord, json:// webhooks, ...). The subscription or URL
    is kept encrypted (apps.core.crypto) and shown back only as `shown`; `key` (a hash of it) keeps a
    learner from adding the same one twice."""

    class Kind(models.TextChoices):
        PUSH = "push", _("Push to this phone or browser")
        APPRISE = "apprise", _("Chat app or webhook (Apprise)")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channels")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    label = models.CharField(max_length=100, blank=True)
    secret = models.TextField(help_text=_("Encrypted: the Apprise URL, or the push subscription as JSON."))
    shown = models.CharField(max_length=200, help_text=_("What is shown of it: the scheme and host, never the secret parts."))
    key = models.CharField(max_length=64)
    enabled = models.BooleanField(default=True)
    disabled_slots = models.JSONField(default=list, blank=True)
    last_status = models.CharField(max_length=10, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    last_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="channel_once")]

    def __str__(self):
        return f"{self.user} · {self.kind} · {self.shown}"

    @property
    def code(self) -> str:
        """The value of Reminder.channel for this channel's rows."""
        return f"ch{self.pk}"

    @staticmethod
    def id_of(code: str) -> int | None:
        """The Channel id a Reminder.channel value names ("ch12" → 12); None for e-mail."""
        return int(code[2:]) if code.startswith("ch") and code[2:].isdigit() else None


class PushKey(models.Model):
    """The site's VAPID key pair for Web Push, made once (by `bootstrap`, or on first use) so that every
    process signs with the same one. VAPID_PRIVATE_KEY in the environment takes its place."""

    private_pem = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"VAPID key of {self.created_at:%Y-%m-%d}"
