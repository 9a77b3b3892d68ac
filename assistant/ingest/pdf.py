"""PDF reader (pypdf): the text of each page, pages numbered from 1 as a PDF viewer shows them.

Pages are extracted one at a time and only their text is kept, so memory stays bounded by one page's
objects plus the text itself, whatever the page count.

pypdf's own complaints while it reads (log warnings such as "incorrect startxref pointer" or fonts it cannot
fully decode, and Python warnings) never reach the terminal: they become the document's problems, one line per
distinct message with how often it came.
"""

from __future__ import annotations

import logging
import re
import threading
import warnings
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from ..errors import ReaderError
from .raw import RawText
from .text import normalise_whitespace

PAGE_SEPARATOR = "\n\n"
MAX_WARNING_LINES = 10  # distinct pypdf messages kept per document; the rest are summed up in one line


def read_pdf(path: Path) -> RawText:
    """Read a PDF into cleaned text with page offsets; ReaderError for encrypted, corrupt or image-only files."""
    problems: list[str] = []
    with _pypdf_warnings_as(problems):
        text, offsets = _read_pages(path, problems)
    return RawText(text=text, page_offsets=tuple(offsets), problems=tuple(problems))


def _read_pages(path: Path, problems: list[str]) -> tuple[str, list[int]]:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    name = str(path)
    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            _decrypt_with_empty_password(reader, name)
        count = len(reader.pages)
    except ReaderError:
        raise
    except (DependencyError, NotImplementedError) as exc:
        raise ReaderError(name, f"encrypted PDF in a scheme this install cannot open ({_one_line(exc)})") from exc
    except FileNotDecryptedError as exc:
        raise ReaderError(name, "encrypted PDF; needs a password") from exc
    except OSError as exc:
        raise ReaderError(name, f"cannot read file ({exc.strerror or exc})") from exc
    except (PdfReadError, Exception) as exc:  # pypdf raises many types on damaged files
        raise ReaderError(name, f"corrupt PDF ({_one_line(exc)})") from exc
    if count == 0:
        raise ReaderError(name, "PDF has no pages")

    parts: list[str] = []
    offsets: list[int] = []
    position = 0
    for number in range(count):
        page_text = _page_text(reader, number, problems)
        if parts:
            parts.append(PAGE_SEPARATOR)
            position += len(PAGE_SEPARATOR)
        offsets.append(position)
        parts.append(page_text)
        position += len(page_text)
    text = "".join(parts)
    if not text.strip():
        raise ReaderError(name, "no extractable text; scanned?")
    empty = sum(1 for i in range(count) if _page_is_empty(text, offsets, i))
    if empty:
        problems.append(f"{empty} of {count} pages have no extractable text")
    return text, offsets


_QUIET = threading.Lock()  # pypdf's logger and the warnings filters are process-wide: one reading at a time


class _Collect(logging.Handler):
    def __init__(self, messages: list[str]):
        super().__init__(logging.WARNING)
        self.messages = messages

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.messages.append(record.getMessage())
        except (TypeError, ValueError):  # arguments that do not fit the message: keep the message
            self.messages.append(str(record.msg))


@contextmanager
def _pypdf_warnings_as(problems: list[str]):
    """While the block runs, pypdf's log records (WARNING and up) and any Python warnings are collected instead
    of printed; afterwards they are appended to `problems`, collapsed (see `_collapse`). The logger's handlers
    and propagation are restored whatever happens, and on a ReaderError the collected messages are dropped
    (the one-line reason is what is reported)."""
    messages: list[str] = []
    handler = _Collect(messages)
    logger = logging.getLogger("pypdf")
    with _QUIET:
        propagate = logger.propagate
        logger.addHandler(handler)
        logger.propagate = False  # nor to the root logger's handlers (the terminal, if an app configured one)
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                yield
        finally:
            logger.removeHandler(handler)
            logger.propagate = propagate
    messages.extend(str(w.message) for w in caught)
    problems.extend(_collapse(messages))


_NUMBER = re.compile(r"\d+")
_MAPPING = re.compile(r"\{.*\}")  # pypdf prints whole font dictionaries (with memory addresses) into messages


def _collapse(messages: list[str]) -> list[str]:
    """One line per distinct message with its count, most frequent first. Messages that differ only in their
    numbers (object numbers, offsets) count as one, shown by the first; at most MAX_WARNING_LINES lines, plus
    one line summing up the rest."""
    first: dict[str, str] = {}
    counts: Counter[str] = Counter()
    for message in messages:
        text = _MAPPING.sub("{…}", " ".join(message.split()))[:200] or "(empty message)"
        key = _NUMBER.sub("#", text)
        first.setdefault(key, text)
        counts[key] += 1
    ranked = sorted(counts, key=lambda key: -counts[key])  # stable: ties keep the order they came in
    lines = [f"pypdf warning ({counts[key]}×): {first[key]}" for key in ranked[:MAX_WARNING_LINES]]
    rest = ranked[MAX_WARNING_LINES:]
    if rest:
        lines.append(f"pypdf warning ({sum(counts[key] for key in rest)}×): {len(rest)} other messages")
    return lines


def _decrypt_with_empty_password(reader, name: str) -> None:
    """Many published PDFs are encrypted only to restrict printing: they open with an empty password."""
    from pypdf import PasswordType

    if reader.decrypt("") == PasswordType.NOT_DECRYPTED:
        raise ReaderError(name, "encrypted PDF; needs a password")


def _page_text(reader, number: int, problems: list[str]) -> str:
    """One page's cleaned text; a page that fails to extract becomes empty and is reported, not fatal."""
    try:
        raw = reader.pages[number].extract_text() or ""
    except Exception as exc:  # a single damaged page must not lose the whole document
        problems.append(f"page {number + 1}: text extraction failed ({_one_line(exc)})")
        return ""
    return normalise_whitespace(raw)


def _page_is_empty(text: str, offsets: list[int], index: int) -> bool:
    end = offsets[index + 1] if index + 1 < len(offsets) else len(text)
    return not text[offsets[index]:end].strip()


def _one_line(exc: BaseException) -> str:
    message = " ".join(str(exc).split()) or type(exc).__name__
    return message[:120]
