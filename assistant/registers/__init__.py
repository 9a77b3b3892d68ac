"""Governance registers read from the papers at index time: decisions, actions, attendance and interests.

The extractors are imported when `extract` runs, so the commands that only read stored registers stay
quick to start. `extract(parsed, definitions)` reads one document's entries (each with its citation) and notes why a
register it seems to hold came out empty; the indexer stores them beside the chunks. `Registers` (in
`views`) answers the commands' questions over a whole index. Nothing here knows the CLI or the TUI.
"""

from __future__ import annotations

import re

from ..types import ParsedDocument
from .model import REGISTERS_VERSION, DocumentRegisters, from_dict, to_dict

__all__ = ["REGISTERS_VERSION", "DocumentRegisters", "extract", "from_dict", "to_dict"]

_MENTIONS_LOG = re.compile(r"^\s*(?:\S+\s+){0,3}action\s+log\b", re.IGNORECASE | re.MULTILINE)
_MENTIONS_ATTENDANCE = re.compile(r"^\s*(?:\S+\s+)?(?:present|apologies|in\s+attendance)\b", re.IGNORECASE | re.MULTILINE)


def extract(parsed: ParsedDocument, definitions: dict[str, str]) -> DocumentRegisters:
    """Every register entry of one document. Never raises on odd layouts: what cannot be read is left out
    and the reason noted."""
    from ..people import name_and_role
    from .actions import extract_actions
    from .attendance import extract_attendance
    from .decisions import extract_decisions
    from .interests import extract_interests
    from .layout import Context

    ctx = Context(parsed)
    known = [long for long in dict.fromkeys(definitions.values()) if name_and_role(long)[0] == long]
    actions, action_notes = extract_actions(ctx, definitions)
    attendance, quorums = extract_attendance(ctx, known)
    interests, interest_notes = extract_interests(ctx, definitions)
    notes = action_notes + interest_notes
    if not actions and not action_notes and _MENTIONS_LOG.search(parsed.text):
        notes.append("an action log is mentioned, but no table with action and owner or due-date columns was found")
    if not attendance and parsed.document.kind in ("minutes", "meeting pack") and _MENTIONS_ATTENDANCE.search(parsed.text):
        notes.append("attendance is mentioned, but no list of names or attendance table could be read")
    return DocumentRegisters(
        decisions=tuple(extract_decisions(ctx)), actions=tuple(actions), attendance=tuple(attendance),
        quorums=tuple(quorums), interests=tuple(interests), notes=tuple(notes),
    )
