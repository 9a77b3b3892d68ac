"""Split a document's text into Sections that cover it in order.

A board meeting pack is many papers bound together: the agenda lists each enclosure ("Enc 03") with its
title, and each paper starts somewhere later with a cover sheet or a title block. We align the agenda's
titles, in order, with the places in the pack whose opening lines best match them; those become the
top-level items, and headings inside each paper (minutes items, report sections) the second level.
Packs without an enclosure column fall back to their cover sheets ("Report to:" ... "Title:").
Other documents are split by their headings.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from dataclasses import dataclass

from ..types import Section
from .headings import infer_headings
from .metadata import parse_date
from .raw import Heading

MAX_LABEL_CHARS = 80
MAX_DEPTH = 3
MIN_ITEM_SCORE = 0.45
_WINDOW_LINES = 5
_MAX_TITLE_LINE = 160

_ENC_CELL = re.compile(r"^(?:Enc(?:losure)?|Paper|Appendix)\.?\s*(?:No\.?\s*)?[A-Z]?\d{1,3}[a-z]?$", re.I)
_ENC_INLINE = re.compile(r"\b((?:Enc(?:losure)?|Paper)\.?\s*(?:No\.?\s*)?[A-Z]?\d{1,3}[a-z]?)\b", re.I)
_COVER_START = re.compile(r"^\s*(?:Report\s+to|Enclosure(?:\s+No)?|Agenda\s+item|Paper\s+no|Meeting\s+of)\b\s*[:.]?", re.I)
_COVER_TITLE = re.compile(r"^\s*(?:Title(?:\s+of\s+(?:paper|report))?|Report\s+title|Subject)\s*:\s*(.+)$", re.I)
_YEAR_PAIR = re.compile(r"\b(20\d\d)\s*[-/]\s*(20\d\d|\d\d)\b")
_QUARTER = re.compile(r"\bquarter\s+([1-4])\b")
_ORDINAL = re.compile(r"\b(\d{1,2})\s+(st|nd|rd|th)\b")
_STOP = frozenset(
    "a an and the of on in for to by with at from as is are be or via re update report paper item - "
    "st nd rd th".split()
)


@dataclass(frozen=True)
class _Item:
    start: int
    label: str


def split_sections(
    text: str,
    doc_id: str,
    kind: str,
    title: str,
    headings: tuple[Heading, ...] | None,
    page_offsets: tuple[int, ...] | None,
    continuations: tuple[tuple[int, int], ...] = (),
) -> tuple[Section, ...]:
    """Leaf sections covering `text` from 0 to len(text), each with its path and pages; `continuations` as
    ParsedDocument's (a line inside a sentence is no heading)."""
    found = list(headings) if headings is not None else infer_headings(text, continuations)
    items = find_items(text) if kind == "meeting pack" else []
    boundaries = _boundaries(text, title, found, items)
    sections = []
    for (start, path), (end, _) in zip(boundaries, boundaries[1:] + [(len(text), ())]):
        if end <= start:
            continue
        first, last = _pages(page_offsets, start, end)
        sections.append(Section(doc_id, path, first, last, start, end))
    return tuple(sections)


def label(text: str) -> str:
    """A short, human-readable path element."""
    text = _ORDINAL.sub(r"\1\2", " ".join(text.replace("#", " ").split())).rstrip(" .:;,–-")
    if len(text) <= MAX_LABEL_CHARS:
        return text
    return text[:MAX_LABEL_CHARS].rsplit(" ", 1)[0].rstrip(",;:-–") + "…"


def _boundaries(text: str, title: str, headings: list[Heading], items: list[_Item]) -> list[tuple[int, tuple]]:
    """(start, path) for each section, in order; the first starts at 0."""
    if items:
        top = [(0, "Agenda")] + [(item.start, item.label) for item in items if item.start > 0]
    else:
        top = [(0, "")]
    result: list[tuple[int, tuple]] = []
    for index, (start, top_label) in enumerate(top):
        end = top[index + 1][0] if index + 1 < len(top) else len(text)
        inner = [h for h in headings if start <= h.start < end and not (items and h.start - start < 3)]
        result.extend(_nest(start, top_label, inner, default=title))
    return result


def _nest(start: int, top_label: str, headings: list[Heading], default: str) -> list[tuple[int, tuple]]:
    """Turn a run of headings into paths with a level stack, under an optional top-level label."""
    prefix = (label(top_label),) if top_label else ()
    result = [(start, prefix or (label(default or "Document"),))]
    stack: list[tuple[int, str]] = []
    for heading in headings:
        while stack and stack[-1][0] >= heading.level:
            stack.pop()
        stack.append((heading.level, label(heading.title)))
        path = prefix + tuple(name for _, name in stack)
        result.append((heading.start, path[:MAX_DEPTH]))
    if len(result) > 1 and result[1][0] == start:
        result.pop(0)
    return result


def _pages(page_offsets: tuple[int, ...] | None, start: int, end: int) -> tuple[int | None, int | None]:
    if not page_offsets:
        return None, None
    first = bisect.bisect_right(page_offsets, start)
    last = bisect.bisect_right(page_offsets, max(start, end - 1))
    return first, last


# --- items of a meeting pack ----------------------------------------------------------------------------

def find_items(text: str) -> list[_Item]:
    """Where each paper of a pack starts, from the agenda's enclosure list or else the cover sheets."""
    agenda, agenda_end = _agenda_enclosures(text)
    if agenda:
        items = _align(text, agenda, agenda_end)
        if items:
            return items
    return _cover_sheets(text)


def _agenda_enclosures(text: str) -> tuple[list[tuple[str, str]], int]:
    """(enclosure label, title) rows of the agenda near the top, and where the agenda ends."""
    head = text[: max(30_000, len(text) // 5)]
    rows: list[tuple[str, str]] = []
    end = 0
    position = 0
    for line in head.split("\n"):
        found = _agenda_row(line)
        if found and found[0].lower() not in {r[0].lower() for r in rows}:
            rows.append(found)
            end = position + len(line)
        position += len(line) + 1
    return (rows, end) if len(rows) >= 2 else ([], 0)


def _agenda_row(line: str) -> tuple[str, str] | None:
    if "\t" in line:
        cells = [c.strip() for c in line.split("\t")]
        enc = next((c for c in cells if _ENC_CELL.match(c)), None)
        if not enc:
            return None
        titles = [c for c in cells if c != enc and sum(ch.isalpha() for ch in c) >= 4 and not c.isupper()]
        return (_tidy_enc(enc), titles[0]) if titles else None
    match = _ENC_INLINE.search(line)
    if not match or match.start() < 8:
        return None
    title = re.sub(r"^\s*\d{1,2}(?:\.\d+)?[.)]?\s+", "", line[: match.start()]).strip(" -–\t")
    return (_tidy_enc(match.group(1)), title) if len(title) >= 4 else None


def _tidy_enc(enc: str) -> str:
    return " ".join(enc.replace(".", " ").split()).title().replace("No ", "")


def _candidates(text: str, after: int) -> list[tuple[int, str, bool]]:
    """Starts of blocks after the agenda: (offset, the opening lines' text, opens a cover sheet)."""
    lines = text.split("\n")
    offsets, position = [], 0
    for line in lines:
        offsets.append(position)
        position += len(line) + 1
    result = []
    for i, line in enumerate(lines):
        if offsets[i] <= after or not line.strip() or (i > 0 and lines[i - 1].strip()):
            continue
        window = _opening_lines(lines, i)
        if not window:
            continue
        joined = "\n".join(window)
        result.append((offsets[i] + len(line) - len(line.lstrip()), joined, bool(_COVER_START.match(line))))
    return result


def _opening_lines(lines: list[str], first: int) -> list[str]:
    """The short lines that open a block: where a paper's title sits. Prose ends the opening."""
    window: list[str] = []
    for line in lines[first:first + _WINDOW_LINES * 2]:
        if not line.strip():
            continue
        if len(line.strip()) > _MAX_TITLE_LINE or len(window) == _WINDOW_LINES:
            break
        window.append(line.strip())
    return window


def _tokens(text: str) -> set[str]:
    text = _ORDINAL.sub(r"\1", text.lower())
    # "2024-2025", "2024/25" and "Quarter 2", "Q2" name the same things
    text = _YEAR_PAIR.sub(lambda m: f"fy{m.group(1)}{m.group(2)[-2:]}", text)
    text = _QUARTER.sub(r"q\1", text)
    words = re.findall(r"[a-z0-9]+", text)
    return {w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words if w not in _STOP}


def _line_tokens(window: str) -> dict[str, int]:
    """Each token of a window with the index of the first line it appears on."""
    found: dict[str, int] = {}
    for index, line in enumerate(window.split("\n")):
        for token in _tokens(line):
            found.setdefault(token, index)
    return found


def _align(text: str, agenda: list[tuple[str, str]], agenda_end: int) -> list[_Item]:
    """Place the agenda's papers, in order, at the candidate starts that best match their titles.

    Dynamic programming over (paper, candidate) keeps the order of the agenda and maximises the total
    match, so a later paper that merely mentions an earlier title cannot steal its place.
    """
    candidates = _candidates(text, agenda_end)
    if not candidates:
        return []
    windows = [_line_tokens(c[1]) for c in candidates]
    df = Counter(t for w in windows for t in w)
    n = len(windows)

    def weight(token: str) -> float:
        # numbers (meeting dates, years, quarters) tell apart papers whose titles share their words
        return (math.log((n + 1) / (1 + df.get(token, 0))) + 1.0) * (2.0 if token.isdigit() else 1.0)

    dates = [parse_date(c[1]) for c in candidates]

    def score(title_tokens: set[str], enc: str, j: int) -> float:
        total = sum(weight(t) for t in title_tokens)
        if not total:
            return 0.0
        # a word found on a later opening line counts a little less: prefer the block the title opens
        got = sum(weight(t) * (1 - 0.03 * windows[j][t]) for t in title_tokens if t in windows[j]) / total
        if got < 0.3:
            return got
        return got + _opening_bonus(candidates[j], enc) + (0.4 if title_dates[enc] and title_dates[enc] == dates[j] else 0.0)

    title_dates = {enc: parse_date(title) for enc, title in agenda}
    titles = [_tokens(t) for _, t in agenda]
    # best[j] = (total, placements) for the papers so far, the last placed at candidate index <= j
    NONE = (0.0, ())
    best_upto = [NONE] * (n + 1)  # best over candidates < j (prefix), index shift by one
    for title_tokens, (enc, title) in zip(titles, agenda):
        new_upto = list(best_upto)
        running = best_upto[0]
        for j in range(n):
            running = max(running, best_upto[j], key=lambda x: x[0])
            s = score(title_tokens, enc, j)
            if s >= MIN_ITEM_SCORE:
                option = (running[0] + s, running[1] + ((j, f"{enc} {title}"),))
                if option[0] > new_upto[j + 1][0]:
                    new_upto[j + 1] = option
        # make new_upto a prefix maximum so the next paper can start after any earlier placement
        for j in range(1, n + 1):
            if new_upto[j - 1][0] > new_upto[j][0]:
                new_upto[j] = new_upto[j - 1]
        best_upto = new_upto
    placements = best_upto[n][1]
    return [_Item(candidates[j][0], name) for j, name in placements]


def _opening_bonus(candidate: tuple[int, str, bool], enc: str) -> float:
    """Cover sheets and title blocks open papers; numbered rows and list items open their insides."""
    _, window, is_cover = candidate
    bonus = 0.35 if is_cover else 0.0
    number = re.search(r"\d+", enc)
    if number and re.search(rf"\b(?:Enc(?:losure)?|Paper)\.?\s*(?:No\.?\s*)?:?\s*0*{int(number.group())}\b", window, re.I):
        bonus += 0.5
    first = window.lstrip().split("\n")[0]
    if not is_cover and (first[:1].isdigit() or first[:1] in "(-•*▪●" or "\t" in first or first.endswith(".")):
        bonus -= 0.2
    return bonus


def _cover_sheets(text: str) -> list[_Item]:
    """Packs without an enclosure list: each paper starts with a cover sheet carrying its title."""
    items: list[_Item] = []
    lines = text.split("\n")
    position = 0
    offsets = []
    for line in lines:
        offsets.append(position)
        position += len(line) + 1
    i = 0
    while i < len(lines):
        if _COVER_START.match(lines[i]) and (i == 0 or not lines[i - 1].strip()):
            title = next((m.group(1) for m in (_COVER_TITLE.match(line) for line in lines[i:i + 8]) if m), lines[i])
            items.append(_Item(offsets[i], label(title.replace("\t", " "))))
            i += 8
            continue
        i += 1
    return items if len(items) >= 2 else []
