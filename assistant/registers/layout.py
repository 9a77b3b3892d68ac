"""Where things stand in a paper: lines, tab-separated tables, the meeting and item around an offset, and
the citation (Source) of a span. The readers keep tables as tab-separated rows (Word tables, and text
converted from PDFs), so a register laid out as a table is a header row and the rows below it.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from ..ingest.metadata import parse_date
from ..types import ParsedDocument, Section
from .model import Meeting, Source

_ENC_PREFIX = re.compile(r"^(?:Enc(?:losure)?|Paper|Appendix)\.?\s*(?:No\.?\s*)?[A-Z]?\d{1,3}[a-z]?\s+", re.IGNORECASE)
_OPENING_CHARS = 600  # where a paper's own date is looked for when its title has none
MAX_BLANKS_IN_TABLE = 2  # blank lines a table may run across (a page break between its rows)
MAX_LINES_BETWEEN_ROWS = 3  # lines without cells a table may run across (a running header; rows emptied by a converter)


@dataclass(frozen=True)
class Cell:
    start: int
    end: int
    text: str  # stripped


@dataclass(frozen=True)
class Line:
    start: int
    end: int
    text: str

    @property
    def is_row(self) -> bool:
        return "\t" in self.text

    def cells(self) -> list[Cell]:
        """Every cell of a tab-separated line (empty ones too), with its stripped span."""
        return self._cells

    @cached_property
    def _cells(self) -> list[Cell]:
        out, pos = [], self.start
        for raw in self.text.split("\t"):
            lead = len(raw) - len(raw.lstrip())
            body = raw.strip()
            out.append(Cell(pos + lead, pos + lead + len(body), body))
            pos += len(raw) + 1
        return out


def lines(text: str) -> list[Line]:
    out, pos = [], 0
    for raw in text.split("\n"):
        out.append(Line(pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return out


@dataclass
class Table:
    header: list[str]  # header cell texts by column
    header_line: Line
    heading: str  # the text lines just above the header ("CLOSED Actions", "Register of interests")
    rows: list[Line] = field(default_factory=list)

    def column(self, pattern: re.Pattern, exclude: re.Pattern | None = None) -> int | None:
        """The first column whose header matches `pattern` (and not `exclude`)."""
        for i, name in enumerate(self.header):
            if name and pattern.search(name) and not (exclude and exclude.search(name)):
                return i
        return None


def find_tables(all_lines: list[Line], is_header: Callable[[list[str]], bool]) -> list[Table]:
    """Tables whose header row `is_header` accepts, with the rows below it (the header repeated on a later
    page is skipped; blank lines between rows are allowed; a line of prose ends the table)."""
    found: list[Table] = []
    current: Table | None = None
    blanks = prose = 0
    above: list[str] = []
    for line in all_lines:
        if not line.text.strip():
            blanks += 1
            if current and blanks > MAX_BLANKS_IN_TABLE:
                current = None
            continue
        blanks = 0
        if line.is_row:
            names = [c.text for c in line.cells()]
            if current and _same_header(names, current.header):
                prose = 0
                continue
            if is_header(names):
                current = Table(names, line, " ".join(above[-2:]))
                found.append(current)
                prose = 0
                continue
            if current:
                current.rows.append(line)
                prose = 0
            continue
        prose += 1
        if prose > MAX_LINES_BETWEEN_ROWS:  # a page's running header between rows does not end a table
            current = None
        above.append(line.text.strip())
    return found


def _same_header(names: list[str], header: list[str]) -> bool:
    return [n for n in names if n] == [h for h in header if h]


class Context:
    """A parsed document seen by the extractors: sections, pages, meetings and citations of spans."""

    def __init__(self, parsed: ParsedDocument):
        self.parsed = parsed
        self.text = parsed.text
        self.document = parsed.document
        self._starts = [s.char_start for s in parsed.sections]
        self.lines = lines(self.text)  # computed once: every extractor walks them
        self._meetings: dict[tuple[str, ...], Meeting] = {}

    def section_at(self, offset: int) -> Section | None:
        i = bisect.bisect_right(self._starts, offset) - 1
        return self.parsed.sections[i] if i >= 0 else None

    def source(self, start: int, end: int) -> Source:
        """The citation of text[start:end], trimmed of surrounding blanks."""
        body = self.text[start:end]
        start += len(body) - len(body.lstrip())
        end -= len(body) - len(body.rstrip())
        section = self.section_at(start)
        pages = self.parsed.page_offsets
        first = last = None
        if pages:
            first = bisect.bisect_right(pages, start)
            last = bisect.bisect_right(pages, max(start, end - 1))
        return Source(self.document.doc_id, section.path if section else (), first, last, start, end,
                      self.text[start:end])

    def meeting_at(self, offset: int) -> Meeting:
        """The meeting whose record holds `offset`: in a pack, the paper (its title and date, or the date in
        its opening lines); otherwise the document itself."""
        section = self.section_at(offset)
        doc = self.document
        own = Meeting(doc.title, doc.date.isoformat() if doc.date else None)
        if doc.kind != "meeting pack" or section is None or not section.path or section.path[0] == "Agenda":
            return own
        top = section.path[:1]
        if top not in self._meetings:
            label = _ENC_PREFIX.sub("", top[0])
            start = next(s.char_start for s in self.parsed.sections if s.path[:1] == top)
            date = parse_date(label) or parse_date(self.text[start:start + _OPENING_CHARS]) or doc.date
            self._meetings[top] = Meeting(label, date.isoformat() if date else None)
        return self._meetings[top]

    def item_at(self, offset: int) -> str:
        """The minute item or report section holding `offset` ("6. Action Log"), "" at a paper's top."""
        section = self.section_at(offset)
        if section is None or not section.path:
            return ""
        if self.document.kind == "meeting pack":
            return section.path[1] if len(section.path) > 1 else ""
        if len(section.path) == 1 and self.document.title.startswith(section.path[0].rstrip("…")):
            return ""  # the paper's own title, not an item
        return section.path[-1]
