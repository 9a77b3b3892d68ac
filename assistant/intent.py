"""What kind of thing a question asks for, and how well a sentence carries it.

"How much…" wants a figure, "Who…" a person, "When…" a date, "What does CHC stand for?" the words behind
the short form, "What actions…" a list. Used to pick answer sentences and to rank the passage that best
answers each part of a question.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .people import names_person

# A figure worth reporting: money, a percentage, a decimal, thousands, or a count with its unit.
_NUMBERISH = re.compile(r"[£$€]\s?\d|\d\s?(?:%|per\s?cent|m\b|bn\b|million|billion)|\b\d+\.\d+\b|\b\d{1,3}(?:,\d{3})+\b"
                        r"|\b\d+\s+(?:people|patients|weeks|days|minutes|hours|beds|staff|appointments|wte)\b"
                        r"|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+[a-z]",
                        re.IGNORECASE)
_DATEISH = re.compile(
    r"\b(?:\d{1,2}\s*(?:st|nd|rd|th)?\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+20\d{2}"
    r"|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b(?:q[1-4]|quarter)\b"
    r"|\bby (?:the end of )?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*",
    re.IGNORECASE)


@dataclass(frozen=True)
class Intent:
    """What kind of thing the question asks for; each kind has a cue that a sentence can carry."""

    wants_number: bool
    wants_person: bool
    wants_date: bool
    wants_list: bool
    wants_definition: tuple[str, ...]  # acronyms whose expansion is asked for

    @property
    def asks_for_something(self) -> bool:
        """A figure, a person, a date or a definition: something a sentence can be seen to carry."""
        return self.wants_number or self.wants_person or self.wants_date or bool(self.wants_definition)


def intent_of(question: str, acronyms: tuple[str, ...] = ()) -> Intent:
    q = question.lower()
    defines = tuple(a for a in acronyms if re.search(
        rf"\bwhat (is|are|does|do) (the |an? )?{re.escape(a.lower())}\b|\b{re.escape(a.lower())}\b stand for", q))
    return Intent(
        wants_number=bool(re.search(r"\bhow (much|many)\b|\bwhat (was|is|were) the .*(position|figure|rate|score|"
                                    r"spend|deficit|surplus|number|total|percentage|performance|baseline|target)|"
                                    r"\bpercent|\bscore\b|\bby what\b|\bhow .* change", q)),
        wants_person=bool(re.search(r"^\s*(who|whom)\b|\bwho (is|was|chairs|answered|asked|leads)\b|\bby whom\b", q)),
        wants_date=bool(re.search(r"^\s*when\b|\bwhat date\b|\bby when\b|\bwhen (is|was|did|will)\b", q)),
        wants_list=bool(re.search(r"\bwhat (are|were) the\b.*\b(actions|risks|priorities|ps|areas|objectives)\b|"
                                  r"\blist\b|\bwhich .* (actions|risks)\b|\bwhat actions\b|"
                                  r"\bwhat (are|were) the (three|four|five|six|seven|eight)\b", q)),
        wants_definition=defines,
    )


def carried(text: str, intent: Intent, idf: Callable[[str], float]) -> dict[str, bool]:
    """For each kind of thing the question asks for (a figure, a person, a date, each definition), whether
    the text carries it."""
    held = {}
    if intent.wants_number:
        held["number"] = bool(_NUMBERISH.search(text))
    if intent.wants_person:
        held["person"] = names_person(text, idf)
    if intent.wants_date:
        held["date"] = bool(_DATEISH.search(text))
    for acronym in intent.wants_definition:
        pattern = rf"\)?\(\s*{re.escape(acronym)}\s*\)|{re.escape(acronym)}\s*\((?=[A-Z])"
        held[f"definition {acronym}"] = bool(re.search(pattern, text))
    return held


def cues(text: str, intent: Intent, idf: Callable[[str], float]) -> float:
    """How well a sentence carries the kind of thing asked for: a figure, a person, a date, a definition."""
    cue = 0.0
    for kind, held in carried(text, intent, idf).items():
        if kind.startswith("definition"):
            cue += 0.3 if held else 0.0
        elif held:
            cue += 0.12
        elif kind == "person":
            cue -= 0.12
    if len(text) > 400:
        cue -= 0.1
    return cue


def kinds_missing(texts: list[str], intent: Intent, idf: Callable[[str], float]) -> float:
    """The share of the kinds of thing the question asks for that none of the texts carries (0 when it asks
    for none in particular)."""
    asked: dict[str, bool] = {}
    for text in texts:
        for kind, held in carried(text, intent, idf).items():
            asked[kind] = asked.get(kind, False) or held
    return sum(not held for held in asked.values()) / len(asked) if asked else 0.0
