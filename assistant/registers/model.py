"""The registers' entries: frozen records, each with the exact place in a paper it came from. No I/O here.

Every entry carries a `Source`: the document, the section path, the pages and the character span of the
document's cleaned text it was read from; `quote` is exactly that span's text, so an entry can always be
shown and checked against the paper like a citation of an answer.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

# Bump when extraction changes: builds made by another version have their registers extracted again.
REGISTERS_VERSION = "2"

STATUSES = ("open", "complete", "closed")

# Verbs of a paper merely received or noted: the record of an item, not a decision of the meeting.
NOTING_VERBS = frozenset({"noted", "received", "received and noted"})
DECISION_KINDS = ("decision", "noted")


@dataclass(frozen=True)
class Source:
    doc_id: str
    section: tuple[str, ...]
    page_start: int | None
    page_end: int | None
    char_start: int
    char_end: int
    quote: str  # exactly the document's cleaned text [char_start:char_end]


@dataclass(frozen=True)
class Meeting:
    """The meeting an entry belongs to: a minuted meeting, or the paper that reports it."""

    name: str
    date: str | None  # ISO date


@dataclass(frozen=True)
class Decision:
    meeting: Meeting
    item: str  # the minute item or the report's section, "" when none
    verb: str  # approved, agreed, resolved, ratified, endorsed, noted, ...
    text: str  # what was decided: the sentence, as one line
    source: Source

    @property
    def kind(self) -> str:
        """"decision" for what the meeting decided (approved, agreed, resolved, ratified, endorsed, supported,
        deferred, …); "noted" for a paper it only received or noted."""
        return "noted" if self.verb in NOTING_VERBS else "decision"


@dataclass(frozen=True)
class Action:
    meeting: Meeting  # the meeting whose papers list the action (the log's, or the minutes')
    reference: str  # the log's reference, "" when it has none
    raised_at: str  # the meeting (date) and item where it was raised, as the log says
    item: str
    text: str
    owner: str  # as written ("AB/PS")
    owners: tuple[str, ...]  # each owner, initials resolved to names where the papers define them
    due: str | None  # ISO date
    update: str
    status: str  # one of STATUSES
    source: Source


@dataclass(frozen=True)
class Attendance:
    meeting: Meeting
    person: str
    role: str
    status: str  # present, apologies, in attendance, absent
    represented_by: tuple[str, ...]
    source: Source


@dataclass(frozen=True)
class Quorum:
    meeting: Meeting
    quorate: bool
    source: Source


@dataclass(frozen=True)
class Interest:
    person: str
    role: str
    organisation: str
    category: str  # the register's column ("Financial Interest"), "" for a nil return
    interest: str  # the declared interest; "" (with category "") for a nil return, "nothing to declare"
    declared: str | None  # ISO date of the declaration
    period: str  # the span the register gives ("2019 - ongoing"), "" when none
    register: str  # the register's title or the meeting where it was declared
    source: Source


@dataclass(frozen=True)
class DocumentRegisters:
    """What one document contributes to the registers, and why a register it seems to hold came out empty."""

    decisions: tuple[Decision, ...] = ()
    actions: tuple[Action, ...] = ()
    attendance: tuple[Attendance, ...] = ()
    quorums: tuple[Quorum, ...] = ()
    interests: tuple[Interest, ...] = ()
    notes: tuple[str, ...] = field(default=())


# -- JSON -------------------------------------------------------------------------------------------------

_NESTED = {"source": Source, "meeting": Meeting}
_KINDS = {"decisions": Decision, "actions": Action, "attendance": Attendance, "quorums": Quorum,
          "interests": Interest}


def to_dict(registers: DocumentRegisters) -> dict[str, Any]:
    return dataclasses.asdict(registers)


def _entry(cls: type, data: dict[str, Any]) -> Any:
    values = {}
    for f in dataclasses.fields(cls):
        value = data[f.name]
        if f.name in _NESTED:
            value = _NESTED[f.name](**{k: tuple(v) if isinstance(v, list) else v for k, v in value.items()})
        elif isinstance(value, list):
            value = tuple(value)
        values[f.name] = value
    return cls(**values)


def from_dict(data: dict[str, Any]) -> DocumentRegisters:
    return DocumentRegisters(
        **{name: tuple(_entry(cls, e) for e in data.get(name, ())) for name, cls in _KINDS.items()},
        notes=tuple(data.get("notes", ())),
    )
