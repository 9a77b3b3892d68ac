"""Reader for plain-text and Markdown files, including PDF-to-text conversions that keep HTML fragments.

Board papers converted to text often carry table cells with `<p>`, `<br>`, `<ul>` and checkbox `<input>`
markup and Markdown emphasis. We keep the words and drop the markup, so that citations quote clean text
and every offset computed later points into this cleaned text (never into the raw file).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..errors import ReaderError
from .raw import RawText, read_bytes

# A file is "binary" when NUL bytes appear or too few of its characters are printable text.
_MAX_NONPRINTABLE_SHARE = 0.10

_CHECKED = re.compile(r"<input\b[^>]*\bchecked\b[^>]*>", re.I)
_CHECKBOX = re.compile(r"<input\b[^>]*>", re.I)
# Tags that separate words: replacing them by nothing would glue "cell</p><p>next" together.
_SPACING_TAG = re.compile(r"</?(?:p|br|div|li|ul|ol|tr|td|th|table|h[1-6])\b[^>]*>", re.I)
_ANY_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*\b[^<>]*>")
_MD_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\s]*\)")
_BOLD = re.compile(r"\*\*|__(?=\w)|(?<=\w)__")
_SPACES = re.compile(r"[ \u00a0]{2,}")
_TAB_PADDING = re.compile(r"[ \u00a0]*\t[ \u00a0]*")
_TRAILING = re.compile(r"[ \t\u00a0]+$", re.M)
_BLANK_RUN = re.compile(r"\n{3,}")


def decode(data: bytes, path: str) -> str:
    """Bytes to str: UTF-8 (with or without BOM), else cp1252, else latin-1, which never fails."""
    if not data.strip():
        raise ReaderError(path, "empty file")
    if b"\x00" in data:
        raise ReaderError(path, "not a text file (binary content)")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = data.decode("latin-1")
    if _nonprintable_share(text) > _MAX_NONPRINTABLE_SHARE:
        raise ReaderError(path, "not a text file (binary content)")
    return text


def _nonprintable_share(text: str) -> float:
    bad = sum(1 for ch in text if not (ch.isprintable() or ch in "\n\r\t\f"))
    return bad / max(len(text), 1)


def clean(text: str) -> str:
    """Remove HTML and Markdown emphasis markup while keeping the words, rows and paragraphs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    text = _CHECKED.sub("☒", text)
    text = _CHECKBOX.sub("☐", text)
    text = _SPACING_TAG.sub(" ", text)
    text = _ANY_TAG.sub("", text)
    text = html.unescape(text)
    text = _MD_LINK.sub(r"\1", text)
    text = _BOLD.sub("", text)
    text = _SPACES.sub(" ", text)
    text = _TAB_PADDING.sub("\t", text)
    text = _TRAILING.sub("", text)
    text = _BLANK_RUN.sub("\n\n", text)
    return text.strip("\n")


def normalise_whitespace(text: str) -> str:
    """Line endings, trailing blanks and runs of blank lines only: for formats that carry no markup."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n").replace("\x00", "")
    text = _TRAILING.sub("", text)
    text = _BLANK_RUN.sub("\n\n", text)
    return text.strip("\n")


def table_text(rows: Iterable[Sequence[str]]) -> str:
    """A table as every reader gives it: one line a row, cells single-spaced and tab-separated, header row
    first; rows with no text are dropped."""
    lines = []
    for row in rows:
        cells = [" ".join(cell.split()) for cell in row]
        if any(cells):
            lines.append("\t".join(cells))
    return "\n".join(lines)


def read_text(path: Path) -> RawText:
    """Read a .txt/.md file into cleaned text; ReaderError for empty or binary files."""
    text = clean(decode(read_bytes(path), str(path)))
    if not text.strip():
        raise ReaderError(str(path), "empty file (no text after removing markup)")
    return RawText(text=text)
