"""The data model: frozen dataclasses, the only things that cross module boundaries. No I/O here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

KINDS = ("meeting pack", "minutes", "letter", "plan", "report", "other")


@dataclass(frozen=True)
class Document:
    """One file of the corpus. `path` is relative to the corpus directory (POSIX separators)."""

    doc_id: str
    path: str
    title: str
    kind: str  # one of KINDS
    organisation: str | None
    date: dt.date | None  # the meeting's or the letter's date
    period: str | None  # financial year, e.g. "2023/24"
    sha256: str
    pages: int | None = None  # None for formats without pages (text, Markdown, Word, web pages, e-mail)
    # The number printed on each page where it differs from the page's position ("3" on the pack's tenth
    # sheet), "" elsewhere; empty when no page's differs. From the PDF's page labels or its page footers.
    page_labels: tuple[str, ...] = ()
    ocr_pages: tuple[int, ...] = ()  # pages (1-based) whose text was read by OCR: scans with no text layer


@dataclass(frozen=True)
class Section:
    """A structural unit of a document, e.g. ("Enc 03 Minutes of 26 Sept 2024", "Item 7").

    char_start/char_end are offsets into the document's cleaned text; pages are 1-based, None without pages.
    """

    doc_id: str
    path: tuple[str, ...]
    page_start: int | None
    page_end: int | None
    char_start: int = 0
    char_end: int = 0


@dataclass(frozen=True)
class ParsedDocument:
    """What a reader hands to the chunker: the cleaned text, its pages and its sections.

    `page_offsets[i]` is the character offset where page i+1 starts in `text`; None for page-less formats.
    `sections` cover the text in order; `problems` are non-fatal warnings found while reading.
    """

    document: Document
    text: str
    sections: tuple[Section, ...]
    page_offsets: tuple[int, ...] | None = None
    problems: tuple[str, ...] = ()
    # (where a line starts, where the line continuing its sentence starts) for text laid out a line per
    # paragraph, whose columns come interleaved (see ingest.reflow); empty for text in ordinary paragraphs.
    continuations: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Chunk:
    """A retrievable passage. `text` is exactly `ParsedDocument.text[char_start:char_end]`."""

    chunk_id: str
    doc_id: str
    text: str
    page_start: int | None
    page_end: int | None
    section_path: tuple[str, ...]
    char_start: int
    char_end: int
    # The header row of the table this chunk continues, when it starts inside a table whose header row
    # lies in an earlier chunk ("" otherwise). Not part of `text`; indexed and shown with the rows.
    table_header: str = ""
    # The first cells of the table row the chunk starts inside of, when a long row was cut across chunks
    # ("" otherwise): whose row the chunk's cells belong to. Also indexed and shown, never part of `text`.
    row_head: str = ""
    # Where the chunk's embedding pieces after the first start (document offsets): each piece fits the
    # encoder's token budget, and the chunk's vector is the mean of theirs. Empty: one piece.
    pieces: tuple[int, ...] = ()
    # The document's continuations (see ParsedDocument) of lines inside the chunk: its sentences are read
    # along them. Document offsets.
    continuations: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Passage:
    chunk: Chunk
    document: Document
    score: float
    rank: int  # 1-based


@dataclass(frozen=True)
class Citation:
    n: int  # the [n] marker used in the answer text
    passage: Passage
    quote: str  # the exact sentence(s) of the passage the answer relies on


# What became of an answer a language model was asked to write (see llm_answer.py).
GENERATION_OUTCOMES = (
    "checked",  # every sentence it wrote passed the citation check and is shown
    "trimmed",  # the sentences that failed the check were dropped; the rest is shown
    "fallback",  # nothing useful passed the check: Boardroom's own extractive answer is shown
    "failed",  # the model's endpoint failed (down, timed out, stopped mid-answer): the extractive answer is shown
    "not asked",  # Boardroom found no answer in the papers, so the model was not asked
)


@dataclass(frozen=True)
class Generation:
    model: str
    outcome: str  # one of GENERATION_OUTCOMES
    note: str  # the one line shown with the answer
    written: int = 0  # sentences the model wrote
    dropped: tuple[tuple[str, str], ...] = ()  # (sentence, why) for each sentence the check dropped
    draft: str = ""  # the model's text as it wrote it


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    citations: tuple[Citation, ...]
    passages: tuple[Passage, ...]  # the ranked retrieval list, also shown as "closest passages" on abstention
    abstained: bool
    timings: dict[str, float] = field(default_factory=dict)  # milliseconds per stage
    generation: Generation | None = None  # set when a language model was asked to write the answer


@dataclass(frozen=True)
class Turn:
    question: str
    answer: Answer


@dataclass(frozen=True)
class Filters:
    """Restrictions a user puts on retrieval. Empty tuples / None mean no restriction."""

    organisations: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None
    doc_ids: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        return not (self.organisations or self.kinds or self.since or self.until or self.doc_ids)
