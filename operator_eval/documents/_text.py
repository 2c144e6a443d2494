"""Render a workspace file to the text an agent reads and a scorer checks.

The agent's `read_file` tool and the scorer both call `document_text`, so both see the
same text for the same bytes. PDFs are text-extracted (pypdf, imported lazily), emails
(.eml) are shown as headers, body and rendered attachments, anything else is decoded as
UTF-8. Files may be written by a hostile agent: nothing here raises on bad input, and the
output is capped.
"""

from __future__ import annotations

import email
import io
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.policy import default as default_policy

MAX_TEXT_CHARS = 200_000
"""Longest text `document_text` returns (plus a one-line truncation marker)."""

MAX_ATTACHMENTS = 50
"""Attachments rendered per email; the rest are summarised in one line."""

MAX_DEPTH = 3
"""How deep emails attached to emails are rendered."""

_SNIFF_BYTES = 64 * 1024
_HEADERS = ("From", "To", "Date", "Subject", "Message-ID", "In-Reply-To")


def _is_pdf(path: str, data: bytes) -> bool:
    return data.startswith(b"%PDF-") or path.lower().endswith(".pdf")


def _parse_headers(data: bytes) -> Message | None:
    try:
        return BytesParser(policy=default_policy).parsebytes(data[:_SNIFF_BYTES], headersonly=True)
    except Exception:
        return None


def _is_eml(path: str, data: bytes) -> bool:
    if path.lower().endswith(".eml"):
        return True
    if not data[:5].strip() or data[:1] in (b" ", b"\t"):
        return False
    head = _parse_headers(data)
    if head is None:
        return False
    try:
        return head.get("From") is not None and head.get("Subject") is not None
    except Exception:
        return False


def is_document(path: str, data: bytes) -> bool:
    """Tell whether `document_text` renders this file differently from its raw text.

    Args:
        path: The file's path (only its extension matters).
        data: The file's bytes.

    Returns:
        True for PDFs (`%PDF-` header or `.pdf` name) and emails (`.eml` name, or bytes
        that parse as a message with both a From and a Subject header).
    """
    return _is_pdf(path, data) or _is_eml(path, data)


def _cap(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n[truncated: output capped at {limit} characters]"


def _pdf_text(data: bytes) -> str:
    if not data:
        return "[unreadable PDF: empty file]"
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            reader.decrypt("")
        parts: list[str] = []
        size = 0
        for number, page in enumerate(reader.pages, start=1):
            text = page.extract_text()
            parts.append(text if number == 1 else f"\n--- page {number} ---\n{text}")
            size += len(parts[-1])
            if size > MAX_TEXT_CHARS:
                break
        return "".join(parts)
    except Exception as ex:
        reason = f"{type(ex).__name__}: {ex}".strip().replace("\n", " ")
        return f"[unreadable PDF: {reason[:300]}]"


def _header(msg: Message, name: str) -> str | None:
    try:
        value = msg.get(name)
    except Exception:
        return "[unreadable header]"
    if value is None:
        return None
    return " ".join(str(value).split())


def _plain_body(msg: EmailMessage) -> str:
    try:
        part = msg.get_body(preferencelist=("plain",))
        if part is None:
            return "[no text/plain body]"
        content = part.get_content()
        if isinstance(content, bytes):
            return content.decode("utf-8", errors="replace")
        return str(content)
    except Exception as ex:
        return f"[unreadable body: {type(ex).__name__}]"


def _attachment_block(part: EmailMessage, depth: int) -> str:
    filename = part.get_filename() or "unnamed"
    mime = part.get_content_type()
    if part.is_multipart() or mime == "message/rfc822":
        inner = part.get_payload()
        first = inner[0] if isinstance(inner, list) and inner else None
        payload = first.as_bytes() if isinstance(first, Message) else b""
    else:
        decoded = part.get_payload(decode=True)
        payload = decoded if isinstance(decoded, bytes) else b""
    header = f"--- attachment: {filename} ({mime}, {len(payload)} bytes) ---"
    if _is_pdf(filename, payload) or mime == "application/pdf":
        return f"{header}\n{_render(filename, payload, depth + 1)}"
    if mime == "message/rfc822" or filename.lower().endswith(".eml"):
        return f"{header}\n{_render(filename, payload, depth + 1)}"
    if mime.startswith("text/") or mime in ("application/json", "application/csv"):
        return f"{header}\n{_render(filename, payload, depth + 1)}"
    return header


def _eml_text(data: bytes, depth: int) -> str:
    try:
        msg = email.message_from_bytes(data, policy=default_policy)
        assert isinstance(msg, EmailMessage)
        lines = [f"{name}: {value}" for name in _HEADERS if (value := _header(msg, name))]
        blocks = ["\n".join(lines), "", _plain_body(msg).rstrip("\n")]
        attachments = list(msg.iter_attachments()) if msg.is_multipart() else []
        for part in attachments[:MAX_ATTACHMENTS]:
            blocks.append("")
            try:
                blocks.append(_attachment_block(part, depth))
            except Exception as ex:
                blocks.append(f"--- attachment: [unreadable: {type(ex).__name__}] ---")
        if len(attachments) > MAX_ATTACHMENTS:
            blocks.append(f"[{len(attachments) - MAX_ATTACHMENTS} more attachments not shown]")
        return "\n".join(blocks)
    except Exception as ex:
        raw = data[: MAX_TEXT_CHARS * 4].decode("utf-8", errors="replace")
        return f"[unreadable email: {type(ex).__name__}]\n{raw}"


def _render(path: str, data: bytes, depth: int) -> str:
    if depth > MAX_DEPTH:
        return "[not rendered: nested too deeply]"
    if _is_pdf(path, data):
        return _cap(_pdf_text(data))
    if _is_eml(path, data):
        return _cap(_eml_text(data, depth))
    # 4 bytes per character at most: decoding more could not change the capped output.
    return _cap(data[: MAX_TEXT_CHARS * 4 + 4].decode("utf-8", errors="replace"))


def document_text(path: str, data: bytes) -> str:
    r"""Render a file's bytes as the text a reader of that file would see.

    PDFs (`%PDF-` header or `.pdf` name) give the extracted text of every page, pages
    after the first introduced by `\n--- page N ---\n`; a PDF that cannot be read gives
    `[unreadable PDF: <reason>]`. Emails (`.eml` name, or bytes with From and Subject
    headers) give the From, To, Date, Subject, Message-ID and In-Reply-To headers that are
    present, a blank line, the text/plain body, then per attachment a line
    `--- attachment: <filename> (<mime>, <n> bytes) ---` followed by the attachment's own
    rendering when it is a PDF, text or email. Anything else is decoded as UTF-8 with
    replacement characters. Never raises; output is capped at `MAX_TEXT_CHARS` characters
    plus a truncation marker line.

    Args:
        path: The file's path or name (its extension is used to recognise the format).
        data: The file's bytes.

    Returns:
        The rendered text.
    """
    try:
        return _render(path, data, 0)
    except Exception as ex:  # last resort: hostile bytes must never crash a reader
        raw = data[: MAX_TEXT_CHARS * 4].decode("utf-8", errors="replace")
        return _cap(f"[unreadable document: {type(ex).__name__}]\n{raw}")
