"""Pure helpers that turn the data model into what the screens show. No Textual, no I/O."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..labels import reference_line
from ..markers import MARKER, marker_numbers
from ..types import Answer, Chunk, Filters, Passage


@dataclass(frozen=True)
class SourceItem:
    """One row of the sources panel: a citation of the answer, or (on abstention) a closest passage."""

    label: str  # "1" for citation [1]; closest passages are numbered 1, 2, … too
    passage: Passage
    quote: str  # "" for a closest passage
    is_citation: bool


def sources_of(answer: Answer, closest: int = 5) -> list[SourceItem]:
    """The citations of an answer, or its closest passages when it abstained or cites nothing."""
    if answer.citations and not answer.abstained:
        return [SourceItem(str(c.n), c.passage, c.quote, True) for c in answer.citations]
    return [SourceItem(str(i), p, "", False) for i, p in enumerate(answer.passages[:closest], 1)]


def link_citations(text: str, known: Iterable[int]) -> str:
    """Turn the answer's [n] markers into Markdown links `cite:n` so they can be clicked.

    "[1, 2]" becomes two links; markers for unknown numbers stay as plain text.
    """
    known_set = set(known)

    def repl(match: re.Match[str]) -> str:
        numbers = marker_numbers(match)
        if not all(n in known_set for n in numbers):
            return match.group(0)
        return "".join(f"[\\[{n}\\]](cite:{n})" for n in numbers)

    return MARKER.sub(repl, text)


QUOTE_JOIN = " … "  # how a citation joins sentences it quotes from different places of one passage


def find_quote(text: str, quote: str) -> tuple[int, int] | None:
    """Where `quote` occurs in `text`: exactly, else ignoring differences in whitespace; a quote of several
    pieces joined by " … " spans from its first piece to its last. None when absent."""
    pieces = [p for p in quote.split(QUOTE_JOIN) if p.strip()]
    if len(pieces) > 1:
        first, last = _find_piece(text, pieces[0]), _find_piece(text, pieces[-1])
        if first and last and last[1] > first[0]:
            return first[0], last[1]
        return first or last
    return _find_piece(text, quote)


def _find_piece(text: str, quote: str) -> tuple[int, int] | None:
    quote = quote.strip()
    if not quote:
        return None
    at = text.find(quote)
    if at >= 0:
        return at, at + len(quote)
    words = quote.split()
    if not words:
        return None
    pattern = r"\s+".join(re.escape(w) for w in words)
    match = re.search(pattern, text) or re.search(pattern, text, re.IGNORECASE)
    if match:
        return match.start(), match.end()
    return None


def context_window(text: str, chunk: Chunk, before: int = 2000, after: int = 2000) -> tuple[int, int]:
    """Character range of the document to show around a chunk, widened to whole lines."""
    start = max(0, chunk.char_start - before)
    end = min(len(text), chunk.char_end + after)
    if start > 0:
        nl = text.find("\n", start, chunk.char_start)
        start = nl + 1 if nl >= 0 else start
    if end < len(text):
        nl = text.rfind("\n", chunk.char_end, end)
        end = nl if nl >= 0 else end
    return start, end


def overlap(offset: int, length: int, span: tuple[int, int] | None) -> tuple[int, int] | None:
    """The part of `span` (document offsets) inside a piece of the document shown from `offset` for `length`
    characters, relative to the piece; None when they do not meet."""
    if span is None:
        return None
    start, end = max(span[0], offset), min(span[1], offset + length)
    return (start - offset, end - offset) if start < end else None


def chunk_at(chunks: Sequence[Chunk], span: tuple[int, int]) -> int | None:
    """The index of the chunk holding most of `span` (document offsets); when none overlaps it (the span
    falls between chunks), the last chunk starting before it. None without chunks."""
    best, best_len = None, 0
    for i, chunk in enumerate(chunks):
        inside = overlap(chunk.char_start, chunk.char_end - chunk.char_start, span)
        if inside and inside[1] - inside[0] > best_len:
            best, best_len = i, inside[1] - inside[0]
    if best is not None:
        return best
    before = [i for i, c in enumerate(chunks) if c.char_start <= span[0]]
    return before[-1] if before else (0 if chunks else None)


def filters_label(filters: Filters) -> str:
    """A one-line summary for the sub-title; '' when no filter is set."""
    if filters.is_empty():
        return ""
    parts: list[str] = []
    if filters.organisations:
        parts.append(" or ".join(filters.organisations))
    if filters.kinds:
        parts.append(" or ".join(filters.kinds))
    if filters.since and filters.until:
        parts.append(f"{filters.since.isoformat()} to {filters.until.isoformat()}")
    elif filters.since:
        parts.append(f"from {filters.since.isoformat()}")
    elif filters.until:
        parts.append(f"until {filters.until.isoformat()}")
    if filters.doc_ids:
        parts.append(f"{len(filters.doc_ids)} document(s)")
    return "Filters: " + " · ".join(parts)


def answer_with_references(answer: Answer) -> str:
    """The answer as plain Markdown followed by its references (for the clipboard)."""
    lines = [answer.text.strip(), ""]
    items = sources_of(answer)
    if items:
        lines.append("References" if items[0].is_citation else "Closest passages (not an answer)")
        lines.extend(reference_line(i.label, i.passage) for i in items)
    return "\n".join(lines).rstrip() + "\n"
