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

from .. import config
from ..errors import ReaderError, one_line
from .page_labels import declared_labels, page_labels
from .raw import RawText
from .text import normalise_whitespace

PAGE_SEPARATOR = "\n\n"
MAX_WARNING_LINES = 10  # distinct pypdf messages kept per document; the rest are summed up in one line


def read_pdf(path: Path) -> RawText:
    """Read a PDF into cleaned text with page offsets; ReaderError for encrypted, corrupt or unreadable files.

    Pages without a text layer (scans) are read by OCR when it is available (`ocr.py`); the numbers printed
    on the pages are kept where they differ from the pages' positions (`page_labels.py`).
    """
    problems: list[str] = []
    with _library_warnings_as(problems, "pypdf"):
        reader = _open(path)
        pages = [_page_text(reader, number, problems) for number in range(len(reader.pages))]
        scanned = [number for number, text in enumerate(pages) if _needs_ocr(reader, number, text)]
        declared = declared_labels(reader)
    ocr_pages = _read_by_ocr(path, pages, scanned, problems)
    text, offsets = _join(pages)
    if not text.strip():
        reason = "no text found, not even by OCR" if ocr_pages else "no extractable text; scanned?"
        raise ReaderError(str(path), reason)
    empty = sum(1 for page in pages if not page.strip())
    if empty:
        problems.append(f"{empty} of {len(pages)} pages have no extractable text")
    return RawText(text=text, page_offsets=tuple(offsets), problems=tuple(problems),
                   page_labels=page_labels(declared, pages),
                   ocr_pages=tuple(n + 1 for n in ocr_pages if pages[n].strip()))


def _open(path: Path):
    """A pypdf reader of the file, decrypted when an empty password opens it; ReaderError otherwise."""
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
        raise ReaderError(name, f"encrypted PDF in a scheme this install cannot open ({one_line(exc)})") from exc
    except FileNotDecryptedError as exc:
        raise ReaderError(name, "encrypted PDF; needs a password") from exc
    except OSError as exc:
        raise ReaderError(name, f"cannot read file ({exc.strerror or exc})") from exc
    except (PdfReadError, Exception) as exc:  # pypdf raises many types on damaged files
        raise ReaderError(name, f"corrupt PDF ({one_line(exc)})") from exc
    if count == 0:
        raise ReaderError(name, "PDF has no pages")
    return reader


def _join(pages: list[str]) -> tuple[str, list[int]]:
    """The pages' texts joined by PAGE_SEPARATOR, and where each page starts."""
    offsets, position = [], 0
    for page in pages:
        offsets.append(position)
        position += len(page) + len(PAGE_SEPARATOR)
    return PAGE_SEPARATOR.join(pages), offsets


def _needs_ocr(reader, number: int, text: str) -> bool:
    """A scanned page: it shows an image, and its text layer is empty or only a stamped number or two."""
    if sum(ch.isalnum() for ch in text) >= config.OCR_MAX_TEXT_CHARS:
        return False
    try:
        return len(reader.pages[number].images) > 0
    except Exception:  # damaged resources: treat as no image
        return False


def _read_by_ocr(path: Path, pages: list[str], scanned: list[int], problems: list[str]) -> list[int]:
    """Replace the text of the scanned pages by what OCR reads on them; the pages it read (0-based)."""
    if not scanned:
        return []
    from .ocr import LOGGER, read_scanned_pages

    with _library_warnings_as(problems, "OCR", LOGGER):
        found = read_scanned_pages(path, scanned, problems)
    for number, text in found.items():
        pages[number] = text
    return sorted(found)


_QUIET = threading.Lock()  # the loggers and the warnings filters are process-wide: one reading at a time


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
def _library_warnings_as(problems: list[str], source: str, logger_name: str | None = None):
    """While the block runs, the library's log records (WARNING and up; logger `source` unless named) and any
    Python warnings are collected instead of printed; afterwards they are appended to `problems`, collapsed
    (see `_collapse`) and labelled with `source`. The logger's handlers and propagation are restored whatever
    happens, and on a ReaderError the collected messages are dropped (the one-line reason is reported)."""
    messages: list[str] = []
    handler = _Collect(messages)
    logger = logging.getLogger(logger_name or source)
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
    problems.extend(_collapse(messages, source))


_NUMBER = re.compile(r"\d+")
_MAPPING = re.compile(r"\{.*\}")  # pypdf prints whole font dictionaries (with memory addresses) into messages


def _collapse(messages: list[str], source: str = "pypdf") -> list[str]:
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
    lines = [f"{source} warning ({counts[key]}×): {first[key]}" for key in ranked[:MAX_WARNING_LINES]]
    rest = ranked[MAX_WARNING_LINES:]
    if rest:
        lines.append(f"{source} warning ({sum(counts[key] for key in rest)}×): {len(rest)} other messages")
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
        problems.append(f"page {number + 1}: text extraction failed ({one_line(exc)})")
        return ""
    return normalise_whitespace(raw)
