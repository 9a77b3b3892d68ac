"""The registers of a whole index, as the commands ask for them: decisions in a date range, actions with
their history across logs, attendance per meeting, one person's declarations. Each row keeps its citation.

Reads only the build's `registers.json` and document list (no model, no vectors are touched), so every
register command answers in a fraction of a second.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ..errors import UnknownOwner
from ..labels import date_label, pages_label, section_label
from ..people import is_initials
from ..types import Document
from .model import (
    Action,
    Attendance,
    Decision,
    Interest,
    Meeting,
    Quorum,
    Source,
    from_dict,
)


@dataclass(frozen=True)
class Cited:
    """A register entry with the document it came from."""

    entry: Decision | Action | Attendance | Interest | Quorum
    document: Document


@dataclass(frozen=True)
class ActionRecord:
    """One action across the logs that list it: its latest appearance and every one before it."""

    latest: Action
    document: Document
    history: tuple[Cited, ...]  # oldest first, the latest included
    overdue: bool


@dataclass(frozen=True)
class MeetingAttendance:
    meeting: Meeting
    document: Document
    people: tuple[Attendance, ...]
    quorate: Quorum | None


# The words each register's notes use for what could not be read (see `extract` and the extractors).
NOTE_SUBJECTS = {"actions": "action log", "attendance": "attendance", "interests": "register of interests"}


class Registers:
    def __init__(self, documents: list[Document], stored: dict[str, dict], definitions: dict[str, str]):
        self.documents = {d.doc_id: d for d in documents}
        self.definitions = definitions
        self._by_doc = {doc_id: from_dict(data) for doc_id, data in stored.items() if doc_id in self.documents}

    @classmethod
    def from_store(cls, store) -> Registers:
        from ..errors import IndexMismatch

        stored = store.registers()
        if stored is None:
            raise IndexMismatch("the index holds no registers from this version; run `boardroom index` to add them")
        return cls(store.documents(), stored, store.definitions())

    @property
    def as_of(self) -> dt.date | None:
        """The date of the latest paper: what "overdue" is judged against."""
        dates = [d.date for d in self.documents.values() if d.date]
        return max(dates) if dates else None

    def _all(self, kind: str) -> list[Cited]:
        out = []
        for doc_id, registers in self._by_doc.items():
            out += [Cited(e, self.documents[doc_id]) for e in getattr(registers, kind)]
        return out

    def notes(self, register: str | None = None) -> list[tuple[Document, str]]:
        """Why registers came out empty, per paper; with `register` ("actions", "attendance", "interests"),
        only the notes about that register."""
        subject = NOTE_SUBJECTS.get(register or "")
        return [(self.documents[d], n) for d, r in self._by_doc.items() for n in r.notes
                if register is None or subject is not None and subject in n.lower()]

    # -- decisions ----------------------------------------------------------------------------------------
    def decisions(self, since: dt.date | None = None, until: dt.date | None = None,
                  organisations: tuple[str, ...] = (), noted: bool = False) -> list[Cited]:
        """Decisions of meetings from `since` to `until`, in papers of any of `organisations` (as the search
        filters match them: "Derbyshire ICB" is "Derby and Derbyshire ICB"), oldest first. Papers the meeting
        only received or noted are left out unless `noted`."""
        from ..query import same_organisation

        out = []
        for c in self._all("decisions"):
            if not noted and c.entry.kind == "noted":
                continue
            when = iso_date(c.entry.meeting.date) or c.document.date
            if since and (when is None or when < since) or until and (when is None or when > until):
                continue
            if organisations and not any(same_organisation(c.document.organisation, o) for o in organisations):
                continue
            out.append(c)
        return sorted(out, key=lambda c: (iso_date(c.entry.meeting.date) or dt.date.min, c.entry.source.char_start))

    # -- actions ------------------------------------------------------------------------------------------
    def actions(self, open_only: bool = False, overdue_only: bool = False, owner: str | None = None) -> list[ActionRecord]:
        """Each action once, as its latest log has it, with its history. An `owner` no action of any log
        has (open or not) raises UnknownOwner: a misspelt name is not "no actions"."""
        groups: dict[str, list[Cited]] = defaultdict(list)
        for c in self._all("actions"):
            groups[_action_key(c.entry)].append(c)
        as_of = self.as_of
        records = []
        for cited in groups.values():
            cited.sort(key=lambda c: (c.document.date or dt.date.min, iso_date(c.entry.meeting.date) or dt.date.min))
            latest = self._resolved(cited[-1].entry)
            due = iso_date(latest.due)
            overdue = latest.status == "open" and due is not None and as_of is not None and due < as_of
            records.append(ActionRecord(latest, cited[-1].document, tuple(cited), overdue))
        if open_only:
            records = [r for r in records if r.latest.status == "open"]
        if overdue_only:
            records = [r for r in records if r.overdue]
        if owner:
            if not any(self.owned_by(r.latest, owner) for r in records):
                raise UnknownOwner(f"no action in the logs is owned by {owner.strip()!r}; give an owner's name or "
                                   "initials as the action logs write them")
            records = [r for r in records if self.owned_by(r.latest, owner)]
        return sorted(records, key=lambda r: (r.latest.due or "9999", r.latest.reference, r.latest.text))

    def _resolved(self, action: Action) -> Action:
        """Initials the action's own paper did not define, resolved with the whole corpus's definitions."""
        from dataclasses import replace

        owners = tuple(self.definitions.get(o, o) if is_initials(o) else o for o in action.owners)
        return replace(action, owners=owners) if owners != action.owners else action

    def owned_by(self, action: Action, who: str) -> bool:
        """Whether `who` (a name or initials) is among the action's owners."""
        names = [*action.owners, *re.split(r"[/,&]|\band\b", action.owner)]
        return any(self.is_person(name, who) for name in names)

    def is_person(self, name: str, who: str) -> bool:
        """Whether `name`, as a register writes it ("Dr Jack Aw", "HJ", "Heather Johnstone"), is the person
        `who` names: a full name, a surname or first name ("Edmondson" of "Paul Edmondson-Jones"), or initials
        as written or as the papers define them ("HJ" is "Heather Johnstone")."""
        have = _norm(name)
        if not have:
            return False
        words = set(have.split()) | set(re.split(r"[\s\-]+", have))
        for wanted in {_norm(who), _norm(self.definitions.get(who.strip(), ""))} - {""}:
            if wanted == have or len(wanted) > 3 and set(wanted.split()) <= words:
                return True
        return False

    # -- attendance ---------------------------------------------------------------------------------------
    def attendance(self) -> list[MeetingAttendance]:
        people: dict[tuple[str, Meeting], list[Attendance]] = defaultdict(list)
        for c in self._all("attendance"):
            people[(c.document.doc_id, c.entry.meeting)].append(c.entry)
        quorums = {(c.document.doc_id, c.entry.meeting): c.entry for c in self._all("quorums")}
        keys = list(dict.fromkeys([*people, *quorums]))
        out = [MeetingAttendance(m, self.documents[d], tuple(people.get((d, m), ())), quorums.get((d, m)))
               for d, m in keys]
        return sorted(out, key=lambda a: (a.meeting.date or "", a.meeting.name))

    # -- interests ----------------------------------------------------------------------------------------
    def interests(self, name: str | None = None) -> list[Cited]:
        out = self._all("interests")
        if name:
            out = [c for c in out if self.is_person(c.entry.person, name)]
        return sorted(out, key=lambda c: (_surname(c.entry.person), c.entry.person, c.entry.source.char_start))


def open_registers(corpus_dir: Path, index_dir: Path, *, update: bool = True, progress=None) -> Registers:
    """The registers of the index at index_dir, first brought up to date with the corpus when `update` (the
    encoder is loaded only if a new or changed paper has to be embedded)."""
    from ..catalogue import Catalogue

    if update:
        from ..indexer import update_index

        update_index(Path(corpus_dir), Path(index_dir), progress=progress)
    catalogue = Catalogue.open(index_dir, model=None, dim=None)  # the records only: no vectors, no numpy
    try:
        return Registers.from_store(catalogue)
    finally:
        catalogue.close()


# -- JSON ----------------------------------------------------------------------------------------------------

def citation_dict(source: Source, document: Document) -> dict:
    return {"document": document.title, "path": document.path, "kind": document.kind,
            "date": document.date.isoformat() if document.date else None, "section": section_label(source.section),
            "section_path": list(source.section),
            "pages": pages_label(source.page_start, source.page_end), "page_start": source.page_start,
            "page_end": source.page_end, "char_start": source.char_start, "char_end": source.char_end,
            "quote": source.quote}


def notes_list(notes: list[tuple[Document, str]]) -> list[dict]:
    """`Registers.notes()` as JSON: why a register a paper seems to hold came out empty."""
    return [{"path": document.path, "note": note} for document, note in notes]


def citation_label(source: Source, document: Document) -> str:
    """"board-pack.pdf · 17 Oct 2024 · Enc 03 Minutes … › 6. Action Log · p. 4"."""
    return " · ".join((document.path, date_label(document), section_label(source.section),
                       pages_label(source.page_start, source.page_end)))


def decision_dict(c: Cited) -> dict:
    d: Decision = c.entry  # type: ignore[assignment]
    return {"date": d.meeting.date, "meeting": d.meeting.name, "item": d.item, "verb": d.verb, "kind": d.kind,
            "decision": d.text,
            "organisation": c.document.organisation, "citation": citation_dict(d.source, c.document)}


def action_dict(r: ActionRecord) -> dict:
    a = r.latest
    return {"reference": a.reference, "raised_at": a.raised_at, "meeting": a.meeting.name, "item": a.item,
            "action": a.text, "owner": a.owner, "owners": list(a.owners), "due": a.due, "status": a.status,
            "overdue": r.overdue, "update": a.update, "citation": citation_dict(a.source, r.document),
            "history": [{"paper_date": h.document.date.isoformat() if h.document.date else None,
                         "meeting": h.entry.meeting.name, "status": h.entry.status, "update": h.entry.update,
                         "citation": citation_dict(h.entry.source, h.document)} for h in r.history]}


def attendance_dict(m: MeetingAttendance) -> dict:
    groups: dict[str, list] = {"present": [], "apologies": [], "in attendance": [], "absent": []}
    for p in m.people:
        groups.setdefault(p.status, []).append({"person": p.person, "role": p.role,
                                                "represented_by": list(p.represented_by),
                                                "citation": citation_dict(p.source, m.document)})
    return {"meeting": m.meeting.name, "date": m.meeting.date, **groups,
            "quorate": None if m.quorate is None else m.quorate.quorate,
            "quorum_citation": citation_dict(m.quorate.source, m.document) if m.quorate else None}


def interest_dict(c: Cited) -> dict:
    i: Interest = c.entry  # type: ignore[assignment]
    return {"person": i.person, "role": i.role, "organisation": i.organisation, "category": i.category or None,
            "interest": i.interest or None, "declared": i.declared, "period": i.period, "register": i.register,
            "citation": citation_dict(i.source, c.document)}


# -- helpers ---------------------------------------------------------------------------------------------------

def iso_date(iso: str | None) -> dt.date | None:
    """The date of an ISO string, None for none or for text that is not one ("20 July")."""
    try:
        return dt.date.fromisoformat(iso) if iso else None
    except ValueError:
        return None


def _norm(text: str) -> str:
    text = re.sub(r"\b(?:dr|mr|mrs|ms|miss|prof|cllr)\.?\s+", "", text.lower())
    return " ".join(re.findall(r"[a-z0-9'’\-]+", text))


def _surname(person: str) -> str:
    words = _norm(person).split()
    return words[-1] if words else ""


def _action_key(action: Action) -> str:
    """The same action in several logs: its reference ("2023-24/001"), else its owner and the start of its
    wording (a bare row number, "3", is not a reference that holds across logs)."""
    reference = re.sub(r"\s+", "", action.reference.lower())
    if len(reference) >= MIN_REFERENCE_CHARS or re.search(r"\D", reference):
        return "ref:" + reference
    return "text:" + _norm(action.owner) + ":" + _norm(action.text)[:80]


MIN_REFERENCE_CHARS = 4
