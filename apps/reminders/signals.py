"""Every enrolled learner gets reminder settings (and so an unsubscribe and a calendar token)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from apps.progress.models import Enrollment
from apps.reminders.models import ReminderSettings


@receiver(post_save, sender=Enrollment)
def give_reminder_settings(sender, instance, created, **kwargs):
    if created:
        ReminderSettings.objects.get_or_create(user_id=instance.user_id)
