"""E-mail (.eml) reader (the standard library's `email`): the message's headers and body, and its attachments.

The text opens with the From, To, Cc, Date and Subject lines; the Subject is the document's title and the
Date its date. The body is the plain-text part, or else the HTML part read as a web page. Attachments are
handed back as files (a name and the bytes); `ingest.read_file` reads each through the reader of its
extension as a document of its own. Images shown inside the body (logos, signatures) are not attachments.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
from dataclasses import replace
from pathlib import Path, PurePosixPath

from .. import config
from ..errors import ReaderError
from .raw import Attachment, RawText, read_bytes
from .text import normalise_whitespace

HEADERS = ("From", "To", "Cc", "Date", "Subject")
PARAGRAPH = "\n\n"


def read_eml(path: Path) -> RawText:
    """Read an e-mail message; ReaderError for empty, binary or non-e-mail files."""
    import email
    import email.policy

    name = str(path)
    data = read_bytes(path)
    if not data.strip():
        raise ReaderError(name, "empty file")
    if b"\x00" in data:
        raise ReaderError(name, "not an e-mail message (binary content)")
    message = email.message_from_bytes(data, policy=email.policy.default)
    headers = [(key, _header(message, key)) for key in HEADERS]
    if not any(value for key, value in headers if key != "Cc"):
        raise ReaderError(name, "not an e-mail message (no From, To, Date or Subject header)")

    head = "\n".join(f"{key}: {value}" for key, value in headers if value)
    body = _body(message)
    offset = len(head) + len(PARAGRAPH)
    headings = None if not body.headings else tuple(  # an HTML body's headings, moved past the header lines
        replace(h, start=h.start + offset, end=h.end + offset) for h in body.headings)
    return RawText(text=head + PARAGRAPH + body.text if body.text.strip() else head, headings=headings,
                   title=_header(message, "Subject") or None, date=_date(message),
                   attachments=tuple(_attachments(message)))


def _header(message, key: str) -> str:
    try:
        value = message.get(key)
    except (ValueError, TypeError, IndexError):  # a malformed header the policy cannot parse
        return ""
    return " ".join(str(value).split()) if value is not None else ""


def _date(message) -> dt.date | None:
    try:
        header = message.get("Date")
        when = getattr(header, "datetime", None)
    except (ValueError, TypeError, IndexError):
        return None
    return when.date() if when is not None else None


def _body(message) -> RawText:
    """The plain-text body, or the HTML one read as a web page (with its headings); empty when neither."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return RawText(text="")
    text = _part_text(part)
    if part.get_content_subtype() == "html":
        from .html import html_to_raw

        return html_to_raw(text)
    return RawText(text=normalise_whitespace(text))


def _part_text(part) -> str:
    try:
        return part.get_content()
    except (LookupError, UnicodeError):  # an unknown or wrong charset: keep the bytes' characters
        return (part.get_payload(decode=True) or b"").decode("latin-1")


def _attachments(message) -> list[Attachment]:
    """The files attached to the message, with safe, distinct names that end in an extension."""
    found: list[Attachment] = []
    names: set[str] = set()
    for number, part in enumerate(message.iter_attachments(), 1):
        if part.get_content_maintype() == "image" and part.get_content_disposition() != "attachment":
            continue  # a picture shown in the body
        if part.get_content_type() == "message/rfc822":
            inner = part.get_content()
            data = inner.as_bytes() if hasattr(inner, "as_bytes") else bytes(inner)
        else:
            data = part.get_payload(decode=True) or b""
        name = _file_name(part.get_filename(), part.get_content_type(), number, names)
        names.add(name)
        found.append(Attachment(name, data))
    return found


def _file_name(given: str | None, content_type: str, number: int, taken: set[str]) -> str:
    """A file name without folders; the content type's extension added when the name has no known one;
    " (2)" before the extension when another attachment has the name."""
    name = PurePosixPath((given or "").replace("\\", "/")).name.strip().lstrip(".")
    name = name.replace(config.ATTACHMENT_SEP.strip(), "-")
    guessed = ".eml" if content_type == "message/rfc822" else (mimetypes.guess_extension(content_type) or "")
    if not name:
        name = f"attachment-{number}{guessed}"
    elif PurePosixPath(name).suffix.lower() not in config.SUPPORTED_SUFFIXES and guessed in config.SUPPORTED_SUFFIXES:
        name += guessed
    stem, suffix = PurePosixPath(name).stem, PurePosixPath(name).suffix
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{stem} ({n}){suffix}"
    return candidate
