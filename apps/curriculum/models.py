"""The plan itself, as the Markdown describes it: it knows nothing of any learner.

Plan → Phase → Block → Topic carry the day ranges; a Topic's key ("<block>.<topic>") is
what progress, the API and exports refer to, so it stays stable across `import_plan --replace`.
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Plan(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=300)
    author = models.CharField(max_length=200, blank=True)
    goal = models.CharField(max_length=500, blank=True)
    period = models.CharField(max_length=200, blank=True)
    total_days = models.PositiveIntegerField()
    advice = models.JSONField(default=list, blank=True)
    updated = models.CharField(max_length=50, blank=True, help_text="The plan's own 'last updated' line, as written.")
    route = models.JSONField(default=list, blank=True, help_text="The route overview's steps, in order.")
    mindset = models.JSONField(default=list, blank=True, help_text="The mindset section's lines.")
    imported_at = models.DateTimeField(auto_now=True)
    # Bumped by every import, every save of this row and every change to the plan's rows
    # (apps.curriculum.signals), so each process knows when its cached copy of the plan
    # (apps.curriculum.cache) is stale. The plan is the only thing Cadence caches.
    revision = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        bump = not self._state.adding
        if bump:
            self.revision = models.F("revision") + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "revision"}
        super().save(*args, **kwargs)
        if bump:
            self.refresh_from_db(fields=["revision"])

    def get_absolute_url(self):
        return reverse("curriculum:overview", args=[self.slug])


class Phase(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="phases")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    start_day = models.PositiveIntegerField()
    end_day = models.PositiveIntegerField()
    summary = models.CharField(max_length=500, blank=True)
    output = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="phase_number_unique")]

    def __str__(self):
        return self.title

    @property
    def days(self):
        return self.end_day - self.start_day + 1


class Block(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="blocks")
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="blocks")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    start_day = models.PositiveIntegerField()
    end_day = models.PositiveIntegerField()
    goal = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="block_number_unique")]
        indexes = [models.Index(fields=["plan", "start_day", "end_day"], name="block_days")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("curriculum:block", args=[self.plan.slug, self.number])

    @property
    def days(self):
        return self.end_day - self.start_day + 1


class Topic(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="topics")
    block = models.ForeignKey(Block, on_delete=models.CASCADE, related_name="topics")
    number = models.PositiveIntegerField()
    key = models.CharField(max_length=20)
    title = models.CharField(max_length=300)
    start_day = models.PositiveIntegerField()
    end_day = models.PositiveIntegerField()
    points = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["plan", "start_day", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="topic_key_unique")]
        indexes = [models.Index(fields=["plan", "start_day", "end_day"], name="topic_days")]

    def __str__(self):
        return f"{self.key} {self.title}"

    @property
    def days(self):
        return self.end_day - self.start_day + 1


class BlockItem(models.Model):
    """A line of a block that is not a topic: a practice project, a project option to pick, or a deliverable."""

    class Kind(models.TextChoices):
        PROJECT = "project", _("Practice project")
        CHOICE = "choice", _("Project option")
        DELIVERABLE = "deliverable", _("Deliverable")

    block = models.ForeignKey(Block, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    position = models.PositiveIntegerField()
    text = models.CharField(max_length=500)

    class Meta:
        ordering = ["block", "kind", "position"]
        constraints = [models.UniqueConstraint(fields=["block", "kind", "position"], name="block_item_unique")]

    def __str__(self):
        return self.text


class Resource(models.Model):
    class Kind(models.TextChoices):
        PAPER = "paper", _("Paper")
        BOOK = "book", _("Book")
        PROJECT = "project", _("Open-source project")
        COURSE = "course", _("Course")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="resources")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    note = models.CharField(max_length=500, blank=True)
    blocks = models.ManyToManyField(Block, blank=True, related_name="resources", help_text=_("Blocks this resource belongs with."))
    topics = models.ManyToManyField(Topic, blank=True, related_name="resources", help_text=_("Topics this resource belongs with."))

    class Meta:
        ordering = ["plan", "position"]

    def __str__(self):
        return self.title


class Milestone(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="milestones")
    day = models.PositiveIntegerField()
    title = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["plan", "day"]
        constraints = [models.UniqueConstraint(fields=["plan", "day"], name="milestone_day_unique")]

    def __str__(self):
        return self.title or f"Day {self.day}"


class MilestoneItem(models.Model):
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    text = models.CharField(max_length=500)

    class Meta:
        ordering = ["milestone", "position"]

    def __str__(self):
        return self.text


class Slot(models.Model):
    """One study slot of the plan's daily rhythm (a learner may move its times in their settings)."""

    class Days(models.TextChoices):
        WEEKDAY = "weekday", _("Weekdays")
        WEEKEND = "weekend", _("Weekend")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="slots")
    days = models.CharField(max_length=10, choices=Days.choices)
    number = models.PositiveIntegerField()
    start = models.TimeField()
    end = models.TimeField()
    activity = models.CharField(max_length=300)

    class Meta:
        ordering = ["plan", "days", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "days", "number"], name="slot_number_unique")]

    def __str__(self):
        return f"{self.start:%H:%M}-{self.end:%H:%M} {self.activity}"

    @property
    def minutes(self):
        return minutes_between(self.start, self.end)


def minutes_between(start, end) -> int:
    """Length of a slot in minutes; a slot that ends at or before its start runs past midnight."""
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return minutes if minutes > 0 else minutes + 24 * 60
