"""A real SMTP server (aiosmtpd) that the tests can make refuse, and learners with e-mail addresses."""

import email
import socket
import threading
from datetime import date
from email import policy

import pytest
from aiosmtpd.controller import Controller

from apps.progress.services import enroll


class Inbox:
    """Collects what the SMTP server accepted; `refusing` makes it answer 451 (try again later)."""

    def __init__(self):
        self.messages = []
        self.refusing = False
        self.refused = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refusing:
            self.refused += 1
            return "451 4.3.0 Mailbox temporarily unavailable, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address):
        return [m for m in self.messages if m["To"] == address]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


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
