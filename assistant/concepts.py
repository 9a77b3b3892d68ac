"""A question's words as weighted concepts, and what a passage or document covers of them.

Shared by retrieval (re-ranking candidates by how much of the question they carry) and the answer
composer (choosing sentences, deciding whether the papers support an answer at all).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from .query import STOPWORDS, QueryFacts
from .lexical import lexical_tokens
from .types import Chunk, Document, Passage


@lru_cache(maxsize=1)
def _stop_tokens() -> frozenset[str]:
    """The question-phrasing words as the lexical tokeniser renders them (stemmed), computed once."""
    return frozenset(lexical_tokens(" ".join(STOPWORDS)))


MIN_WEIGHT, MAX_WEIGHT = 0.3, 8.0  # bounds of a word's idf weight
CARRIED_WEIGHT = 0.35  # words of the resolved query the user did not type this turn
UBIQUITY_DISCOUNT = 0.6  # how much a concept found in every candidate passage loses
ABSENT_FACTOR = 0.25  # what a concept found in no candidate passage keeps


@dataclass(frozen=True)
class Concepts:
    """The question's words as weighted concepts. A concept is met by any of its alternative token sets:
    a plain word by itself, a defined name by its long form or any short form ("Phil Smith" / "PS")."""

    weights: dict[str, float]
    alternatives: dict[str, tuple[frozenset[str], ...]]

    @property
    def total(self) -> float:
        return sum(self.weights.values())

    @classmethod
    def of(cls, question: str, facts: QueryFacts, idf: Callable[[str], float]) -> "Concepts":
        """Concepts of the resolved query; words the user did not type (carried from earlier turns,
        or added as expansions) weigh less, so they frame the answer without choosing its sentences."""
        own = set(lexical_tokens(question))

        def weight(token: str) -> float:
            known = idf(token)
            # A word the corpus never uses is as rare as a word can be: it weighs the most, so a question
            # about something the papers never mention cannot be answered from its common words.
            w = MAX_WEIGHT if known <= 0 else min(max(known, MIN_WEIGHT), MAX_WEIGHT)
            return w if token in own else CARRIED_WEIGHT * w

        stop = _stop_tokens()
        weights: dict[str, float] = {}
        alternatives: dict[str, tuple[frozenset[str], ...]] = {}
        grouped: set[str] = set()
        for long, shorts in facts.aliases:
            forms = [frozenset(lexical_tokens(long))] + [frozenset(lexical_tokens(s)) for s in shorts]
            forms = [f for f in forms if f]
            if not forms:
                continue
            key = f"={long}"
            alternatives[key] = tuple(forms)
            weights[key] = max(weight(t) for f in forms for t in f)
            grouped.update(*forms)
        # One concept per word of the query: a compound ("2022/23", "£90.7m", "Stoke-on-Trent", "4-hour")
        # is met by its whole form or by all its parts, and counts once, not once per part.
        previous = "."
        for word in facts.text.split():
            parts = [t for t in dict.fromkeys(lexical_tokens(word)) if t not in stop and t not in grouped]
            proper = _proper_noun(word, previous)
            previous = word
            if not parts or parts[0] in weights:
                continue
            if len(parts) == 1:
                weights[parts[0]] = weight(parts[0])
                # A name is met by itself, not by what it stems to ("Mars" is not "Mar", "Wells" not "well").
                alternatives[parts[0]] = (frozenset((EXACT + proper,)),) if proper else (frozenset(parts),)
                continue
            whole = max(parts, key=len)
            pieces = frozenset(p for p in parts if p != whole)
            weights[whole] = max(weight(t) for t in parts)
            alternatives[whole] = (frozenset((whole,)), pieces) if pieces else (frozenset((whole,)),)
            grouped.update(parts)
        return cls(weights, alternatives)

    def discounted(self, passage_words: list[set[str]]) -> "Concepts":
        """Weights that reflect the candidates: a concept every candidate passage carries does not tell
        them apart (the body and year a whole letter is about, "NHS England" in its letters); one that no
        candidate carries is most often the asker's phrasing ("assigned", "outturns"), not the papers'."""
        if not passage_words:
            return self
        weights = {}
        for key, alts in self.alternatives.items():
            share = sum(any(a <= words for a in alts) for words in passage_words) / len(passage_words)
            factor = ABSENT_FACTOR if share == 0 else 1.0 - UBIQUITY_DISCOUNT * share
            weights[key] = self.weights[key] * factor
        return Concepts(weights, self.alternatives)

    def restricted(self, keys) -> "Concepts":
        """Only the concepts in `keys`, with their weights."""
        keep = set(keys)
        return Concepts({k: w for k, w in self.weights.items() if k in keep},
                        {k: a for k, a in self.alternatives.items() if k in keep})

    def names_met(self, covered: set[str] | frozenset[str]) -> bool:
        """Whether every concept the question wrote as a name (capitalised, matched as written) is covered."""
        return all(key in covered for key, alts in self.alternatives.items()
                   if len(alts) == 1 and all(t.startswith(EXACT) for t in alts[0]))

    def covered_by(self, words: set[str]) -> frozenset[str]:
        return frozenset(k for k, alts in self.alternatives.items() if any(a <= words for a in alts))

    def share(self, covered: set[str] | frozenset[str], half: frozenset[str] = frozenset()) -> float:
        total = self.total
        if not total:
            return 0.0
        return (sum(self.weights[k] for k in covered) + 0.5 * sum(self.weights[k] for k in half)) / total


EXACT = "~"  # marks a word kept as written (lower-cased, unstemmed) beside the stemmed tokens
_RAW_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")


def _bare(word: str) -> str:
    word = word.lower().replace("’", "'")
    return word[:-2] if word.endswith("'s") else word.rstrip("'")


def _proper_noun(word: str, previous: str) -> str:
    """The bare form of a capitalised word that is not an acronym nor the first of a sentence, else ""."""
    m = _RAW_WORD.search(word)
    if not m or m.start() > 1 or not m.group()[0].isupper() or m.group().isupper() or previous.endswith((".", "?", "!")):
        return ""
    return _bare(m.group())


@lru_cache(maxsize=65536)
def words_of(text: str) -> frozenset[str]:
    """The lexical tokens of a text, as a set, with each word also as written (marked EXACT) so that a
    name can be matched as itself. Cached: the same passages and headings recur across questions, and
    tokenising is the hot spot of ranking and answering."""
    return frozenset(lexical_tokens(text)) | {EXACT + _bare(w) for w in _RAW_WORD.findall(text)}


def chunk_words(chunk: Chunk) -> frozenset[str]:
    """A chunk's words and its item heading's."""
    return words_of(chunk.text) | words_of(" ".join(chunk.section_path))


@lru_cache(maxsize=4096)
def meta_words(doc: Document) -> frozenset[str]:
    """What a document is, as words: its title, body, year and month."""
    parts = (doc.title, doc.organisation, doc.period, doc.date.strftime("%B %Y") if doc.date else None)
    return words_of(" ".join(p for p in parts if p))


@lru_cache(maxsize=4096)
def title_words(doc: Document) -> frozenset[str]:
    """The words of a document's title that say what kind of paper it is ("annual", "assess",
    "perform"), without the body's name, the year or filler."""
    org = words_of(doc.organisation or "")
    generic = words_of("integrated care board system icb ics nhs of the and in for on to via")
    return frozenset(t for t in words_of(doc.title) - org - generic if not t[0].isdigit())


def passage_words(passage: Passage) -> frozenset[str]:
    return chunk_words(passage.chunk) | meta_words(passage.document)


