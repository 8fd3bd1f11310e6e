"""A real SMTP server on loopback (aiosmtpd) that can be told to refuse or to drop."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Mailbox:
    """What the server received, and how it answers the next messages.

    ``data_reply``/``rcpt_reply``: an answer such as "451 4.3.0 Try later" given instead
    of accepting. ``drop_after``: numbers (1-based, counted over accepted messages) of the
    messages after which the server keeps the message, then drops the connection without
    answering — the case where the client cannot know the outcome.
    """

    received: list[bytes] = field(default_factory=list)
    data_reply: str | None = None
    rcpt_reply: str | None = None
    drop_after: set[int] = field(default_factory=set)
    delay: float = 0.0  # seconds each message takes to accept
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001, N802
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802
        if self.data_reply:
            return self.data_reply
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.received.append(envelope.original_content or envelope.content)
            number = len(self.received)
        if number in self.drop_after:
            server.transport.abort()
        return "250 2.0.0 Accepted"

    def messages(self) -> list[EmailMessage]:
        with self.lock:
            return [message_from_bytes(raw, policy=default) for raw in self.received]

    def message_ids(self) -> list[str]:
        return [message["Message-ID"] for message in self.messages()]


class SmtpServer:
    """An aiosmtpd server on 127.0.0.1 at a fixed port, which can be stopped and restarted."""

    def __init__(self) -> None:
        self.port = free_port()
        self.mailbox = Mailbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def running_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
