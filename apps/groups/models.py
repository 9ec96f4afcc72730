"""Study groups: a plan, its leads and members; each member's consent; each member's standing (the
figures a lead sees, written from the one learner-day summary); nudges.

Consent: a membership starts "invited" (shares_since is None) and the lead sees only the username.
Accepting shares exactly Standing's figures (plan day, topic-days done, ahead/behind and buffer,
streak, last check-in date, milestone states), and the e-mail address only with share_email; never
notes, check-in notes or outputs. Withdrawing makes the membership "invited" again; leaving deletes it.
"""

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.curriculum.models import Plan

NUDGE_MAX_LENGTH = 500
NEVER = date.min  # Membership.last_checkin of a member who never checked in


class Group(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="groups")
    leads = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="led_groups", verbose_name=_("leads"))
    # The weekly automatic nudge (off when None): on Mondays, at each member's first study slot, to the
    # members who share and are behind by more than this many days.
    auto_nudge_behind = models.PositiveSmallIntegerField(
        _("weekly nudge when behind by more than (days)"), null=True, blank=True, validators=[MaxValueValidator(365)]
    )
    auto_nudge_message = models.CharField(_("weekly nudge message"), max_length=NUDGE_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # How many members share and how many are invited, for the roster's header and pager: counted
    # again (apps.groups.counts.recount) after every membership write, under a lock on this row, and by
    # the groups tick every minute; counting 10,000 memberships on every roster page took as long as
    # reading the page itself.
    sharing_count = models.PositiveIntegerField(default=0, editable=False)
    invited_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Membership(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_memberships")
    shares_since = models.DateTimeField(null=True, blank=True, help_text=_("When the member accepted; empty: invited."))
    share_email = models.BooleanField(default=False, help_text=_("The lead may see the member's e-mail address."))
    invited_at = models.DateTimeField(auto_now_add=True)
    # The roster's sort and filter keys: copies of the member's Standing (its home) and username,
    # written with them (apps.groups.standings.copy_keys; a renamed user by apps.groups.signals), so
    # that a page of a 10,000-member roster is read in order from an index of this group's sharing
    # (or invited) members instead of sorting all of them. A member who never checked in has
    # NEVER as last_checkin, so that "least recent first" and "most recent first" both read one plain
    # index (SQLite has no NULLS FIRST in an index); the roster shows the standing's own date.
    username = models.CharField(max_length=150, blank=True)
    day = models.PositiveSmallIntegerField(default=0)
    topic_days_done = models.PositiveSmallIntegerField(default=0)
    buffer_days = models.SmallIntegerField(default=0)
    streak = models.PositiveSmallIntegerField(default=0)
    last_checkin = models.DateField(default=NEVER)
    plan_state = models.CharField(max_length=10, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="membership_once")]
        indexes = [
            models.Index(fields=["user"], name="membership_user"),
            *[
                models.Index(models.F("group"), models.F(key), models.F("user"), name=f"roster_{name}",
                             condition=models.Q(shares_since__isnull=False))
                for name, key in (
                    ("day", "day"), ("done", "topic_days_done"), ("buffer", "buffer_days"), ("streak", "streak"),
                    ("last", "last_checkin"), ("username", "username"),
                )
            ],
            # The invited: counted and listed by name without reading the members who share.
            models.Index(models.F("group"), models.F("username"), models.F("user"), name="roster_invited",
                         condition=models.Q(shares_since__isnull=True)),
        ]

    def __str__(self):
        return f"{self.user} in {self.group}"

    def save(self, *args, **kwargs):
        if not self.username and self.user_id is not None:  # made one by one (the admin, tests): the name key at once
            self.username = self.user.username
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "username"}
        super().save(*args, **kwargs)

    @property
    def shares(self) -> bool:
        return self.shares_since is not None


class Standing(models.Model):
    """A group member's figures as the learner-day summary last computed them (apps.groups.standings).
    computed_at is when that computation read the database; changed_at is set by every write that
    changes the figures (apps.groups.signals), so a row is out of date when changed_at >= computed_at,
    or when the learner's date has moved on (valid_until, their next local midnight)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="standing")
    computed_at = models.DateTimeField()
    changed_at = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField()
    as_of = models.DateField()  # the learner's local date the figures are for
    state = models.CharField(max_length=10)  # before, active, paused, finished
    day = models.PositiveSmallIntegerField()
    total_days = models.PositiveSmallIntegerField()
    topic_days_done = models.PositiveSmallIntegerField()
    buffer_days = models.SmallIntegerField()  # negative: behind
    streak = models.PositiveSmallIntegerField()
    last_checkin = models.DateField(null=True, blank=True)
    milestones = models.JSONField(default=list)  # [{"day", "title", "state"}]
    done_by_day = models.JSONField(default=list)  # topic-days done by the end of plan day 1, 2, ... up to `day`

    class Meta:
        indexes = [
            models.Index(fields=["valid_until"], name="standing_valid_until"),
            # The few rows written to since they were computed: found without reading the others.
            models.Index(fields=["user"], condition=models.Q(changed_at__gte=models.F("computed_at")), name="standing_changed"),
        ]

    def __str__(self):
        return f"{self.user_id} on {self.as_of}: day {self.day}, buffer {self.buffer_days}"


class Nudge(models.Model):
    """A short message from a lead (or the group's weekly automatic nudge) to one member, sent through
    their reminder channels. At most one a member a day, across all their groups."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="nudges")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="nudges")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    local_date = models.DateField(help_text=_("The member's local date it was sent on."))
    message = models.CharField(max_length=NUDGE_MAX_LENGTH)
    automatic = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    delivered = models.JSONField(default=list, blank=True)  # the channels it reached: "email", "ch12", ...
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "local_date"], name="nudge_once_a_day")]

    def __str__(self):
        return f"{self.group} → {self.user} on {self.local_date}"

