"""Decisions: what a board or committee approved, agreed, resolved, ratified, endorsed or noted.

Minutes record decisions in a few ways that hold across organisations: resolution words in capitals ("The
minutes were AGREED as an accurate record and APPROVED", "RESOLVED: that ..."), a body as the subject of a
decision verb ("The Board approved ...", "The Committee received and noted the report", "Members of the
Board received and noted ..."), a passive with the body ("was approved by the Committee"), "It was agreed
that ...", a body followed by a list of what it did ("The Board: • Noted the report • Approved ..."), and
an item whose whole minute is "Received and noted." Statements about the future ("to be approved", "for
approval") and references to decisions of earlier meetings ("approved by the Board last November") are not
decisions of the meeting.
"""

from __future__ import annotations

import datetime as dt
import re

from ..ingest.metadata import parse_date
from ..sentences import sentence_spans
from .layout import Context
from .model import Decision

_VERB = (r"(approved|agreed|resolved|ratified|endorsed|supported|adopted|accepted|received\s+and\s+noted|"
         r"noted\s+and\s+received|noted|received|delegated)")
_BODY = (r"(?:Board|Committee|Sub-Committee|Senate|Group|Panel|Forum|Council|Governing\s+Body|Partnership|"
         r"(?:Committee\s+|Board\s+)?[Mm]embers(?:\s+of\s+the\s+(?:Board|Committee|Senate|Group|Panel))?|meeting)")
_CAPS = re.compile(r"\b(APPROVED|AGREED|RESOLVED|RATIFIED|ENDORSED|NOTED|SUPPORTED|DEFERRED|REJECTED)\b")
# the body opens the sentence or a clause ("Prior to ratification, the Committee approved"), never reported
# speech ("JS advised that the Committee received a report")
_ACTIVE = re.compile(rf"(?:[-•*]\s*)?(?:the\s+)?(?:[A-Z][\w&]*\s+(?:and\s+|of\s+)?){{0,5}}{_BODY}\s*(?:,[^,]{{0,60}},\s*)?"
                     rf"(?:[:;]\s*[•\-*]?\s*)?(?:formally\s+|unanimously\s+|duly\s+|"
                     rf"fully\s+|therefore\s+|also\s+)?{_VERB}\b", re.IGNORECASE)
_PASSIVE = re.compile(rf"\b(?:was|were|has\s+been|have\s+been)\s+(?:formally\s+|unanimously\s+)?{_VERB}\s+by\s+"
                      rf"(?:the\s+)?(?:[A-Z][\w&]*\s+){{0,4}}{_BODY}", re.IGNORECASE)
_RECORD = re.compile(r"\b(?:were|was)\s+(approved|agreed|accepted|confirmed|signed)\s+as\s+an?\s+"
                     r"(?:true|correct|accurate|fair)\b", re.IGNORECASE)  # "the minutes were approved as a correct record"
_IT_WAS = re.compile(r"\bit\s+was\s+(agreed|resolved|approved|ratified|endorsed)\b", re.IGNORECASE)  # not "it was noted"
_ALONE = re.compile(rf"^\s*{_VERB}\.?\s*$", re.IGNORECASE)
_NOT_YET = re.compile(r"\b(?:to\s+be|will\s+be|would\s+be|should\s+be|could\s+be|be|being|if|once|until|for|"
                      r"awaiting|seek|seeking|require[sd]?|subject\s+to|pending)\s+(?:formally\s+)?"
                      r"(?:approv|agree|ratif|endors|resolv|not)\w*|\bfor\s+(?:approval|ratification)\b", re.IGNORECASE)
_EARLIER = re.compile(r"\b(?:last|previous(?:ly)?|earlier\s+in\s+the\s+year)\s+(?:year|month|meeting|week|"
                      r"January|February|March|April|May|June|July|August|September|October|November|December)\b"
                      r"|\bpreviously\b", re.IGNORECASE)
_MONTH_YEAR = re.compile(r"\bin\s+((?:January|February|March|April|May|June|July|August|September|October|November|"
                         r"December)\s+(?:19|20)\d\d)\b", re.IGNORECASE)
_BULLET = re.compile(r"\s[•▪●◦]\s|\s-\s(?=[A-Z])")
_LEAD_IN = re.compile(rf"\b{_BODY}\s*[:;]\s*$", re.IGNORECASE)
_BULLET_VERB = re.compile(rf"^\s*{_VERB}\b", re.IGNORECASE)
_CLAUSE = re.compile(r"[,;:]\s*")
_ANY_VERB = re.compile(r"approv|agree|resolv|ratif|endors|support|adopt|accept|noted|receiv|delegat|deferr|reject",
                       re.IGNORECASE)  # a line without any of these holds no decision
EARLIER_DAYS = 45  # a decision dated this long before the meeting belongs to an earlier meeting
MAX_SENTENCE_CHARS = 700


def extract_decisions(ctx: Context) -> list[Decision]:
    found: list[Decision] = []
    for line in ctx.lines:
        if not _ANY_VERB.search(line.text):
            continue
        spans = [(c.start, c.end) for c in line.cells() if c.text] if line.is_row else [(line.start, line.end)]
        for start, end in spans:
            lead_in = False
            for piece_start, piece_end in _pieces(ctx.text, start, end):
                body = ctx.text[piece_start:piece_end]
                if lead_in and _BULLET_VERB.match(body):  # "The Board: • Noted the report • Approved ..."
                    found.append(_decision(ctx, piece_start, piece_end, _norm(_BULLET_VERB.match(body).group(1))))
                    continue
                lead_in = bool(_LEAD_IN.search(body))
                for i, j in sentence_spans(body):
                    verb = _decision_verb(body[i:j], alone=(piece_start == start and i == 0 and j >= len(body.rstrip())))
                    if verb and not _earlier(body[i:j], ctx, piece_start + i):
                        found.append(_decision(ctx, piece_start + i, piece_start + j, verb))
    return found


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A line or cell cut at its bullets (converted lists keep "•" inside one line)."""
    out, pos = [], start
    for m in _BULLET.finditer(text, start, end):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, end))
    return [(a, b) for a, b in out if text[a:b].strip()]


def _decision_verb(sentence: str, alone: bool) -> str | None:
    if len(sentence) > MAX_SENTENCE_CHARS:
        return None
    caps = [m for m in _CAPS.finditer(sentence) if not _shouting(sentence)]
    if caps:
        return caps[-1].group(1).lower()
    if alone and _ALONE.match(sentence):
        return _norm(_ALONE.match(sentence).group(1))
    if _NOT_YET.search(sentence):
        return None
    for start in [0] + [m.end() for m in _CLAUSE.finditer(sentence)]:
        m = _ACTIVE.match(sentence, start)
        if m:
            return _norm(m.group(1))
    for pattern in (_PASSIVE, _RECORD, _IT_WAS):
        m = pattern.search(sentence)
        if m:
            return _norm(m.group(1))
    return None


def _shouting(sentence: str) -> bool:
    """A heading or status key in capitals ("ACTION COMPLETE") rather than a minute."""
    letters = [c for c in sentence if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) > 0.6 * len(letters)


def _norm(verb: str) -> str:
    verb = " ".join(verb.lower().split())
    return "received and noted" if verb == "noted and received" else verb


def _earlier(sentence: str, ctx: Context, offset: int) -> bool:
    if _EARLIER.search(sentence):
        return True
    meeting = ctx.meeting_at(offset)
    if not meeting.date:
        return False
    when = dt.date.fromisoformat(meeting.date)
    for m in _MONTH_YEAR.finditer(sentence):
        named = parse_date(f"1 {m.group(1)}")
        if named and (when - named).days > EARLIER_DAYS:
            return True
    return False


def _decision(ctx: Context, start: int, end: int, verb: str) -> Decision:
    source = ctx.source(start, end)
    return Decision(ctx.meeting_at(start), ctx.item_at(start), verb, " ".join(source.quote.split()), source)
