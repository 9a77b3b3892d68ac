"""Follow-up questions resolved against the conversation so far, without a language model.

"And what about mental health?" keeps the body, year and meeting the conversation was about and takes
the new topic; "What's the average handover time now?" keeps the earlier topic too; "Which PCN is he
clinical director of?" borrows the names the previous answer gave. The passages the previous answer cited
are handed on, so that what comes just after them is considered.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .query import analyse
from .types import Turn

_FOLLOW_UP_OPENERS = re.compile(
    r"^\s*(and|also|what about|how about|and what|and how|and who|and when|and the|same for|then|so)\b", re.IGNORECASE)
_PRONOUNS = re.compile(r"\b(he|she|they|him|her|his|hers|them|their|it|its|that|this|those|these|there)\b",
                       re.IGNORECASE)
_PERSONAL = re.compile(r"\b(he|she|him|her|his|hers)\b", re.IGNORECASE)  # these stand for a person
_TOPIC_SHIFT = re.compile(r"^\s*(and\s+)?(what|how)\s+about\b|^\s*and\s+[a-z][\w\s-]{0,30}\?\s*$", re.IGNORECASE)
# Words that place a follow-up in time relative to the last question ("And the year before?", "at the same
# point a year earlier"): they shift when, not what, so the follow-up still leans on the last topic.
_RELATIVE_TIME = frozenset("""
year years month months quarter quarters week weeks day time point period same before earlier previous prior
preceding last ago after later following next since then
""".split())
_PROPER = re.compile(r"\b(?:Dr |Mr |Mrs |Ms |Prof )?[A-Z][a-z]+(?: [A-Z][a-z]+)+\b")
_SHORT = 7  # words: a question this short rarely stands on its own
_PRONOUN_REACH = 12  # words: in a longer question a pronoun usually points inside the question itself


@dataclass(frozen=True)
class Resolved:
    """What retrieval should search for, what frames it, and which passages the conversation points at.

    `query` holds the words to search for: the question, plus the earlier topic it leans on and the names
    its pronouns stand for. `framing` holds the body, year, meeting and people the conversation is about:
    they steer which documents are preferred, but are not searched for, so that a short follow-up is not
    drowned by words every passage of the right document shares.
    """

    query: str
    is_follow_up: bool
    framing: str = ""
    near: tuple[str, ...] = ()  # the chunks the last answer cited: a follow-up often needs what follows


def _context_words(question: str) -> list[str]:
    """The framing of a question: bodies, years, meetings, dates, acronyms, names."""
    facts = analyse(question)
    words = list(facts.periods)
    words += [f"{d.day} {d.strftime('%B %Y')}" for d in facts.dates]
    words += [w for w in re.findall(r"\b(?:January|February|March|April|May|June|July|August|September|October|"
                                     r"November|December) 20\d{2}\b", question)]
    words += re.findall(r"\b[A-Z][a-z]+(?:[- ][A-Z][a-z]+)*\b", question)[1:]  # capitalised, skipping the opener
    words += list(facts.acronyms)
    kept: list[str] = []
    for w in sorted(dict.fromkeys(words), key=len, reverse=True):  # "September" goes inside "September 2024"
        if not any(w.lower() in k.lower() for k in kept):
            kept.append(w)
    return kept


def is_follow_up(question: str, history: Sequence[Turn]) -> bool:
    if not history:
        return False
    words = len(question.split())
    return bool(_FOLLOW_UP_OPENERS.search(question) or words <= _SHORT
                or (_PRONOUNS.search(question) and words <= _PRONOUN_REACH))


def resolve(question: str, history: Sequence[Turn],
            people: Callable[[str], list[str]] | None = None) -> Resolved:
    """The question as retrieval should see it, in its conversation.

    `people(text)` names the people in a text; "he" or "she" in a follow-up stands for the person the
    last answer (or question) named, and only that person is carried, not the last question's topic.
    """
    if not is_follow_up(question, history):
        return Resolved(question, False)
    last = history[-1]
    # The last question as it was resolved: framing set two turns ago still holds.
    before = resolve(last.question, history[:-1], people)
    lowered = question.lower()
    framing = [w for w in _context_words(f"{before.query} {before.framing}") if w.lower() not in lowered]
    # A follow-up that names a new topic ("What about mental health?") or brings its own ("What's the
    # average handover time now?") keeps only the framing; one that leans on the last ("And by when?",
    # "what are they aiming for?") searches for the last topic's words as well.
    own_terms = [t for t in analyse(question).terms if t not in _RELATIVE_TIME]
    personal = bool(_PERSONAL.search(question)) and people is not None
    leans = (bool(_PRONOUNS.search(question)) and not personal) or len(own_terms) < 2
    shifts = bool(_TOPIC_SHIFT.search(question)) and len(own_terms) >= 1
    earlier = analyse(before.query)
    # the last topic's words, and its figures, but not the pieces of its years ("2024", "25" of "2024/25"):
    # the years it named are framing
    carried = [t for t in earlier.terms if not t[:1].isdigit() or t in earlier.numbers] if leans and not shifts else []
    if personal and not last.answer.abstained:
        carried += (people(last.answer.text) or people(before.query))[:1]
    elif _PRONOUNS.search(question) and not last.answer.abstained:
        carried += _PROPER.findall(last.answer.text)[:3]
    extra = [w for w in dict.fromkeys(carried) if w.lower() not in lowered]
    query = f"{question} ({' '.join(extra)})" if extra else question
    framing = [w for w in dict.fromkeys(framing) if w not in extra]
    near = tuple(c.passage.chunk.chunk_id for c in last.answer.citations)
    return Resolved(query, True, " ".join(framing), near)
