"""The local-model answerer's pure parts: what the model is sent, and how checked sentences become an Answer."""

from __future__ import annotations

from tui_fakes import FakeAssistant

from assistant.citation_check import check_answer
from assistant.llm_answer import LLMAnswerer, prompt, source_text, useful


def passages():
    fake = FakeAssistant()
    return [fake._passage("letter", 2, 1), fake._passage("minutes", 1, 2), fake._passage("minutes", 2, 3)]


def test_each_source_says_which_paper_body_date_and_item_it_comes_from():
    letter = source_text(passages()[0])
    head, body = letter.split("\n", 1)
    assert head == "Annual assessment 2023/24 (Example ICB · 2023/24) — letter · 31 Jul 2024 · Item › Finance · no pages"
    assert body.startswith("Finance. The system reported a deficit of £90.7m")
    assert source_text(passages()[0], chars=40).endswith(" …")
    messages = prompt("What was the deficit?", {1: letter, 2: "x"})
    assert [m["role"] for m in messages] == ["system", "user"]
    assert "[1] Annual assessment" in messages[1]["content"] and "\n\n[2] x" in messages[1]["content"]
    assert messages[1]["content"].rstrip().endswith("after every sentence.")
    assert "Question: What was the deficit?" in messages[1]["content"]


def test_the_sentences_that_passed_are_renumbered_in_order_of_use_and_quote_their_source():
    sent = passages()
    sources = {n: source_text(p) for n, p in enumerate(sent, 1)}
    draft = ("By month 5 the year-to-date deficit was £12.3m [2]. The system's deficit was £99m [1]. "
             "The system reported a deficit of £90.7m [1]. It also noted 140 CHC cases [2][3].")
    result = check_answer(draft, sources)
    assert [s.passed for s in result.sentences] == [True, False, True, True]
    answer = LLMAnswerer.render("What deficits were reported?", result, sent, sent)
    assert answer.text == ("By month 5 the year-to-date deficit was £12.3m. [1] The system reported a deficit of £90.7m. [2] "
                           "It also noted 140 CHC cases. [1] [3]")
    assert [(c.n, c.passage.chunk.chunk_id) for c in answer.citations] == [
        (1, "minutes-1"), (2, "letter-2"), (3, "minutes-2")]
    assert [c.quote for c in answer.citations] == [
        "The Chief Finance Officer reported a year-to-date deficit of £12.3m at month 5.",
        "The system reported a deficit of £90.7m against a planned deficit of £42.0m.",
        "The Board discussed the continuing healthcare (CHC) backlog, now 140 cases."]
    assert not answer.abstained and answer.passages == tuple(sent)
    # what is shown passes the check again, against the citations it now carries
    assert not check_answer(answer.text, {c.n: source_text(c.passage) for c in answer.citations}).dropped


def test_an_answer_that_passed_but_says_nothing_of_the_question_is_not_useful():
    sources = {1: source_text(passages()[0])}
    kept = check_answer("The papers do not say [1]. The source is a letter [1].", sources).kept
    assert len(kept) == 2 and not useful(kept, "What was the deficit?")
    assert useful(check_answer("The deficit was £90.7m [1].", sources).kept, "What was the deficit?")
