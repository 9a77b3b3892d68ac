"""Whether a question asks for a register, and what it narrows it to. Pure text analysis, no I/O.

"What actions does HJ own?", "Who sent apologies to the September board?", "What did the board approve in
October?", "Has anyone declared an interest in Loomer Medical?": questions of the action logs, attendance,
decisions and declarations of interest are recognised from the general wording of such questions (actions
with an owner, a status or a due date; apologies, presence, quorum; approving, agreeing, resolving,
deciding; declaring an interest), never from a paper's words. What the question narrows the register to
(people, months and years, open or overdue, the topic) is read here once, as part of the question's
analysis (`plan.QueryPlan.register`); `register_answer` matches it against the registers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from .concepts import EXACT, Concepts
from .people import is_initials, person_names
from .query import GENERIC_ORG_WORDS, MONTHS, QueryFacts
from .lexical import lexical_tokens

REGISTERS = ("actions", "attendance", "decisions", "interests")

# Which register a question asks about; the first that matches wins (an action "agreed" at a meeting is an
# action, not a decision).
_INTERESTS = re.compile(
    r"\bdeclar\w*\b.{0,60}\binterests?\b|\binterests?\b.{0,40}\bdeclar|\bconflicts?\s+of\s+interests?\b|"
    r"\bregisters?\s+of\s+interests?\b|\b(?:financial|non-financial|indirect|personal|professional|business|"
    r"outside)\s+interests?\b|\bwhat\s+interests\b|\binterests?\s+(?:does|do|did|has|have)\b|['’]s\s+interests\b|"
    r"\binterests\s+of\s+(?:dr\.?\s+|mr\.?\s+|mrs\.?\s+|ms\.?\s+|prof\.?\s+|cllr\.?\s+)?[a-z]+\s+[a-z]+\s*\??$")
_ATTENDANCE = re.compile(
    r"\bapolog(?:y|ies|ised)\b|\bin\s+attendance\b|\battend(?:ed|ing|ance|ees)?\b|\bquora(?:te|cy|m)\b|\binquorate\b|"
    r"\babsent\b|\bpresent\s+at\b|\bwho\b.{0,40}\bpresent\b|\b(?:was|were)\s+\w+(?:\s+\w+){0,2}\s+present\b(?!\s+[a-z])|"
    r"\brepresented\b|\bwho\s+(?:was|were)\s+there\b")
_ACTIONS = re.compile(r"\bactions?\b")
_ACTION_CUES = re.compile(
    r"\baction\s+log\b|\bown(?:s|ed|er|ers|ing)?\b|\bassigned\b|\ballocated\b|\bresponsible\b|\bdue\b|\boverdue\b|"
    r"\boutstanding\b|\bopen\b|\bclosed\b|\bcomplete[d]?\b|\bstill\b|\bdeadline\b|\bby\s+whom\b|"
    r"\b(?:raised|agreed|arising)\s+(?:at|from|in)\b")
_BODY = r"(?:board|committee|sub-committee|senate|group|panel|forum|council|governing\s+body|partnership|members|meeting|they|we)"
_DECISIONS = re.compile(
    r"\bdecisions?\b|\b(?:approved|agreed|decided|resolved|ratified|endorsed|signed\s+off)\s+(?:by|at|in|on|that)\b|"
    rf"\bwhat\s+did\s+(?:the\s+)?(?:[\w&’'-]+\s+){{0,6}}?{_BODY}\s+(?:formally\s+)?(?:approve|agree|decide|resolve|"
    r"ratify|endorse|note|sign\s+off|support)\b|"
    r"\bwhat\s+(?:was|were|has\s+been|have\s+been|got)\s+(?:approved|agreed|decided|resolved|ratified|endorsed|noted)\b|"
    r"^(?:when\s+)?(?:was|were|has|have|had|did)\b.{0,80}\b(?:approved|agreed|ratified|endorsed|resolved|"
    r"signed\s+off|approve|ratify|endorse)\b|\bwhen\s+did\b.{0,60}\b(?:approve|agree|ratify|endorse|decide|resolve)\b")
_NOTED = re.compile(r"\bnot(?:e|ed|ing)\b|\breceived?\b")

# Statuses a question asks for, per register.
_OVERDUE = re.compile(r"\boverdue\b|\blate\b|\bpast\s+(?:their|its|the)\s+due\b|\bmissed\s+(?:their|its|the)\b")
_OPEN = re.compile(r"\bopen\b|\boutstanding\b|\bstill\b|\bpending\b|\bnot\s+(?:yet\s+)?(?:complete|done|closed)")
_DONE = re.compile(r"(?<!not\s)(?<!not\syet\s)\b(?:completed?|closed|done|finished)\b")
_APOLOGIES = re.compile(r"\bapolog")
_ABSENT = re.compile(r"\babsent\b|\bdid\s+not\s+attend\b|\bdidn[’']t\s+attend\b|\bmissed\b")
_IN_ATTENDANCE = re.compile(r"\bin\s+attendance\b")
_PRESENT = re.compile(r"\bpresent\b|\battend(?:ed|ing|ance|ees)?\b|\bthere\b")
_QUORUM = re.compile(r"\bquora|\binquorate\b")
_DUE = re.compile(r"\bdue\b|\bby\s+when\b|\bdeadline\b")
_LATEST = re.compile(r"\b(?:last|latest|most\s+recent|previous)\s+(?:\w+\s+){0,2}(?:meeting|board|minutes|committee)\b")
_MONTH_NAME = re.compile(r"\b(" + "|".join(m for m in MONTHS if len(m) > 3 and m != "may") + r"|sept)\b|\b(May)\b",
                         re.IGNORECASE)

# Words that say which register and how to narrow it, not what it is about: they are not topic words.
_REGISTER_WORDS = frozenset("""
action actions log logs owner owners own owns owned owning assigned allocated responsible lead leads due overdue
outstanding open closed complete completed done finished status pending deadline raised arising still
apologies apology apologised sent send gave give attended attend attending attendance attendees absent present
there quorate quorum quoracy inquorate represented representing representative came missed
decision decisions decide decided approve approved approval agree agreed resolve resolved resolution ratify
ratified endorse endorsed support supported sign signed off note noted noting receive received make made take taken
declare declared declares declaring declaration declarations interest interests conflict conflicts register registers
anyone anybody someone everyone everybody list show meeting meetings member members minutes papers record recorded
latest last recent recently previous month year time held whom yet late past ever
""".split()) | GENERIC_ORG_WORDS


@dataclass(frozen=True)
class RegisterQuery:
    """A question of one register, and what it narrows that register to."""

    register: str  # one of REGISTERS
    statuses: tuple[str, ...] = ()  # actions: open, overdue, done; attendance: present, apologies, in attendance,
    #                                 absent, quorum
    noted: bool = False  # decisions: the question asks what a meeting noted or received, not only decided
    due: bool = False  # actions: the dates the question names are due dates, not the meeting's
    latest: bool = False  # the last meeting only ("at the last board")
    months: tuple[int, ...] = ()  # months named with or without a year ("the September board")
    names: tuple[str, ...] = ()  # people named in full ("Jack Aw")
    initials: tuple[str, ...] = ()  # short forms that may be people's initials ("HJ"); the registers decide
    # The question's other concepts, weighted: what the entries must be about. The names and initials are
    # among them until the registers tell that they name a person ("HJ"), not a thing ("SBAF", "Loomer Medical").
    topic: Concepts = Concepts({}, {})

    def topic_without(self, people: list[str]) -> Concepts:
        """The topic once the names and initials found to be people's are taken out."""
        tokens = set(lexical_tokens(" ".join(people))) | {EXACT + w.lower() for p in people for w in p.split()}
        return self.topic.restricted(k for k, forms in self.topic.alternatives.items()
                                     if not any(form <= tokens for form in forms))


def register_query(text: str, facts: QueryFacts, concepts: Concepts,
                   idf: Callable[[str], float]) -> RegisterQuery | None:
    """The register `text` (the question as resolved against its conversation) asks about, or None;
    `concepts` are the question's weighted words, of which the topic keeps those that narrow no register."""
    q = " ".join(text.lower().split())
    register = _register_of(q)
    if register is None:
        return None
    names = tuple(person_names(text, idf))
    initials = tuple(a for a in facts.acronyms if is_initials(a) and a.lower() not in GENERIC_ORG_WORDS)
    months = tuple(dict.fromkeys([*(m for _, m in facts.months), *(_month(m) for m in _MONTH_NAME.finditer(text))]))
    topic = [key for key, forms in concepts.alternatives.items()
             if not any(form <= _framing_tokens() or all(_is_number(t) for t in form) for form in forms)]
    return RegisterQuery(register, _statuses(register, q), register == "decisions" and bool(_NOTED.search(q)),
                         register == "actions" and bool(_DUE.search(q)), bool(_LATEST.search(q)), months, names,
                         initials, concepts.restricted(topic))


@lru_cache(maxsize=1)
def _framing_tokens() -> frozenset[str]:
    """The register words, organisation words and month names as the tokeniser renders them, also as written."""
    words = _REGISTER_WORDS | frozenset(MONTHS)
    return frozenset(lexical_tokens(" ".join(words))) | {EXACT + w for w in words}


def _is_number(token: str) -> bool:
    return bool(re.fullmatch(re.escape(EXACT) + r"?\d[\d,./]*(?:st|nd|rd|th)?", token))


def _register_of(q: str) -> str | None:
    if _INTERESTS.search(q):
        return "interests"
    if _ATTENDANCE.search(q):
        return "attendance"
    if _ACTIONS.search(q) and _ACTION_CUES.search(q):
        return "actions"
    if _DECISIONS.search(q):
        return "decisions"
    return None


def _statuses(register: str, q: str) -> tuple[str, ...]:
    if register == "actions":
        if _OVERDUE.search(q):
            return ("overdue",)
        if _OPEN.search(q):
            return ("open",)
        return ("done",) if _DONE.search(q) else ()
    if register == "attendance":
        found = [status for status, pattern in (("quorum", _QUORUM), ("apologies", _APOLOGIES), ("absent", _ABSENT),
                                                 ("in attendance", _IN_ATTENDANCE)) if pattern.search(q)]
        if not found and _PRESENT.search(q):
            found = ["present", "in attendance"]
        return tuple(found)
    return ()


def _month(m: re.Match) -> int:
    return MONTHS[(m.group(1) or m.group(2)).lower()]
