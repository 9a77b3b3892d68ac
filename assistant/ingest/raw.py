"""What a format reader hands to the structure and metadata steps, and what readers share (internal to `ingest`)."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import ReaderError, one_line


@dataclass(frozen=True)
class Heading:
    """A heading the file itself declares (Word heading styles), at an offset of the cleaned text."""

    start: int
    end: int
    level: int
    title: str


@dataclass(frozen=True)
class Attachment:
    """A file inside another: its name (with the extension that chooses its reader) and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class RawText:
    """Cleaned text of one file. `page_offsets[i]` is where page i+1 starts; None without pages.

    `headings` is None when the format has no explicit headings and they must be inferred from layout.
    `title` and `date` are what the file itself declares (an e-mail's Subject and Date), preferred to the
    ones detected from the text. `attachments` are files carried inside this one (an e-mail's), each read
    as a document of its own.
    """

    text: str
    page_offsets: tuple[int, ...] | None = None
    headings: tuple[Heading, ...] | None = None
    problems: tuple[str, ...] = ()
    page_labels: tuple[str, ...] = ()  # as Document.page_labels
    ocr_pages: tuple[int, ...] = ()
    title: str | None = None
    date: dt.date | None = None
    attachments: tuple[Attachment, ...] = ()


class TextBuilder:
    """Builds a reader's RawText from blocks (paragraphs, tables) in order: blocks are joined by a blank line,
    and the declared headings and page starts are recorded at their offsets in the joined text."""

    SEPARATOR = "\n\n"

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.headings: list[Heading] = []
        self.page_offsets: list[int] = []
        self.position = 0

    def add(self, block: str, heading_level: int | None = None) -> None:
        """Append a block (skipped when blank); with a level, the block is a heading of that level."""
        if not block.strip():
            return
        if self.blocks:
            self.position += len(self.SEPARATOR)
        if heading_level is not None:
            self.headings.append(Heading(self.position, self.position + len(block), heading_level, block))
        self.blocks.append(block)
        self.position += len(block)

    def new_page(self) -> None:
        """The next block starts a new page (a slide)."""
        self.page_offsets.append(self.position + (len(self.SEPARATOR) if self.blocks else 0))

    @property
    def text(self) -> str:
        return self.SEPARATOR.join(self.blocks)

    def raw(self, **fields) -> RawText:
        """The RawText of the blocks so far; `fields` are RawText's other fields (problems, title, ...)."""
        text = self.text
        pages = tuple(min(offset, len(text)) for offset in self.page_offsets) if self.page_offsets else None
        return RawText(text=text, page_offsets=pages, headings=tuple(self.headings), **fields)


def read_bytes(path: Path) -> bytes:
    """The file's bytes; ReaderError when it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ReaderError(str(path), f"cannot read file ({exc.strerror or exc})") from exc


def open_package(opener: Callable, path: Path, what: str):
    """An Office file (a zip package) opened by its library's `opener`; ReaderError naming `what` ("Word
    document") when the file is damaged or of another kind."""
    name = str(path)
    try:
        return opener(name)
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ReaderError(name, f"not a valid {what} (damaged or not {path.suffix.lower()})") from exc
    except OSError as exc:
        raise ReaderError(name, f"cannot read file ({exc.strerror or exc})") from exc
    except Exception as exc:  # the libraries and lxml raise assorted types on malformed XML
        raise ReaderError(name, f"not a valid {what} ({type(exc).__name__}: {one_line(exc)})") from exc
