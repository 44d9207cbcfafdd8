"""A real SMTP server on loopback for the tests of notices (aiosmtpd): it keeps every message it accepts,
can refuse addresses for good (550) or a message for now (421), and can be stopped and started again on
the same port to make an outage."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller

HOST = "127.0.0.1"
START_TIMEOUT_SECONDS = 5.0


@dataclass
class Received:
    """What the server accepted, and what it is told to refuse."""

    messages: list[Message] = field(default_factory=list)
    refused_addresses: set[str] = field(default_factory=set)
    busy_after: int | None = None  # accept this many messages, then answer 421 to each further one

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.refused_addresses:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.busy_after is not None and len(self.messages) >= self.busy_after:
            return "421 4.3.2 service shutting down, try later"
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def message_ids(self) -> list[str]:
        return [str(message["Message-ID"]) for message in self.messages]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


class MailServer:
    """`start()` and `stop()` as often as needed; the port and what was received stay the same."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received = Received()
        self._controller: Controller | None = None

    def start(self) -> None:
        controller = Controller(
            self.received, hostname=HOST, port=self.port, ready_timeout=START_TIMEOUT_SECONDS
        )
        controller.start()
        self._controller = controller

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
