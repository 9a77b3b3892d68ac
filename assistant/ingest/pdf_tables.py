"""Tables of a PDF page, read with their rows and column headers from pypdf's layout text.

pypdf's plain text keeps a table's words but not its columns: cells run together on a line, or come one a
line ("$", "(8,122", ")"), and a row's figures may be glued to the next row's label. Its layout mode places
every word where it stands on the page, so a table's columns are the runs of characters that its rows share.
This module finds the tables of a page in that layout text and puts them back into the plain text as the
other readers give tables (`text.table_text`: one tab-separated line a row, header row first), so a row is
chunked whole and quoted with its columns' names.

A table is a run of rows whose cells after the first (the row's label) hold figures ("1,234", "(7)", "3.6 %",
"—"), with the label-only lines between them ("Current assets:"). Its columns are where the row with the
most figures has them, and where other rows' figures stand apart from those; the header is the few lines just
above the first row whose words stand over the figure columns ("Three Months Ended" over two columns, "July
29, 2023" over one), joined per column ("Three Months Ended July 29, 2023" | "July 30, 2022"; a header over
several columns is written once, over the first). Tables whose cells hold no figures are left as pypdf
reads them.

Layout mode costs about as much again as the plain text, so only pages whose plain text has enough lines of
figures are laid out (`is_candidate`). A table replaces the words it covers in the plain text only when the
two texts agree on them (`config.PDF_TABLE_MIN_AGREEMENT`); otherwise the page keeps pypdf's plain text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from .. import config
from .text import table_text

# A figure cell: an amount, a percentage or a dash for nil: "1,234", "$ (8,122)", "3.6 %", "(0.4)%", "—".
_FIGURE = re.compile(r"^[$€£¥]?\s*\(?\s*[-–+]?\s*[$€£¥]?\s*(?:\d[\d,]*(?:\.\d+)?|\.\d+)\s*\)?\s*%?\s*\)?[*]?$|^[-–—]+\s*%?$")
_YEAR = re.compile(r"^(?:19|20)\d\d$")  # a bare year heads a column; it is not a figure of a row
_CURRENCY = frozenset("$€£¥")
_CLOSING = frozenset({"%", ")", ")%", "%)"})
_FIELD = re.compile(r"\S+(?:[ ]{1,%d}\S+)*")
_WORD = re.compile(r"\w+")
# a currency sign after a space, at the end or set apart before an amount: where a cell's amount begins
# ("of $650 and $633" inside a label is running text)
_SIGN_SPLIT = re.compile(r"(?<= )[$€£¥](?=$| +\(?[\d.])")


def is_figure(cell: str) -> bool:
    """An amount, a percentage or a dash, not a bare year."""
    cell = cell.strip()
    return bool(_FIGURE.match(cell)) and not _YEAR.match(cell)


def is_candidate(plain_text: str) -> bool:
    """Whether a page's plain text has enough lines of figures to be worth laying out (see config)."""
    lines = [line for line in plain_text.split("\n") if line.strip()]
    figures = sum(_mostly_figures(line) for line in lines)
    return figures >= config.PDF_TABLE_MIN_FIGURE_LINES and figures >= config.PDF_TABLE_MIN_FIGURE_SHARE * len(lines)


def _mostly_figures(line: str) -> bool:
    words = [w for w in line.split() if w not in _CURRENCY and w not in _CLOSING]
    figures = sum(is_figure(w) for w in words)
    return figures >= 1 and 2 * figures >= len(words)


@dataclass(frozen=True)
class _Field:
    start: int
    end: int
    text: str


@dataclass
class Table:
    """A table of the layout text: its lines (first to last, inclusive) and its rows of cells, header first."""

    first_line: int
    last_line: int
    rows: list[list[str]] = field(default_factory=list)
    has_header: bool = False

    @property
    def text(self) -> str:
        return table_text(self.rows)


def _fields(line: str) -> list[_Field]:
    """A layout line's cells: words separated by fewer than PDF_TABLE_COLUMN_GAP spaces stay together, but a
    currency sign starts the amount it stands before ("Revenues $ 44,538" is a label and an amount, and in
    "44,538 $" the sign belongs to the next amount); a lone "%" or ")" joins the figure before it."""
    pattern = re.compile(_FIELD.pattern % (config.PDF_TABLE_COLUMN_GAP - 1))
    found = []
    for match in pattern.finditer(line):
        cuts = [match.start(), *(match.start() + m.start() for m in _SIGN_SPLIT.finditer(match.group())), match.end()]
        for a, b in zip(cuts, cuts[1:]):
            text = line[a:b].rstrip()
            if text:
                found.append(_Field(a, a + len(text), text))
    merged: list[_Field] = []
    for current in found:
        if merged and (merged[-1].text in _CURRENCY or current.text in _CLOSING):
            previous = merged.pop()
            glue = "" if current.text in _CLOSING else " "
            current = _Field(previous.start, current.end, previous.text + glue + current.text)
        merged.append(current)
    return merged


def _is_row(fields: list[_Field]) -> bool:
    """A data row: a cell after the first holds a figure (the first may be the row's label or a figure)."""
    return len(fields) >= 2 and any(is_figure(f.text) for f in fields[1:])


def find_tables(layout: str) -> list[Table]:
    """The tables of a page's layout text, top to bottom."""
    lines = layout.split("\n")
    fields = [_fields(line) for line in lines]
    tables: list[Table] = []
    i = 0
    while i < len(lines):
        if not _is_row(fields[i]):
            i += 1
            continue
        rows = _body(fields, i, tables[-1].last_line + 1 if tables else 0)
        i = rows[-1] + 1
        data = [n for n in rows if _is_row(fields[n])]
        table = _build(fields, rows, data, tables[-1].last_line + 1 if tables else 0)
        if table is not None and (len(data) >= config.PDF_TABLE_MIN_ROWS or table.has_header):
            tables.append(table)
    return tables


def _label_area_end(fields: list[list[_Field]], data: list[int]) -> int:
    """Where the figure columns begin: the leftmost start of a data row's first figure (a label cut in two by
    a wide space stays a label)."""
    return min(next(f.start for f in fields[n] if is_figure(f.text)) for n in data)


def _body(fields: list[list[_Field]], first: int, floor: int) -> list[int]:
    """The lines of the table whose first data row is `first`: data rows, and the label-only lines (a single
    cell left of the figures) that lead into a data row, at most PDF_TABLE_MAX_LABEL_LINES in a row."""
    rows = [first]
    labels: list[int] = []
    limit = _label_area_end(fields, [first])
    n = first + 1
    while n < len(fields):
        line = fields[n]
        if not line:
            n += 1
            continue
        if _is_row(line):
            rows.extend(labels)
            labels = []
            rows.append(n)
            limit = min(limit, _label_area_end(fields, [n]))
        elif _label_only(line, limit) and len(labels) < config.PDF_TABLE_MAX_LABEL_LINES:
            labels.append(n)
        else:
            break
        n += 1
    # label-only lines just above the first data row ("Assets", "Current assets:") open the body
    leading: list[int] = []
    n = first - 1
    while n >= floor and len(leading) < config.PDF_TABLE_MAX_LABEL_LINES:
        line = fields[n]
        if line and not _label_only(line, limit):
            break
        if line:
            leading.append(n)
        n -= 1
    return sorted(leading) + rows


def _label_only(line: list[_Field], figures_start: int) -> bool:
    """A line of one cell that ends before the figures begin ("Current assets:"); running text reaches over."""
    return len(line) == 1 and line[0].end <= figures_start


def _build(fields: list[list[_Field]], rows: list[int], data: list[int], floor: int) -> Table | None:
    """The table of those lines: columns from the data rows' cells, header from the lines above."""
    label_end = _label_area_end(fields, data)
    split = {n: _split_row(fields[n], label_end) for n in rows}
    widest = max((split[n][1] for n in data), key=len)
    columns = _columns(widest, [split[n][1] for n in data])
    if not columns:
        return None
    body = [_cells(*split[n], columns, widest) for n in rows]
    used = [c for c in range(len(columns)) if any(row[c + 1] for row in body)]
    body = [[row[0], *(row[c + 1] for c in used)] for row in body]
    columns = [columns[c] for c in used]
    header_lines = _header_lines(fields, rows[0], label_end, floor)
    table = Table(first_line=(header_lines or rows)[0], last_line=rows[-1])
    if header_lines:
        labels_end = max((f.end for n in rows for f in fields[n] if f.start < label_end and not is_figure(f.text)),
                         default=label_end)
        table.rows.append(_header(fields, header_lines, columns, (labels_end, label_end)))
        table.has_header = True
    table.rows.extend(body)
    return table


def _split_row(line: list[_Field], label_end: int) -> tuple[str, list[_Field]]:
    """A line's label (its cells left of the figure columns, and text cut from it by a wide space) and the
    cells that stand in the figure columns."""
    label, values = [], []
    for cell in line:
        if cell.end <= label_end or (cell.start < label_end and not is_figure(cell.text)):
            label.append(cell.text)
        else:
            values.append(cell)
    return " ".join(label), values


def _columns(widest: list[_Field], rows: list[list[_Field]]) -> list[tuple[int, int]]:
    """Character ranges of the figure columns: the cells of the row with the most of them, and the cells of
    other rows that stand apart from all of those (a column that row leaves empty), left to right."""
    columns = [(f.start, f.end) for f in widest]
    for row in rows:
        if len(row) == len(widest):
            continue
        for cell in row:
            if _column_of(cell, columns, strict=True) is None:
                columns.append((cell.start, cell.end))
    return sorted(columns)


def _column_of(cell: _Field, columns: list[tuple[int, int]], strict: bool = False) -> int | None:
    """The column a cell stands in: the one it overlaps most, else the nearest (None when `strict` and it is
    PDF_TABLE_COLUMN_GAP or more away from every column: a column of its own)."""
    def distance(c: int) -> tuple[int, int]:
        lo, hi = columns[c]
        overlap = min(hi, cell.end) - max(lo, cell.start)
        return (0, -overlap) if overlap > 0 else (1, max(lo - cell.end, cell.start - hi))
    best = min(range(len(columns)), key=distance)
    kind, gap = distance(best)
    return None if strict and kind and gap >= config.PDF_TABLE_COLUMN_GAP else best


def _cells(label: str, values: list[_Field], columns: list[tuple[int, int]], widest: list[_Field]) -> list[str]:
    """A body line as cells: its label, then one cell a column. A row with as many figures as the widest row
    fills the widest row's columns in order (figures of some rows stand off the others' alignment, as a
    "(6)" whose bracket hangs right of "2,777"); other rows fill the columns their cells stand in."""
    cells = [label] + [""] * len(columns)
    if len(values) == len(widest):
        slots = [columns.index((f.start, f.end)) for f in widest]
    else:
        slots = [_column_of(cell, columns) for cell in values]
    for slot, cell in zip(slots, values):
        cells[slot + 1] = f"{cells[slot + 1]} {cell.text}".strip()
    return cells


def _header_lines(fields: list[list[_Field]], first: int, label_end: int, floor: int) -> list[int]:
    """The lines just above the table's first line that head its columns: non-blank lines with a cell over the
    figure columns, at most PDF_TABLE_MAX_HEADER_LINES, stopping at anything else (a title, a paragraph)."""
    found: list[int] = []
    n = first - 1
    while n >= floor and len(found) < config.PDF_TABLE_MAX_HEADER_LINES:
        line = fields[n]
        if line:
            if _is_row(line) or not any(f.end > label_end for f in line) or _prose(line, label_end):
                break
            found.append(n)
        n -= 1
    return sorted(found)


def _prose(line: list[_Field], label_end: int) -> bool:
    """A line of running text: one cell that starts left of the figures and runs on across them."""
    return len(line) == 1 and line[0].start < label_end and line[0].end > label_end


def _header(fields: list[list[_Field]], lines: list[int], columns: list[tuple[int, int]],
            label_area: tuple[int, int]) -> list[str]:
    """One header row from the header lines, each column's words joined top to bottom, every word as often as
    the page prints it ("Three Months Ended July 29, 2023" | "July 30, 2022" | "Six Months Ended July 29,
    2023" | "July 30, 2022"): quotes stay the page's words in the page's order. In each line, the
    cells that start where the labels stand and end before the figures head the label column (`label_area`:
    where the longest label ends, where the figures begin); a line with a cell for every column heads them in
    order, a line of one cell heads them all ("Fiscal Years Ended January 31,"), and otherwise a cell heads
    the columns whose share of the line it stands in, and those it is the nearest cell to, no further away
    than its own width ("Six Months Ended" over the two columns it is centred on, "Packaging" under "Rigid"
    only that one)."""
    header = [""] * (len(columns) + 1)
    bounds = [(columns[c][1] + columns[c + 1][0]) / 2 for c in range(len(columns) - 1)]
    slots = list(zip([float("-inf"), *bounds], [*bounds, float("inf")]))
    labels_end, label_end = label_area
    for n in lines:
        label = [f for f in fields[n] if f.start < labels_end and f.end <= label_end]
        over = [f for f in fields[n] if f not in label]
        header[0] = " ".join([header[0], *(f.text for f in label)]).strip()
        named: set[int] = set()  # a cell heading several columns is written once, over the first of them
        for c in range(len(columns)):
            if len(over) == len(columns):
                heads = [over[c]]
            elif len(over) == 1:
                heads = over
            else:
                heads = [f for f in over if f.start < slots[c][1] and slots[c][0] < f.end
                         or f is _nearest(over, columns[c]) and _gap(f, columns[c]) <= f.end - f.start]
            heads = [f for f in heads if f.start not in named]
            named.update(f.start for f in heads)
            header[c + 1] = " ".join([header[c + 1], *(f.text for f in heads)]).strip()
    return header


def _gap(cell: _Field, column: tuple[int, int]) -> int:
    return max(column[0] - cell.end, cell.start - column[1], 0)


def _nearest(cells: list[_Field], column: tuple[int, int]) -> _Field:
    return min(cells, key=lambda f: _gap(f, column))


def with_tables(plain: str, layout: str) -> tuple[str, int]:
    """The page's plain text with each table found in its layout text put in place of the words it covers;
    and how many tables were put in. A table whose words the plain text does not hold in the same order (at
    least PDF_TABLE_MIN_AGREEMENT of them, with no more than that share of other words between) is skipped."""
    tables = find_tables(layout)
    if not tables:
        return plain, 0
    lines = layout.split("\n")
    layout_words: list[str] = []
    word_line: list[int] = []
    for n, line in enumerate(lines):
        for word in _WORD.findall(line.lower()):
            layout_words.append(word)
            word_line.append(n)
    plain_spans = [(m.start(), m.end()) for m in _WORD.finditer(plain)]
    plain_words = [plain[a:b].lower() for a, b in plain_spans]
    matcher = SequenceMatcher(None, plain_words, layout_words, autojunk=False)
    to_plain: dict[int, int] = {}
    for a, b, size in matcher.get_matching_blocks():
        for k in range(size):
            to_plain[b + k] = a + k
    replacements: list[tuple[int, int, str]] = []
    for table in tables:
        mine = [k for k, n in enumerate(word_line) if table.first_line <= n <= table.last_line]
        matched = sorted(to_plain[k] for k in mine if k in to_plain)
        if not mine or len(matched) < config.PDF_TABLE_MIN_AGREEMENT * len(mine):
            continue
        first, last = matched[0], matched[-1]
        if len(matched) < config.PDF_TABLE_MIN_AGREEMENT * (last - first + 1):
            continue  # other words of the page lie between the table's: the plain text mixed them
        replacements.append((plain_spans[first][0], plain_spans[last][1], table.text))
    text = plain
    for start, end, table_block in sorted(replacements, reverse=True):
        start = _widen(text, start, -1)
        end = _widen(text, end, 1)
        before, after = text[:start].rstrip(" \t"), text[end:].lstrip(" \t")
        text = f"{before}{_break(before, 1)}{table_block}{_break(after, 0)}{after}"
    return text, len(replacements)


_CLOSERS = re.compile(r"[^\w\s]*")


def _widen(text: str, position: int, direction: int) -> int:
    """A table's span widened over the symbols next to its first or last word ("$", "(", ")", "%")."""
    if direction > 0:
        return _CLOSERS.match(text, position).end()
    while position > 0 and not text[position - 1].isspace() and not text[position - 1].isalnum():
        position -= 1
    return position


def _break(side: str, before: int) -> str:
    """The line break between a table and the text beside it ("" at the page's start or end)."""
    if not side:
        return ""
    return "" if (side.endswith("\n") if before else side.startswith("\n")) else "\n"
