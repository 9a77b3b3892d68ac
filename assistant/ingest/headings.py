"""Infer headings from the layout of plain text (text conversions and PDFs have no heading styles).

Signals, all common in board papers: Markdown `#` headings; numbered headings ("3.", "3.2 Title",
"Section 1: ...", "Part 2", "Annex A"); minutes item rows ("7.<tab>Chair and Chief Executive update");
cover-sheet paragraph numbers ("(1) Purpose of the Paper:"); and short stand-alone title lines set apart
by blank lines. Levels are relative: 1 for parts and sections, 2 for numbered items and titles, 3 below.
"""

from __future__ import annotations

import re

from .metadata import is_date_line as _is_date_line
from .raw import Heading

MAX_HEADING_CHARS = 100
MAX_HEADING_WORDS = 14

_MARKDOWN = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")
_PART = re.compile(r"^(?:Section|Part|Chapter|Annex|Appendix|Schedule)\s+[A-Z0-9]{1,3}\b[:.\-–]?\s*\S*", re.I)
_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})[.)]?\s+([A-Z(£].*)$")
_ITEM_ROW = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,2})[.)]?\t+([^\t]{3,120}?)\t*$")
_PARAGRAPH_NUMBER = re.compile(r"^\((\d{1,2}|[a-z])\)\s+([A-Z].{2,90})$")
_SALUTATION = re.compile(r"^\s*Dear\s+\S")
_CLOSING = re.compile(r"^\s*(?:Yours\s+(?:sincerely|faithfully)|Kind\s+regards|Best\s+wishes)\b", re.I)
_SENTENCE_END = (".", ",", ";", "!", "?", "…")
_NOT_HEADINGS = re.compile(
    r"^(?:dear\b|yours\b|kind regards|best wishes|cc:|tel\b|t:|e:|w:|email\b|www\.|http|page \d+|\d+$|[-•*▪●◦]\s)",
    re.I,
)


def infer_headings(text: str, continuations: tuple[tuple[int, int], ...] = ()) -> list[Heading]:
    """Headings found line by line; `start`/`end` span the heading line in `text`. In text laid out a line
    per paragraph every line stands alone: there a plain line is no heading when it is inside a sentence
    (`continuations`, see ingest.reflow: it continues a line, or a line continues it in small letters)."""
    inside = {b for _, b in continuations} | {a for a, b in continuations if text[b:b + 1].islower()}
    headings: list[Heading] = []
    lines = text.split("\n")
    salutation = next((i for i, line in enumerate(lines[:80]) if _SALUTATION.match(line)), None)
    in_signature = False
    position = 0
    for index, line in enumerate(lines):
        found = _classify(line, _blank(lines, index - 1), _blank(lines, index + 1))
        if _CLOSING.match(line):
            in_signature = True
        plain = found is not None and _is_plain(line)
        letterhead = plain and found[0] == 2 and ((salutation is not None and index < salutation) or in_signature)
        if letterhead or (plain and position in inside):
            found = None  # letterhead, signature block or a date; a printed line of a sentence: not a heading
        elif found and found[0] == 1:
            in_signature = False
        if found:
            level, title = found
            headings.append(Heading(position, position + len(line), level, title))
        position += len(line) + 1
    return headings


def _is_plain(line: str) -> bool:
    """A stand-alone line that is not numbered or marked up: the weakest heading signal."""
    stripped = line.strip()
    return not (_MARKDOWN.match(stripped) or _NUMBERED.match(stripped) or _ITEM_ROW.match(stripped))


def _blank(lines: list[str], index: int) -> bool:
    return index < 0 or index >= len(lines) or not lines[index].strip()


def _classify(line: str, blank_before: bool, blank_after: bool) -> tuple[int, str] | None:
    stripped = line.strip()
    if not stripped or len(stripped) > MAX_HEADING_CHARS + 20 or _is_date_line(stripped):
        return None
    match = _MARKDOWN.match(stripped)
    if match:
        title = match.group(2).strip()
        return (1 if _PART.match(title) else min(len(match.group(1)), 3)), title
    match = _ITEM_ROW.match(stripped)
    if match and _title_like(match.group(2)):
        return _numbered_level(match.group(1)), f"{match.group(1)}. {match.group(2).strip()}".replace("..", ".")
    if "\t" in stripped or _NOT_HEADINGS.match(stripped):
        return None
    if _PART.match(stripped) and _title_like(stripped.rstrip(" .–-"), allow_colon=True):
        return 1, stripped.rstrip(" .–-:")
    match = _NUMBERED.match(stripped)
    if match and _title_like(match.group(2)) and (blank_before or blank_after):
        return _numbered_level(match.group(1)), stripped
    match = _PARAGRAPH_NUMBER.match(stripped)
    if match and _title_like(match.group(2), allow_colon=True):
        return 3, stripped.rstrip(":")
    if blank_before and blank_after and _title_like(stripped, allow_colon=True) and stripped[0].isupper():
        return 2, stripped.rstrip(":")
    return None


def _numbered_level(number: str) -> int:
    return 2 if "." not in number.strip(".") else 3


def _title_like(title: str, allow_colon: bool = False) -> bool:
    """Short, word-bearing and not a sentence: what a heading looks like."""
    title = title.strip()
    words = title.split()
    if not (2 <= len(title) <= MAX_HEADING_CHARS) or not words or len(words) > MAX_HEADING_WORDS:
        return False
    if title.endswith(_SENTENCE_END):
        return False
    if title.endswith(":") and not (allow_colon and len(words) >= 2):
        return False
    letters = sum(ch.isalpha() for ch in title)
    return letters >= 3 and letters >= 0.5 * len(title.replace(" ", ""))
