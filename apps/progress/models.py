"""A learner's side of the plan: the enrollment (plan, day 1, timezone, slot times), check-ins and topic progress.

Check-ins name their slot by number, not by a foreign key to the plan's Slot row, so re-importing
a plan can never delete anyone's history.
"""

from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.curriculum.models import Plan, Slot, Topic, minutes_between


def validate_timezone(value: str) -> None:
    if value not in _timezones():
        raise ValidationError(_("%(value)s is not an IANA timezone such as Asia/Shanghai."), params={"value": value})


_TIMEZONES: set[str] = set()


def _timezones() -> set[str]:
    if not _TIMEZONES:
        _TIMEZONES.update(available_timezones())
    return _TIMEZONES


def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(_timezones())]


class Enrollment(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollment")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="enrollments")
    start_date = models.DateField(help_text=_("Day 1 of the plan."))
    timezone = models.CharField(max_length=64, validators=[validate_timezone])
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, default="en")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.user} · {self.plan}"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def slot_times(self) -> list["SlotTime"]:
        """The learner's slots: the plan's rhythm with this learner's own times where set."""
        own = {(s.days, s.number): s for s in self.slots.all()}
        result = []
        for slot in self.plan.slots.all():
            mine = own.get((slot.days, slot.number))
            result.append(mine or SlotTime(enrollment=self, days=slot.days, number=slot.number, start=slot.start, end=slot.end))
            result[-1].activity = slot.activity
        return result


class SlotTime(models.Model):
    """When this learner does one of the plan's study slots (the plan's time unless they moved it)."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="slots")
    days = models.CharField(max_length=10, choices=Slot.Days.choices)
    number = models.PositiveSmallIntegerField()
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        ordering = ["enrollment", "days", "number"]
        constraints = [models.UniqueConstraint(fields=["enrollment", "days", "number"], name="slot_time_unique")]

    def __str__(self):
        return f"{self.days} {self.number}: {self.start:%H:%M}-{self.end:%H:%M}"

    @property
    def minutes(self) -> int:
        return minutes_between(self.start, self.end)


class TopicProgress(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        SKIPPED = "skipped", _("Skipped")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_progress")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="progress")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    done_on = models.DateField(null=True, blank=True, help_text=_("Local date the topic was marked done."))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "topic"], name="topic_progress_unique")]

    def __str__(self):
        return f"{self.user} · {self.topic.key} · {self.status}"


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

