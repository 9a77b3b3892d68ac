"""Terminal renderings of the registers and of the changes between two papers (rich), for the CLI.

Every row is printed with its citation: the paper, its date, the section and the pages it came from.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from rich.markup import escape

from .labels import day_label as _day
from .registers.views import ActionRecord, Cited, MeetingAttendance, citation_label


def _cite(console, source, document) -> None:
    console.print(f"    [dim]{escape(citation_label(source, document))}[/]")


def _notes(console, notes: Sequence) -> None:
    """Why a register a paper seems to hold came out empty (an unreadable action log, say)."""
    if notes:
        console.print()
    for document, note in notes:
        console.print(f"[yellow]note[/] {escape(document.path)}: {escape(note)}")


def _print_decisions(console, found: Sequence[Cited], noted_left_out: int = 0) -> None:
    left_out = (f" ({noted_left_out} papers only received or noted left out; --all shows them)"
                if noted_left_out else "")
    if not found:
        console.print(f"No decisions found (check the filters){left_out}.")
        return
    console.print(f"[bold]{len(found)} decisions[/]{left_out}")
    last = None
    for c in found:
        d = c.entry
        meeting = (d.meeting.date, d.meeting.name)
        if meeting != last:
            console.print(f"\n[bold]{_day(d.meeting.date)} · {escape(d.meeting.name)}[/]")
            last = meeting
        item = f"{escape(d.item)}: " if d.item else ""
        console.print(f"  [green]{d.verb.upper()}[/] {item}{escape(d.text)}")
        _cite(console, d.source, c.document)


def _print_actions(console, found: Sequence[ActionRecord], as_of: dt.date | None) -> None:
    when = as_of.strftime("%-d %b %Y") if as_of else "no dated paper"
    if not found:
        console.print(f"No actions found (as at {when}, the date of the latest paper).")
        return
    opened = sum(r.latest.status == "open" for r in found)
    overdue = sum(r.overdue for r in found)
    console.print(f"[bold]{len(found)} actions[/] as at {when} (the latest paper): {opened} open, {overdue} overdue")
    for r in found:
        a = r.latest
        status = "[red]overdue[/]" if r.overdue else {"open": "[yellow]open[/]"}.get(a.status, f"[green]{a.status}[/]")
        owner = a.owner + (f" ({', '.join(a.owners)})" if a.owners and list(a.owners) != [a.owner] else "")
        head = " · ".join(x for x in (escape(a.reference), status, f"due {_day(a.due)}" if a.due else "no due date",
                                      escape(owner) or "no owner") if x)
        console.print(f"\n{head}")
        console.print(f"  {escape(a.text)}")
        raised = " · ".join(x for x in (_day(a.raised_at) if a.raised_at else "", escape(a.item)) if x)
        if raised:
            console.print(f"  [dim]raised:[/] {raised}")
        if a.update:
            console.print(f"  [dim]latest update:[/] {escape(a.update)}")
        _cite(console, a.source, r.document)
        if len(r.history) > 1:
            console.print(f"  [dim]history ({len(r.history)} logs):[/]")
            for h in r.history:
                console.print(f"    {_day(h.entry.meeting.date)} {h.entry.status}: {escape(h.entry.update or '(no update)')}")
                _cite(console, h.entry.source, h.document)


def _print_attendance(console, found: Sequence[MeetingAttendance]) -> None:
    if not found:
        console.print("No attendance found.")
        return
    for m in found:
        console.print(f"\n[bold]{_day(m.meeting.date)} · {escape(m.meeting.name)}[/]  [dim]({escape(m.document.title)})[/]")
        if m.quorate is not None:
            console.print(f"  quorate: {'yes' if m.quorate.quorate else 'no'}")
            _cite(console, m.quorate.source, m.document)
        groups = defaultdict(list)
        for p in m.people:
            groups[p.status].append(p)
        for status in ("present", "apologies", "in attendance", "absent"):
            if not groups[status]:
                continue
            console.print(f"  [bold]{status}[/] ({len(groups[status])})")
            for p in groups[status]:
                by = f" — represented by {', '.join(p.represented_by)}" if p.represented_by else ""
                role = f", {p.role}" if p.role else ""
                console.print(f"    {escape(p.person)}[dim]{escape(role)}[/]{escape(by)}")
                _cite(console, p.source, m.document)


def _print_interests(console, found: Sequence[Cited], name: str | None) -> None:
    if not found:
        console.print(f"No declarations of interest found{f' for {escape(name)}' if name else ''}.")
        return
    last = None
    for c in found:
        i = c.entry
        if (i.person, i.register) != last:
            role = ", ".join(x for x in (i.role, i.organisation) if x)
            console.print(f"\n[bold]{escape(i.person)}[/] [dim]{escape(role)}[/] · {escape(i.register)}"
                          + (f" · declared {_day(i.declared)}" if i.declared else ""))
            last = (i.person, i.register)
        if not i.interest:
            console.print("  nothing to declare")
        else:
            console.print(f"  [cyan]{escape(i.category)}[/]: {escape(i.interest)}")
        _cite(console, i.source, c.document)


def print_decisions(console, found: Sequence[Cited], notes: Sequence, noted_left_out: int = 0) -> None:
    _print_decisions(console, found, noted_left_out)
    _notes(console, notes)


def print_actions(console, found: Sequence[ActionRecord], as_of: dt.date | None, notes: Sequence) -> None:
    _print_actions(console, found, as_of)
    _notes(console, notes)


def print_attendance(console, found: Sequence[MeetingAttendance], notes: Sequence) -> None:
    _print_attendance(console, found)
    _notes(console, notes)


def print_interests(console, found: Sequence[Cited], name: str | None, notes: Sequence) -> None:
    _print_interests(console, found, name)
    _notes(console, notes)


def print_changes(console, result) -> None:
    console.print(f"[bold]{escape(result.old.title)}[/] ({_day(result.old.date.isoformat() if result.old.date else None)})"
                  f" → [bold]{escape(result.new.title)}[/] ({_day(result.new.date.isoformat() if result.new.date else None)})")
    for s in result.sections:
        console.print(f"\n[bold]{escape(s.heading)}[/]" + ("" if s.old_heading == s.new_heading or not s.old_heading
                                                            else f" [dim](was: {escape(s.old_heading)})[/]"))
        if s.only_in:
            console.print(f"  [yellow]only in the {s.only_in} paper[/]")
        for f in s.figures:
            console.print(f"  [bold]{escape(f.label)}[/]: {escape(f.old)} → {escape(f.new)}")
            console.print(f"    [dim]old:[/] {escape(f.old_sentence)}")
            _cite(console, f.old_source, result.old)
            console.print(f"    [dim]new:[/] {escape(f.new_sentence)}")
            _cite(console, f.new_source, result.new)
        for sentence in s.added:
            console.print(f"  [green]+[/] {escape(sentence.text)}")
        for sentence in s.removed:
            console.print(f"  [red]-[/] {escape(sentence.text)}")
