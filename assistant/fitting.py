"""`boardroom fit`: fit the ranking, sentence and abstention weights on the evaluation corpora.

For every question of every corpus (dialog turns after their earlier turns) it records the feature values
of each retrieval candidate (labelled: does it hold the evidence?), of each sentence the answer could
quote (does it state the evidence?) and of the composed answer (is the question answerable here?). Then:

- ranking: logistic regression (each weight bound to its feature's direction) on pairs of one question's
  candidates, the one holding the evidence against each other: only the order within a question matters;
- sentences: the same for "states the evidence", on the board-paper corpora and TAT-QA's labelled
  paragraphs (see `tatqa.py`);
- how many of the top passages the answer may quote from: the number that answers most of the answerable
  questions right (their answer patterns), each corpus given the same say;
- abstention: logistic regression of "answerable" on the answer's features, with the questions of each
  other corpus asked here as extra unanswerable ones, and the threshold that best balances answering
  the answerable and declining the rest.

`fit_tuning(records)` fits on whatever records it is given, so leave-one-corpus-out is the same call on
all corpora but one (see `evaluation_suite.py`).
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from .evaluation import Item, answered_right, quote_found, tokens
from .features import RANKING_FEATURES, RANKING_SIGNS
from .sentence_features import ABSTAIN_FEATURES, ABSTAIN_SIGNS, SENTENCE_FEATURES, SENTENCE_SIGNS
from .tuning import Tuning
from .types import Turn

RANK_FEATURES = tuple(RANKING_FEATURES)
UNIT_FEATURES = tuple(SENTENCE_FEATURES)
ANSWER_FEATURES = tuple(ABSTAIN_FEATURES)
MIN_GAIN = 0.005  # a feature is kept only if leaving it out costs more than this (half a point of recall/MRR)
CONSIDERED_CHOICES = (2, 3, 4, 5, 6, 8, 10)  # passages the answer may quote from, tried by `fit_considered`
FALSE_ABSTAIN_BUDGET = 0.08  # of the answerable training questions the abstention threshold may decline
REGULARISATION = 0.1  # inverse L2 strength of every logistic regression (as scikit-learn's C): strong, the data are few


@dataclass
class Records:
    """Feature rows with labels, each tagged with the corpus and question it came from."""

    rank_x: list[list[float]] = field(default_factory=list)
    rank_y: list[int] = field(default_factory=list)
    rank_group: list[str] = field(default_factory=list)  # question id: ranking is judged within a question
    unit_x: list[list[float]] = field(default_factory=list)
    unit_y: list[int] = field(default_factory=list)
    unit_group: list[str] = field(default_factory=list)
    answer_x: list[list[float]] = field(default_factory=list)
    answer_y: list[int] = field(default_factory=list)
    cases: list["Case"] = field(default_factory=list)  # each question's retrieved passages, to answer again

    def extend(self, other: "Records") -> "Records":
        for name in self.__dataclass_fields__:
            getattr(self, name).extend(getattr(other, name))
        return self


@dataclass(frozen=True)
class Case:
    """One question as it was asked (its plan and the passages retrieved for it), to be answered again with
    other answering settings; `answerable` is whether these papers hold its answer."""

    corpus: str
    item: Item
    plan: object
    passages: tuple
    answerer: object
    answerable: bool

    def _answerer(self, tuning: Tuning):
        answerer = copy.copy(self.answerer)  # shares the encoder's vector cache
        answerer.tuning = tuning
        return answerer

    def answer(self, tuning: Tuning):
        """The composer's choice and the view its abstention model judges, under `tuning`."""
        return self._answerer(tuning).decide(list(self.passages), self.plan)

    def correct(self, tuning: Tuning) -> bool:
        """Answered right under `tuning` (see `evaluation.answered_right`)."""
        return answered_right(self.item, self._answerer(tuning).compose(self.item.question, list(self.passages),
                                                                         self.plan))


def evidence_in(item: Item, chunk, document) -> bool:
    """A candidate holds the evidence: an evidence quote is found in it, or it spans the evidence page."""
    from pathlib import Path

    for e in item.evidence:
        if e.get("page") is not None:
            if Path(document.path).stem == Path(e["doc"]).stem and chunk.page_start is not None \
                    and chunk.page_start <= e["page"] <= (chunk.page_end or chunk.page_start):
                return True
        elif e.get("quote") and quote_found(e["quote"], chunk.text):
            return True
    return False


def states_evidence(item: Item, text: str) -> bool:
    """A sentence states the evidence: most of it is a run of an evidence quote (or the reverse)."""
    from difflib import SequenceMatcher

    unit = tokens(text)
    if len(unit) < 3:
        return False
    for e in item.evidence:
        quote = tokens(e.get("quote", ""))
        if not quote:
            continue
        m = SequenceMatcher(None, unit, quote, autojunk=False).find_longest_match(0, len(unit), 0, len(quote))
        if m.size >= 0.6 * min(len(unit), len(quote)):
            return True
    return False


def collect(assistant, groups: Iterable[list[Item]], corpus: str, *, answerable_here: bool = True) -> Records:
    """Feature rows for every question of `groups` asked of `assistant` (dialogs turn by turn).

    With `answerable_here` False the questions belong to another corpus: only their answer rows are kept,
    labelled unanswerable (the papers asked do not hold them). Group ids are "corpus/item"."""
    records = Records()
    retriever, answerer = assistant.retriever, assistant.extractive  # fitting reads its features
    answerer.measure_all = True
    for group in groups:
        history: list[Turn] = []
        for item in group:
            plan = assistant.plan(item.question, history)
            if answerable_here and item.answerable and item.evidence:
                pool, candidates = retriever.candidates_with_features(plan)
                labels = [int(evidence_in(item, c.chunk, c.document)) for c in candidates]
                if any(labels):
                    for c, y in zip(candidates, labels):
                        records.rank_x.append([f(pool, c) for f in RANKING_FEATURES.values()])
                        records.rank_y.append(y)
                        records.rank_group.append(f"{corpus}/{item.id}")
            passages = retriever.search(plan, 10)
            if answerable_here and item.answerable and any(e.get("quote") for e in item.evidence):
                # in reading order, as the answerer meets them: ties must not inherit an earlier scoring's order
                units = sorted(answerer.sentences(passages, plan), key=lambda s: (s.unit.passage.rank, s.unit.start))
                labels = [int(states_evidence(item, s.unit.text)) for s in units]
                if any(labels):
                    for s, y in zip(units, labels):
                        records.unit_x.append([s.values[n] for n in UNIT_FEATURES])
                        records.unit_y.append(y)
                        records.unit_group.append(f"{corpus}/{item.id}")
            # An answerable question teaches abstention only where its answer can be checked (it has answer
            # patterns): FinanceBench's arithmetic questions are scored for retrieval alone.
            if not answerable_here or not item.answerable or item.patterns:
                records.cases.append(Case(corpus, item, plan, tuple(passages), answerer,
                                          answerable_here and item.answerable))
            # the answer the next turn follows up, composed from the passages already retrieved (as `ask` would)
            history.append(Turn(item.question, answerer.compose(item.question, passages, plan)))
    return records


def _logistic(x, y, columns: Sequence[int] | None = None, signs: Sequence[int] | None = None,
              sample_weight: np.ndarray | None = None) -> tuple[np.ndarray, float]:
    """Weights and bias of a class-balanced, L2-regularised logistic regression on standardised features,
    mapped back to raw units (zero for the columns left out). `signs` (+1, -1 or 0 per feature) bound each
    weight to the direction its feature's meaning implies (more support never counts against a passage); with
    few questions this keeps a fit from reading noise as a reason to penalise evidence."""
    from scipy.optimize import minimize

    xa = np.asarray(x, dtype=np.float64)
    ya = np.asarray(y, dtype=np.float64)
    cols = list(range(xa.shape[1])) if columns is None else list(columns)
    sub = xa[:, cols]
    mean, scale = sub.mean(axis=0), sub.std(axis=0)
    scale[scale == 0] = 1.0
    z = (sub - mean) / scale
    positives = max(1.0, ya.sum())
    weight = np.where(ya == 1, len(ya) / (2 * positives), len(ya) / (2 * max(1.0, len(ya) - positives)))
    if sample_weight is not None:
        weight = weight * sample_weight
    sign = 2 * ya - 1

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        margin = sign * (z @ theta[:-1] + theta[-1])
        value = REGULARISATION * float(weight @ np.logaddexp(0, -margin)) + 0.5 * float(theta[:-1] @ theta[:-1])
        g = -REGULARISATION * weight * sign / (1 + np.exp(margin))
        return value, np.append(z.T @ g + theta[:-1], g.sum())

    bounds = [((0, None) if s > 0 else (None, 0) if s < 0 else (None, None))
              for s in (np.asarray(signs)[cols] if signs is not None else [0] * len(cols))] + [(None, None)]
    theta = minimize(loss, np.zeros(len(cols) + 1), jac=True, method="L-BFGS-B", bounds=bounds).x
    w = np.zeros(xa.shape[1])
    w[cols] = theta[:-1] / scale
    return w, float(theta[-1] - (w[cols] * mean).sum())


@dataclass(frozen=True)
class Grouped:
    """Labelled rows of one kind (passages or sentences), split by question and by corpus."""

    x: np.ndarray
    y: np.ndarray
    question: np.ndarray  # "corpus/item" per row
    signs: tuple[int, ...] | None = None  # the direction each feature's weight may take (0: either)
    pairwise: bool = False  # fitted on pairs within a question (ranking) rather than on rows (sentence choice)

    @classmethod
    def of(cls, x, y, groups, signs: Sequence[int] | None = None, pairwise: bool = False) -> "Grouped":
        return cls(np.asarray(x, dtype=np.float64).reshape(len(y), -1), np.asarray(y), np.asarray(groups),
                   tuple(signs) if signs is not None else None, pairwise)

    def corpora(self) -> list[str]:
        return list(dict.fromkeys(g.split("/", 1)[0] for g in self.question))

    def corpus_weights(self) -> np.ndarray:
        """Row weights that give every corpus the same say, however many rows it has."""
        names = np.array([g.split("/", 1)[0] for g in self.question])
        counts = {n: int((names == n).sum()) for n in set(names.tolist())}
        return np.array([len(self.y) / (len(counts) * counts[n]) for n in names])

    @cached_property
    def question_rows(self) -> list[np.ndarray]:
        """Each question's rows (in row order), the questions in the order they first appear."""
        _, first, inverse = np.unique(self.question, return_index=True, return_inverse=True)
        groups = np.split(np.argsort(inverse, kind="stable"), np.cumsum(np.bincount(inverse))[:-1])
        return [groups[i] for i in np.argsort(first)]

    @cached_property
    def pairs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every (labelled row, other row) pair of a question as the difference of their features, both ways
        round (labels 1 and 0), weighted so that each corpus has the same say and each of its questions an
        equal share of it, however many pairs it has."""
        diffs, weights = [], []
        corpus_of = [self.question[rows[0]].split("/", 1)[0] for rows in self.question_rows]
        per_corpus = Counter(corpus_of)
        for corpus, rows in zip(corpus_of, self.question_rows):
            good, other = rows[self.y[rows] == 1], rows[self.y[rows] == 0]
            if not len(good) or not len(other):
                continue
            d = (self.x[good][:, None, :] - self.x[other][None, :, :]).reshape(-1, self.x.shape[1])
            diffs.append(d)
            weights.append(np.full(len(d), 1.0 / (per_corpus[corpus] * len(d))))
        if not diffs:
            return np.zeros((0, self.x.shape[1])), np.zeros(0), np.zeros(0)
        x, w = np.vstack(diffs), np.concatenate(weights)
        w = w / w.mean()
        return np.vstack([x, -x]), np.r_[np.ones(len(x)), np.zeros(len(x))], np.r_[w, w]

    def fit(self, columns: Sequence[int]) -> np.ndarray:
        """Pairwise: weights that order each question's labelled rows above its others, a logistic regression
        on the pairs' feature differences. Otherwise a class-balanced logistic regression on the rows."""
        if self.pairwise:
            x, y, w = self.pairs
            return _logistic(x, y, columns, self.signs, sample_weight=w)[0]
        return _logistic(self.x, self.y, columns, self.signs, sample_weight=self.corpus_weights())[0]

    def only(self, corpora: Sequence[str]) -> "Grouped":
        keep = np.array([g.split("/", 1)[0] in corpora for g in self.question], dtype=bool)
        return Grouped(self.x[keep], self.y[keep], self.question[keep], self.signs, self.pairwise)

    def ranking_quality(self, w: np.ndarray, k: int = 5) -> float:
        """Mean of recall@k and MRR of the first labelled row, over the questions."""
        total = 0.0
        for rows in self.question_rows:
            order = np.argsort(-(self.x[rows] @ w), kind="stable")
            first = int(np.flatnonzero(self.y[rows][order])[0])
            total += ((first < k) + 1.0 / (first + 1)) / 2
        return total / max(1, len(self.question_rows))


def select_and_fit(data: Grouped, k: int) -> np.ndarray:
    """Weights for ranking rows within a question. Features are chosen by backward elimination judged
    leave-one-corpus-out inside the training data (a feature that does not help on a corpus it was not
    fitted on is dropped), then fitted on all of it."""
    corpora = data.corpora()
    columns = list(range(data.x.shape[1]))

    def judged(cols: list[int]) -> float:
        if len(corpora) < 2:
            return data.ranking_quality(data.fit(cols), k)
        scores = []
        for held in corpora:
            train = data.only([c for c in corpora if c != held])
            scores.append(data.only([held]).ranking_quality(train.fit(cols), k))
        return float(np.mean(scores))

    best = judged(columns)  # the best seen: dropping may not drift below it step by step
    while len(columns) > 1:
        trials = [(judged([c for c in columns if c != drop]), drop) for drop in columns]
        score, drop = max(trials)
        if score < best - MIN_GAIN:
            break
        best, columns = max(best, score), [c for c in columns if c != drop]
    return data.fit(columns)


def _rounded(names: Sequence[str], w: np.ndarray) -> dict[str, float]:
    return {n: round(float(v), 4) for n, v in zip(names, w) if abs(v) >= 1e-4}


def best_threshold(p: np.ndarray, y: np.ndarray) -> float:
    """The probability threshold that declines most unanswerable questions while declining at most
    FALSE_ABSTAIN_BUDGET of the answerable ones (a user asks far more answerable questions than not)."""
    positives, negatives = max(1, int(y.sum())), max(1, int((1 - y).sum()))
    best, best_t = -1.0, float(p.min())
    for t in np.unique(np.round(p, 3)):
        if ((p < t) & (y == 1)).sum() / positives > FALSE_ABSTAIN_BUDGET:
            break
        score = ((p < t) & (y == 0)).sum() / negatives
        if score > best:
            best, best_t = score, float(t)
    return best_t


def fit_choice(records: Records, base: Tuning, note: str) -> Tuning:
    """A tuning whose ranking and sentence weights are fitted on `records` (the rest as in `base`)."""
    from dataclasses import replace

    ranking, sentence = dict(base.ranking), dict(base.sentence)
    if records.rank_y:
        ranking = _rounded(RANK_FEATURES, select_and_fit(
            Grouped.of(records.rank_x, records.rank_y, records.rank_group, [RANKING_SIGNS[f] for f in RANK_FEATURES],
                       pairwise=True), k=5))
    if records.unit_y:
        sentence = _rounded(UNIT_FEATURES, select_and_fit(
            Grouped.of(records.unit_x, records.unit_y, records.unit_group, [SENTENCE_SIGNS[f] for f in UNIT_FEATURES]),
            k=1))
    return replace(base, ranking=ranking, sentence=sentence, fitted_on=note)


def answer_rows(records: Records, tuning: Tuning) -> Records:
    """The abstention model's rows: each recorded question's answer under `tuning`, labelled answerable or
    not (a question whose composer finds nothing to quote gives no row: it is declined whatever the model)."""
    out = Records()
    for case in records.cases:
        _, view = case.answer(tuning)
        if view is not None:
            out.answer_x.append([f(view) for f in ABSTAIN_FEATURES.values()])
            out.answer_y.append(int(case.answerable))
    return out


def fit_considered(records: Records, tuning: Tuning) -> Tuning:
    """The number of top passages the answer may quote from that answers most answerable questions right,
    each corpus given the same say (the smallest of equals: fewer sentences to read)."""
    from dataclasses import replace

    cases = [c for c in records.cases if c.answerable and c.item.patterns]
    if not cases:
        return tuning
    corpora = sorted({c.corpus for c in cases})

    def accuracy(n: int) -> float:
        trial = replace(tuning, passages_considered=n)
        return float(np.mean([np.mean([c.correct(trial) for c in cases if c.corpus == name]) for name in corpora]))

    best = max(CONSIDERED_CHOICES, key=lambda n: (round(accuracy(n), 6), -n))
    return replace(tuning, passages_considered=best)


def fit_abstention(records: Records, tuning: Tuning) -> Tuning:
    """The abstention weights and threshold fitted on the recorded questions answered with `tuning`'s own
    ranking, sentence choice and passages (what the model judges must be what it will judge)."""
    from dataclasses import replace

    rows = answer_rows(records, tuning)
    if not (rows.answer_y and 0 < sum(rows.answer_y) < len(rows.answer_y)):
        return tuning
    w, bias = _logistic(rows.answer_x, rows.answer_y, signs=[ABSTAIN_SIGNS[f] for f in ANSWER_FEATURES])
    x = np.asarray(rows.answer_x)
    threshold = best_threshold(1.0 / (1.0 + np.exp(-(x @ w + bias))), np.asarray(rows.answer_y))
    return replace(tuning, abstain=_rounded(ANSWER_FEATURES, w), abstain_bias=round(bias, 4),
                   abstain_threshold=round(threshold, 4))


def fit_tuning(collect_with: Callable[[Tuning], Records], base: Tuning, note: str,
               extra: Records | None = None) -> Tuning:
    """Fit in two passes: ranking and sentence weights on rows recorded with `base` (plus `extra`, e.g.
    TAT-QA's sentences); then, on the questions asked again with those weights, the number of passages the
    answer may quote from and the abstention model."""
    first = collect_with(base)
    if extra is not None:
        first.extend(extra)
    chosen = fit_choice(first, base, note)
    second = collect_with(chosen)
    return fit_abstention(second, fit_considered(second, chosen))
