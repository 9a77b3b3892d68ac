"""Actions: the action logs (tables with an action, an owner and a due date) and the actions minuted at a
meeting (an "Action" column holding the owner's initials beside the minute, or "ACTION: HJ to ...").

A log's columns are recognised by their headers (reference, meeting date, item, action, owner or lead, due
date, update or progress, status), never by their position. The status is the log's own status column,
else the last status word of the update ("... COMPLETE"), else the heading above the table ("Closed
actions"), else open.
"""

from __future__ import annotations

import re

from ..ingest.metadata import parse_date
from ..people import is_initials, name_and_role, owners
from ..sentences import sentence_spans
from .layout import Cell, Context, Table, find_tables
from .model import Action

_ACTION = re.compile(r"\baction(?:s)?\b(?!\s*(?:status|taken|plan))|\bdescription\b", re.IGNORECASE)
_OWNER = re.compile(r"\b(?:owner|lead|responsib\w*|by\s+whom|who|assigned|officer|action\s+by)\b", re.IGNORECASE)
_DUE = re.compile(r"\b(?:due|deadline|by\s+when|target\s+date|completion\s+date|date\s+due|timescale)\b", re.IGNORECASE)
_REF = re.compile(r"^(?:ref(?:erence)?|no\.?|number|id|action\s+(?:no|ref)\w*\.?)\b", re.IGNORECASE)
_MEETING_DATE = re.compile(r"\b(?:meeting\s+date|date\s+(?:of\s+meeting|raised|added|opened)|raised)\b", re.IGNORECASE)
_ITEM = re.compile(r"\b(?:agenda\s+item|item|minute(?:\s+ref\w*)?|subject|topic)\b", re.IGNORECASE)
_ITEM_NO = re.compile(r"\b(?:agenda\s+no|item\s+no|minute\s+no)\w*\.?\b", re.IGNORECASE)
_UPDATE = re.compile(r"\b(?:update|outcome|progress|comment|notes?)\b", re.IGNORECASE)
_STATUS = re.compile(r"^(?:status|rag|rag\s+status|open\s*/\s*closed)\b", re.IGNORECASE)
_STATUS_WORD = re.compile(r"\b(COMPLETED?|CLOSED|DONE|OPEN|ONGOING|IN\s+PROGRESS|OVERDUE|Completed?|Closed|Open|"
                          r"Ongoing|In\s+progress|Overdue|Done)\b")
_STATUS_OF = {"complete": "complete", "completed": "complete", "done": "complete", "closed": "closed",
              "open": "open", "ongoing": "open", "in progress": "open", "overdue": "open"}
_CLOSED_HEADING = re.compile(r"\b(closed|completed)\b", re.IGNORECASE)
_MINUTED = re.compile(r"\bACTIONS?\s*[:\-–]\s*((?:[A-Z][A-Za-z\-]{1,5})(?:\s*(?:/|,|&|and)\s*[A-Z][A-Za-z\-]{1,5})*)\s+"
                      r"(?:to\s+)?(.+)")
_COMMITS = re.compile(r"\b(?:agreed|undertook|offered)\s+to\b|\bwill\s+(?:provide|bring|review|circulate|share|"
                      r"update|present|respond|write|follow|obtain|report|confirm|liaise|arrange|make\s+sure|ensure|"
                      r"discuss|forward|raise|send|contact|check|look\s+into|pick\s+up|take\s+forward)\b|\baction\s*:",
                      re.IGNORECASE)
_MINUTE_LABEL = re.compile(r"(?:agenda\s+)?(?:item|no\.?|number|ref\.?|minutes?|discussion|subject|notes?|"
                           r"minute\s+(?:no\.?|ref\.?))", re.IGNORECASE)
_CONTINUES = re.compile(r"^\W*(?:She|He|They)\b")  # a sentence that goes on about the person the one before named
HEADER_LABEL_CHARS = 60  # a header's action, owner and due-date labels are at most this long
_BY_DATE = re.compile(r"\b(?:by|before|due)\s+(.{6,30})$")


def extract_actions(ctx: Context, definitions: dict[str, str]) -> tuple[list[Action], list[str]]:
    """Actions of the document, and notes on action logs that could not be read."""
    found: list[Action] = []
    notes: list[str] = []
    for table in find_tables(ctx.lines, _is_log_header):
        rows = [a for row in table.rows if (a := _log_row(ctx, table, row, definitions))]
        if not _owned_by_people(rows):
            continue
        found += rows
        if not rows:
            notes.append(f"an action log ({ctx.item_at(table.header_line.start) or 'untitled'}) has no readable rows")
    found += _minutes_column(ctx, definitions)
    found += _minuted_lines(ctx, definitions)
    return _unique(found), notes


def _is_log_header(names: list[str]) -> bool:
    """A header row: three or more labels, one naming the action and one the owner or the due date (labels
    are short and hold no dates, unlike a data row that happens to say "action" or "officer")."""
    filled = [n for n in names if n]
    if len(filled) < 3:
        return False
    short = [n for n in filled if len(n) <= HEADER_LABEL_CHARS]
    has_action = any(_ACTION.search(n) for n in short)
    return (has_action and (any(_OWNER.search(n) for n in short) or any(_DUE.search(n) for n in short))
            and not any(parse_date(n) for n in filled))


def _owned_by_people(actions: list[Action]) -> bool:
    """An action log assigns actions to people (initials or names); a risk register's action plan assigns
    them to posts ("Chief Finance Officer") and is not a log of meetings' actions."""
    owned = [a for a in actions if a.owner]
    people = [a for a in owned if all(is_initials(p) or name_and_role(p)[0] for p in _parts(a.owner))]
    return not owned or len(people) * 2 >= len(owned)


def _parts(owner: str) -> list[str]:
    return [p for p in re.split(r"\s*(?:/|,|&|\band\b)\s*", owner.strip()) if p]


def _log_row(ctx: Context, table: Table, row, definitions: dict[str, str]) -> Action | None:
    cells = row.cells()

    def cell(col: int | None) -> Cell | None:
        return cells[col] if col is not None and col < len(cells) and cells[col].text else None

    action_col = table.column(_ACTION, exclude=re.compile(r"\b(?:no|ref|date|status|owner|by)\b", re.IGNORECASE))
    text = cell(action_col)
    if text is None or sum(ch.isalpha() for ch in text.text) < 8:
        return None
    owner = cell(table.column(_OWNER, exclude=_DUE))
    due = cell(table.column(_DUE))
    ref = cell(table.column(_REF))
    raised = cell(table.column(_MEETING_DATE))
    item = cell(table.column(_ITEM, exclude=_ITEM_NO))
    update = cell(table.column(_UPDATE))
    status_cell = cell(table.column(_STATUS))
    status = _status(status_cell.text if status_cell else "", update.text if update else "", table.heading)
    due_date = parse_date(due.text) if due else None
    raised_date = parse_date(raised.text) if raised else None
    filled = [c for c in cells if c.text]
    return Action(
        meeting=ctx.meeting_at(row.start), reference=ref.text if ref else "",
        raised_at=raised_date.isoformat() if raised_date else (raised.text if raised else ""),
        item=item.text if item else "", text=" ".join(text.text.split()),
        owner=owner.text if owner else "", owners=owners(owner.text, definitions) if owner else (),
        due=due_date.isoformat() if due_date else None, update=" ".join(update.text.split()) if update else "",
        status=status, source=ctx.source(filled[0].start, filled[-1].end),
    )


def _status(column: str, update: str, heading: str) -> str:
    for text in (column, update):
        words = _STATUS_WORD.findall(text)
        if words:
            return _STATUS_OF[" ".join(words[-1].lower().split())]
    return "closed" if _CLOSED_HEADING.search(heading) else "open"


def _minutes_column(ctx: Context, definitions: dict[str, str]) -> list[Action]:
    """Minutes kept as a table whose last column, headed "Action", holds the owner of the minute beside it."""
    found = []
    for table in find_tables(ctx.lines, _is_minutes_header):
        col = max(i for i, n in enumerate(table.header) if n)
        for row in _rows_of_paper(ctx, table):
            cells = row.cells()
            if len(cells) <= col or not cells[col].text:
                continue
            groups = _owner_groups(cells[col].text)
            if not groups or not all(is_initials(n) for g in groups for n in _parts(g)):
                continue
            minute = max(cells[:col], key=lambda c: len(c.text))
            for owner, (start, end) in _owned_spans(ctx.text, minute, groups):
                found.append(Action(
                    meeting=ctx.meeting_at(row.start), reference="", raised_at=ctx.meeting_at(row.start).date or "",
                    item=ctx.item_at(row.start), text=" ".join(ctx.text[start:end].split()), owner=owner,
                    owners=owners(owner, definitions), due=None, update="", status="open",
                    source=ctx.source(start, end),
                ))
    return found


def _owner_groups(cell: str) -> list[str]:
    """The actions an "Action" cell assigns, one owner (or joint owners) each: "HJ" -> ["HJ"]; "AB/PS" ->
    ["AB/PS"] (one action, two owners); "HJ HJ" (a cell of two lines) -> ["HJ", "HJ"] (two actions)."""
    joined = re.sub(r"\s*([/,&])\s*", r"\1", cell.strip())
    return re.sub(r"\s+and\s+", "&", joined).split()


def _rows_of_paper(ctx: Context, table: Table):
    """Every row from the header to the end of its paper: minutes kept in a table are often interrupted by
    lines a converter took out of the table (headings, bullet lists)."""
    paper = ctx.section_at(table.header_line.start)
    top = paper.path[:1] if paper else ()
    for line in ctx.lines:
        if line.start <= table.header_line.start:
            continue
        section = ctx.section_at(line.start)
        if section and section.path[:1] != top:
            return
        if line.is_row:
            yield line


def _is_minutes_header(names: list[str]) -> bool:
    """Minutes kept as a table: the last column headed "Action" (or "Action by"), any other header naming the
    item or the minute ("", "Item", "No.", "Minute", "Discussion")."""
    filled = [(i, n) for i, n in enumerate(names) if n]
    if not filled or filled[-1][0] == 0 or not re.fullmatch(r"actions?(?:\s+by)?", filled[-1][1], re.IGNORECASE):
        return False
    return all(_MINUTE_LABEL.fullmatch(n) for _, n in filled[:-1])


def _owned_spans(text: str, minute: Cell, groups: list[str]) -> list[tuple[str, tuple[int, int]]]:
    """Where in the minute each owner's action is written: an owner named N times in the "Action" cell has
    N actions, the last N places where the minute has them commit to something ("HJ agreed to…", or "She
    agreed to…" after a sentence naming HJ), each taken from the sentence that names the owner; else the
    commitments nobody is named in, else what the owner said, else the minute's last sentence."""
    spans = [(minute.start + i, minute.start + j) for i, j in sentence_spans(text[minute.start:minute.end])]
    if not spans:
        return []
    out = []
    for owner in dict.fromkeys(groups):
        wanted = groups.count(owner)
        pattern = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in _parts(owner)) + r")\b")
        runs = _runs(text, spans, pattern)
        committed = [(runs[i], i) for i in range(len(spans)) if runs[i] is not None and _COMMITS.search(text[slice(*spans[i])])]
        promised = [(i, i) for i in range(len(spans)) if runs[i] is None and _COMMITS.search(text[slice(*spans[i])])]
        said = [(i, max(k for k in range(len(spans)) if runs[k] == i)) for i in sorted({r for r in runs if r is not None})]
        chosen: list[tuple[int, int]] = []
        for tier in (committed, promised, said, [(len(spans) - 1, len(spans) - 1)]):
            missing = wanted - len(chosen)
            if missing > 0:
                chosen += [t for t in tier if t not in chosen][-missing:]
        out += [(owner, (spans[a][0], spans[b][1])) for a, b in chosen]
    return sorted(out, key=lambda pair: pair[1])


def _runs(text: str, spans: list[tuple[int, int]], names) -> list[int | None]:
    """For each sentence, the sentence naming the owner that it belongs to: that sentence itself, or the one
    before a run of sentences going on about them ("She added…"); None for a sentence about someone else."""
    runs: list[int | None] = []
    current = None
    for i, (a, b) in enumerate(spans):
        sentence = text[a:b]
        if names.search(sentence):
            current = i
        elif not (_CONTINUES.match(sentence) and current is not None):
            current = None
        runs.append(current)
    return runs


def _minuted_lines(ctx: Context, definitions: dict[str, str]) -> list[Action]:
    """"ACTION: HJ to circulate the revised policy by 30 November 2024" anywhere in the minutes."""
    found = []
    for line in ctx.lines:
        m = _MINUTED.search(line.text)
        if not m:
            continue
        owner, what = m.group(1), m.group(2).strip()
        if not all(is_initials(n) for n in _parts(owner)):
            continue
        by = _BY_DATE.search(what.rstrip(". "))
        due = parse_date(by.group(1)) if by else None
        start = line.start + m.start()
        found.append(Action(
            meeting=ctx.meeting_at(start), reference="", raised_at=ctx.meeting_at(start).date or "",
            item=ctx.item_at(start), text=" ".join(what.split()), owner=owner, owners=owners(owner, definitions),
            due=due.isoformat() if due else None, update="", status="open", source=ctx.source(start, line.end),
        ))
    return found


def _unique(actions: list[Action]) -> list[Action]:
    """A row repeated in the same log (a page break that repeats it) counts once."""
    seen, out = set(), []
    for a in actions:
        key = (a.reference, a.text, a.owner, a.due, a.update)
        if key not in seen:
            seen.add(key)
            out.append(a)
    return out
