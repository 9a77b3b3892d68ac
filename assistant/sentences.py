"""A passage as the units an answer quotes: sentences of its prose and whole rows of its tables.

Prose lines wrapped mid-sentence (common in text taken from PDFs) are joined first, so a sentence is never
cut at a line break; a table row is shown with its table's column headers. Every unit keeps its place in
the chunk text, so the quoted words can be highlighted where they stand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .types import Chunk, Passage

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z0-9£“\"(])")
_ABBREV = re.compile(r"\b(?:e\.g|i\.e|etc|Dr|Mr|Mrs|Ms|Prof|No|vs|St|approx|Cllr|Rev)\.$", re.IGNORECASE)
_MARKUP = re.compile(r"\*\*|__|^\s*(?:[-*•]|\d+[.)])\s+")


@dataclass(frozen=True)
class Unit:
    """A sentence or table row of a passage, with its place inside the chunk text."""

    passage: Passage
    start: int
    end: int
    text: str  # as shown: header cells joined to a table row, markup removed
    is_row: bool

    @property
    def raw(self) -> str:
        return self.passage.chunk.text[self.start:self.end]


def split_units(passage: Passage) -> list[Unit]:
    """Sentences of prose and whole table rows (a row shown with its table's header row's cells).

    Prose lines that were wrapped mid-sentence (common in text taken from PDFs) are joined first, so a
    sentence is never cut at a line break.
    """
    text = passage.chunk.text
    units: list[Unit] = []
    # A chunk that continues a table starts with the header row it carries from the table's first chunk.
    header: list[str] | None = passage.chunk.table_header.split(" | ") if passage.chunk.table_header else None
    in_table = header is not None
    for spans, kind in _in_reading_order(passage.chunk, _label_value_tables(text, _blocks(text))):
        if len(spans) > 1:  # prose lines that continue one another across the other column's lines
            units += _sentence_units(passage, text, spans, "", False)
            in_table, header = False, None
            continue
        (start, end), = spans
        body = text[start:end]
        is_row = kind != PROSE
        if kind == PAIRS:  # a small label/value table, quoted whole: each value needs the others' context
            pairs = [[c.strip() for c in line.split("\t") if c.strip()] for line in body.split("\n")]
            units.append(Unit(passage, start, end, clean_markup("; ".join(" ".join(p) for p in pairs)), True))
            in_table, header = True, None
            continue
        cells = [c.strip() for c in body.split("\t")]
        if is_row and _repeats_header(cells, header, passage.chunk.table_header):
            continue  # the header row again (tables repeat it on every page)
        if is_row and not in_table and _looks_like_header(cells):
            header, in_table = cells, True  # a header row labels the rows below; it states nothing itself
            continue
        in_table = is_row
        if not is_row:
            header = None
        continued = start == 0 and bool(passage.chunk.row_head)  # the rest of a row cut across chunks
        if is_row and len(body) <= LONG_ROW:
            if continued:
                shown = f"{passage.chunk.row_head} … {' | '.join(c for c in cells if c)}"
            else:
                shown = _row_with_header(cells, header) if header else " | ".join(c for c in cells if c)
            units.append(Unit(passage, start, end, clean_markup(shown), True))
            continue
        if is_row:
            # A long row holds prose in its cells (registers, minutes kept in tables): each cell's sentences
            # are quoted one by one, labelled with the cell's column (its columns are unknown when the row
            # was cut across chunks: the row's first cells say whose row it is instead).
            position = start
            for i, cell in enumerate(body.split("\t")):
                label = "" if continued or header is None or i >= len(header) or i == 0 else header[i]
                prefix = f"{passage.chunk.row_head} … " if continued and i == 0 else (f"{label}: " if label else "")
                units += _sentence_units(passage, text, ((position, position + len(cell)),), prefix, True)
                position += len(cell) + 1
            continue
        units += _sentence_units(passage, text, spans, f"{passage.chunk.row_head} … " if continued else "", False)
    return units


_CONTINUES = re.compile(r"^\s*[a-z0-9£(%&]")


def _blocks(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) spans: each tab-separated line alone (ROW), wrapped prose lines joined (PROSE)."""
    spans: list[tuple[int, int, str]] = []
    pos = 0
    after_blank = True
    for line in text.splitlines(keepends=True):
        start, body = pos, line.rstrip("\r\n")
        pos += len(line)
        if not body.strip():
            after_blank = True  # a blank line ends a paragraph: nothing joins across it
            continue
        end = start + len(body)
        joins = not after_blank
        after_blank = False
        if "\t" in body:
            spans.append((start, end, ROW))
            continue
        if joins and spans and spans[-1][2] == PROSE and _CONTINUES.match(body):
            prev_start, prev_end, _ = spans[-1]
            if not text[prev_start:prev_end].rstrip().endswith((".", "!", "?", ":")):
                spans[-1] = (prev_start, end, PROSE)
                continue
        spans.append((start, end, PROSE))
    return spans


def split_sentences(line: str) -> list[str]:
    """The sentences of a line of prose (not split after "e.g.", "Dr." and the like)."""
    parts, buf = [], ""
    for piece in _SENTENCE_END.split(line):
        buf = f"{buf} {piece}" if buf else piece
        if not _ABBREV.search(buf.rstrip()):
            parts.append(buf)
            buf = ""
    if buf:
        parts.append(buf)
    return [p.strip() for p in parts if p.strip()]


PROSE, ROW, PAIRS = "prose", "row", "pairs"  # kinds of block


def _label_value_tables(text: str, blocks: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Runs of two to ten rows of exactly two cells with a short label ("Chair:" | "Josie Spencer") merged
    into one block: such a table reads as one statement ("Report of: the Remuneration Committee; Chair:
    Josie Spencer …"), and a row alone would not say what it is about."""
    def is_pair(block: tuple[int, int, bool]) -> bool:
        cells = [c.strip() for c in text[block[0]:block[1]].split("\t") if c.strip()]
        return block[2] == ROW and len(cells) == 2 and len(cells[0]) <= LABEL_MAX

    merged: list[tuple[int, int, bool]] = []
    i = 0
    while i < len(blocks):
        j = i
        while j < len(blocks) and is_pair(blocks[j]) and (j == i or "\n\n" not in text[blocks[j - 1][1]:blocks[j][0]]):
            j += 1
        if 2 <= j - i <= LABEL_TABLE_MAX_ROWS:
            merged.append((blocks[i][0], blocks[j - 1][1], PAIRS))
            i = j
        else:
            merged.append(blocks[i])
            i += 1
    return merged


HEADER_CELL_MAX = 80  # characters of a header cell
LABEL_MAX = 40  # characters of a label cell
LABEL_TABLE_MAX_ROWS = 10
LONG_ROW = 300  # characters: a row this long is prose in a table cell, quoted sentence by sentence


def _sentence_units(passage: Passage, text: str, spans: tuple[tuple[int, int], ...], prefix: str,
                    is_row: bool) -> list[Unit]:
    """One unit per sentence of the text of `spans` read in turn; the first is shown after `prefix`. A
    sentence read across several spans keeps its place from its first word to its last."""
    body, places = "", []  # places[k]: where body[k] stands in text
    for start, end in spans:
        if body:
            body += " "
            places.append(start)
        body += text[start:end]
        places.extend(range(start, end))
    units: list[Unit] = []
    for i, j in sentence_spans(body):
        piece = body[i:j]
        shown = clean_markup(piece)
        if len(shown) > 3:
            units.append(Unit(passage, places[i], places[j - 1] + 1,
                              clean_markup(prefix + piece) if not units else shown, is_row))
    return units


def _in_reading_order(chunk: Chunk, blocks: list[tuple[int, int, str]]) -> list[tuple[tuple[tuple[int, int], ...], str]]:
    """The blocks as (spans, kind), prose lines joined along the chunk's continuations (the lines of one
    column of a page laid out a line per paragraph: see ingest.reflow), each chain where its first line is."""
    if not chunk.continuations:
        return [(((start, end),), kind) for start, end, kind in blocks]
    block_at = {start: i for i, (start, _, kind) in enumerate(blocks) if kind == PROSE}
    follows: dict[int, int] = {}
    for a, b in chunk.continuations:
        a, b = a - chunk.char_start, b - chunk.char_start
        i = next((k for k, (start, end, kind) in enumerate(blocks) if start <= a < end and kind == PROSE), None)
        j = block_at.get(b)
        if i is not None and j is not None and j > i and i not in follows and j not in follows.values():
            follows[i] = j
    out = []
    joined = set(follows.values())
    for i, (_, _, kind) in enumerate(blocks):
        if i in joined:
            continue  # read as part of the chain it continues
        chain = [i]
        while chain[-1] in follows:
            chain.append(follows[chain[-1]])
        out.append((tuple((blocks[k][0], blocks[k][1]) for k in chain), kind))
    return out


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a line or paragraph, in order (the one sentence splitter)."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for piece in split_sentences(text):
        i = text.find(piece, offset)
        offset = i + len(piece)
        spans.append((i, offset))
    return spans


def _repeats_header(cells: list[str], header: list[str] | None, carried: str) -> bool:
    joined = " | ".join(c for c in cells if c)
    if header is not None and joined == " | ".join(c for c in header if c):
        return True
    return bool(carried) and joined.startswith(carried)  # the carried header may be cut short


def _looks_like_header(cells: list[str]) -> bool:
    """A table's first row is a header when it has three or more short, non-numeric labels; two-column
    tables are usually label/value pairs ("Chair:" | "Josie Spencer"), whose first row is data."""
    filled = [c for c in cells if c]
    return (len(filled) >= 3 and all(len(c) <= HEADER_CELL_MAX for c in filled)
            and sum(bool(re.fullmatch(r"[£$€]?[\d.,%\s-]+[mk]?", c)) for c in filled) <= len(filled) // 3)


def _row_with_header(cells: list[str], header: list[str]) -> str:
    pairs = []
    for i, cell in enumerate(cells):
        if not cell:
            continue
        name = header[i] if i < len(header) else ""
        pairs.append(f"{name}: {cell}" if name and name != cell and i > 0 else cell)
    return "; ".join(pairs)


def clean_markup(text: str) -> str:
    """Text as shown: Markdown emphasis and list bullets removed, whitespace collapsed."""
    return " ".join(_MARKUP.sub("", text).split())


# -- scoring ---------------------------------------------------------------------------------------------


_WORDISH = re.compile(r"[A-Za-z]{2,}")
_TOKENISH = re.compile(r"\S+")


def unreadable(unit: Unit) -> float:
    """A penalty for units that read badly on their own: a run of bare figures with no labels (a table
    row that lost its columns in a PDF's text layer: "Best Buy 127 1 - 128 127 - - 127"), or a fragment
    that starts mid-sentence (a chunk or a wrapped line that begins with "2021, primarily due to…")."""
    text = unit.text
    penalty = 0.0
    tokens = _TOKENISH.findall(text)
    if tokens and not unit.is_row and len(_WORDISH.findall(text)) < 0.5 * len(tokens):
        penalty += BARE_FIGURES_PENALTY
    if re.match(r"^(?:[a-z]|\d{4},|\d+\)?\s*[a-z])", text):
        penalty += FRAGMENT_PENALTY
    return penalty


BARE_FIGURES_PENALTY = 0.2
FRAGMENT_PENALTY = 0.1
