"""Emails as RFC 5322 .eml files, multipart with attachments, byte-identical per input."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime, parsedate_to_datetime


@dataclass(frozen=True)
class Attachment:
    """A file attached to an email.

    Attributes:
        filename: Name shown to the reader, e.g. `"INV-1042.pdf"`.
        data: The file's bytes.
        mime: MIME type, `maintype/subtype`.
    """

    filename: str
    data: bytes
    mime: str = "application/pdf"


def _email_date(value: str) -> str:
    """Turn an ISO date/datetime or an RFC 5322 date into an RFC 5322 Date header value."""
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError) as ex:
            raise ValueError(f"not an ISO or RFC 5322 date: {value!r}") from ex
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return format_datetime(when)


def _angle(message_id: str) -> str:
    message_id = message_id.strip()
    return message_id if message_id.startswith("<") else f"<{message_id}>"


def email_eml(
    *,
    sender: str,
    to: str,
    subject: str,
    date: str,
    body: str,
    attachments: Sequence[Attachment] = (),
    message_id: str,
    in_reply_to: str | None = None,
) -> bytes:
    r"""Build an RFC 5322 email (an .eml file), multipart when there are attachments.

    Args:
        sender: From header, e.g. `"Anna Berg <anna@acme.example>"`.
        to: To header.
        subject: Subject header.
        date: ISO date or datetime (naive means UTC) or an RFC 5322 date string.
        body: The text/plain body.
        attachments: Files to attach, in order.
        message_id: Message-ID; angle brackets are added when missing.
        in_reply_to: Message-ID this replies to (sets In-Reply-To and References).

    Returns:
        The message bytes (`\n` line endings), identical for identical inputs: the
        Date and Message-ID are explicit and the MIME boundary is derived from the content.
    """
    msg = EmailMessage(policy=default_policy)
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = _email_date(date)
    msg["Message-ID"] = _angle(message_id)
    if in_reply_to is not None:
        msg["In-Reply-To"] = _angle(in_reply_to)
        msg["References"] = _angle(in_reply_to)
    msg.set_content(body)
    if attachments:
        digest = hashlib.sha256()
        for part in (message_id, subject, body):
            digest.update(part.encode("utf-8", errors="replace") + b"\0")
        for attachment in attachments:
            maintype, _, subtype = attachment.mime.partition("/")
            if not maintype or not subtype:
                raise ValueError(f"attachment mime must be maintype/subtype: {attachment.mime!r}")
            msg.add_attachment(
                attachment.data,
                maintype=maintype,
                subtype=subtype,
                filename=attachment.filename,
            )
            digest.update(attachment.filename.encode("utf-8", errors="replace") + b"\0")
            digest.update(attachment.data)
        # "=_" never occurs in base64 or quoted-printable output; the body is checked too.
        boundary = f"=_operator-eval_{digest.hexdigest()[:24]}"
        while boundary in body:
            boundary += "_"
        msg.set_boundary(boundary)
    return msg.as_bytes(policy=default_policy)
