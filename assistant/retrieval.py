"""Hybrid retrieval: dense + lexical candidates, fused, then re-ranked with the question's own signals.

The evidence is usually among the first few dozen candidates of either retriever; the work is in ranking
it into the first five. Signals used, all general: agreement of both retrievers (reciprocal-rank fusion),
the documents the question names (organisation, financial year, meeting date), exact figures and acronyms
from the question found in the passage, and a prior over documents carried from the conversation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .concepts import Concepts, chunk_words, meta_words, words_of
from .embedding import Embedder
from .intent import cues, intent_of
from .query import (
    QueryFacts,
    analyse,
    comparison_sides,
    named_organisations,
    org_keys,
    split_clauses,
)
from .sentences import Unit, split_units
from .store import IndexStore
from .types import Chunk, Filters, Passage

CANDIDATES = 80  # from each retriever
NEAR_DISTANCE = 2  # chunks either side of a cited one that a follow-up considers
NEAR_FLOOR = 0.5  # a neighbour neither retriever found enters at this share of the best fused score
RRF_K = 60


@dataclass(frozen=True)
class Weights:
    """Tunable weights of the re-ranker, calibrated on the development set as a whole."""

    dense: float = 1.0
    lexical: float = 1.0
    org_match: float = 0.35
    org_mismatch: float = -0.6
    period_match: float = 0.25
    period_mismatch: float = -0.3  # another year's document
    date_match: float = 0.3
    exact_token: float = 0.12
    conversation_prior: float = 0.3
    conversation_near: float = 1.0  # the passages just around those the last answer cited
    coverage: float = 0.6  # how much of the question's weighted concepts a candidate carries
    discount_ubiquitous: bool = True  # weigh the question's words by how well they tell candidates apart
    sentence_coverage: float = 0.6  # ... and its best single sentence carries
    rerank_depth: int = 40  # candidates re-ranked by coverage


class Retriever:
    def __init__(self, store: IndexStore, embedder: Embedder, weights: Weights = Weights()):
        self.store = store
        self.embedder = embedder
        self.weights = weights
        self._organisations = sorted({d.organisation for d in store.documents() if d.organisation})

    # -- filters -------------------------------------------------------------------------------------
    def _allowed_docs(self, filters: Filters) -> set[str] | None:
        if filters.is_empty():
            return None
        allowed = set()
        for d in self.store.documents():
            if filters.doc_ids and d.doc_id not in filters.doc_ids:
                continue
            if filters.organisations and not any(_same_org(d.organisation, o) for o in filters.organisations):
                continue
            if filters.kinds and d.kind not in filters.kinds:
                continue
            if filters.since and (d.date is None or d.date < filters.since):
                continue
            if filters.until and (d.date is None or d.date > filters.until):
                continue
            allowed.add(d.doc_id)
        return allowed

    def _allowed_rows(self, allowed_docs: set[str] | None) -> np.ndarray | None:
        if allowed_docs is None:
            return None
        return np.array([r for d in sorted(allowed_docs) for r in self.store.rows_of(d)], dtype=np.int64)

    # -- search --------------------------------------------------------------------------------------
    def search(self, query: str, k: int = 10, filters: Filters = Filters(),
               prior_docs: Mapping[str, float] | None = None, facts: QueryFacts | None = None,
               near: tuple[str, ...] = ()) -> list[Passage]:
        """The k best passages for `query`. `prior_docs` weights documents the conversation is about;
        `near` names the chunks the last answer cited, whose neighbours a follow-up often needs ("and by
        when?" is answered two sentences further on in the same minute)."""
        facts = facts or analyse(query)
        rows = self._allowed_rows(self._allowed_docs(filters))
        if rows is not None and len(rows) == 0:
            return []
        qvec = self.embedder.embed([query])[0]
        dense = self.store.dense_search(qvec, CANDIDATES, rows)
        lexical = self.store.lexical_search(query, CANDIDATES, rows)
        scores = self._fuse(dense, lexical)
        neighbours = self._neighbours(near, rows)
        if neighbours:
            floor = NEAR_FLOOR * max(scores.values(), default=1.0)
            for row in neighbours:
                scores[row] = max(scores.get(row, 0.0), floor)
        doc_bonus = self._document_bonus(facts, prior_docs or {})
        w = self.weights
        ranked = []
        for row, base in scores.items():
            chunk = self.store.chunk(row)
            bonus = doc_bonus.get(chunk.doc_id, 0.0) + w.exact_token * _exact_hits(facts, chunk)
            bonus += w.date_match * _section_date_hit(facts, chunk)
            bonus += w.conversation_near * (row in neighbours)
            ranked.append((base * (1.0 + bonus), row))
        ranked.sort(reverse=True)
        ranked = self._rerank_by_coverage(query, facts, ranked)
        ranked = self._both_sides_first(facts, ranked)
        passages: list[Passage] = []
        seen: set[str] = set()
        for score, row in ranked:
            chunk = self.store.chunk(row)
            key = " ".join(chunk.text.split()).lower()
            if key in seen:  # the same text twice (repeated boilerplate) is one passage
                continue
            seen.add(key)
            passages.append(Passage(chunk, self.store.document(chunk.doc_id), float(score), len(passages) + 1))
            if len(passages) == k:
                break
        return passages

    def _rerank_by_coverage(self, query: str, facts: QueryFacts, ranked: list[tuple[float, int]]) -> list[tuple[float, int]]:
        """Re-rank the head by the share of the question's idf-weighted concepts each candidate carries
        (in its text, its item's heading or its document's title, body and year): evidence passages
        tend to hold every facet of a question, near misses only the commonest."""
        w = self.weights
        if not w.coverage or not ranked:
            return ranked
        concepts = Concepts.of(query, facts, self.store.idf)
        if not concepts.total:
            return ranked
        head, tail = ranked[: w.rerank_depth], ranked[w.rerank_depth:]
        candidates = []
        for score, row in head:
            chunk = self.store.chunk(row)
            document = self.store.document(chunk.doc_id)
            context = meta_words(document) | words_of(" ".join(chunk.section_path))
            candidates.append((score, row, chunk, document, context, chunk_words(chunk) | context))
        if w.discount_ubiquitous:  # words every candidate has do not tell the candidates apart
            concepts = concepts.discounted([c[5] for c in candidates])
        units = [split_units(Passage(chunk, document, score, 0)) for score, row, chunk, document, _, _ in candidates]
        sentences = [[words_of(u.text) | c[4] for u in us] for us, c in zip(units, candidates)]
        rescored = []
        for (score, row, chunk, document, context, words), sentence_words in zip(candidates, sentences):
            bonus = w.coverage * concepts.share(concepts.covered_by(words))
            best = max((concepts.share(concepts.covered_by(u)) for u in sentence_words), default=0.0)
            rescored.append((score + bonus + w.sentence_coverage * best, row))
        rescored.sort(reverse=True)
        return self._each_part_first(query, facts, candidates, units, sentences, rescored) + tail

    def _each_part_first(self, query: str, facts: QueryFacts, candidates: list, units: list[list[Unit]],
                         sentences: list[list[frozenset]], rescored: list[tuple[float, int]]) -> list[tuple[float, int]]:
        """A question of several parts ("What is the SBAF, and how many strategic risks does it
        contain?") needs a passage for each: the candidate whose best sentence carries most of a part
        joins the top, so the part the other passages ignore is not pushed out of sight."""
        clauses = split_clauses(query)
        if len(clauses) < 2:
            return rescored
        words = [c[5] for c in candidates]
        leaders: set[int] = set()
        for clause in clauses:
            concepts = Concepts.of(clause, facts, self.store.idf).discounted(words)
            intent = intent_of(clause, facts.acronyms)
            shares = [max((concepts.share(concepts.covered_by(w)) + cues(u.text, intent, self.store.idf)
                           for u, w in zip(us, ws)), default=0.0) for us, ws in zip(units, sentences)]
            best = max(range(len(candidates)), key=lambda i: (shares[i], -i))
            leaders.add(candidates[best][1])
        return [item for item in rescored if item[1] in leaders] + [item for item in rescored if item[1] not in leaders]

    def _both_sides_first(self, facts: QueryFacts, ranked: list[tuple[float, int]]) -> list[tuple[float, int]]:
        """A comparison (two years, or two bodies) needs evidence from each side: the best passage of each
        side is moved to the top, so one side's many passages cannot push the other out of sight."""
        sides = comparison_sides(facts, self._organisations)
        if not sides:
            return ranked
        leaders: list[tuple[float, int]] = []
        for side in sides:
            best = next((item for item in ranked if side(self.store.document(self.store.chunk(item[1]).doc_id))),
                        None)
            if best is not None and best not in leaders:
                leaders.append(best)
        leaders.sort(reverse=True)
        return leaders + [item for item in ranked if item not in leaders]

    def _neighbours(self, near: tuple[str, ...], allowed: np.ndarray | None) -> set[int]:
        """Rows within NEAR_DISTANCE of the named chunks, in the same document (and allowed by filters)."""
        rows: set[int] = set()
        for doc_id in {cid.rsplit(":", 1)[0] for cid in near}:
            doc_rows = list(self.store.rows_of(doc_id))
            for i, row in enumerate(doc_rows):
                if self.store.chunk(row).chunk_id in near:
                    rows.update(doc_rows[max(0, i - NEAR_DISTANCE): i + NEAR_DISTANCE + 1])
        if allowed is not None:
            rows &= set(allowed.tolist())
        return rows

    def _fuse(self, dense: list[tuple[int, float]], lexical: list[tuple[int, float]]) -> dict[int, float]:
        """Reciprocal-rank fusion, scaled so the best possible score is 1."""
        w = self.weights
        scores: dict[int, float] = {}
        for weight, hits in ((w.dense, dense), (w.lexical, lexical)):
            for rank, (row, _) in enumerate(hits, 1):
                scores[row] = scores.get(row, 0.0) + weight / (RRF_K + rank)
        top = (w.dense + w.lexical) / (RRF_K + 1)
        return {row: s / top for row, s in scores.items()}

    def _document_bonus(self, facts: QueryFacts, prior_docs: Mapping[str, float]) -> dict[str, float]:
        """A per-document bonus from what the question names and what the conversation was about."""
        w = self.weights
        named = named_organisations(facts, self._organisations)
        named_keys = set().union(*(org_keys(o) for o in named)) if named else set()
        bonus: dict[str, float] = {}
        for d in self.store.documents():
            b = 0.0
            if named_keys and d.organisation:
                b += w.org_match if org_keys(d.organisation) & named_keys else w.org_mismatch
            if facts.periods and d.period:
                b += w.period_match if d.period in facts.periods else w.period_mismatch
            if d.date and any((d.date.year, d.date.month) == ym for ym in facts.months):
                b += w.date_match
            b += w.conversation_prior * prior_docs.get(d.doc_id, 0.0)
            bonus[d.doc_id] = max(b, -0.9)
        return bonus


def _same_org(organisation: str | None, wanted: str) -> bool:
    if not organisation:
        return False
    return organisation.lower() == wanted.lower() or bool(org_keys(organisation) & org_keys(wanted))


def _exact_hits(facts: QueryFacts, chunk: Chunk) -> int:
    """How many of the question's figures and acronyms the passage holds verbatim (capped)."""
    hits = 0
    for token in (*facts.numbers, *facts.acronyms):
        if re.search(r"(?<![\w.])" + re.escape(token) + r"(?![\w]|\.\d)", chunk.text):
            hits += 1
    return min(hits, 3)


def _section_date_hit(facts: QueryFacts, chunk: Chunk) -> float:
    """1 when the passage's section path names a month the question names (e.g. 'Minutes of 26 Sept 2024')."""
    if not facts.months or not chunk.section_path:
        return 0.0
    path = " ".join(chunk.section_path)
    found = analyse(path)
    return 1.0 if set(found.months) & set(facts.months) else 0.0
