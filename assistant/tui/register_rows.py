"""The registers as rows of the registers screen's tables: pure functions of `Registers`, no Textual, no I/O.

Each row keeps the entry's citation (its document and the `Source` span it was read from), so the screen can
open it in the passage viewer, and the words a text filter matches against.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..labels import date_label, day_label, pages_label
from ..registers.model import Source
from ..types import Document

if TYPE_CHECKING:  # the views import numpy (through people); the chat's first screen does not need them
    from ..registers.views import Registers

CELL_CHARS = 56  # a cell longer than this is cut (with "…"); the detail line under the table shows it whole

# What each tab shows: its key, its title and its columns.
TABS: tuple[tuple[str, str], ...] = (
    ("decisions", "Decisions"),
    ("actions", "Actions"),
    ("attendance", "Attendance"),
    ("interests", "Interests"),
)
COLUMNS: dict[str, tuple[str, ...]] = {
    "decisions": ("Date", "Meeting", "Item", "Decision", "Source"),
    "actions": ("Ref", "Status", "Due", "Owner", "Action", "Latest update", "Source"),
    "attendance": ("Date", "Meeting", "Status", "Person", "Role", "Source"),
    "interests": ("Person", "Role", "Category", "Interest", "Declared", "Source"),
}
ACTION_SCOPES = ("all", "open", "overdue")

# Why a register can come out empty, when no paper's note says more.
EMPTY_REASONS = {
    "decisions": "No paper records a decision (no minute such as \"the Board approved…\", \"AGREED\" or \"RESOLVED\").",
    "actions": "No paper holds an action log the index could read (a table with action and owner or due-date "
               "columns).",
    "attendance": "No minutes list who was present, sent apologies or was in attendance.",
    "interests": "No paper holds a register or declaration of interests the index could read.",
}


@dataclass(frozen=True)
class RegisterRow:
    """One row of a register table: the cells shown, the full text behind them, and the entry's citation."""

    cells: tuple[str, ...]
    detail: str  # the whole entry, uncut, for the line under the table
    source: Source
    document: Document
    status: str = ""  # actions: open, complete or closed
    overdue: bool = False

    @property
    def citation(self) -> str:
        from ..registers.views import citation_label

        return citation_label(self.source, self.document)

    def matches(self, query: str) -> bool:
        """Whether every word of `query` occurs in the row (its cells, full text or paper), case aside."""
        words = _words(query)
        if not words:
            return True
        haystack = " ".join((*self.cells, self.detail, self.document.title, self.document.path)).lower()
        return all(w in haystack for w in words)


def _words(query: str) -> list[str]:
    return [w for w in re.split(r"\s+", query.lower().strip()) if w]


def cut(text: str, limit: int = CELL_CHARS) -> str:
    """One line of at most `limit` characters, cut at a word with "…" when longer."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    return (head.rsplit(" ", 1)[0] if " " in head else head) + "…"


def _where(source: Source, document: Document) -> str:
    """The short place shown in a table: the paper's date, the start of its top section, the pages."""
    section = cut(source.section[0], 26) if source.section else ""
    pages = pages_label(source.page_start, source.page_end, document) if source.page_start is not None else ""
    return " · ".join(x for x in (date_label(document), section, pages) if x)


def decision_rows(registers: Registers) -> list[RegisterRow]:
    rows = []
    for c in registers.decisions(noted=True):  # the verb leads each row, so what was only noted shows as such
        d = c.entry
        decided = f"{d.verb.upper()}: {d.text}" if d.verb else d.text
        rows.append(RegisterRow(
            (day_label(d.meeting.date), cut(d.meeting.name, 40), cut(d.item, 40), cut(decided),
             _where(d.source, c.document)),
            " · ".join(x for x in (d.meeting.name, d.item, decided) if x), d.source, c.document))
    return rows


def action_rows(registers: Registers) -> list[RegisterRow]:
    rows = []
    for r in registers.actions():
        a = r.latest
        status = "overdue" if r.overdue else a.status
        owner = a.owner + (f" ({', '.join(a.owners)})" if a.owners and list(a.owners) != [a.owner] else "")
        history = f" · in {len(r.history)} logs" if len(r.history) > 1 else ""
        detail = " · ".join(x for x in (a.reference, status, f"due {day_label(a.due)}" if a.due else "no due date",
                                        owner or "no owner", a.text) if x)
        if a.update:
            detail += f" · latest update: {a.update}"
        rows.append(RegisterRow(
            (a.reference or "—", status, day_label(a.due) if a.due else "—", cut(owner, 30) or "—", cut(a.text),
             cut(a.update, 30) or "—", _where(a.source, r.document)),
            detail + history, a.source, r.document, a.status, r.overdue))
    return rows


def attendance_rows(registers: Registers) -> list[RegisterRow]:
    rows = []
    for m in registers.attendance():
        date, meeting = day_label(m.meeting.date), cut(m.meeting.name, 40)
        if m.quorate is not None:
            status = "quorate" if m.quorate.quorate else "not quorate"
            rows.append(RegisterRow((date, meeting, status, "—", "—", _where(m.quorate.source, m.document)),
                                    f"{m.meeting.name}: {status}", m.quorate.source, m.document))
        for p in m.people:
            role = p.role + (f" — represented by {', '.join(p.represented_by)}" if p.represented_by else "")
            rows.append(RegisterRow((date, meeting, p.status, p.person, cut(role, 50) or "—", _where(p.source, m.document)),
                                    " · ".join(x for x in (m.meeting.name, p.status, p.person, role) if x),
                                    p.source, m.document))
    return rows


def interest_rows(registers: Registers) -> list[RegisterRow]:
    rows = []
    for c in registers.interests():
        i = c.entry
        role = ", ".join(x for x in (i.role, i.organisation) if x)
        interest = i.interest or "nothing to declare"
        declared = day_label(i.declared) if i.declared else (i.period or "—")
        rows.append(RegisterRow(
            (i.person, cut(role, 40) or "—", cut(i.category, 30) or "—", cut(interest), declared,
             _where(i.source, c.document)),
            " · ".join(x for x in (i.person, role, i.category, interest, i.period, i.register) if x),
            i.source, c.document))
    return rows


ROWS = {"decisions": decision_rows, "actions": action_rows, "attendance": attendance_rows,
        "interests": interest_rows}


def register_rows(registers: Registers) -> dict[str, list[RegisterRow]]:
    """Every tab's rows, in the order the commands list them."""
    return {key: ROWS[key](registers) for key, _ in TABS}


def visible_rows(rows: Sequence[RegisterRow], query: str = "", scope: str = "all") -> list[RegisterRow]:
    """The rows a text filter and (for actions) a scope keep: "open" keeps open actions, "overdue" the open
    ones past their due date at the date of the latest paper."""
    kept = [r for r in rows if r.matches(query)]
    if scope == "open":
        kept = [r for r in kept if r.status == "open"]
    elif scope == "overdue":
        kept = [r for r in kept if r.overdue]
    return kept


def empty_reason(key: str, notes: Sequence[tuple[Document, str]]) -> str:
    """What an empty register says instead of a blank table: the notes the index recorded for that register
    (e.g. an action log whose table could not be read), else the general reason."""
    lines = [EMPTY_REASONS[key]]
    lines += [f"• {document.path}: {note}" for document, note in notes]
    return "\n".join(lines)


# -- the changes between two papers ---------------------------------------------------------------------------

CHANGE_COLUMNS = ("Section", "Change", "What", "Source")


def change_rows(changes) -> list[RegisterRow]:
    """The rows of `registers.changes.Changes`: every changed figure (old → new) first, then the sentences
    added and those removed, each in the papers' section order. A row opens the new paper's sentence (the
    old one's for a removed sentence)."""
    from ..registers.views import citation_label

    old, new = changes.old, changes.new
    figures, added, removed = [], [], []
    for s in changes.sections:
        heading = cut(s.heading, 36)
        for f in s.figures:
            detail = (f"{s.heading} · {f.label}: {f.old} → {f.new}\nold: {f.old_sentence} "
                      f"({citation_label(f.old_source, old)})\nnew: {f.new_sentence}")
            figures.append(RegisterRow((heading, "figure", cut(f"{f.label}: {f.old} → {f.new}"), _where(f.new_source, new)),
                                       detail, f.new_source, new))
        added += [RegisterRow((heading, "added", cut(t.text), _where(t.source, new)), f"{s.heading} · added: {t.text}",
                              t.source, new) for t in s.added]
        removed += [RegisterRow((heading, "removed", cut(t.text), _where(t.source, old)),
                                f"{s.heading} · removed: {t.text}", t.source, old) for t in s.removed]
    return figures + added + removed


def one_sided(changes) -> str:
    """The sections only one of the two papers has, as a line ("" when none)."""
    parts = []
    for side in ("old", "new"):
        headings = [s.heading for s in changes.sections if s.only_in == side]
        if headings:
            parts.append(f"Only in the {side} paper: " + "; ".join(cut(h, 40) for h in headings))
    return " · ".join(parts)
