"""A learner's slots become the plan's rhythm plus their own overrides (kept on the enrollment), and
a topic's dismissed reviews become one number on its progress row.

SlotTime rows that differ from the plan's slot are kept as overrides; rows equal to the plan's are
dropped (the plan's times are now read from the plan). Review rows become the highest stage
dismissed. The learner page cache's revision counter goes: pages are rendered afresh.
"""

from django.db import migrations, models


def forwards(apps, schema_editor):
    Enrollment = apps.get_model("progress", "Enrollment")
    SlotTime = apps.get_model("progress", "SlotTime")
    Slot = apps.get_model("curriculum", "Slot")
    TopicProgress = apps.get_model("progress", "TopicProgress")
    Review = apps.get_model("progress", "Review")

    plan_slots = {(s.plan_id, s.days, s.number): s for s in Slot.objects.all()}
    overrides = {}
    for row in SlotTime.objects.select_related("enrollment"):
        plan_slot = plan_slots.get((row.enrollment.plan_id, row.days, row.number))
        if plan_slot is None or (plan_slot.start, plan_slot.end) == (row.start, row.end):
            continue
        overrides.setdefault(row.enrollment_id, {})[f"{row.days}-{row.number}"] = {
            "start": row.start.strftime("%H:%M"), "end": row.end.strftime("%H:%M"),
        }
    for pk, value in overrides.items():
        Enrollment.objects.filter(pk=pk).update(slot_overrides=value)

    stages = {}
    for user_id, topic_id, stage in Review.objects.values_list("user_id", "topic_id", "stage"):
        stages[(user_id, topic_id)] = max(stage, stages.get((user_id, topic_id), 0))
    for (user_id, topic_id), stage in stages.items():
        TopicProgress.objects.filter(user_id=user_id, topic_id=topic_id).update(reviewed_stage=stage)


class Migration(migrations.Migration):
    dependencies = [
        ("curriculum", "0003_plan_revision"),
        ("progress", "0005_enrollment_revision"),
    ]

    operations = [
        migrations.AddField(model_name="enrollment", name="slot_overrides", field=models.JSONField(blank=True, default=dict)),
        migrations.AddField(model_name="topicprogress", name="reviewed_stage", field=models.PositiveSmallIntegerField(db_default=0, default=0)),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.DeleteModel(name="SlotTime"),
        migrations.DeleteModel(name="Review"),
        migrations.RemoveField(model_name="enrollment", name="revision"),
    ]
