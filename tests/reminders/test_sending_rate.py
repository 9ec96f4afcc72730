"""EMAIL_RATE_PER_SECOND: an SMTP relay's sending limit is kept across concurrent senders (the count
is in the shared cache, Redis here), so messages wait their turn rather than being refused."""

import threading
import time
from collections import Counter
from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from apps.reminders import services
from apps.reminders.models import Reminder
from tests.reminders.conftest import Inbox
from tests.smtp import serving


class TimedInbox(Inbox):
    """Notes the wall-clock second each message arrived in."""

    def __init__(self):
        super().__init__()
        self.arrived = []

    async def handle_DATA(self, server, session, envelope):
        self.arrived.append(time.time())
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.django_db(transaction=True)
def test_two_senders_together_keep_to_the_rate(learner, settings):
    settings.EMAIL_RATE_PER_SECOND = 4
    users = [learner(f"r{i}", start=date.today() - timedelta(days=3)) for i in range(14)]
    now = timezone.now()
    rows = Reminder.objects.bulk_create([
        Reminder(user=u, local_date=date.today(), slot=1, due_at=now, window_ends_at=now + timedelta(hours=1)) for u in users
    ])
    ids = [r.pk for r in rows]
    with serving(TimedInbox()) as inbox:
        settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                        "OPTIONS": {"host": "127.0.0.1", "port": inbox.port, "timeout": 5}}}
        errors = []

        def send(part):
            try:
                services.send_batch(part)
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                connection.close()

        threads = [threading.Thread(target=send, args=(ids[i::2],)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        arrived = sorted(inbox.arrived)
    assert len(arrived) == 14 and Reminder.objects.filter(status="sent").count() == 14
    # Each wall-clock second lets at most 4 go; a message sent late in one second may land early in the
    # next, so at the receiving end a second holds at most twice that.
    assert max(Counter(int(t) for t in arrived).values()) <= 8
    # 14 messages at 4 a second take at least three seconds' turns: the last waits past 3 s after the first's second.
    assert arrived[-1] - int(arrived[0]) >= 3
