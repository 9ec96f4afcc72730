import secrets

from django.db import migrations


def create_settings(apps, schema_editor):
    Enrollment = apps.get_model("progress", "Enrollment")
    ReminderSettings = apps.get_model("reminders", "ReminderSettings")
    have = set(ReminderSettings.objects.values_list("user_id", flat=True))
    ReminderSettings.objects.bulk_create(
        [
            ReminderSettings(user_id=user_id, unsubscribe_token=secrets.token_urlsafe(24), calendar_token=secrets.token_urlsafe(24))
            for user_id in Enrollment.objects.values_list("user_id", flat=True)
            if user_id not in have
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("reminders", "0001_initial"), ("progress", "0003_topic_closed_on")]
    operations = [migrations.RunPython(create_settings, migrations.RunPython.noop)]
