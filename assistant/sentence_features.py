"""The answer composer's features: how well one sentence (or table row) answers the question, and how well
a composed answer is supported. Small pure functions; weights fitted by `boardroom fit` (see `tuning.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .query import holds_token
from .sentences import Unit, unreadable


@dataclass(frozen=True)
class UnitView:
    """One candidate sentence with what its features read."""

    unit: Unit
    support: float  # weighted share of the question's concepts it (with its heading and document) carries
    similarity: float  # encoder similarity of the question and the sentence (0 when no encoder is at hand)
    cue: float  # how well it carries what the question asks for (a figure, a person, a date, a definition)


def rank_prior(rank: int) -> float:
    """Passages further down the ranking are less likely to hold the answer: 1 for the first."""
    return 1.0 / (1.0 + 0.15 * (rank - 1))


SENTENCE_FEATURES: dict[str, Callable[[UnitView], float]] = {
    "support": lambda v: v.support,
    "rank_support": lambda v: v.support * rank_prior(v.unit.passage.rank),
    "passage_rank": lambda v: rank_prior(v.unit.passage.rank),
    "similarity": lambda v: v.similarity,
    "cue": lambda v: v.cue,
    "unreadable": lambda v: unreadable(v.unit),
    "is_row": lambda v: float(v.unit.is_row),
}

# The direction each weight may take when fitted (0: either): see fitting._logistic.
SENTENCE_SIGNS: dict[str, int] = {"support": 1, "rank_support": 1, "passage_rank": 1, "similarity": 1, "cue": 1,
                                  "unreadable": -1, "is_row": 0}


@dataclass(frozen=True)
class AnswerView:
    """A composed answer as the abstention model sees it."""

    support: float  # share of the question's concepts (weighed among the candidates) the answer carries
    raw_support: float  # the same, weighed by rarity in the whole corpus
    similarity: float  # the best sentence's similarity to the question
    figures_missing: float  # share of the question's own figures the answer lacks
    kinds_missing: float  # share of the kinds of thing asked for (a figure, a person, a date) it lacks


ABSTAIN_FEATURES: dict[str, Callable[[AnswerView], float]] = {
    "support": lambda a: a.support,
    "raw_support": lambda a: a.raw_support,
    "similarity": lambda a: a.similarity,
    "figures_missing": lambda a: a.figures_missing,
    "kinds_missing": lambda a: a.kinds_missing,
}


def figures_missing(numbers: tuple[str, ...], texts: list[str]) -> float:
    """The share of the question's figures that none of the texts holds verbatim (0 when it names none)."""
    if not numbers:
        return 0.0
    joined = " ".join(texts)
    missing = sum(not holds_token(joined, n) for n in numbers)
    return missing / len(numbers)


ABSTAIN_SIGNS: dict[str, int] = {"support": 1, "raw_support": 1, "similarity": 1, "figures_missing": -1,
                                 "kinds_missing": -1}
