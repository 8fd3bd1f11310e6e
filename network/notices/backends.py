"""Where messages go: .eml files (development) or an SMTP server (production).

The SMTP conversation is driven step by step with the standard library's ``smtplib``
(``MAIL``, ``RCPT``, ``DATA``, the content, the final reply) so that the sender knows
exactly how far a message got when something breaks: a connection lost before the
content was handed over loses nothing (the message is simply sent later); a connection
lost after it leaves the outcome unknown, and the message is sent again with the same
Message-ID, the one duplicate SMTP cannot rule out and receivers can recognise.
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol

from network.notices.rules import Outcome, outcome_of_reply


class DeliveryError(Exception):
    """An attempt that did not end with the server accepting the message."""

    def __init__(self, outcome: Outcome, reason: str) -> None:
        super().__init__(reason)
        self.outcome = outcome
        self.reason = reason


class Backend(Protocol):
    """Sends composed messages; used as a context manager around a batch."""

    def __enter__(self) -> Backend: ...

    def __exit__(self, *exc: object) -> None: ...

    def send(
        self, email: EmailMessage, *, sender: str, recipient: str, name: str, now: datetime
    ) -> None:
        """Hand one message over, or raise :class:`DeliveryError` saying how it failed.

        :param name: a name for the message in file names (``<outbox id>``).
        """


class FileBackend:
    """Write each message as ``<time>-<id>.eml`` in a folder (readable in any mail client)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def __enter__(self) -> FileBackend:
        self.directory.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def send(
        self, email: EmailMessage, *, sender: str, recipient: str, name: str, now: datetime
    ) -> None:
        """Write the message's bytes to a new file, complete or not at all."""
        path = self.directory / f"{now:%Y%m%dT%H%M%S}-{name}.eml"
        partial = path.with_suffix(".eml.partial")
        try:
            partial.write_bytes(email.as_bytes())
            os.replace(partial, path)
        except OSError as error:
            raise DeliveryError(Outcome.unreachable, f"cannot write {path}: {error}") from error


def _reason(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {text}".strip()[:1000]


_LEADING_DOT = re.compile(rb"(?m)^\.")


class SmtpBackend:
    """Send through an SMTP server: plain, STARTTLS or implicit TLS, with a login if set."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        use_tls: bool = False,
        use_starttls: bool = False,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 30,
    ) -> None:
        self.host, self.port = host, port
        self.use_tls, self.use_starttls = use_tls, use_starttls
        self.username, self.password = username, password
        self.timeout = timeout
        self.connection: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _open(self) -> smtplib.SMTP:
        try:
            if self.use_tls:
                connection: smtplib.SMTP = smtplib.SMTP_SSL(
                    self.host,
                    self.port,
                    timeout=self.timeout,
                    context=ssl.create_default_context(),
                )
            else:
                connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            connection.ehlo()
            if self.use_starttls:
                connection.starttls(context=ssl.create_default_context())
                connection.ehlo()
            if self.username:
                connection.login(self.username, self.password or "")
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryError(
                Outcome.unreachable,
                f"cannot reach the mail server {self.host}:{self.port}: {error}",
            ) from error
        return connection

    def close(self) -> None:
        """Say goodbye to the server, if connected."""
        if self.connection is not None:
            try:
                self.connection.quit()
            except (OSError, smtplib.SMTPException):
                self.connection.close()
            self.connection = None

    def _drop(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def _refused(self, code: int, reply: bytes) -> DeliveryError:
        """Abandon the transaction after a refusal; keep the connection if it still answers."""
        try:
            assert self.connection is not None
            self.connection.rset()
        except (OSError, smtplib.SMTPException):
            self._drop()
        return DeliveryError(outcome_of_reply(code), _reason(code, reply))

    def send(
        self, email: EmailMessage, *, sender: str, recipient: str, name: str, now: datetime
    ) -> None:
        """Run one SMTP transaction for the message; raise how it failed, if it did."""
        if self.connection is None:
            self.connection = self._open()
        connection = self.connection
        content = email.as_bytes()
        handed_over = False
        try:
            code, reply = connection.mail(sender)
            if code != 250:
                raise self._refused(code, reply)
            code, reply = connection.rcpt(recipient)
            if code not in (250, 251):
                raise self._refused(code, reply)
            connection.putcmd("data")
            code, reply = connection.getreply()
            if code != 354:
                raise self._refused(code, reply)
            if not content.endswith(b"\r\n"):
                content += b"\r\n"
            # From here the server may have the message whatever happens next.
            handed_over = True
            connection.send(_LEADING_DOT.sub(b"..", content) + b".\r\n")
            code, reply = connection.getreply()
        except (OSError, smtplib.SMTPServerDisconnected) as error:
            self._drop()
            if handed_over:
                raise DeliveryError(
                    Outcome.unknown,
                    f"the connection was lost after the message was handed over ({error}); "
                    "it is sent again with the same Message-ID",
                ) from error
            raise DeliveryError(Outcome.unreachable, f"the connection was lost: {error}") from error
        if outcome_of_reply(code) is not Outcome.sent:
            if code == 421:
                self._drop()
            raise DeliveryError(outcome_of_reply(code), _reason(code, reply))


def backend_from_config(config: Any, instance_path: str) -> Backend:
    """Make the backend the configuration names (MAIL_BACKEND: ``file`` or ``smtp``).

    :raises ValueError: for another name.
    """
    kind = config["MAIL_BACKEND"]
    if kind == "file":
        directory = config.get("MAIL_FILE_DIR") or Path(instance_path) / "mail"
        return FileBackend(Path(directory))
    if kind == "smtp":
        return SmtpBackend(
            config["MAIL_SERVER"],
            int(config["MAIL_PORT"]),
            use_tls=bool(config["MAIL_USE_TLS"]),
            use_starttls=bool(config["MAIL_USE_STARTTLS"]),
            username=config.get("MAIL_USERNAME"),
            password=config.get("MAIL_PASSWORD"),
            timeout=float(config["MAIL_TIMEOUT"]),
        )
    raise ValueError(f"MAIL_BACKEND={kind!r} is not 'file' or 'smtp'")
