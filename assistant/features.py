"""The passage ranker's features: small pure functions of the analysed question and one candidate.

A candidate's score is the weighted sum of these values, with weights fitted by `boardroom fit` (see
`tuning.py`). Values are put on comparable scales (shares in 0..1, flags 0/1, similarity relative to the
pool's best) so that weights fitted on one corpus carry to another. A feature with nothing to judge (the
question names no document, the document has no year) is 0: neutral, never a penalty.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .concepts import Concepts, meta_words, words_of
from .intent import cues
from .plan import QueryPlan, identity_match
from .query import analyse, holds_token
from .sentences import Unit
from .types import Chunk, Document

RRF_K = 60


@dataclass(frozen=True)
class Candidate:
    """A passage proposed by the dense or lexical index (or by the conversation), with what ranking reads."""

    row: int
    chunk: Chunk
    document: Document
    dense: float | None  # cosine similarity to the question; None when the dense index did not propose it
    dense_rank: int | None
    lexical: float | None  # BM25 score; None when the lexical index did not propose it
    lexical_rank: int | None
    dense_piece: float  # cosine similarity to the question of its best embedding piece
    near: bool  # beside a passage the last answer cited
    words: frozenset[str]  # its text's, its heading's and its document's words
    heading_words: frozenset[str]
    around_words: frozenset[str]  # the words of the passages just before and after it in its document
    units: tuple[Unit, ...]  # its sentences and table rows
    unit_words: tuple[frozenset[str], ...]  # each unit's words with its heading's and document's


@dataclass(frozen=True)
class Pool:
    """The question and what is known of the candidates as a set."""

    plan: QueryPlan
    concepts: Concepts  # the question's concepts, discounted by how many candidates carry each
    best_dense: float
    best_lexical: float
    best_piece: float
    idf: Callable[[str], float]
    part_leaders: frozenset[int] = frozenset()  # rows that best answer some part of a multi-part question
    side_leaders: frozenset[int] = frozenset()  # rows that are the best of their side of a comparison


def _rank_score(rank: int | None) -> float:
    return 0.0 if rank is None else (RRF_K + 1) / (RRF_K + rank)


def dense(pool: Pool, c: Candidate) -> float:
    """Cosine similarity to the question, relative to the pool's best (0 for the best, negative below)."""
    return 0.0 if c.dense is None else c.dense - pool.best_dense


def dense_piece(pool: Pool, c: Candidate) -> float:
    """The similarity of the passage's best piece, relative to the pool's best: a table or a paragraph
    that answers can sit in a passage whose other pieces are about something else."""
    return c.dense_piece - pool.best_piece


def dense_rank(pool: Pool, c: Candidate) -> float:
    """The dense index's rank as a reciprocal-rank value (1 for its first, 0 when it did not propose it)."""
    return _rank_score(c.dense_rank)


def lexical(pool: Pool, c: Candidate) -> float:
    """BM25 score as a share of the pool's best (0 when the lexical index did not propose it)."""
    return 0.0 if not c.lexical or pool.best_lexical <= 0 else c.lexical / pool.best_lexical


def lexical_rank(pool: Pool, c: Candidate) -> float:
    return _rank_score(c.lexical_rank)


def coverage(pool: Pool, c: Candidate) -> float:
    """The share of the question's weighted concepts the passage, its heading and its document carry."""
    return pool.concepts.share(pool.concepts.covered_by(c.words))


def sentence_coverage(pool: Pool, c: Candidate) -> float:
    """The share the passage's best single sentence (with its heading and document) carries: evidence
    tends to hold a question's facets together, near misses scatter them."""
    return max((pool.concepts.share(pool.concepts.covered_by(w)) for w in c.unit_words), default=0.0)


def window_coverage(pool: Pool, c: Candidate) -> float:
    """The share the passage carries together with its neighbours: what a question asks is sometimes spread
    over a passage boundary (a table and the sentence that introduces it, text laid out in columns)."""
    return pool.concepts.share(pool.concepts.covered_by(c.words | c.around_words))


def heading(pool: Pool, c: Candidate) -> float:
    """The share of the question's concepts the passage's section heading carries."""
    return pool.concepts.share(pool.concepts.covered_by(c.heading_words))


def exact(pool: Pool, c: Candidate) -> float:
    """The share of the question's figures and acronyms the passage holds verbatim (0 when it names none)."""
    tokens = (*pool.plan.facts.numbers, *pool.plan.facts.acronyms)
    if not tokens:
        return 0.0
    hits = sum(holds_token(c.chunk.text, t) for t in tokens)
    return hits / len(tokens)


def identity(pool: Pool, c: Candidate) -> float:
    """How much of what the question calls a document (company, trust, year, kind of paper) is this one's
    file name, title, body or year."""
    return identity_match(pool.plan, c.document)


def identity_none(pool: Pool, c: Candidate) -> float:
    """1 when the question names documents and this one carries none of the naming words."""
    return float(bool(pool.plan.naming) and identity_match(pool.plan, c.document) == 0.0)


def period_match(pool: Pool, c: Candidate) -> float:
    """1 when the document's financial year is one the question names."""
    periods = pool.plan.facts.periods
    return float(bool(periods) and c.document.period in periods)


def period_other(pool: Pool, c: Candidate) -> float:
    """1 when the question names a financial year and the document is of another (unknown: 0)."""
    periods = pool.plan.facts.periods
    return float(bool(periods) and c.document.period is not None and c.document.period not in periods)


def date_match(pool: Pool, c: Candidate) -> float:
    """1 when the document's date, or its section heading, falls in a month the question names."""
    months = set(pool.plan.facts.months)
    if not months:
        return 0.0
    d = c.document.date
    if d and (d.year, d.month) in months:
        return 1.0
    return float(bool(c.chunk.section_path and set(analyse(" ".join(c.chunk.section_path)).months) & months))


def prior(pool: Pool, c: Candidate) -> float:
    """How much the conversation so far was about this document (1 for the last answer's)."""
    return float(pool.plan.prior_docs.get(c.document.doc_id, 0.0))


def near(pool: Pool, c: Candidate) -> float:
    """1 beside a passage the last answer cited: a follow-up ("and by when?") often needs what follows."""
    return float(c.near)


def part_leader(pool: Pool, c: Candidate) -> float:
    """1 when the passage best answers one part of a multi-part question."""
    return float(c.row in pool.part_leaders)


def side_leader(pool: Pool, c: Candidate) -> float:
    """1 when the passage is the best of its side of a comparison (one year, or one body)."""
    return float(c.row in pool.side_leaders)


RANKING_FEATURES: dict[str, Callable[[Pool, Candidate], float]] = {
    f.__name__: f for f in (dense, dense_piece, dense_rank, lexical, lexical_rank, coverage, sentence_coverage, window_coverage,
                            heading, exact, identity, identity_none, period_match, period_other, date_match, prior,
                            near, part_leader, side_leader)
}


def part_leaders(plan: QueryPlan, candidates: list[Candidate], words: list[set[str]],
                 idf: Callable[[str], float]) -> frozenset[int]:
    """For each part of a multi-part question, the candidate whose best sentence carries most of it (with
    the cue of what the part asks for: a figure, a person, a date)."""
    leaders = set()
    for part in plan.parts:
        concepts = part.concepts.discounted(words)
        shares = [max((concepts.share(concepts.covered_by(w)) + cues(u.text, part.intent, idf)
                       for u, w in zip(c.units, c.unit_words)), default=0.0) for c in candidates]
        if candidates:
            leaders.add(candidates[max(range(len(candidates)), key=lambda i: (shares[i], -i))].row)
    return frozenset(leaders)


def side_leaders(plan: QueryPlan, candidates: list[Candidate]) -> frozenset[int]:
    """For each side of a comparison, its first candidate in the order given (fused retrieval order)."""
    leaders = set()
    for side in plan.sides:
        first = next((c.row for c in candidates if side(c.document)), None)
        if first is not None:
            leaders.add(first)
    return frozenset(leaders)


def candidate_words(chunk: Chunk, document: Document, units: list[Unit]) -> tuple[frozenset, frozenset, tuple]:
    """A candidate's words (text, heading, document), its heading's, and each unit's with the context's."""
    heading_words = words_of(" ".join(chunk.section_path))
    context = meta_words(document) | heading_words
    return (words_of(chunk.text) | context, heading_words, tuple(words_of(u.text) | context for u in units))


# The direction each feature's weight may take when fitted: evidence features can only raise a passage,
# mismatch features only lower it (see fitting._logistic).
RANKING_SIGNS: dict[str, int] = {name: 1 for name in RANKING_FEATURES} | {"identity_none": -1, "period_other": -1}
