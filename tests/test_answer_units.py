"""The composer's building blocks and its behaviour on hand-made passages (no index needed)."""

import datetime as dt

from assistant.answer import NOT_FOUND, ExtractiveAnswerer
from assistant.sentences import split_units
from assistant.types import Chunk, Document, Passage

DOC = Document("d1", "letter.txt", "Annual assessment 2023/24", "letter", "Derby and Derbyshire ICB",
               dt.date(2024, 7, 31), "2023/24", "0" * 64)
OTHER = Document("d2", "other.txt", "Annual assessment 2023/24", "letter", "Staffordshire and Stoke-on-Trent ICB",
                 dt.date(2024, 7, 31), "2023/24", "0" * 64)


def make(text: str, rank: int = 1, doc: Document = DOC) -> Passage:
    chunk = Chunk(f"{doc.doc_id}:{rank:05d}", doc.doc_id, text, None, None, ("Section 2: Finance",), 100, 100 + len(text))
    return Passage(chunk, doc, 1.0, rank)


def test_units_are_sentences_and_rows_that_slice_back_into_the_chunk():
    text = ("The system reported a £59.8m deficit. Dr. Smith noted e.g. pay pressures.\n"
            "Metric\tBaseline\tQ4\nVirtual ward utilisation\t35%\t86.2%\n")
    units = split_units(make(text))
    raws = [u.raw for u in units]
    assert raws[0] == "The system reported a £59.8m deficit."
    assert raws[1] == "Dr. Smith noted e.g. pay pressures."
    for u in units:
        assert text[u.start:u.end] == u.raw
    row = units[-1]
    assert row.is_row and row.text == "Virtual ward utilisation; Baseline: 35%; Q4: 86.2%"


def test_answer_quotes_verbatim_figures_with_resolvable_markers():
    p1 = make("In the financial year 2023/24 the system's reported financial performance was £59.8m deficit "
              "against a break-even plan. Within the reported value, the ICB financial position was £1.0m surplus.")
    p2 = make("Elective recovery targets were challenging for the ICB.", rank=2)
    answer = ExtractiveAnswerer(documents=[DOC]).compose(
        "What was Derby and Derbyshire's financial position in 2023/24?", [p1, p2])
    assert not answer.abstained
    assert "£59.8m deficit" in answer.text
    numbers = {c.n for c in answer.citations}
    assert numbers == {1}
    assert "[1]" in answer.text
    assert answer.citations[0].passage is p1
    assert answer.citations[0].quote in p1.chunk.text or "…" in answer.citations[0].quote


def test_abstains_without_support_and_keeps_the_closest_passages():
    p = make("The estates strategy covers the refurbishment of three health centres.")
    answer = ExtractiveAnswerer(documents=[DOC]).compose("Who chairs the remuneration committee?", [p])
    assert answer.abstained and answer.text == NOT_FOUND
    assert answer.passages == (p,) and answer.citations == ()


def test_abstains_when_the_only_support_is_about_another_body_or_year():
    p = make("Heather Johnstone is the Chief Nursing Officer of the ICB.", doc=OTHER)
    ans = ExtractiveAnswerer(documents=[DOC, OTHER])
    assert ans.compose("Who is the Chief Nursing Officer at Derby and Derbyshire ICB?", [p]).abstained
    q = make("In 2023/24 the system reported a £59.8m deficit against a break-even plan.")
    assert ans.compose("What was Derby and Derbyshire's deficit in 2024/25?", [q]).abstained
    assert not ans.compose("What was Derby and Derbyshire's deficit in 2023/24?", [q]).abstained


def test_wrapped_prose_is_one_sentence_and_label_value_tables_are_one_statement():
    text = ("the ICB and wider system reported deficits of £14.9m and\n£17.8m respectively at the end of the year.\n\n"
            "Report of:\tthe Remuneration Committee\nChair:\tJosie Spencer, Non-Executive Director\n")
    units = split_units(make(text))
    assert units[0].text == ("the ICB and wider system reported deficits of £14.9m and £17.8m respectively at the "
                             "end of the year.")
    assert units[1].text == "Report of: the Remuneration Committee; Chair: Josie Spencer, Non-Executive Director"
    assert text[units[1].start:units[1].end].startswith("Report of:")


def test_a_header_row_labels_rows_and_is_not_quoted_itself():
    text = "Metric\tAug 24\tAug 23\tVariance\nGP appointments (all)\t485,982\t506,811\t-4.1%\n"
    units = split_units(make(text))
    assert [u.text for u in units] == ["GP appointments (all); Aug 24: 485,982; Aug 23: 506,811; Variance: -4.1%"]


def test_units_that_read_badly_alone_are_penalised():
    from assistant.sentences import unreadable

    units = split_units(make("Best Buy 127 1 - 128 127 - - 127\n\n2021, primarily due to leverage of fixed costs.\n\n"
                             "The increase was primarily due to the opening of 47 new stores.\n"))
    bare, fragment, good = units
    assert unreadable(bare) > unreadable(fragment) > unreadable(good) == 0.0


def test_a_who_question_needs_the_role_it_names():
    p = make("Chris Clayton, Chief Executive Officer – Derby & Derbyshire Integrated Care Board.")
    ans = ExtractiveAnswerer(lambda t: 5.0, documents=[DOC])
    assert ans.compose("Who is the Chief Nursing Officer at Derby and Derbyshire ICB?", [p]).abstained
    answer = ans.compose("Who is the Chief Executive Officer at Derby and Derbyshire ICB?", [p])
    assert not answer.abstained and "Chris Clayton" in answer.text


def test_the_sentence_introducing_a_list_gives_its_items_their_context():
    p = make("Across the region at 30 June 2024:\n\n- 1,204 patients waited over 18 weeks for a scan\n"
             "- 377 patients waited over 6 weeks for a diagnostic test\n\nThe backlog is reviewed monthly.")
    ans = ExtractiveAnswerer(documents=[DOC])
    units = ans.sentences([p], ans_plan("How many patients waited over 6 weeks for a diagnostic test across the "
                                        "region at 30 June 2024?"))
    assert units[0].unit.text.startswith("377 patients")  # not the list's lead-in, which states no figure
    answer = ans.compose("How many patients waited over 6 weeks for a diagnostic test across the region at "
                         "30 June 2024?", [p])
    assert not answer.abstained and "377" in answer.text


def ans_plan(question: str):
    from assistant.plan import CorpusView, make_plan
    from assistant.query import analyse

    return make_plan(question, analyse(question), CorpusView(lambda t: 1.0, (DOC,)))


def test_a_who_question_naming_the_body_of_the_paper_is_answered_from_it():
    """"Who is LYPFT's Lead Governor?" is answered by a sentence of that trust's own report that does not
    repeat the initials, which its file name carries; another body's paper still does not answer it."""
    lypft = Document("d3", "LYPFT_Annual_Report_2024-25.md", "Annual Report 2024/25", "report",
                     "Leeds and York Partnership NHS Foundation Trust", None, "2024/25", "0" * 64)

    def rare(token: str) -> float:  # a person's name is made of words rare in the papers
        return 8.0 if token in {"ian", "andrew", "andrews"} else 1.0

    def same_meaning(texts: list[str]):  # stands in for the encoder: every text means what the question does
        import numpy as np

        return np.ones((len(texts), 1))

    sentence = "Ian Andrews was elected as the new Lead Governor on 9 November 2024."
    answerer = ExtractiveAnswerer(rare, documents=[lypft, OTHER], embed=same_meaning)
    answer = answerer.compose("Who is LYPFT's Lead Governor?", [make(sentence, doc=lypft)])
    assert not answer.abstained and "Ian Andrews" in answer.text
    assert answerer.compose("Who is LYPFT's Lead Governor?", [make(sentence, doc=OTHER)]).abstained
