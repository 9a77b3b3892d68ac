"""Readable labels for documents and passages, shared by the CLI, the briefing export and the chat."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from .types import Document, Passage

SECTION_SEP = " › "


def date_label(document: Document) -> str:
    if document.date is not None:
        return document.date.strftime("%-d %b %Y")
    return document.period or "undated"


def day_label(iso: str | None) -> str:
    """'17 Oct 2024' for an ISO date; 'undated' for none; a value that is not an ISO date as it is."""
    if not iso:
        return "undated"
    try:
        return dt.date.fromisoformat(iso).strftime("%-d %b %Y")
    except ValueError:
        return iso


def pages_label(page_start: int | None, page_end: int | None, document: Document | None = None) -> str:
    """'p. 4', 'pp. 4–5', 'slide 3'; with the document, also the numbers printed on the pages where they differ
    from their positions and whether OCR read them: 'p. 12 (printed 3)', 'pp. 7–8 (printed 2–3, read by OCR)'."""
    if page_start is None:
        return "no pages"
    end = page_end if page_end is not None else page_start
    one, many = ("slide", "slides") if document is not None and _is_deck(document) else ("p.", "pp.")
    label = f"{one} {page_start}" if end == page_start else f"{many} {page_start}–{end}"
    ocr = "read by OCR" if read_by_ocr(document, page_start, end) else ""
    notes = [note for note in (_printed(document, page_start, end), ocr) if note]
    return f"{label} ({', '.join(notes)})" if notes else label


def page_list(pages: Sequence[int]) -> str:
    """'page 2', 'pages 2, 5–7': 1-based page numbers in order, runs collapsed."""
    runs: list[list[int]] = []
    for page in sorted(pages):
        if runs and page == runs[-1][-1] + 1:
            runs[-1].append(page)
        else:
            runs.append([page])
    spans = [str(run[0]) if len(run) == 1 else f"{run[0]}–{run[-1]}" for run in runs]
    return ("page " if len(pages) == 1 else "pages ") + ", ".join(spans)


def _is_deck(document: Document) -> bool:
    return document.path.lower().endswith(".pptx")


def _printed(document: Document | None, start: int, end: int) -> str:
    """'printed 3' or 'printed 2–3' when the pages carry printed numbers that differ from their positions."""
    labels = document.page_labels if document is not None else ()
    if not labels or end > len(labels):
        return ""
    first, last = labels[start - 1], labels[end - 1]
    if not first or not last or (first, last) == (str(start), str(end)):
        return ""
    return f"printed {first}" if first == last else f"printed {first}–{last}"


def read_by_ocr(document: Document | None, page_start: int | None, page_end: int | None) -> bool:
    """Whether OCR read any of the pages (a passage's) of the document."""
    if document is None or page_start is None:
        return False
    end = page_end if page_end is not None else page_start
    return any(page_start <= page <= end for page in document.ocr_pages)


def section_label(path: Sequence[str]) -> str:
    return SECTION_SEP.join(path) if path else "(no item)"


def passage_meta(passage: Passage) -> str:
    """'meeting pack · 17 Oct 2024 · Enc 03 › Item 7 · p. 4': everything but the title."""
    doc, chunk = passage.document, passage.chunk
    return " · ".join(
        (doc.kind, date_label(doc), section_label(chunk.section_path),
         pages_label(chunk.page_start, chunk.page_end, doc))
    )


def reference_line(label: str, passage: Passage) -> str:
    return f"[{label}] {passage.document.title} — {passage_meta(passage)}"
