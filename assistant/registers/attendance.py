"""Attendance: who was present, who sent apologies, who was in attendance and who represented whom, per
meeting, and whether the meeting was quorate when the papers say so.

Minutes give attendance in a few general forms: labelled lists ("Present:", "Apologies:", "In
attendance:", one person a line or several on the label's line), a sentence ("Apologies were received
from: ... (represented by ...)"), and an attendance record table (members as rows, meeting dates as
columns, a tick for present and "A" for apologies). Names run together by a converter are told apart by
the names the papers define elsewhere ("Megan Nurse (MN)") and by where the role after a name begins.
"""

from __future__ import annotations

import re

from ..ingest.metadata import parse_date
from ..people import name_and_role
from .layout import Context, Line, find_tables
from .model import Attendance, Meeting, Quorum

_LABELS = (
    ("apologies", r"apologies(?:\s+for\s+absence)?(?:\s+(?:were|have\s+been))?(?:\s+received)?(?:\s+from)?"),
    ("in attendance", r"in\s+attendance|also\s+(?:present|attending)|attendees\s+\(non-members\)"),
    ("present", r"(?:members\s+)?present|attendees|members\s+attending"),
    ("absent", r"absent"),
)
_LABEL = re.compile(r"^\s*(?:" + "|".join(f"(?P<s{i}>{p})" for i, (_, p) in enumerate(_LABELS)) + r")\s*(?::|–|-|\t|$)",
                    re.IGNORECASE)
_REPRESENTED = re.compile(r"\(?\s*represented\s+by\s+([^()]+?)\s*(?:\)|$)", re.IGNORECASE)
_PRESENT_MARK = re.compile(r"^(?:✓|✔|☑|☒|Y|Yes|P|Present|Attended)$", re.IGNORECASE)
_APOLOGY_MARK = re.compile(r"^(?:A|Apologies|Apols|Apol)$", re.IGNORECASE)
_NUMBERED = re.compile(r"^\s*\d{1,2}(?:\.\d+)*[.)]?\s")
_QUORATE = re.compile(r"\b(?:was|were|is|being|remained)\s+(not\s+)?quorate\b|\b(inquorate|not\s+quorate)\b|"
                      r"\bquorate\b[^:\t\n]{0,12}[:\t?]\s*(yes|no|y|n)\b", re.IGNORECASE)
MAX_LIST_LINES = 60


def extract_attendance(ctx: Context, known: list[str]) -> tuple[list[Attendance], list[Quorum]]:
    """`known`: names the papers define, used to tell apart names that a converter ran together."""
    found = _labelled(ctx, known) + _record_tables(ctx)
    return _merge(found), _quorums(ctx)


# -- labelled lists and sentences --------------------------------------------------------------------------

def _labelled(ctx: Context, known: list[str]) -> list[Attendance]:
    found: list[Attendance] = []
    all_lines = ctx.lines
    for n, line in enumerate(all_lines):
        for cell_start, cell_text in _cells(line):
            m = _LABEL.match(cell_text)
            if not m:
                continue
            status = next(_LABELS[i][0] for i in range(len(_LABELS)) if m.group(f"s{i}"))
            rest_start = cell_start + m.end()
            rest = ctx.text[rest_start:cell_start + len(cell_text)]
            if rest.strip(" :\t"):
                found += _people_in(ctx, rest_start, rest_start + len(rest), status, known)
            else:
                found += _people_below(ctx, all_lines[n + 1:], status, known)
    return found


def _cells(line: Line) -> list[tuple[int, str]]:
    if not line.is_row:
        return [(line.start, line.text)]
    return [(c.start, c.text) for c in line.cells() if c.text]


def _people_below(ctx: Context, following: list[Line], status: str, known: list[str]) -> list[Attendance]:
    """One person a line under a label, until a blank line, another label or a numbered item."""
    found: list[Attendance] = []
    for line in following[:MAX_LIST_LINES]:
        text = line.text.strip()
        if not text:
            continue  # list items may stand a blank line apart; a line without a name ends the list
        if _LABEL.match(text) or _NUMBERED.match(text):
            break
        first = line.cells()[0] if line.is_row else None
        if first is not None and not first.text:
            break
        start = first.start if first is not None else line.start
        end = first.end if first is not None else line.end
        people = _people_in(ctx, start, end, status, known)
        if not people:
            break
        found += people
    return found


def _people_in(ctx: Context, start: int, end: int, status: str, known: list[str]) -> list[Attendance]:
    """The people named in text[start:end], each with their role and who represented them."""
    text = ctx.text[start:end]
    spans = _known_spans(text, known) or _separated_spans(text)
    out = []
    for a, b in spans:
        segment = text[a:b]
        rep = _REPRESENTED.search(segment)
        plain = segment[:rep.start()] if rep else segment
        person, role = name_and_role(plain)
        if not person:
            continue
        by = tuple(_names(rep.group(1))) if rep else ()
        meeting = ctx.meeting_at(start + a)
        out.append(Attendance(meeting, person, role.strip(" ,;."), status, by, ctx.source(start + a, start + b)))
    return out


def _known_spans(text: str, known: list[str]) -> list[tuple[int, int]]:
    """Segments starting at each known name (names inside "(represented by ...)" excepted)."""
    inside = [(m.start(), m.end()) for m in _REPRESENTED.finditer(text)]
    starts = set()
    for name in known:
        for m in re.finditer(rf"(?:(?:Dr|Mr|Mrs|Ms|Prof|Cllr)\.?\s+)?\b{re.escape(name)}\b", text):
            if not any(a <= m.start() < b for a, b in inside):
                starts.add(m.start())
    if not starts:
        return []
    ordered = sorted(starts)
    return [(a, b) for a, b in zip(ordered, ordered[1:] + [len(text)])]


def _separated_spans(text: str) -> list[tuple[int, int]]:
    """Segments split at semicolons, or at commas when every piece starts with a name."""
    for sep in (";", ","):
        pieces = [m.span() for m in re.finditer(rf"[^{sep}]+", text)]
        if len(pieces) > 1 and (sep == ";" or all(name_and_role(text[a:b])[0] for a, b in pieces)):
            return pieces
    return [(0, len(text))] if text.strip() else []


def _names(text: str) -> list[str]:
    return [name_and_role(p)[0] or p.strip() for p in re.split(r"\s*(?:,|&|\band\b)\s*", text) if p.strip()]


# -- attendance record tables ------------------------------------------------------------------------------

def _is_record_header(names: list[str]) -> bool:
    dates = [n for n in names if re.fullmatch(r"\d{1,2}[/.]\d{1,2}[/.]\d{2,4}", n)]
    return len(dates) >= 3


def _record_tables(ctx: Context) -> list[Attendance]:
    found: list[Attendance] = []
    for table in find_tables(ctx.lines, _is_record_header):
        meeting = ctx.meeting_at(table.header_line.start)
        dates = [parse_date(n) if n else None for n in table.header]
        column = next((i for i, d in enumerate(dates) if d and meeting.date and d.isoformat() == meeting.date), None)
        if column is None:
            continue
        marked = [[(i, c) for i, c in enumerate(row.cells()) if i > 0 and _mark(c.text)] for row in table.rows]
        # Converters drop empty cells: when rows hold one mark each, it is this meeting's wherever it landed.
        single = sum(len(m) == 1 for m in marked) >= 0.8 * max(1, sum(bool(m) for m in marked))
        for row, marks in zip(table.rows, marked):
            cells = row.cells()
            cell = next((c for i, c in marks if i == column), None)
            if cell is None and single and len(marks) == 1 and marks[0][0] >= column:
                cell = marks[0][1]
            person, role = name_and_role(cells[0].text)
            if cell is None or not person:
                continue
            found.append(Attendance(meeting, person, role, _mark(cell.text), (), ctx.source(cells[0].start, cell.end)))
    return found


def _mark(text: str) -> str | None:
    if _PRESENT_MARK.match(text):
        return "present"
    if _APOLOGY_MARK.match(text):
        return "apologies"
    return None


# -- merging and quorum -------------------------------------------------------------------------------------

def _merge(found: list[Attendance]) -> list[Attendance]:
    """One entry a person a meeting: a minuted statement ("Apologies ... represented by") over a table tick."""
    out: dict[tuple[Meeting, str], Attendance] = {}
    for a in found:
        key = (a.meeting, _key(a.person))
        if key not in out or (a.represented_by and not out[key].represented_by):
            out[key] = a
    return list(out.values())


def _key(person: str) -> str:
    return " ".join(person.lower().split())


def _quorums(ctx: Context) -> list[Quorum]:
    found = []
    lowered = ctx.text.lower()
    windows, at = [], lowered.find("quorate")
    while at != -1:  # the pattern is tried only around the word, not along the whole paper
        windows.append(max(0, at - 40))
        at = lowered.find("quorate", at + 1)
    matches = {m.start(): m for w in windows for m in [_QUORATE.search(ctx.text, w, w + 120)] if m}
    for m in (matches[k] for k in sorted(matches)):
        negative = bool(m.group(1) or m.group(2) or (m.group(3) or "").lower() in ("no", "n"))
        line_start = ctx.text.rfind("\n", 0, m.start()) + 1
        line_end = ctx.text.find("\n", m.end())
        found.append(Quorum(ctx.meeting_at(m.start()), not negative,
                            ctx.source(line_start, line_end if line_end != -1 else len(ctx.text))))
    return found
