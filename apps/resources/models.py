"""A learner's copy of a resource: a row per plan resource (made when first listed) or one of their own."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.curriculum.models import Resource


class UserResource(models.Model):
    class Status(models.TextChoices):
        TO_READ = "to_read", _("To read")
        READING = "reading", _("Reading")
        DONE = "done", _("Done")

    MAX_NOTES = 100_000

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resources")
    resource = models.ForeignKey(Resource, null=True, blank=True, on_delete=models.CASCADE, related_name="learners")
    # The learner's own resources keep these; for the plan's, they are blank and the plan's are shown.
    kind = models.CharField(max_length=20, choices=Resource.Kind.choices, blank=True)
    title = models.CharField(max_length=300, blank=True)
    url = models.URLField(max_length=500, blank=True)
    description = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.TO_READ)
    rating = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)])
    notes = models.TextField(blank=True)
    # Where the learner puts it: one of their plan's blocks (besides the plan's own links), shown on that block's page.
    block = models.ForeignKey("curriculum.Block", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "resource"], condition=models.Q(resource__isnull=False), name="user_resource_once"),
        ]

    def __str__(self):
        return f"{self.user} · {self.display_title}"

    @property
    def own(self) -> bool:
        return self.resource_id is None

    @property
    def display_title(self) -> str:
        return self.title if self.own else self.resource.title

    @property
    def display_kind(self) -> str:
        return self.kind if self.own else self.resource.kind

    @property
    def kind_label(self) -> str:
        return dict(Resource.Kind.choices).get(self.display_kind, "")

    @property
    def display_note(self) -> str:
        return self.description if self.own else self.resource.note
