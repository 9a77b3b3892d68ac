"""Each ranking and answer feature on hand-made passages, the question plan, the tuning file and the fitting.

No index and no model: the features are pure functions of an analysed question and one candidate."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from assistant import features as F
from assistant.concepts import words_of
from assistant.features import Candidate, Pool, candidate_words, part_leaders, side_leaders
from assistant.fitting import Grouped, best_threshold, select_and_fit
from assistant.plan import CorpusView, identity_match, make_plan
from assistant.query import analyse
from assistant.intent import intent_of, kinds_missing
from assistant.sentence_features import ABSTAIN_FEATURES, SENTENCE_FEATURES, AnswerView, UnitView, figures_missing
from assistant.sentences import split_units
from assistant.tuning import Tuning, load_tuning
from assistant.types import Chunk, Document, Passage

ACME = Document("a", "ACME_2022_10K.pdf", "Acme Corp Form 10-K 2022", "report", "Acme Corp", dt.date(2022, 12, 31),
                None, "0" * 64)
GLOBEX = Document("g", "GLOBEX_2021_10K.pdf", "Globex Inc Form 10-K 2021", "report", "Globex Inc",
                  dt.date(2021, 12, 31), None, "0" * 64)
TRUST = Document("t", "trust-report.md", "Annual report", "report", "Leeds Trust", dt.date(2024, 7, 1), "2024/25",
                 "0" * 64)
UNDATED = Document("u", "notes.txt", "Notes", "other", None, None, None, "0" * 64)
DOCS = (ACME, GLOBEX, TRUST, UNDATED)


def idf(token: str) -> float:
    return 2.0


def plan_of(question: str, documents=DOCS, **kw):
    return make_plan(question, analyse(question), CorpusView(idf, tuple(documents)), **kw)


def candidate(text: str, doc: Document = ACME, row: int = 0, section=("Results",), dense=0.5, dense_rank=1,
              lexical=4.0, lexical_rank=1, near=False, around: str = "", piece: float | None = None) -> Candidate:
    chunk = Chunk(f"{doc.doc_id}:{row:05d}", doc.doc_id, text, 1, 1, section, 0, len(text))
    units = split_units(Passage(chunk, doc, 0.0, 0))
    words, heading_words, unit_words = candidate_words(chunk, doc, units)
    return Candidate(row, chunk, doc, dense, dense_rank, lexical, lexical_rank,
                     piece if piece is not None else (dense or 0.0), near, words, heading_words,
                     words_of(around), tuple(units), unit_words)


def pool_of(plan, candidates, **kw) -> Pool:
    return Pool(plan, plan.concepts.discounted([c.words for c in candidates]),
                max(c.dense for c in candidates if c.dense is not None),
                max(c.lexical for c in candidates if c.lexical is not None),
                max(c.dense_piece for c in candidates), idf, **kw)


def test_retriever_scores_are_relative_to_the_pool_and_absent_is_zero():
    plan = plan_of("What was revenue?")
    best, other = candidate("Revenue was $5m.", dense=0.8, lexical=10.0), candidate("Costs rose.", row=1, dense=0.5,
                                                                                       lexical=None, lexical_rank=None)
    pool = pool_of(plan, [best, other])
    assert F.dense(pool, best) == 0.0 and F.dense(pool, other) == pytest.approx(-0.3)
    assert F.lexical(pool, best) == 1.0 and F.lexical(pool, other) == 0.0
    assert F.dense_rank(pool, best) == 1.0 and 0 < F.dense_rank(pool, candidate("x", dense_rank=10)) < 1
    assert F.lexical_rank(pool, other) == 0.0
    table = candidate("Costs rose. Revenue by segment ...", row=2, dense=0.4, piece=0.9)
    pool = pool_of(plan, [best, other, table])
    assert F.dense_piece(pool, table) == 0.0 and F.dense_piece(pool, best) == pytest.approx(-0.1)


def test_coverage_prefers_the_passage_holding_every_facet_in_one_sentence():
    plan = plan_of("What was the capital expenditure on digital projects?")
    together = candidate("Capital expenditure on digital projects was $4m.")
    scattered = candidate("Capital was raised. Expenditure fell.\n\nDigital projects were paused.", row=1)
    other = candidate("Staff numbers rose.", row=2)
    pool = pool_of(plan, [together, scattered, other])
    assert F.coverage(pool, together) == pytest.approx(F.coverage(pool, scattered))
    assert F.coverage(pool, together) > F.coverage(pool, other)
    assert F.sentence_coverage(pool, together) > F.sentence_coverage(pool, scattered)


def test_window_coverage_counts_the_neighbouring_passages_too():
    plan = plan_of("What was the capital expenditure on digital projects?")
    split = candidate("Capital expenditure was $4m.", around="It went on digital projects.")
    alone = candidate("Capital expenditure was $4m.", row=1)
    pool = pool_of(plan, [split, alone])
    assert F.window_coverage(pool, split) > F.window_coverage(pool, alone) == F.coverage(pool, alone)


def test_heading_counts_only_the_section_path():
    plan = plan_of("What did the audit committee report?")
    titled = candidate("It met four times.", section=("Audit committee report",))
    untitled = candidate("It met four times.", row=1, section=("Other business",))
    pool = pool_of(plan, [titled, untitled])
    assert F.heading(pool, titled) > 0 == F.heading(pool, untitled)


def test_exact_figures_and_acronyms_are_matched_verbatim_and_neutral_when_none_asked():
    plan = plan_of("Did EBITDA reach 12.5 in 2022?")
    both, one = candidate("EBITDA was 12.5 this year."), candidate("EBITDA was 12.55 this year.", row=1)
    pool = pool_of(plan, [both, one])
    assert F.exact(pool, both) == 1.0 and F.exact(pool, one) == 0.5
    plain = plan_of("What was revenue?")
    assert F.exact(pool_of(plain, [both]), both) == 0.0


def test_identity_finds_the_document_a_question_names_by_file_name_title_or_body():
    plan = plan_of("What was Globex's operating margin?")
    assert set(plan.naming) and identity_match(plan, GLOBEX) == 1.0 and identity_match(plan, ACME) == 0.0
    pool = pool_of(plan, [candidate("Margin was 5%.", GLOBEX), candidate("Margin was 7%.", ACME, row=1)])
    assert F.identity(pool, candidate("x", GLOBEX)) == 1.0
    assert F.identity_none(pool, candidate("x", ACME)) == 1.0 and F.identity_none(pool, candidate("x", GLOBEX)) == 0.0


def test_a_question_naming_no_document_leaves_identity_neutral():
    plan = plan_of("What was the operating margin?")
    pool = pool_of(plan, [candidate("Margin was 5%.")])
    assert plan.naming == {} and F.identity(pool, pool_candidate := candidate("y")) == 0.0
    assert F.identity_none(pool, pool_candidate) == 0.0


def test_periods_match_mismatch_and_unknown_is_neutral():
    plan = plan_of("What was the deficit in 2024/25?")
    pool = pool_of(plan, [candidate("The deficit was £3m.", TRUST)])
    assert F.period_match(pool, candidate("x", TRUST)) == 1.0 and F.period_other(pool, candidate("x", TRUST)) == 0.0
    other_year = Document("o", "o.txt", "Annual report", "report", "Leeds Trust", None, "2023/24", "0" * 64)
    assert F.period_other(pool, candidate("x", other_year)) == 1.0
    assert F.period_match(pool, candidate("x", UNDATED)) == 0.0 == F.period_other(pool, candidate("x", UNDATED))


def test_date_match_by_document_date_or_section_heading():
    plan = plan_of("What happened at the July 2024 meeting?")
    pool = pool_of(plan, [candidate("x", TRUST)])
    assert F.date_match(pool, candidate("x", TRUST)) == 1.0
    assert F.date_match(pool, candidate("x", UNDATED, section=("Minutes of 4 July 2024",))) == 1.0
    assert F.date_match(pool, candidate("x", UNDATED)) == 0.0


def test_conversation_prior_and_neighbours():
    plan = plan_of("And by when?", prior_docs={"a": 1.0})
    pool = pool_of(plan, [candidate("x")])
    assert F.prior(pool, candidate("x", ACME)) == 1.0 and F.prior(pool, candidate("x", GLOBEX)) == 0.0
    assert F.near(pool, candidate("x", near=True)) == 1.0 and F.near(pool, candidate("x")) == 0.0


def test_each_part_and_each_side_brings_its_best_passage():
    plan = plan_of("Who chairs the audit committee, and how much was capital expenditure?")
    assert len(plan.parts) == 2
    chair = candidate("Jane Smith chairs the audit committee.", row=1)
    capex = candidate("Capital expenditure was $4m.", row=2)
    noise = candidate("The weather was fine.", row=3)
    cands = [noise, chair, capex]
    assert part_leaders(plan, cands, [c.words for c in cands], idf) == {1, 2}
    compare = plan_of("Compare the deficit in 2023/24 and 2024/25")
    old = Document("o", "o.txt", "Report", "report", None, None, "2023/24", "0" * 64)
    cands = [candidate("x", TRUST, row=5), candidate("y", TRUST, row=6), candidate("z", old, row=7)]
    assert side_leaders(compare, cands) == {5, 7}


def test_sentence_features_and_answer_features():
    doc_passage = Passage(Chunk("a:0", "a", "Revenue was $5m.", 1, 1, (), 0, 16), ACME, 1.0, 3)
    unit = split_units(doc_passage)[0]
    view = UnitView(unit, support=0.5, similarity=0.7, cue=0.12)
    values = {name: f(view) for name, f in SENTENCE_FEATURES.items()}
    assert values["support"] == 0.5 and values["similarity"] == 0.7 and values["cue"] == 0.12
    assert values["rank_support"] < values["support"]  # rank 3 weighs less than rank 1
    answer = AnswerView(0.8, 0.6, 0.5, 0.5, 1.0)
    assert {n: f(answer) for n, f in ABSTAIN_FEATURES.items()} == {"support": 0.8, "raw_support": 0.6,
                                                                    "similarity": 0.5, "figures_missing": 0.5,
                                                                    "kinds_missing": 1.0}
    assert figures_missing(("5", "7"), ["Revenue was $5m."]) == 0.5 and figures_missing((), ["x"]) == 0.0


def test_kinds_missing_is_the_share_of_what_was_asked_for_that_the_answer_lacks():
    idf = lambda token: 1.0  # noqa: E731
    when_and_how_much = intent_of("When was the target met, and how much was raised?")
    assert kinds_missing(["The appeal raised £6.8m in March 2025."], when_and_how_much, idf) == 0.0
    assert kinds_missing(["The appeal raised £6.8m.", "It was a success."], when_and_how_much, idf) == 0.5
    assert kinds_missing(["The appeal was a success."], when_and_how_much, idf) == 1.0
    assert kinds_missing(["Anything at all."], intent_of("Describe the appeal."), idf) == 0.0


def test_tuning_round_trips_switches_features_off_and_refuses_unknown_settings(tmp_path):
    t = Tuning(ranking={"dense": 2.0, "coverage": 1.0}, abstain_threshold=0.4, fitted_on="test")
    path = tmp_path / "t.json"
    path.write_text(t.to_json())
    back = Tuning.from_file(path)
    assert back.weight("ranking", "dense") == 2.0 and back.abstain_threshold == 0.4
    assert back.without("dense").weight("ranking", "dense") == 0.0
    assert back.without("dense").weight("ranking", "coverage") == 1.0
    path.write_text(json.dumps({"rankng": {}}))
    with pytest.raises(Exception, match="unknown setting"):
        Tuning.from_file(path)


def test_the_shipped_tuning_is_fitted_and_names_only_known_features():
    shipped = load_tuning()
    assert "hand-set" not in shipped.fitted_on and shipped.ranking
    assert set(shipped.ranking) <= set(F.RANKING_FEATURES)
    assert set(shipped.sentence) <= set(SENTENCE_FEATURES)
    assert set(shipped.abstain) <= set(ABSTAIN_FEATURES)


def test_fitting_keeps_the_feature_that_ranks_and_drops_one_that_helps_a_single_corpus():
    rng = np.random.default_rng(1)
    xs, ys, groups = [], [], []
    for corpus in ("one", "two", "three"):
        for q in range(30):
            y = np.zeros(20, dtype=int)
            y[rng.integers(20)] = 1
            signal = y + rng.normal(0, 0.6, 20)
            # perfect on corpus "one", misleading elsewhere: it must not survive leave-one-corpus-out
            spurious = 2.0 * y if corpus == "one" else rng.normal(0, 1, 20) + 1.5 * (y == 0)
            xs += np.column_stack([signal, spurious]).tolist()
            ys += y.tolist()
            groups += [f"{corpus}/{q}"] * 20
    data = Grouped.of(xs, ys, groups)
    w = select_and_fit(data, k=1)
    assert w[0] > 0 and w[1] == 0.0
    assert data.only(["three"]).ranking_quality(w, k=1) > 0.5


def test_threshold_declines_what_it_can_within_the_false_abstention_budget():
    p = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.55, 0.3, 0.2])
    y = np.array([1, 1, 1, 1, 1, 0, 0, 0])
    t = best_threshold(p, y)  # declining the 0.5 answerable one would exceed 8% of the answerable
    assert 0.3 < t <= 0.5


def test_a_weight_never_takes_the_direction_its_feature_forbids():
    rng = np.random.default_rng(2)
    y = (rng.random(400) < 0.2).astype(int)
    misleading = -y + rng.normal(0, 0.5, 400)  # an "evidence" feature that, in this sample, points the wrong way
    useful = y + rng.normal(0, 0.5, 400)
    from assistant.fitting import _logistic

    w, _ = _logistic(np.column_stack([misleading, useful]), y, signs=[1, 1])
    assert w[0] == 0.0 and w[1] > 0
    free, _ = _logistic(np.column_stack([misleading, useful]), y, signs=[0, 1])
    assert free[0] < 0
