"""A real SMTP server on 127.0.0.1 (aiosmtpd), on a port the system chooses, that keeps what it
receives: tests and the alerts benchmark send through it and read the messages back."""

import email
import threading
import time
from email import policy

from aiosmtpd.controller import Controller


class Inbox:
    def __init__(self):
        self.raw = []  # kept as received: parsing here would slow the server the benchmark times
        self.arrivals = []  # time.monotonic() of each message
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.raw.append(envelope.original_content)
            self.arrivals.append(time.monotonic())
        return "250 Message accepted"

    @property
    def messages(self):
        with self.lock:
            raw = list(self.raw)
        return [email.message_from_bytes(data, policy=policy.default) for data in raw]

    def to(self, address):
        return [m for m in self.messages if m["To"] == address]

    def clear(self):
        with self.lock:
            self.raw.clear()
            self.arrivals.clear()


class FreePortController(Controller):
    """aiosmtpd binds port 0, then learns which port it got before its first connection."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


def start_smtp():
    inbox = Inbox()
    controller = FreePortController(inbox, hostname="127.0.0.1", port=0)
    controller.start()
    return controller, inbox
