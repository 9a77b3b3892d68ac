"""Answer quality with the real model on the sample corpus: the development set's figures must not fall
below what the mechanism reaches now, off-topic questions must get an honest "not found", and every answer
must be checkable: markers resolve to citations whose quotes are the passages' own words."""

from __future__ import annotations

import re

import pytest

from assistant.answer import NOT_FOUND
from assistant.evaluation import load_items, run, summarise
from assistant.types import Turn
from conftest import DEV

pytestmark = pytest.mark.slow

OFF_TOPIC = [
    "What is the ICB's policy on parking fines for staff on Mars?",
    "How many electric vehicle charging points does the ICB plan to install?",
    "Who won the staff bake-off competition?",
    "What did the board decide about the merger with Birmingham ICB?",
    "How much was spent on agency nurses in Derbyshire in 2022/23?",
    "What did the 2024/25 operational plan say about virtual wards?",  # only the 2023/24 plan is in the papers
    "What is the population of Mars according to the ICB?",  # "Mars" must not match "31st Mar 24" by its stem
]


def test_a_named_paper_of_the_year_asked_about_is_answered(sample_assistant):
    answer = sample_assistant.ask("What did the 2023/24 Operational Plan say about virtual wards?")
    assert not answer.abstained and "virtual ward" in answer.text.lower()
    assert all(c.passage.document.kind == "plan" for c in answer.citations)


@pytest.fixture(scope="module")
def dev_results(sample_assistant):
    if not DEV.exists():
        pytest.skip("../shared/eval/dev.jsonl is not beside the project")
    return run(load_items(DEV), sample_assistant.ask, k=5)


def test_development_set_figures_hold(dev_results):
    summary = summarise(dev_results, 5)
    print({k: v for k, v in summary.items() if k != "by_type"})
    # Floors a little under the figures of the shipped, fitted weights (84.4 / 73.3 / 68.9 / 100 / 4.4 when
    # written). Half of dev is in the fitting's train split, so these guard against regressions; the honest
    # figures are `boardroom eval ../shared/eval --loco` (fitted without this corpus).
    assert summary["recall@5"] >= 80
    assert summary["answer_acc"] >= 68
    assert summary["cited"] >= 64
    assert summary["abstain_ok"] >= 75
    assert summary["false_abstain"] <= 8


@pytest.mark.parametrize("question", OFF_TOPIC)
def test_questions_the_papers_do_not_cover_get_an_honest_not_found(sample_assistant, question):
    answer = sample_assistant.ask(question)
    assert answer.abstained and answer.text == NOT_FOUND
    assert answer.citations == ()
    assert len(answer.passages) >= 5  # the closest passages are still shown, marked as not an answer


def test_every_marker_resolves_and_every_quote_is_the_papers_own_words(dev_results):
    for r in dev_results:
        answer = r.answer
        if answer.abstained:
            continue
        markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)}
        assert markers == {c.n for c in answer.citations}, answer.text
        for c in answer.citations:
            for piece in c.quote.split(" … "):
                assert piece in c.passage.chunk.text
            assert c.passage in answer.passages


def test_figures_in_answers_are_verbatim_from_the_cited_passages(dev_results):
    money = re.compile(r"£\d[\d,.]*m?|\d+(?:\.\d+)?%")
    for r in dev_results:
        answer = r.answer
        if answer.abstained:
            continue
        cited_text = " ".join(c.passage.chunk.text for c in answer.citations)
        for figure in money.findall(answer.text):
            assert figure in cited_text, (figure, answer.text)


def test_a_follow_up_keeps_the_body_and_year_of_the_conversation(sample_assistant):
    first_q = "What did NHS England say about elective recovery in Derbyshire in 2023/24?"
    first = sample_assistant.ask(first_q)
    assert not first.abstained
    follow = sample_assistant.ask("And cancer?", [Turn(first_q, first)])
    assert not follow.abstained
    assert "cancer" in follow.text.lower()
    assert {c.passage.document.organisation for c in follow.citations} == {"Derby and Derbyshire ICB"}


def test_filters_are_honoured(sample_assistant):
    from assistant.types import Filters

    answer = sample_assistant.ask("What was the system's financial position in 2023/24?",
                                  filters=Filters(organisations=("Derby and Derbyshire ICB",)))
    assert answer.passages
    assert {p.document.organisation for p in answer.passages} == {"Derby and Derbyshire ICB"}


def test_the_figures_asked_about_are_the_users_own(sample_assistant):
    """The search also looks for other spellings of small numbers ("month five" for "month 5"), but only
    the figures the user typed are figures an answer must hold."""
    plan = sample_assistant.plan("What was the four-hour performance at month 5?")
    assert "4" in plan.query and "five" in plan.query
    assert plan.facts.numbers == ("5",)
