"""The reminder tells the truth for the learner 30 days in who has done nothing, the one exactly on
plan and the one 10 days ahead: today's topics still open, the overdue ones (five, then "and N
more"), the safety buffer, and a resource that fits the slot and the day (a course at 12:00, no
paper from a later block at 06:00), as a real SMTP server receives it."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from apps.curriculum.models import Topic
from apps.progress.models import TopicProgress
from tests.reminders.test_email import parts, send_now

pytestmark = pytest.mark.django_db
MORNING = datetime(2026, 3, 30, 22, 1, tzinfo=UTC)  # 06:01 on Tuesday 2026-03-31 in Shanghai: day 31
NOON = datetime(2026, 3, 31, 4, 1, tzinfo=UTC)  # 12:01 the same day: the video-course slot


@pytest.fixture
def three(learner, plan):
    found = {}
    for name, through in (("idle", 0), ("steady", 30), ("keen", 40)):
        user = learner(name, start=date(2026, 3, 1))
        TopicProgress.objects.bulk_create([
            TopicProgress(user=user, topic=t, status="done", closed_on=date(2026, 3, 30))
            for t in Topic.objects.filter(plan=plan, end_day__lte=through)
        ])
        found[name] = user
    return found


def mail_for(smtp_mailer, name):
    [message] = smtp_mailer.to(f"{name}@example.com")
    return parts(message)


def test_the_morning_mail_for_each_of_the_three(three, smtp_mailer):
    send_now(MORNING)
    for body in mail_for(smtp_mailer, "idle"):
        assert "Day 31 of 180" in body and "Safety buffer: behind by 30 days." in body
        assert "5.1 " in body  # today's topic, still open
        overdue = body[body.index("Overdue, to catch up:"):]
        assert [key for key in ("1.1", "1.2", "1.3", "2.1", "2.2") if f"{key} " in overdue] == ["1.1", "1.2", "1.3", "2.1", "2.2"]
        assert "2.3 " not in overdue and "and 7 more" in overdue
    for body in mail_for(smtp_mailer, "steady"):
        assert "Safety buffer: 0 days (until 2026-03-31)." in body
        assert "Overdue" not in body and "5.1 " in body
    for body in mail_for(smtp_mailer, "keen"):
        assert "Safety buffer: 10 days (until 2026-04-10)." in body
        assert "Overdue" not in body
        assert "Today's topics" not in body  # 5.1 is done already: it is not today's work any more
    for name in three:
        for body in mail_for(smtp_mailer, name):
            # Block 5 has no paper and no earlier block had one: the 06:00 mail suggests none.
            assert "Read next" not in body and "Attention Is All You Need" not in body


def test_the_noon_mail_suggests_a_course_not_a_paper(three, smtp_mailer):
    send_now(NOON)
    text, html = mail_for(smtp_mailer, "steady")
    assert "12:00-13:00 视频课程学习" in text
    # CS224N belongs with the NLP block (7); the course of an earlier block (4) not yet done comes first.
    assert "Course: 李沐《动手学深度学习》" in text and "Read next" not in text and "Practice project" not in text


def test_the_morning_mail_lists_the_reviews_due(learner, plan, smtp_mailer):
    """Four done topics whose cards are due: the morning mail says four and names the first three; the
    noon mail does not repeat them."""
    from apps.curriculum.models import Topic
    from apps.progress.services import set_topic_status

    user = learner("reviewer", start=date(2026, 3, 1))
    with time_machine.travel(datetime(2026, 3, 10, 4, tzinfo=UTC), tick=False):
        for key in ("1.1", "1.2", "1.3", "2.1"):
            set_topic_status(user=user, topic=Topic.objects.get(plan=plan, key=key), status="done", local_date=date(2026, 3, 10))
    send_now(MORNING)
    text, html = mail_for(smtp_mailer, "reviewer")
    for body in (text, html):
        assert "4 reviews due today:" in body
        assert "1.1 " in body[body.index("reviews due today"):] and "2.1 " not in body[body.index("reviews due today"):]
    smtp_mailer.messages.clear()
    send_now(NOON)
    text, _html = mail_for(smtp_mailer, "reviewer")
    assert "reviews due" not in text
