"""Celery tasks: the once-a-minute tick (from the single beat) and the send batches it fans out to.

Both are safe to run twice: the tick's rows are claimed under a unique constraint, and a batch sends
only the rows its conditional UPDATE won.
"""

from celery import shared_task
from django.db import transaction

from apps.reminders import services


@shared_task(name="reminders.tick", acks_late=True, ignore_result=True, time_limit=120, soft_time_limit=100)
def tick():
    ids = services.dispatch()
    for batch in services.batches(ids):
        transaction.on_commit(lambda batch=batch: send_batch.delay(batch))
    return len(ids)


@shared_task(name="reminders.send_batch", acks_late=True, ignore_result=True, time_limit=120, soft_time_limit=100)
def send_batch(ids):
    return services.send_batch(list(ids))
