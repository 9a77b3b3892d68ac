"""What a format reader hands to the structure and metadata steps (internal to `ingest`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Heading:
    """A heading the file itself declares (Word heading styles), at an offset of the cleaned text."""

    start: int
    end: int
    level: int
    title: str


@dataclass(frozen=True)
class RawText:
    """Cleaned text of one file. `page_offsets[i]` is where page i+1 starts; None without pages.

    `headings` is None when the format has no explicit headings and they must be inferred from layout.
    """

    text: str
    page_offsets: tuple[int, ...] | None = None
    headings: tuple[Heading, ...] | None = None
    problems: tuple[str, ...] = ()
