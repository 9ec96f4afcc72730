"""The reminder as a real SMTP server receives it: headers, both parts, language, working links."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from apps.curriculum.models import Topic
from apps.progress.models import CheckIn, TopicProgress
from apps.reminders import services
from apps.reminders.models import Reminder, ReminderSettings

pytestmark = pytest.mark.django_db
EVENING = datetime(2026, 3, 10, 12, 1, tzinfo=UTC)  # 20:01 in Shanghai, day 10 for a 2026-03-01 start


def send_now(now):
    with time_machine.travel(now, tick=False):
        for batch in services.batches(services.dispatch()):
            services.send_batch(batch)


def parts(message):
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text, html


def test_the_email_as_received(learner, smtp_mailer):
    user = learner("ann")
    CheckIn.objects.create(user=user, local_date=date(2026, 3, 9), slot=1, status="done", minutes=50)
    TopicProgress.objects.create(user=user, topic=Topic.objects.get(plan__slug="llm", key="1.1"), status="done")
    send_now(EVENING)
    [message] = smtp_mailer.to("ann@example.com")
    assert message["Subject"] == "Day 10 · 20:00 动手实践编码"
    assert message["From"] and message["Auto-Submitted"] == "auto-generated"
    token = ReminderSettings.objects.get(user=user).unsubscribe_token
    assert message["List-Unsubscribe"].strip() == f"<http://127.0.0.1:8000/r/unsubscribe/{token}/>"
    assert message["List-Unsubscribe-Post"].strip() == "List-Unsubscribe=One-Click"
    assert message.get_content_type() == "multipart/alternative"
    text, html = parts(message)
    for body in (text, html):
        assert "Day 10 of 180" in body
        assert "线性代数" in body  # today's topic (2.1, days 8-10)
        assert "手写梯度下降优化器" in body  # the coding slot suggests today's practice project
        assert "/r/checkin/" in body and "/r/snooze/" in body
        assert "Streak: 1 day" in body
        # Days 1-9 are due at 20:00 on day 10 (today's own topic once the day is over); 1.1's 3 are done.
        assert "Safety buffer: behind by 6 days." in body
        assert "1.2 " in body and "1.3 " in body  # the overdue topics, to catch up
    assert "done, 50 min" in text
    assert "<a href=" in html


def test_the_reading_slot_suggests_the_next_unread_paper_for_the_block(learner, smtp_mailer):
    from apps.resources.models import UserResource
    from apps.resources.services import ensure_rows

    reader = learner("reader")
    send_now(datetime(2026, 3, 9, 22, 1, tzinfo=UTC))  # 06:01 on the 10th in Shanghai: the reading slot
    [message] = smtp_mailer.messages
    text, _ = parts(message)
    assert "06:00 阅读论文/技术博客" in message["Subject"]
    # Block 2 (maths) has no paper of its own and no earlier block had one: nothing, rather than the
    # Transformer paper of a later block.
    assert "Read next" not in text and "Attention Is All You Need" not in text
    assert "Practice project" not in text

    # Day 61 opens block 9 (预训练语言模型), where BERT belongs; Attention was read meanwhile.
    ensure_rows(reader, reader.enrollment.plan)
    UserResource.objects.filter(user=reader, resource__title="Attention Is All You Need").update(status="done")
    send_now(datetime(2026, 4, 29, 22, 1, tzinfo=UTC))  # 06:01 on 2026-04-30, day 61
    text, _ = parts(smtp_mailer.messages[-1])
    assert "Day 61 of 180" in text and "Read next: BERT - 预训练语言模型" in text


def test_a_chinese_learner_gets_it_in_chinese(learner, smtp_mailer):
    learner("bo", language="zh-hans")
    send_now(EVENING)
    [message] = smtp_mailer.messages
    assert message["Subject"] == "第 10 天 · 20:00 动手实践编码"
    text, html = parts(message)
    assert "第 10 天，共 180 天" in text and "签到" in html and "Day 10" not in text


def link(message, kind):
    text, _ = parts(message)
    return re.search(rf"http://127\.0\.0\.1:8000(/r/{kind}/[^/\s]+/)", text).group(1)


def test_the_check_in_link_shows_a_button_and_only_the_post_checks_in(learner, smtp_mailer):
    user = learner("tapper")
    send_now(EVENING)
    url = link(smtp_mailer.messages[0], "checkin")
    anonymous = Client()
    with time_machine.travel(EVENING + timedelta(minutes=5), tick=False):
        page = anonymous.get(url)
        assert page.status_code == 200 and "<form" in page.content.decode()
        assert not CheckIn.objects.exists()  # a mail scanner following the link changes nothing
        done = anonymous.post(url, {"minutes": "45"})
        assert done.status_code == 200 and "Checked in" in done.content.decode()
    checkin = CheckIn.objects.get(user=user)
    assert (checkin.local_date, checkin.slot, checkin.minutes) == (date(2026, 3, 10), 3, 45)


def test_the_snooze_link(learner, smtp_mailer):
    user = learner("snoozer")
    send_now(EVENING)
    url = link(smtp_mailer.messages[0], "snooze")
    with time_machine.travel(EVENING + timedelta(minutes=2), tick=False):
        assert Client().get(url).status_code == 200 and not Reminder.objects.filter(kind="snooze").exists()
        assert "30 minutes" in Client().post(url).content.decode()
        assert "Already snoozed" in Client().post(url).content.decode()
    assert Reminder.objects.filter(user=user, kind="snooze").count() == 1


def test_tampered_expired_and_other_peoples_links_change_nothing(learner, smtp_mailer, client):
    user = learner("victim")
    other = learner("other")
    send_now(EVENING)
    url = link(smtp_mailer.to(user.email)[0], "checkin")
    with time_machine.travel(EVENING + timedelta(minutes=5), tick=False):
        tampered = url[:-6] + ("A" if url[-6] != "A" else "B") + url[-5:]
        assert Client().post(tampered).status_code == 400
        assert Client().post("/r/checkin/not-a-token/").status_code == 400
        assert Client().post(url.replace("checkin", "snooze")).status_code == 400  # a check-in link is no snooze link
        client.force_login(other)
        response = client.post(url)
        assert response.status_code == 403
    with time_machine.travel(EVENING + timedelta(days=3), tick=False):
        response = Client().post(url)
        assert response.status_code == 400 and "expired" in response.content.decode()
    assert not CheckIn.objects.exists() and not Reminder.objects.filter(kind="snooze").exists()


def test_one_click_unsubscribe_needs_no_session_or_csrf(learner, smtp_mailer):
    user = learner("leaver")
    send_now(EVENING)
    header = smtp_mailer.messages[0]["List-Unsubscribe"].strip().strip("<>")
    path = header.replace("http://127.0.0.1:8000", "")
    strict = Client(enforce_csrf_checks=True)
    page = strict.get(path)
    assert page.status_code == 200 and "Turn reminders off" in page.content.decode()
    assert ReminderSettings.objects.get(user=user).mode == "every_slot"
    response = strict.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert ReminderSettings.objects.get(user=user).mode == "off"
    assert Client().post("/r/unsubscribe/unknown-token/").status_code == 404
