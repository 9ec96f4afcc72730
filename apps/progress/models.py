"""A learner's side of the plan: the enrollment (plan, day 1, timezone, own slot times), check-ins and topic progress.

Check-ins name their slot by number, not by a foreign key to the plan's Slot row, so re-importing
a plan can never delete anyone's history. A learner's study slots are the plan's rhythm; the
enrollment keeps only where the learner differs from it (`slot_overrides`), so a re-imported plan's
new, moved or removed slot is everyone's at once (apps.progress.summary.learner_slots).
"""

from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.curriculum.models import BlockItem, Plan, Topic


def validate_timezone(value: str) -> None:
    if value not in _timezones():
        raise ValidationError(_("%(value)s is not an IANA timezone such as Asia/Shanghai."), params={"value": value})


_TIMEZONES: set[str] = set()


def _timezones() -> set[str]:
    if not _TIMEZONES:
        _TIMEZONES.update(available_timezones() - NOT_PLACES)
    return _TIMEZONES


NOT_PLACES = {"localtime", "Factory", "posixrules"}  # names in the tz database that are no place a learner lives


def timezone_choices() -> list[tuple[str, str]]:
    """Area/City names (and UTC): the list a learner picks from, without the database's odd entries."""
    return [(name, name) for name in sorted(_timezones()) if "/" in name or name == "UTC"]


class Enrollment(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollment")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="enrollments")
    start_date = models.DateField(help_text=_("Day 1 of the plan."))
    timezone = models.CharField(max_length=64, validators=[validate_timezone])
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, default="en")
    created_at = models.DateTimeField(auto_now_add=True)
    # Only the learner's differences from the plan's rhythm, by slot key ("weekday-1"):
    # {"start": "05:30", "end": "06:30"} for a moved slot, {"off": true} for one they don't do.
    # Read with the enrollment itself (no query of its own on any page); checked by
    # apps.progress.forms.SlotOverridesForm and the data import.
    slot_overrides = models.JSONField(default=dict, blank=True)
    # Review (FSRS, apps.progress.review): the share of reviewed topics the learner wants to still
    # recall when they come back, and how many reviews Today offers a day.
    desired_retention = models.FloatField(
        _("desired retention"), default=0.9, validators=[MinValueValidator(0.8), MaxValueValidator(0.97)]
    )
    daily_reviews = models.PositiveSmallIntegerField(
        _("reviews a day"), default=10, validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    # The latest nudge from a study group, as Today shows it for two days ({"date", "message", "group",
    # "from"}): read with the enrollment, so Today spends no query on it. The record of every nudge,
    # with its delivery, is apps.groups' Nudge; only apps.groups.services.nudge writes this.
    notice = models.JSONField(null=True, blank=True, editable=False)

    def __str__(self):
        return f"{self.user} · {self.plan}"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class TopicProgress(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        SKIPPED = "skipped", _("Skipped")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_progress")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="progress")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    closed_on = models.DateField(null=True, blank=True, help_text=_("Local date the topic was marked done or skipped."))
    # A done topic is a review card (FSRS, apps.progress.review): its state, stability, difficulty and
    # next due time, kept on the progress row so that Today reads them with the topic's status for free.
    # All null while the topic is not done.
    card_state = models.PositiveSmallIntegerField(null=True, blank=True)
    card_step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    last_review_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "topic"], name="topic_progress_unique")]

    def __str__(self):
        return f"{self.user} · {self.topic.key} · {self.status}"


class ReviewLog(models.Model):
    """One review of a topic's card: the rating and the card as it was left (FSRS's ReviewLog, with the
    state after it, so a learner's recall over time is read without replaying the scheduler)."""

    class Rating(models.IntegerChoices):
        AGAIN = 1, _("Again")
        HARD = 2, _("Hard")
        GOOD = 3, _("Good")
        EASY = 4, _("Easy")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_logs")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="review_logs")
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    reviewed_at = models.DateTimeField()
    stability = models.FloatField()
    difficulty = models.FloatField()
    due_at = models.DateTimeField()

    class Meta:
        ordering = ["reviewed_at", "pk"]
        indexes = [models.Index(fields=["user", "reviewed_at"], name="review_log_user_time")]

    def __str__(self):
        return f"{self.user} · {self.topic.key} · {self.get_rating_display()}"


class CheckIn(models.Model):
    class Status(models.TextChoices):
        DONE = "done", _("Done")
        SKIPPED = "skipped", _("Skipped")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins")
    local_date = models.DateField()
    slot = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices)
    minutes = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(24 * 60)])
    note = models.TextField(blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="checkins")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-local_date", "slot"]
        constraints = [models.UniqueConstraint(fields=["user", "local_date", "slot"], name="checkin_unique")]

    def __str__(self):
        return f"{self.user} · {self.local_date} · slot {self.slot} · {self.status}"


class ProjectProgress(models.Model):
    """A practice project (or deliverable) the learner finished, with an optional link to show for it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_progress")
    item = models.ForeignKey(BlockItem, on_delete=models.CASCADE, related_name="progress")
    done = models.BooleanField(default=False)
    link = models.URLField(blank=True, max_length=500)
    done_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "item"], name="project_progress_unique")]

    def __str__(self):
        return f"{self.user} · {self.item}"


class Pause(models.Model):
    """Days the plan stands still (sick days, holidays): from start_date through end_date, inclusive.
    An open pause (no end_date) lasts until the learner resumes.

    A shift ("shift my dates", for a learner who fell behind) is recorded the same way: the days
    behind, just before the day it was made, stop counting, so the rest of the plan moves later by
    that many days while the check-ins stay on the dates they happened."""

    class Kind(models.TextChoices):
        PAUSE = "pause", _("Pause")
        SHIFT = "shift", _("Shift")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField(max_length=5, choices=Kind.choices, default=Kind.PAUSE)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="pause_ends_after_start",
            ),
            models.UniqueConstraint(fields=["user"], condition=models.Q(end_date__isnull=True), name="one_open_pause"),
        ]

    def __str__(self):
        return f"{self.user} paused {self.start_date}–{self.end_date or '…'}"


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token itself is shown once, when made."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} · {self.prefix}…"


class TopicNote(models.Model):
    """The learner's study notes on one topic (整理学习笔记), in Markdown."""

    MAX_LENGTH = 100_000

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_notes")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [models.UniqueConstraint(fields=["user", "topic"], name="topic_note_unique")]

    def __str__(self):
        return f"{self.user} · {self.topic.key}"
