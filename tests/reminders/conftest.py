"""A real SMTP server (aiosmtpd) that the tests can make refuse, and learners with e-mail addresses."""

import email
from datetime import date
from email import policy

import pytest

from apps.progress.services import enroll
from tests.smtp import RefusingHandler, serving


class Inbox(RefusingHandler):
    """Collects what the SMTP server accepted, parsed; `refusing` makes it answer 451 (try again later)."""

    def __init__(self):
        super().__init__()
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address):
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp():
    with serving(Inbox()) as inbox:
        yield inbox


@pytest.fixture
def smtp_mailer(settings, smtp):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": smtp.port, "timeout": 5}}}
    return smtp


@pytest.fixture
def learner(django_user_model, plan):
    def make(username, timezone="Asia/Shanghai", start=date(2026, 3, 1), language="en", email=True):
        user = django_user_model.objects.create_user(username, email=f"{username}@example.com" if email else "")
        enroll(user=user, plan=plan, start_date=start, timezone=timezone, language=language)
        return user

    return make
