"""A real SMTP server (aiosmtpd) for tests, in a thread on 127.0.0.1, that can be told to refuse."""

import socket
import threading
from contextlib import contextmanager

from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RefusingHandler:
    """Accepts every recipient, or answers 451 (try again later) to each while `refusing` is set.
    Subclasses say what to keep of an accepted message in `handle_DATA`."""

    def __init__(self):
        self.refusing, self.refused = False, 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refusing:
            self.refused += 1
            return "451 4.3.0 Mailbox temporarily unavailable, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@contextmanager
def serving(handler):
    """Run the server for `handler` and give it its `port`; stopped on leaving."""
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    try:
        yield handler
    finally:
        controller.stop()
