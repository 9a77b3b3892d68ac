"""Declarations of interest: registers of interests laid out as tables (a person's name, role and
organisation, a column per category of interest, the date of declaration), and interests declared at a
meeting ("Jane Smith declared an interest in item 7 as ...").

A register cell often lists several interests, numbered ("1. Director of X (2019 - ongoing) 2. ..."); each
becomes an entry with the span it gives. "Nothing to declare", "None", "Nil" and "N/A" are nil returns.
"""

from __future__ import annotations

import re

from ..ingest.metadata import parse_date
from ..people import name_and_role
from .layout import Cell, Context, Table, find_tables
from .model import Interest

_INTEREST = re.compile(r"\binterests?\b", re.IGNORECASE)
_NOT_CATEGORY = re.compile(r"\b(?:action|mitigat|date|declar\w+\s+of|managed)\w*", re.IGNORECASE)
_NAME_COL = re.compile(r"^(?:(?:full\s+)?name|member|individual|person|declarant)\b", re.IGNORECASE)
_FORENAME = re.compile(r"\b(?:forename|first\s+name|given\s+name)\b", re.IGNORECASE)
_SURNAME = re.compile(r"\b(?:surname|last\s+name|family\s+name)\b", re.IGNORECASE)
_TITLE = re.compile(r"^title$", re.IGNORECASE)
_ROLE = re.compile(r"\b(?:role|position|job\s+title|post|designation)\b", re.IGNORECASE)
_ORG = re.compile(r"\b(?:organisation|organization|employer|body)\b", re.IGNORECASE)
_DATE = re.compile(r"\bdate\b", re.IGNORECASE)
_NIL = re.compile(r"^\s*(?:nothing\s+to\s+declare|none(?:\s+declared)?|nil(?:\s+return)?|n/?a|no\s+interests?"
                  r"(?:\s+declared)?|-)\s*\.?\s*$", re.IGNORECASE)
_NUMBERED = re.compile(r"(?:^|(?<=[\s.;)]))(\d{1,2})[.)]\s+(?=\S)")
_SPAN = re.compile(r"\(([^()]*(?:\b(?:19|20)\d\d\b|ongoing|present|current)[^()]*)\)\s*\.?\s*$", re.IGNORECASE)
_CATEGORY_NUMBER = re.compile(r"^\s*\d{1,2}[.)]\s*")
_DECLARED = re.compile(r"\b((?:(?:Dr|Mr|Mrs|Ms|Prof|Cllr)\.?\s+)?[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+){0,2})\s+"
                       r"(?:declared|declares|noted)\s+(?:an?\s+|their\s+|his\s+|her\s+)?(?:\w+\s+)?interests?\b"
                       r"([^.\n]*)")


def extract_interests(ctx: Context, definitions: dict[str, str]) -> tuple[list[Interest], list[str]]:
    found: list[Interest] = []
    notes: list[str] = []
    for table in find_tables(ctx.lines, _is_register_header):
        rows = [i for row in table.rows for i in _register_row(ctx, table, row)]
        if table.rows and not rows:
            notes.append(f"a register of interests ({ctx.item_at(table.header_line.start) or 'untitled'}) "
                         "has no readable rows")
        found += rows
    found += _declared_at_meetings(ctx, definitions)
    return found, notes


def _is_register_header(names: list[str]) -> bool:
    filled = [n for n in names if n]
    if len(filled) < 3:
        return False
    named = any(_NAME_COL.search(n) for n in filled) or any(_SURNAME.search(n) for n in filled)
    return (named and any(_INTEREST.search(n) and not _NOT_CATEGORY.search(n) for n in filled)
            and not any(parse_date(n) for n in filled))


def _register_row(ctx: Context, table: Table, row) -> list[Interest]:
    cells = row.cells()

    def text(col: int | None) -> str:
        return cells[col].text if col is not None and col < len(cells) else ""

    person = _person(table, cells)
    if not person:
        return []
    role, org = text(table.column(_ROLE)), text(table.column(_ORG))
    declared = parse_date(text(table.column(_DATE)))
    register = _register_title(ctx, table)
    common = {"person": person, "role": role, "organisation": org,
              "declared": declared.isoformat() if declared else None, "register": register}
    out: list[Interest] = []
    for col, name in enumerate(table.header):
        if not name or not _INTEREST.search(name) or _NOT_CATEGORY.search(name) or col >= len(cells):
            continue
        cell = cells[col]
        if not cell.text or _NIL.match(cell.text):
            continue
        category = _CATEGORY_NUMBER.sub("", name)
        for start, end in _items(ctx.text, cell):
            item = " ".join(ctx.text[start:end].split())
            span = _SPAN.search(item)
            out.append(Interest(**common, category=category, interest=item, period=span.group(1).strip() if span else "",
                                source=ctx.source(start, end)))
    if not out:  # a nil return: the person declared nothing
        first = next(c for c in cells if c.text)
        last = [c for c in cells if c.text][-1]
        out.append(Interest(**common, category="", interest="", period="", source=ctx.source(first.start, last.end)))
    return out


def _person(table: Table, cells: list[Cell]) -> str:
    def text(col: int | None) -> str:
        return cells[col].text if col is not None and col < len(cells) else ""

    fore, sur = text(table.column(_FORENAME)), text(table.column(_SURNAME))
    if sur:
        return " ".join(f"{fore} {sur}".split())
    return name_and_role(text(table.column(_NAME_COL)))[0]


def _items(text: str, cell: Cell) -> list[tuple[int, int]]:
    """The numbered interests of a cell ("1. ... 2. ..."), or the whole cell."""
    body = text[cell.start:cell.end]
    marks = [m for m in _NUMBERED.finditer(body)]
    expected = [m for i, m in enumerate(marks) if int(m.group(1)) == i + 1]
    if len(expected) < 1 or expected[0].start() > 3:
        return [(cell.start, cell.end)]
    bounds = [m.end() for m in expected] + [len(body)]
    starts = [m.start() for m in expected[1:]] + [len(body)]
    return [(cell.start + a, cell.start + len(body[:b].rstrip())) for a, b in zip(bounds, starts)]


def _register_title(ctx: Context, table: Table) -> str:
    paper = ctx.meeting_at(table.header_line.start)
    return paper.name if paper.name != ctx.document.title or not table.heading else table.heading


def _declared_at_meetings(ctx: Context, definitions: dict[str, str]) -> list[Interest]:
    found = []
    for line in ctx.lines:
        if "interest" not in line.text:
            continue
        for m in _DECLARED.finditer(line.text):
            who = m.group(1)
            person = definitions.get(who, name_and_role(who)[0] or who)
            if not (person and (person != who or name_and_role(who)[0])):
                continue
            start = line.start + m.start()
            end = line.text.find(".", m.end())
            end = line.start + (end + 1 if end != -1 else len(line.text))
            meeting = ctx.meeting_at(start)
            found.append(Interest(person=person, role="", organisation="", category="declared at the meeting",
                                  interest=" ".join(ctx.text[start:end].split()), declared=meeting.date, period="",
                                  register=meeting.name, source=ctx.source(start, end)))
    return found
