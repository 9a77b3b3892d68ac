"""Readable labels for documents and passages, shared by the CLI, the briefing export and the chat."""

from __future__ import annotations

from collections.abc import Sequence

from .types import Document, Passage

SECTION_SEP = " › "


def date_label(document: Document) -> str:
    if document.date is not None:
        return document.date.strftime("%-d %b %Y")
    return document.period or "undated"


def pages_label(page_start: int | None, page_end: int | None) -> str:
    if page_start is None:
        return "no pages"
    if page_end is None or page_end == page_start:
        return f"p. {page_start}"
    return f"pp. {page_start}–{page_end}"


def section_label(path: Sequence[str]) -> str:
    return SECTION_SEP.join(path) if path else "(no item)"


def passage_meta(passage: Passage) -> str:
    """'meeting pack · 17 Oct 2024 · Enc 03 › Item 7 · p. 4': everything but the title."""
    doc, chunk = passage.document, passage.chunk
    return " · ".join(
        (doc.kind, date_label(doc), section_label(chunk.section_path), pages_label(chunk.page_start, chunk.page_end))
    )


def reference_line(label: str, passage: Passage) -> str:
    return f"[{label}] {passage.document.title} — {passage_meta(passage)}"
