"""TAT-QA as sentence-choice data (assistant/tatqa.py), on a hand-made context in TAT-QA's format."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest

from assistant.answer import ExtractiveAnswerer
from assistant.fitting import UNIT_FEATURES, Records
from assistant.sentences import split_units
from assistant.tatqa import (
    DATA_FILES,
    TatIdf,
    context_of,
    derivation_figures,
    load_contexts,
    passages_of,
    place_of,
    records,
    split_of,
    top1,
    unit_label,
)

RAW = {
    "table": {
        "uid": "t-0001",
        "table": [
            ["Segment", "Revenue 2019", "Revenue 2018"],
            ["Cloud", "$1,200.5", "$980.0"],
            ["Hardware", "310", "402"],
        ],
    },
    "paragraphs": [
        {"uid": "p-1", "order": 1, "text": "Our cloud segment grew strongly. Cloud revenue is recognised over the "
                                           "term of each subscription."},
        {"uid": "p-2", "order": 2, "text": "The table below shows revenue by segment (in millions). Hardware revenue "
                                           "fell because of supply shortages in Asia."},
    ],
    "questions": [
        {"uid": "q-text", "order": 1, "question": "Why did hardware revenue fall?",
         "answer": ["supply shortages in Asia"], "answer_type": "span", "answer_from": "text",
         "rel_paragraphs": ["2"], "derivation": "", "scale": ""},
        {"uid": "q-cell", "order": 2, "question": "What was the cloud revenue in 2019?",
         "answer": ["1,200.50"], "answer_type": "span", "answer_from": "table",
         "rel_paragraphs": [], "derivation": "", "scale": "million"},
        {"uid": "q-sum", "order": 3, "question": "What was the change in hardware revenue between 2018 and 2019?",
         "answer": -92, "answer_type": "arithmetic", "answer_from": "table",
         "rel_paragraphs": [], "derivation": "310 - 402", "scale": "million"},
    ],
}


@pytest.fixture
def context():
    return context_of(RAW)


def positives(context, question) -> set[str]:
    found = set()
    for passage in passages_of(context):
        place = place_of(passage)
        for unit in split_units(passage):
            if unit_label(question, unit.text, place == 0, place in question.rel_paragraphs):
                found.add(unit.text)
    return found


def test_load_contexts_reads_the_file_format(tmp_path):
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps([RAW]), encoding="utf-8")
    [ctx] = load_contexts([path])
    assert ctx.uid == "t-0001" and len(ctx.table) == 3 and [p.order for p in ctx.paragraphs] == [1, 2]
    text, cell, arithmetic = ctx.questions
    assert text.answer == ("supply shortages in Asia",) and text.rel_paragraphs == (2,)
    assert cell.answer_from == "table" and cell.rel_paragraphs == ()
    assert arithmetic.answer == -92 and arithmetic.derivation == "310 - 402"
    hash(ctx)  # frozen all the way down


def test_passages_of_makes_one_document_a_table_and_a_passage_per_paragraph(context):
    passages = passages_of(context)
    assert [p.chunk.chunk_id for p in passages] == ["t-0001:00000", "t-0001:00001", "t-0001:00002"]
    assert all(p.rank == 1 and p.score == 1.0 and p.chunk.section_path == () for p in passages)
    doc = passages[0].document
    assert {p.document for p in passages} == {doc}
    assert (doc.doc_id, doc.path, doc.title, doc.kind, doc.sha256) == ("t-0001", "tatqa/t-0001", "", "report", "0" * 64)
    assert doc.organisation is None and doc.date is None and doc.period is None and doc.pages is None
    table = passages[0].chunk.text
    assert table == "Segment\tRevenue 2019\tRevenue 2018\nCloud\t$1,200.5\t$980.0\nHardware\t310\t402"
    # The header row labels the rows below it.
    rows = [u.text for u in split_units(passages[0])]
    assert rows == ["Cloud; Revenue 2019: $1,200.5; Revenue 2018: $980.0",
                    "Hardware; Revenue 2019: 310; Revenue 2018: 402"]
    assert passages[2].chunk.text == RAW["paragraphs"][1]["text"]


def test_labels_mark_the_units_that_state_the_answer(context):
    text, cell, arithmetic = context.questions
    assert positives(context, text) == {"Hardware revenue fell because of supply shortages in Asia."}
    # "1,200.50" is "$1,200.5": numbers compare as numbers.
    assert positives(context, cell) == {"Cloud; Revenue 2019: $1,200.5; Revenue 2018: $980.0"}
    assert positives(context, arithmetic) == {"Hardware; Revenue 2019: 310; Revenue 2018: 402"}


def test_labels_respect_where_the_answer_comes_from(context):
    text, cell, arithmetic = context.questions
    sentence = "Hardware revenue fell because of supply shortages in Asia."
    assert unit_label(text, sentence, False, True)
    assert not unit_label(text, sentence, False, False)  # not one of its relevant paragraphs
    assert not unit_label(text, sentence, True, False)  # a text answer is never a table row
    assert not unit_label(cell, "Cloud revenue was 1,200.5 in 2019.", False, True)  # a table answer is never prose
    assert not unit_label(cell, "Cloud | 11,200.5", True, False)  # a figure is matched whole
    assert not unit_label(arithmetic, "Hardware | 92", True, False)  # the result is worked out, not stated


def test_a_row_of_years_is_a_header_not_an_answer():
    which_year = context_of({**RAW, "questions": [
        {**RAW["questions"][1], "question": "In which year was cloud revenue higher?", "answer": ["2019"],
         "derivation": "locate and analyze cloud in row 2"}]}).questions[0]
    assert not unit_label(which_year, "2019 | 2018 | 2017", True, False)
    assert unit_label(which_year, "2019 | 1.15 | 1.30", True, False)  # a row about 2019 may answer


def test_derivation_figures_leave_out_the_constants():
    ctx = context_of({**RAW, "questions": [
        {**RAW["questions"][2], "derivation": "(1,310 + 510) / 2"},
        {**RAW["questions"][2], "derivation": "(2,807 / 2,790 - 1) * 100"},
        {**RAW["questions"][2], "derivation": "[(3,401.2+3,011.5)/2] - [(3,011.5+2,618.2)/2]"},
        {**RAW["questions"][2], "derivation": "For COL4 rows 3-5 find the largest number"},
    ]})
    average, growth, brackets, words = ctx.questions
    assert derivation_figures(average) == {"1310", "510"}
    assert derivation_figures(growth) == {"2807", "2790"}
    assert derivation_figures(brackets) == {"3401.2", "3011.5", "2618.2"}
    assert derivation_figures(words) == frozenset()


def test_split_is_fixed_by_the_table_uid_and_about_half(context):
    assert split_of(context) == split_of(context_of(json.loads(json.dumps(RAW))))
    sides = [split_of(context_of({**RAW, "table": {**RAW["table"], "uid": f"uid-{i}"}})) for i in range(1000)]
    assert set(sides) == {"train", "test"}
    assert 400 <= sides.count("test") <= 600


def test_idf_is_bm25s_over_paragraphs_and_rows(context):
    idf = TatIdf([context])
    assert idf.documents == 5  # two paragraphs and three rows
    assert idf("hardwar") > idf("revenu") > 0  # "revenue" is in four of the five, "hardware" in two
    assert idf("zebra") == 0.0


def test_records_gives_every_group_a_positive(context):
    recorded = records([context], lambda idf: ExtractiveAnswerer(idf, embed=None))
    assert recorded.unit_x and len(recorded.unit_x) == len(recorded.unit_y) == len(recorded.unit_group)
    assert all(len(x) == len(UNIT_FEATURES) for x in recorded.unit_x)
    groups = defaultdict(list)
    for y, g in zip(recorded.unit_y, recorded.unit_group):
        groups[g].append(y)
    assert set(groups) == {"tatqa/q-text", "tatqa/q-cell", "tatqa/q-sum"}
    assert all(any(ys) and not all(ys) for ys in groups.values())
    assert not recorded.rank_x and not recorded.answer_x
    assert 0.0 <= top1(recorded, [1.0] * len(UNIT_FEATURES)) <= 1.0
    assert len(set(records([context], lambda idf: ExtractiveAnswerer(idf), limit=1).unit_group)) == 1


def test_top1_is_the_share_of_groups_whose_best_unit_answers():
    recorded = Records(unit_x=[[1.0, 0.0], [0.0, 1.0], [2.0, 0.0], [0.0, 3.0]], unit_y=[1, 0, 0, 1],
                       unit_group=["a", "a", "b", "b"])
    assert top1(recorded, [1.0, 0.0]) == 0.5  # a: right; b: the wrong unit scores 2
    assert top1(recorded, [0.0, 1.0]) == 0.5  # a: wrong; b: right
    assert top1(recorded, [1.0, 1.0]) == 1.0
    assert top1(Records(), [1.0]) == 0.0


@pytest.mark.skipif(not all(p.is_file() for p in DATA_FILES), reason="../shared/eval/tatqa is not beside the project")
def test_the_real_data_loads_and_splits_by_context():
    contexts = load_contexts()
    assert len(contexts) == 555 and sum(len(c.questions) for c in contexts) == 3331
    train = {c.uid for c in contexts if split_of(c) == "train"}
    test = {c.uid for c in contexts if split_of(c) == "test"}
    assert not train & test and len(train) + len(test) == 555
    assert 0.4 < len(test) / 555 < 0.6
