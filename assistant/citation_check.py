"""The citation check of an answer a language model wrote: which of its sentences Boardroom may show.

Pure functions over text. The model is given numbered sources and told to end every sentence with a marker
such as [2]. A sentence passes when it cites at least one source, every number it cites is a source that
was sent, and every figure, date, financial year and name it states occurs in the sources it cites (as the
model was given them: the header line with title, body, date and item, then the passage's text). What a
sentence says about those facts is not judged: a sentence that turns a deficit into a surplus with the
right figure passes. Figures, dates and words are read with the same helpers as questions (`query.py`,
`lexical.lexical_tokens`, `sentences.split_sentences`), so "£90.7 million" matches "£90.7m" and "2023-24"
matches "2023/24", but "£91m" does not match "£90.7m".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from .markers import MARKER, cited_numbers, strip_markers
from .query import MONTHS, STOPWORDS, analyse, holds_token, period_end, spelled_numbers
from .sentences import clean_markup, split_sentences
from .lexical import lexical_tokens

# Markers written after a sentence's full stop ("… deficit. [1] Next …") belong to the sentence before them.
_MARKERS_AFTER_STOP = re.compile(r"([.!?])((?:\s*" + MARKER.pattern + r")+)")
_CAPITALISED = re.compile(r"\b[A-Z][A-Za-z0-9'’&\-]*[A-Za-z0-9]|\b[A-Z]\b")  # "Josie", "SBAF", "Q2", "COVID-19"


@dataclass(frozen=True)
class CheckedSentence:
    text: str  # as the model wrote it, markers included
    claim: str  # the sentence without its markers
    cites: tuple[int, ...]  # the source numbers it cites, in order
    problem: str = ""  # why it was dropped; "" when it passed

    @property
    def passed(self) -> bool:
        return not self.problem


@dataclass(frozen=True)
class CheckResult:
    sentences: tuple[CheckedSentence, ...]

    @property
    def kept(self) -> list[CheckedSentence]:
        return [s for s in self.sentences if s.passed]

    @property
    def dropped(self) -> list[CheckedSentence]:
        return [s for s in self.sentences if not s.passed]


def split_claims(text: str) -> list[tuple[str, tuple[int, ...]]]:
    """The model's answer as (sentence, cited numbers), one per sentence of each line; list bullets and
    emphasis removed, and markers written after a full stop moved before it."""
    out = []
    for line in text.splitlines():
        line = clean_markup(line)
        if not line:
            continue
        line = _MARKERS_AFTER_STOP.sub(lambda m: f"{m.group(2)}{m.group(1)}", line)
        for sentence in split_sentences(line):
            out.append((sentence, tuple(cited_numbers(sentence))))
    return out


def check_answer(text: str, sources: Mapping[int, str]) -> CheckResult:
    """Every sentence of the model's answer, checked against the sources it cites (number -> the text sent)."""
    checked: list[CheckedSentence] = []
    seen: set[str] = set()
    for sentence, cites in split_claims(text):
        claim = strip_markers(sentence)
        problem = sentence_problem(claim, cites, sources)
        if not problem and claim.lower() in seen:
            problem = "repeats an earlier sentence"
        if not problem:
            seen.add(claim.lower())
        checked.append(CheckedSentence(sentence, claim, cites, problem))
    return CheckResult(tuple(checked))


def sentence_problem(claim: str, cites: tuple[int, ...], sources: Mapping[int, str]) -> str:
    """Why a sentence fails the check ("" when it passes)."""
    if not cites:
        return "cites no source"
    unknown = [n for n in cites if n not in sources]
    if unknown:
        return f"cites [{unknown[0]}], which is not one of the {len(sources)} sources sent"
    missing = missing_facts(claim, " \n".join(sources[n] for n in cites))
    if missing:
        where = f"source [{cites[0]}]" if len(cites) == 1 else "the sources it cites"
        return f"{_quoted(missing)} {'is' if len(missing) == 1 else 'are'} not in {where}"
    return ""


def _quoted(items: list[str]) -> str:
    return ", ".join(f"“{i}”" for i in items[:3]) + (" …" if len(items) > 3 else "")


def missing_facts(claim: str, evidence: str) -> list[str]:
    """The figures, dates, financial years and names of a claim that the evidence does not hold."""
    missing = _missing_figures(claim, evidence) + _missing_dates(claim, evidence) + _missing_names(claim, evidence)
    return list(dict.fromkeys(missing))


def _missing_figures(claim: str, evidence: str) -> list[str]:
    """Figures as written ("90.7" of "£90.7m"), and small numbers in words: "8" or "eight", either spelling."""
    other = dict(spelled_numbers(claim))
    figures = [n for n in analyse(claim).numbers if holds_token(claim, n)]  # the "2" of "Q2" goes with the name
    missing = [n for n in figures if not (holds_token(evidence, n) or n in other and _has_word(evidence, other[n]))]
    return missing + [w for w, digits in other.items() if not w.isdigit() and w != "one"
                      and not (holds_token(evidence, digits) or _has_word(evidence, w))]


def _missing_dates(claim: str, evidence: str) -> list[str]:
    """Days, months, financial years and years; a year is not checked again inside a date or period."""
    said, held = analyse(claim), _evidence(evidence)
    missing = [d.strftime("%-d %B %Y") for d in said.dates if d not in held.dates]
    missing += [p for p in said.periods if p not in held.periods]
    months = set(held.months) | {(d.year, d.month) for d in held.dates}
    in_dates = {(d.year, d.month) for d in said.dates}
    missing += [dt.date(y, m, 1).strftime("%B %Y") for y, m in said.months if (y, m) not in months | in_dates]
    years = set(held.years) | {period_end(p).year for p in held.periods}
    checked = {int(p[:4]) for p in said.periods} | {y for y, _ in said.months}
    return missing + [str(y) for y in said.years if y not in years | checked]


def _missing_names(claim: str, evidence: str) -> list[str]:
    """The words of each name the evidence lacks ("John Smith"; "Jane" of "Jane Spencer")."""
    tokens = _tokens(evidence)
    missing = []
    for name in names(claim):
        absent = [w for w in name.split() if not set(lexical_tokens(w.replace("-", " "))) <= tokens]
        if absent:
            missing.append(" ".join(absent))
    return missing


def names(claim: str) -> list[str]:
    """The names a sentence states: runs of capitalised words and acronyms ("Josie Spencer", "SBAF",
    "NHS England"), leaving out a sentence's opening word ("Total", "Efficiencies") unless it is an acronym
    or begins a run, and common words and month names (dates are checked as dates)."""
    runs: list[tuple[bool, list[str]]] = []  # (opens the sentence, words)
    last_end = -1
    for m in _CAPITALISED.finditer(claim):
        base = re.sub(r"['’]s$", "", m.group(0))
        if base.lower() in STOPWORDS or base.lower() in MONTHS or len(base) < 2 or not lexical_tokens(base):
            last_end = -1  # a common word or a month ends a run
            continue
        if runs and last_end >= 0 and not claim[last_end:m.start()].strip():
            runs[-1][1].append(base)
        else:
            runs.append((not claim[:m.start()].strip(" \"“‘("), [base]))
        last_end = m.end()
    found = []
    for opening, words in runs:
        if opening and len(words) == 1 and not words[0].isupper():
            continue  # "Efficiencies were …": a capital that only opens the sentence
        found.append(" ".join(words))
    return list(dict.fromkeys(found))


def _has_word(text: str, word: str) -> bool:
    return re.search(rf"\b{re.escape(word)}\b", text, re.IGNORECASE) is not None


@lru_cache(maxsize=256)
def _evidence(text: str):
    return analyse(text)


@lru_cache(maxsize=256)
def _tokens(text: str) -> frozenset[str]:
    return frozenset(lexical_tokens(text.replace("-", " "))) | frozenset(lexical_tokens(text))
