from django.db import migrations, models


class Migration(migrations.Migration):
    """done_on becomes closed_on: skipping a topic closes it too, and the burn-down needs that date."""

    dependencies = [("progress", "0002_checkins_pauses_tokens")]

    operations = [
        migrations.RenameField(model_name="topicprogress", old_name="done_on", new_name="closed_on"),
        migrations.AlterField(
            model_name="topicprogress",
            name="closed_on",
            field=models.DateField(blank=True, help_text="Local date the topic was marked done or skipped.", null=True),
        ),
    ]
