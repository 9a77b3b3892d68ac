"""PDF reader (pypdf): the text of each page, pages numbered from 1 as a PDF viewer shows them.

Pages are extracted one at a time and only their text is kept, so memory stays bounded by one page's
objects plus the text itself, whatever the page count.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ReaderError
from .raw import RawText
from .text import normalise_whitespace

PAGE_SEPARATOR = "\n\n"


def read_pdf(path: Path) -> RawText:
    """Read a PDF into cleaned text with page offsets; ReaderError for encrypted, corrupt or image-only files."""
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
    problems: list[str] = []
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
    return RawText(text=text, page_offsets=tuple(offsets), problems=tuple(problems))


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
