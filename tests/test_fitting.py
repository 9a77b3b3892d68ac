"""The fitting steps on real questions asked of the real sample index (no mocks): what is recorded, the number
of passages an answer may quote from, and the abstention model fitted on answers composed again."""

from __future__ import annotations

import pytest

from assistant.evaluation import load_items
from assistant.fitting import CONSIDERED_CHOICES, answer_rows, collect, fit_abstention, fit_considered

from conftest import DEV

pytestmark = pytest.mark.skipif(not DEV.exists(), reason="dev.jsonl not present")


@pytest.fixture(scope="module")
def recorded(sample_assistant):
    """A dozen single questions of dev.jsonl asked of the sample papers, and four of them again as another
    corpus's questions (unanswerable here, as `boardroom fit` asks every corpus's questions of the others)."""
    groups = [g for g in load_items(DEV) if len(g) == 1][:12]
    records = collect(sample_assistant, groups, "board-papers")
    records.extend(collect(sample_assistant, groups[:4], "board-papers", answerable_here=False))
    return records


def test_each_question_is_kept_to_be_answered_again(recorded):
    answerable = [c for c in recorded.cases if c.answerable]
    assert answerable and all(c.passages and c.item.patterns for c in answerable)
    assert sum(not c.answerable for c in recorded.cases) == 4
    assert recorded.rank_y and recorded.unit_y  # ranking and sentence rows too


def test_passages_considered_is_the_number_that_answers_most_questions_right(recorded, sample_assistant):
    tuning = sample_assistant.tuning
    fitted = fit_considered(recorded, tuning)
    assert fitted.passages_considered in CONSIDERED_CHOICES

    def right(n: int) -> int:
        trial = tuning.__class__(**{**tuning.__dict__, "passages_considered": n})
        return sum(c.correct(trial) for c in recorded.cases if c.answerable)

    assert right(fitted.passages_considered) == max(right(n) for n in CONSIDERED_CHOICES)
    assert right(fitted.passages_considered) > 0


def test_abstention_is_fitted_on_the_answers_composed_again(recorded, sample_assistant):
    rows = answer_rows(recorded, sample_assistant.tuning)
    assert rows.answer_x and set(rows.answer_y) == {0, 1}
    fitted = fit_abstention(recorded, sample_assistant.tuning)
    assert 0.0 < fitted.abstain_threshold < 1.0 and fitted.abstain
