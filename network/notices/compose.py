"""Composing a notice: templates in the recipient's language, links, headers, MIME.

A notice's template is a pair, ``<name>.txt`` (plain text, which also holds the subject
in ``{% block subject %}``) and ``<name>.html``; both extend the layouts in
``templates/mail/``. They are rendered with the app's Jinja environment inside
``force_locale(recipient's language)``, with no request: links are built from the
configured public address (``PUBLIC_URL``), never from a request's Host header.

Rendering is the costly part, so a :class:`Composer` renders each (template, language)
once, with a marker in place of each thing that differs between recipients (their name,
address, unsubscribe link, and the caller's ``personal`` values), and then makes each
recipient's message by replacing the markers — in the HTML alternative after escaping.
A personal value is therefore inserted as it is: write ``{{ recipient.name }}`` or
``{{ personal.key }}`` in a template, not ``{{ recipient.name|upper }}``.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr
from typing import Any

from flask import current_app
from flask_babel import force_locale
from itsdangerous import BadSignature, Signer
from markupsafe import escape

from network.notices.models import NoticeKind, OutboxMessage, is_optional

UNSUBSCRIBE_SALT = "dwcn-unsubscribe"
# Markers for what differs between recipients: private-use characters, which neither
# HTML escaping nor any text in a template produces.
MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"


@dataclass(frozen=True)
class Recipient:
    """Whom a message goes to: an account's id, address, name and language."""

    id: int
    email: str
    name: str
    locale: str | None = None


@dataclass(frozen=True)
class Attachment:
    """A text file attached to a notice (a meeting's calendar invitation)."""

    filename: str
    content_type: str  # e.g. "text/calendar; method=REQUEST"
    content: str

    def as_data(self) -> dict[str, str]:
        """Return the attachment as stored in the outbox."""
        return {
            "filename": self.filename,
            "content_type": self.content_type,
            "content": self.content,
        }


def public_base() -> str:
    """Return the site's public address, without a trailing slash."""
    config = current_app.config
    return (config.get("PUBLIC_URL") or config["MAIL_LINK_FALLBACK"]).rstrip("/")


def absolute_url(endpoint: str, **values: Any) -> str:
    """Build an absolute link to a route from the public address, with no request needed."""
    adapter = current_app.url_map.bind("localhost")
    return public_base() + adapter.build(endpoint, values)


def sender_address() -> str:
    """Return the bare address of MAIL_FROM (the envelope's sender)."""
    return parseaddr(current_app.config["MAIL_FROM"])[1]


def _message_domain() -> str:
    return sender_address().rpartition("@")[2] or "localhost"


def _unsubscribe_signer() -> Signer:
    return Signer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(user_id: int, kind: NoticeKind, signer: Signer | None = None) -> str:
    """Return the signed token of a person's one-click unsubscribe from one kind.

    It does not expire: an unsubscribe link works as long as the mail that carries it.
    """
    return (signer or _unsubscribe_signer()).sign(f"{user_id}.{kind.value}").decode()


def read_unsubscribe_token(token: str) -> tuple[int, NoticeKind] | None:
    """Return the person and the kind an unsubscribe token names, or None if it is not valid."""
    try:
        user_id, _, kind = _unsubscribe_signer().unsign(token).decode().partition(".")
        return int(user_id), NoticeKind(kind)
    except (BadSignature, ValueError, UnicodeDecodeError):
        return None


# RFC 5322's specials: a display name holding one of them is written as a quoted string.
_SPECIALS = frozenset('()<>@,;:\\".[]')


def mailbox(name: str, address: str) -> str:
    """Write a "Name <address>" header value (as ``email.headerregistry.Address`` does)."""
    name = " ".join(name.split())
    if not name:
        return address
    if any(char in _SPECIALS for char in name):
        name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{name} <{address}>"


def _mark(key: str) -> str:
    return f"{MARK_OPEN}{key}{MARK_CLOSE}"


class _Marks(dict[str, str]):
    """A template's view of personal values: each key gives its marker."""

    def __getattr__(self, key: str) -> str:
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None


@dataclass
class _Rendered:
    subject: str
    text: str
    html: str


@dataclass
class Composer:
    """Compose one kind of notice for many recipients, rendering each language once.

    :param template: the templates' name without extension (``notices/invitation``).
    :param context: values the templates see, the same for every recipient.
    :param personal: gives each recipient's own values (``{{ personal.<key> }}``); every
        recipient must get the same keys.
    """

    kind: NoticeKind
    template: str
    context: Mapping[str, Any]
    now: datetime
    personal: Callable[[Recipient], Mapping[str, str]] | None = None
    attachments: tuple[Attachment, ...] = ()
    _rendered: dict[str, _Rendered] = field(default_factory=dict)
    _keys: tuple[str, ...] | None = None
    _fixed: dict[str, Any] | None = None

    def _constants(self) -> dict[str, Any]:
        """Work out once what is the same for every recipient (headers, link prefixes)."""
        if self._fixed is None:
            marker = "TOKEN"
            unsubscribe = absolute_url("notices.unsubscribe", token=marker)
            self._fixed = {
                "from": current_app.config["MAIL_FROM"],
                "date": format_datetime(self.now.astimezone(UTC)),
                "domain": _message_domain(),
                "signer": _unsubscribe_signer(),
                "unsubscribe": unsubscribe.rpartition(marker)[0],
                "attachments": [a.as_data() for a in self.attachments] or None,
            }
        return self._fixed

    def _locale(self, recipient: Recipient) -> str:
        config = current_app.config
        if recipient.locale in config["LANGUAGES"]:
            return recipient.locale  # type: ignore[return-value]
        return config["BABEL_DEFAULT_LOCALE"]

    def _render(self, locale: str, keys: tuple[str, ...]) -> _Rendered:
        rendered = self._rendered.get(locale)
        if rendered is not None:
            return rendered
        env = current_app.jinja_env
        values = {
            **self.context,
            "kind": self.kind,
            "public_url": public_base(),
            "recipient": _Marks(name=_mark("name"), email=_mark("email")),
            "personal": _Marks({key: _mark("personal." + key) for key in keys}),
            "unsubscribe_url": _mark("unsubscribe") if is_optional(self.kind) else None,
            "preferences_url": absolute_url("notices.preferences"),
            "locale": locale,
            "now": self.now,
        }
        with force_locale(locale):
            text_template = env.get_template(self.template + ".txt")
            subject = "".join(text_template.blocks["subject"](text_template.new_context(values)))
            rendered = _Rendered(
                subject=" ".join(subject.split()),
                text=text_template.render(values).strip() + "\n",
                html=env.get_template(self.template + ".html").render(values),
            )
        self._rendered[locale] = rendered
        return rendered

    def compose(self, recipient: Recipient) -> dict[str, Any]:
        """Return the outbox row's values for one recipient (without an id)."""
        own = dict(self.personal(recipient)) if self.personal else {}
        keys = tuple(sorted(own))
        if self._keys is None:
            self._keys = keys
        elif keys != self._keys:
            raise ValueError(f"personal values must have the keys {self._keys}, not {keys}")
        locale = self._locale(recipient)
        rendered = self._render(locale, keys)
        values = {"name": recipient.name, "email": recipient.email}
        values |= {"personal." + key: value for key, value in own.items()}
        fixed = self._constants()
        headers = {
            "From": fixed["from"],
            "To": mailbox(recipient.name, recipient.email),
            "Date": fixed["date"],
            "Message-ID": f"<{uuid.uuid4().hex}@{fixed['domain']}>",
            "Content-Language": locale,
            # RFC 3834: no out-of-office answers to a notice.
            "Auto-Submitted": "auto-generated",
            "X-DWCN-Notice": self.kind.value,
        }
        if is_optional(self.kind):
            token = unsubscribe_token(recipient.id, self.kind, fixed["signer"])
            link = fixed["unsubscribe"] + token
            values["unsubscribe"] = link
            # RFC 8058: a mail client may unsubscribe with one POST, no page to visit.
            headers["List-Unsubscribe"] = f"<{link}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        return {
            "recipient_id": recipient.id,
            "recipient_address": recipient.email,
            "kind": self.kind,
            "locale": locale,
            "subject": _fill(rendered.subject, values, html=False)[:300],
            "body_text": _fill(rendered.text, values, html=False),
            "body_html": _fill(rendered.html, values, html=True),
            "headers": headers,
            "attachments": fixed["attachments"],
            "message_id": headers["Message-ID"],
            "attempts": 0,
            "next_attempt_at": self.now,
            "created_at": self.now,
        }


def _fill(rendered: str, values: Mapping[str, str], *, html: bool) -> str:
    """Replace the markers in ``rendered`` by their values (escaped in HTML)."""
    if MARK_OPEN not in rendered:
        return rendered
    for key, value in values.items():
        rendered = rendered.replace(_mark(key), str(escape(value)) if html else value)
    if MARK_OPEN in rendered:
        start = rendered.index(MARK_OPEN)
        raise KeyError(f"no value for {rendered[start + 1 : rendered.index(MARK_CLOSE, start)]}")
    return rendered


def build_email(message: OutboxMessage) -> EmailMessage:
    """Make the MIME message of an outbox row: the same bytes every time it is asked.

    Plain text first, then HTML (``multipart/alternative``), then any attachments
    (``multipart/mixed``). The MIME boundaries come from the Message-ID rather than at
    random, so a resend is byte for byte the message first sent.
    """
    email = EmailMessage(policy=SMTP)
    # Content-* headers go last: setting the content clears them.
    content_headers = {k: v for k, v in message.headers.items() if k.lower().startswith("content-")}
    for name, value in message.headers.items():
        if name not in content_headers:
            email[name] = value
    email["Subject"] = message.subject
    # Quoted-printable keeps every line 7-bit: no server needs 8BITMIME or SMTPUTF8.
    email.set_content(message.body_text, cte="quoted-printable")
    email.add_alternative(message.body_html, subtype="html", cte="quoted-printable")
    for attachment in message.attachments or ():
        media, _, parameters = attachment["content_type"].partition(";")
        maintype, _, subtype = media.strip().partition("/")
        params = dict(part.strip().split("=", 1) for part in parameters.split(";") if "=" in part)
        if maintype == "text":
            email.add_attachment(
                attachment["content"],
                subtype=subtype,
                filename=attachment["filename"],
                params=params,
            )
        else:
            email.add_attachment(
                attachment["content"].encode(),
                maintype=maintype,
                subtype=subtype,
                filename=attachment["filename"],
                params=params,
            )
    for name, value in content_headers.items():
        email[name] = value
    seed = hashlib.sha256(message.message_id.encode()).hexdigest()[:24]
    multiparts = (part for part in email.walk() if part.is_multipart())
    for number, part in enumerate(multiparts):
        part.set_boundary(f"==dwcn-{seed}-{number}==")
    return email
