"""The answer composer: a short answer built from the papers' own sentences, each with its citation.

No language model: the composer picks the sentences and table rows that carry what the question asks,
so it cannot invent a figure. When nothing retrieved supports an answer it says so plainly and hands
back the closest passages, marked as not an answer. Any other answerer (a local LLM later) plugs in
behind the same `Answerer` protocol.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from .concepts import Concepts, meta_words, passage_words, title_words, words_of
from .intent import Intent, cues, intent_of
from .query import (
    QueryFacts,
    analyse,
    comparison_sides,
    named_organisations,
    org_keys,
    period_end,
    split_clauses,
)
from .sentences import Unit, split_units, unreadable
from .types import Answer, Citation, Document, Passage

NOT_FOUND = "The papers don't say."


class Answerer(Protocol):
    def compose(self, question: str, passages: list[Passage], facts: QueryFacts | None = None) -> Answer: ...


MAX_SENTENCES_SHOWN = 5  # an answer is one to five sentences (or a list)
CLAUSE_MIN_SUPPORT = 0.3  # a part of a question adds its best sentence only when that sentence carries this much
SIDE_SHARE = 0.4  # the other side of a comparison joins the answer at this share of the best score
TITLE_WORDS_NAMING = 2  # distinctive title words a question must use to name a kind of paper
QUALIFIER_MAX = 100  # characters: a sentence this short right after the best one joins it
NEIGHBOUR_SHARE = 0.5  # a neighbouring sentence joins the answer at half the best sentence's score


def _key(s: "Scored") -> tuple[str, int]:
    return s.unit.passage.chunk.chunk_id, s.unit.start


def _unique(items: list["Scored"]) -> list["Scored"]:
    seen: set[tuple[str, int]] = set()
    return [s for s in items if not (_key(s) in seen or seen.add(_key(s)))]


@dataclass
class Scored:
    unit: Unit
    index: int  # the unit's place among its passage's units
    score: float
    support: float  # weighted share of the question's topic words this unit (or its document) carries
    covered: frozenset[str]


class ExtractiveAnswerer:
    """Answers from the passages' own sentences; abstains when none carries what was asked.

    A question's words are weighted by rarity in the corpus (idf). Words a passage's document already
    answers at the level of its metadata (the body, the year, the title) count as covered for every
    sentence of that document, so the choice among its sentences turns on the topic words.
    """

    def __init__(self, organisations: list[str] | None = None, idf: Callable[[str], float] | None = None, *,
                 documents: list[Document] | None = None, passages_considered: int = 8, min_support: float = 0.5, min_raw_support: float = 0.4,
                 max_sentences: int = 4, max_list_items: int = 8):
        self.organisations = organisations or []
        self.documents = documents or []
        self.idf = idf or (lambda token: 1.0)
        self.passages_considered = passages_considered
        self.min_support = min_support
        self.min_raw_support = min_raw_support
        self.max_sentences = max_sentences
        self.max_list_items = max_list_items

    def compose(self, question: str, passages: list[Passage], facts: QueryFacts | None = None) -> Answer:
        facts = facts or analyse(question)
        intent = intent_of(question, facts.acronyms)
        considered = passages[: self.passages_considered]
        raw = Concepts.of(question, facts, self.idf)
        concepts = raw.discounted([passage_words(p) for p in considered])
        scored = self._score_units(concepts, intent, considered)
        if not self._named_documents_cover(facts):
            return Answer(question, NOT_FOUND, (), tuple(passages), True)
        # Only sentences from passages about the body, year and day the question names can support it.
        scored = [s for s in scored if self._anchors_hold(facts, s)]
        if not scored:
            return Answer(question, NOT_FOUND, (), tuple(passages), True)
        chosen = self._choose(scored, intent)
        # Each part of the question and each side of a comparison keeps its sentence; the best sentence's
        # companions give way first when the answer would run past its length.
        essential = _unique([chosen[0], *self._clause_answers(question, facts, considered, chosen[0])])
        essential = _unique([*essential, *self._missing_sides(facts, scored, essential)])
        limit = self.max_list_items if intent.wants_list else MAX_SENTENCES_SHOWN
        keys = {_key(e) for e in essential}
        extra = [c for c in chosen[1:] if _key(c) not in keys]
        chosen = (essential + extra)[:max(limit, len(essential))]
        chosen.sort(key=lambda s: (s.unit.passage.rank, s.unit.start))  # passages in rank order, then reading order
        # Supported when the chosen sentences carry enough of the question as the candidates weigh it, and
        # enough of it as the corpus weighs it: a question whose rare words no passage has ("parking fines
        # on Mars") is not answered by its common ones ("ICB", "policy", "staff").
        # Judged on the best sentence with the sentences that answer the question's other parts or sides,
        # not on loose companions: unrelated sentences must not add up to support.
        covered = set().union(*(s.covered for s in essential))
        if concepts.share(covered) < self.min_support or raw.share(covered) < self.min_raw_support:
            return Answer(question, NOT_FOUND, (), tuple(passages), True)
        if intent.wants_person and not concepts.names_met(covered):
            # "Who is the Chief Nursing Officer?" is not answered by the Chief Executive Officer's name: the
            # role or body a who-question names, as written, must be in the answer.
            return Answer(question, NOT_FOUND, (), tuple(passages), True)
        return self._render(question, chosen, passages, intent)

    def _named_documents_cover(self, facts: QueryFacts) -> bool:
        """A question that names a kind of paper by its title ("NHS England's annual assessment … in
        2022/23") and a year is answered only if the papers hold such a paper for that year: another
        year's assessment, or a plan that mentions the year, is not what was asked for."""
        if not facts.periods or not self.documents:
            return True
        asked = words_of(facts.text)
        named = [d for d in self.documents if len(title_words(d) & asked) >= TITLE_WORDS_NAMING]
        return not named or any(d.period in facts.periods for d in named)

    def _clause_answers(self, question: str, facts: QueryFacts, considered: list[Passage],
                        best: Scored) -> list[Scored]:
        """A question of several parts ("What is the SBAF, and how many strategic risks does it contain?")
        gets a sentence for each part, scored with that part's own words and cue (the rest of the question
        frames it at the weight of carried words). A part whose best sentence is already taken gets its
        next best one that carries what the part asks for (a person for "who answered?")."""
        clauses = split_clauses(question)
        if len(clauses) < 2:
            return []
        words = [passage_words(p) for p in considered]
        taken = {_key(best)}
        added: list[Scored] = []
        for clause in clauses:
            intent = intent_of(clause, facts.acronyms)
            concepts = Concepts.of(clause, facts, self.idf).discounted(words)
            rescored = [s for s in self._score_units(concepts, intent, considered) if self._anchors_hold(facts, s)]
            if not rescored or rescored[0].support < CLAUSE_MIN_SUPPORT:
                continue
            if _key(rescored[0]) in taken and intent.asks_for_something:
                fresh = [s for s in rescored if _key(s) not in taken and cues(s.unit.text, intent, self.idf) > 0
                         and s.support >= CLAUSE_MIN_SUPPORT / 2]
                rescored = fresh[:1] or rescored
            taken.add(_key(rescored[0]))
            added.append(rescored[0])
        return added

    def _missing_sides(self, facts: QueryFacts, scored: list[Scored], chosen: list[Scored]) -> list[Scored]:
        """A comparison names two years or two bodies: each side gets its best sentence, from a document
        of that year or body, when the first choice covered only one side."""
        sides = comparison_sides(facts, self.organisations)
        added: list[Scored] = []
        floor = scored[0].score * SIDE_SHARE
        for side in sides:
            if any(side(c.unit.passage.document) for c in chosen + added):
                continue
            best = next((s for s in scored if side(s.unit.passage.document) and s.score >= floor), None)
            if best is not None:
                added.append(best)
        return added

    def _score_units(self, concepts: "Concepts", intent: Intent, passages: list[Passage]) -> list[Scored]:
        if not concepts.total:
            return []
        out: list[Scored] = []
        for passage in passages:
            meta = meta_words(passage.document)
            path = words_of(" ".join(passage.chunk.section_path)) - meta
            rank_factor = 0.6 + 0.4 / (1.0 + 0.15 * (passage.rank - 1))
            for index, unit in enumerate(split_units(passage)):
                words = words_of(unit.text)
                covered = concepts.covered_by(words | meta)
                in_path = concepts.covered_by(path) - covered
                support = concepts.share(covered, half=in_path)
                score = support * rank_factor + cues(unit.text, intent, self.idf) - unreadable(unit)
                out.append(Scored(unit, index, score, support, covered | in_path))
        out.sort(key=lambda s: s.score, reverse=True)
        return out

    def _anchors_hold(self, facts: QueryFacts, candidate: Scored) -> bool:
        """The question names a body, a year or a day: the supporting passage must be about it."""
        doc = candidate.unit.passage.document
        # The sentence itself or its item's heading must say so when the document is about something else.
        text = candidate.unit.text + " " + " ".join(candidate.unit.passage.chunk.section_path)
        named = named_organisations(facts, self.organisations)
        if named and doc.organisation:
            keys = set().union(*(org_keys(o) for o in named))
            if not (org_keys(doc.organisation) & keys) and not any(k in text.lower() for k in keys):
                return False
        if facts.periods and doc.period not in facts.periods:
            # Another year's document supports a year only by looking back on it: the year named in the
            # sentence, and over by the time of writing (a 2023/24 letter's "2024/25 plan" reports nothing
            # of 2024/25).
            named = {p for p in re.findall(r"20\d{2}/\d{2}", text.replace("-", "/")) if p in facts.periods}
            if not any(doc.date is None or doc.date >= period_end(p) for p in named):
                return False
        if facts.dates:
            # A named day (a meeting's, a letter's) is the document's own, or one it looks back on.
            days = set(analyse(text).dates)
            if doc.date not in facts.dates and not any(doc.date is None or doc.date >= d
                                                       for d in days & set(facts.dates)):
                return False
        return True

    # -- choice and rendering ----------------------------------------------------------------------------
    def _choose(self, scored: list[Scored], intent: Intent) -> list[Scored]:
        """The best sentence, then others that add what it lacks, and the best one's close neighbours.

        A neighbour (the sentence just before or after a chosen one in the same passage) is kept on a
        lower bar: "financial performance was £59.8m deficit" usually sits beside "the ICB's position".
        """
        best = scored[0]
        limit = self.max_list_items if intent.wants_list else self.max_sentences
        floor = best.score * (0.55 if intent.wants_list else 0.7)
        neighbour_floor = best.score * NEIGHBOUR_SHARE
        chosen = [best]
        covered = set(best.covered)
        seen = {best.unit.text.lower()}

        def beside(s: Scored) -> bool:
            return any(c.unit.passage is s.unit.passage and abs(c.index - s.index) == 1 for c in chosen)

        def qualifies_best(s: Scored) -> bool:
            """A short sentence right after the best one, in its paragraph, usually qualifies it ("Out of
            Area Placements remain an area of challenged delivery.")."""
            unit = s.unit
            return (unit.passage is best.unit.passage and s.index == best.index + 1 and not unit.is_row
                    and len(unit.text) <= QUALIFIER_MAX and "\n" not in unit.passage.chunk.text[best.unit.end:unit.start])

        for s in scored[1:]:
            if len(chosen) >= limit:
                break
            if s.unit.text.lower() in seen or (s.score < min(floor, neighbour_floor) and not qualifies_best(s)):
                continue
            adds = s.covered - covered
            if s.score >= floor and (adds or intent.wants_list or s.score >= best.score * 0.85) \
                    or (beside(s) and s.score >= neighbour_floor) or qualifies_best(s):
                chosen.append(s)
                covered |= s.covered
                seen.add(s.unit.text.lower())
        return chosen

    def _render(self, question: str, chosen: list[Scored], passages: list[Passage], intent: Intent) -> Answer:
        numbers: dict[str, int] = {}
        citations: list[Citation] = []
        quotes: dict[int, list[str]] = {}
        lines = []
        for s in chosen:
            cid = s.unit.passage.chunk.chunk_id
            if cid not in numbers:
                numbers[cid] = len(numbers) + 1
                quotes[numbers[cid]] = []
            n = numbers[cid]
            quotes[n].append(s.unit.raw.strip())
            sentence = s.unit.text.rstrip()
            if not sentence.endswith((".", "!", "?")) and not s.unit.is_row:
                sentence = sentence.rstrip(",;: ") + "."  # a sentence cut at a line's end reads as one
            lines.append(f"{sentence} [{n}]")
        by_id = {p.chunk.chunk_id: p for p in passages}
        for cid, n in numbers.items():
            citations.append(Citation(n, by_id[cid], " … ".join(quotes[n])))
        text = "\n".join(f"- {line}" for line in lines) if intent.wants_list and len(lines) > 1 else " ".join(lines)
        return Answer(question, text, tuple(citations), tuple(passages), False)
