"""Retrieval: candidates from the dense and lexical indexes, scored by named features with fitted weights.

Candidates are the first of each index's list, fused by reciprocal rank, plus the best passages of the
documents the question names (a company, a trust, a year: see `plan.identity_match`) and the passages
around the last answer's citations. Each candidate gets the features of `features.py`; its score is their
weighted sum with the weights of the `Tuning` in force. `explain` gives each feature's value and
contribution, and `candidates_with_features` hands the whole pool to the fitting script.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .embedding import Embedder
from .filters import admits
from .features import (
    RANKING_FEATURES,
    RRF_K,
    Candidate,
    Pool,
    candidate_words,
    part_leaders,
    side_leaders,
)
from .concepts import words_of
from .plan import CorpusView, QueryPlan, identity_match, make_plan
from .query import analyse
from .sentences import split_units
from .store import IndexStore
from .tuning import Tuning, load_tuning
from .types import Filters, Passage

NEAR_DISTANCE = 2  # chunks either side of a cited one that a follow-up considers
NAMED_SHARE = 0.5  # a document is named when it carries at least this share of the question's naming words


@dataclass(frozen=True)
class Scored:
    candidate: Candidate
    values: dict[str, float]  # feature -> value
    score: float


class Retriever:
    def __init__(self, store: IndexStore, embedder: Embedder, tuning: Tuning | None = None):
        self.store = store
        self.embedder = embedder
        self.tuning = tuning or load_tuning()

    # -- filters -------------------------------------------------------------------------------------
    def _allowed_docs(self, filters: Filters) -> set[str] | None:
        if filters.is_empty():
            return None
        return {d.doc_id for d in self.store.documents() if admits(filters, d)}

    def _rows_of(self, doc_ids) -> np.ndarray:
        return np.array([r for d in sorted(doc_ids) for r in self.store.rows_of(d)], dtype=np.int64)

    # -- search --------------------------------------------------------------------------------------
    def search(self, plan: QueryPlan | str, k: int = 10, filters: Filters = Filters()) -> list[Passage]:
        """The k best passages for the analysed question (or a plain query, analysed here)."""
        if isinstance(plan, str):
            plan = make_plan(plan, analyse(plan), CorpusView(self.store.idf, tuple(self.store.documents())))
        ranked = self.rank(plan, filters)
        passages: list[Passage] = []
        seen: set[str] = set()
        for s in ranked:
            key = " ".join(s.candidate.chunk.text.split()).lower()
            if key in seen:  # the same text twice (repeated boilerplate) is one passage
                continue
            seen.add(key)
            passages.append(Passage(s.candidate.chunk, s.candidate.document, s.score, len(passages) + 1))
            if len(passages) == k:
                break
        return passages

    def rank(self, plan: QueryPlan, filters: Filters = Filters()) -> list[Scored]:
        """Every candidate with its feature values and score, best first."""
        pool, candidates = self.candidates_with_features(plan, filters)
        t = self.tuning
        weights = {name: t.weight("ranking", name) for name in RANKING_FEATURES}
        scored = []
        for c in candidates:
            values = {name: f(pool, c) for name, f in RANKING_FEATURES.items() if weights[name]}
            scored.append(Scored(c, values, sum(weights[n] * v for n, v in values.items())))
        scored.sort(key=lambda s: s.score, reverse=True)
        return scored

    def candidates_with_features(self, plan: QueryPlan, filters: Filters = Filters()) -> tuple[Pool, list[Candidate]]:
        """The candidate pool for a question, and what its features need to know of the pool."""
        allowed = self._allowed_docs(filters)
        rows = None if allowed is None else self._rows_of(allowed)
        if rows is not None and len(rows) == 0:
            return self._pool(plan, []), []
        t = self.tuning
        qvec = self.embedder.embed([plan.query])[0]
        dense = self.store.dense_search(qvec, t.candidates, rows)
        lexical = self.store.lexical_search(plan.query, t.candidates, rows)
        chosen = _fused_head(dense, lexical, t.pool)
        named = self._named_docs(plan, allowed)
        named_dense: list[tuple[int, float]] = []
        named_lexical: list[tuple[int, float]] = []
        if named:  # the named documents' own best passages, found among them alone
            named_rows = self._rows_of(named)
            named_dense = self.store.dense_search(qvec, t.candidates, named_rows)
            named_lexical = self.store.lexical_search(plan.query, t.candidates, named_rows)
            chosen += [r for r in _fused_head(named_dense, named_lexical, t.pool // 2) if r not in chosen]
        neighbours = self._neighbours(plan.near, rows)
        chosen += [r for r in sorted(neighbours) if r not in chosen]
        dense_at = {row: (rank, s) for rank, (row, s) in enumerate(dense, 1)}
        lexical_at = {row: (rank, s) for rank, (row, s) in enumerate(lexical, 1)}
        # A named document's passage the global lists missed keeps its score; its rank is that of its list.
        for lists, at in ((named_dense, dense_at), (named_lexical, lexical_at)):
            for row, s in lists:
                at.setdefault(row, (None, s))
        missing = [r for r in chosen if r not in dense_at]
        if missing:  # every candidate has a dense similarity, wherever it came from
            sims = self.store.vectors[np.array(missing, dtype=np.int64)] @ np.asarray(qvec, dtype=np.float32)
            for row, s in zip(missing, sims):
                dense_at[row] = (None, float(s))
        pieces = self.store.best_piece(chosen, qvec)
        candidates = [self._candidate(row, dense_at.get(row), lexical_at.get(row), float(piece), row in neighbours)
                      for row, piece in zip(chosen, pieces)]
        return self._pool(plan, candidates), candidates

    def _candidate(self, row: int, d, lx, piece: float, is_near: bool) -> Candidate:
        chunk = self.store.chunk(row)
        document = self.store.document(chunk.doc_id)
        units = split_units(Passage(chunk, document, 0.0, 0))
        words, heading_words, unit_words = candidate_words(chunk, document, units)
        return Candidate(row, chunk, document, d[1] if d else None, d[0] if d else None,
                         lx[1] if lx else None, lx[0] if lx else None, piece, is_near, words, heading_words,
                         self._around_words(row, chunk.doc_id), tuple(units), unit_words)

    def _around_words(self, row: int, doc_id: str) -> frozenset[str]:
        """The words of the chunks just before and after `row` in the same document."""
        around = frozenset()
        for other in (row - 1, row + 1):
            if 0 <= other < self.store.chunk_count and self.store.doc_id_of(other) == doc_id:
                around |= words_of(self.store.chunk(other).text)
        return around

    def _pool(self, plan: QueryPlan, candidates: list[Candidate]) -> Pool:
        words = [c.words for c in candidates]
        return Pool(
            plan=plan,
            concepts=plan.concepts.discounted(words),
            best_dense=max((c.dense for c in candidates if c.dense is not None), default=0.0),
            best_lexical=max((c.lexical for c in candidates if c.lexical is not None), default=0.0),
            best_piece=max((c.dense_piece for c in candidates), default=0.0),
            idf=self.store.idf,
            part_leaders=part_leaders(plan, candidates, words, self.store.idf) if plan.parts else frozenset(),
            side_leaders=side_leaders(plan, candidates) if plan.sides else frozenset(),
        )

    def _named_docs(self, plan: QueryPlan, allowed: set[str] | None) -> set[str]:
        """The documents the question names by their identity (file name, title, body, year)."""
        if not plan.naming:
            return set()
        docs = [d for d in self.store.documents() if allowed is None or d.doc_id in allowed]
        scores = {d.doc_id: identity_match(plan, d) for d in docs}
        best = max(scores.values(), default=0.0)
        if best < NAMED_SHARE:
            return set()
        named = {doc_id for doc_id, s in scores.items() if s == best}
        return named if len(named) < len(docs) else set()

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


def _fused_head(dense: list[tuple[int, float]], lexical: list[tuple[int, float]], n: int) -> list[int]:
    """The first n rows by reciprocal-rank fusion of the two lists."""
    scores: dict[int, float] = {}
    for hits in (dense, lexical):
        for rank, (row, _) in enumerate(hits, 1):
            scores[row] = scores.get(row, 0.0) + 1.0 / (RRF_K + rank)
    return sorted(scores, key=lambda r: -scores[r])[:n]
