"""The learner's side of milestones (checked items with evidence), their outputs, and their portfolio link."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.curriculum.models import Block, BlockItem, MilestoneItem, Topic


class MilestoneCheck(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="milestone_checks")
    item = models.ForeignKey(MilestoneItem, on_delete=models.CASCADE, related_name="checks")
    done = models.BooleanField(default=False)
    evidence = models.CharField(max_length=500, blank=True, help_text=_("A link or a short note."))
    done_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["item__milestone__day", "item__position"]
        constraints = [models.UniqueConstraint(fields=["user", "item"], name="milestone_check_once")]

    def __str__(self):
        return f"{self.user} · {self.item}"


class Output(models.Model):
    """Something the learner made and published: 输出驱动（写博客、做分享）."""

    class Kind(models.TextChoices):
        BLOG = "blog", _("Blog post")
        REPO = "repo", _("Repository")
        TALK = "talk", _("Talk")
        NOTEBOOK = "notebook", _("Notebook")
        OTHER = "other", _("Other")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outputs")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=300)
    url = models.URLField(max_length=500)
    block = models.ForeignKey(Block, null=True, blank=True, on_delete=models.SET_NULL, related_name="outputs")
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="outputs")
    project = models.ForeignKey(BlockItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="outputs")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title


class Portfolio(models.Model):
    """Whether the learner's portfolio is public, and under which secret link (none: private)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portfolio")
    token = models.CharField(max_length=64, unique=True, null=True, blank=True)

    def __str__(self):
        return f"{self.user} · {'public' if self.token else 'private'}"

    def share(self):
        self.token = secrets.token_urlsafe(24)
        self.save(update_fields=["token"])

    def revoke(self):
        self.token = None
        self.save(update_fields=["token"])
