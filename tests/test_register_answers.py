"""Questions of the registers: recognised in the question's analysis from general wording, answered from the
registers of the sample papers through the real Assistant (real index, real model), each entry cited with the
exact span it was read from; anything the registers do not hold goes to ordinary retrieval."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from assistant.concepts import Concepts
from assistant.query import analyse
from assistant.register_query import register_query
from assistant.types import Filters, Turn
from conftest import CORPUS


def _query(question: str):
    facts = analyse(question)
    idf = lambda token: 5.0  # noqa: E731 - every word rare: capitalised pairs read as names
    return register_query(question, facts, Concepts.of(question, facts, idf), idf)


@pytest.mark.parametrize("question, register, statuses", [
    ("What actions does HJ own?", "actions", ()),
    ("Which actions are overdue?", "actions", ("overdue",)),
    ("What is still open on the action log?", "actions", ("open",)),
    ("Which of the actions assigned to the finance director have been completed?", "actions", ("done",)),
    ("Who sent apologies to the September board?", "attendance", ("apologies",)),
    ("Who attended the board meeting on 12 March 2025?", "attendance", ("present", "in attendance")),
    ("Was the audit committee quorate?", "attendance", ("quorum",)),
    ("What did the board approve in October?", "decisions", ()),
    ("What was agreed about the estates strategy?", "decisions", ()),
    ("Has the committee ratified the terms of reference?", "decisions", ()),
    ("What decisions were taken at the last meeting?", "decisions", ()),
    ("Has anyone declared an interest in Loomer Medical?", "interests", ()),
    ("What are Jane Doe's interests?", "interests", ()),
])
def test_register_questions_are_recognised_from_their_wording(question, register, statuses):
    rq = _query(question)
    assert rq is not None and (rq.register, rq.statuses) == (register, statuses)


@pytest.mark.parametrize("question", [
    "What actions are being taken to reduce the deficit?",  # actions in general, not the action log's
    "What was the present financial position of the ICB?",
    "What is the agreed budget for 2024/25?",
    "How many patients waited more than 12 hours in A&E?",
    "What does the report say about patient experience?",
])
def test_questions_about_the_papers_content_are_not_register_questions(question):
    assert _query(question) is None


def test_what_a_register_question_narrows_to():
    rq = _query("Who sent apologies to the September board?")
    assert rq.months == (9,) and not rq.topic.total  # "sent", "board" and the month say nothing of a topic
    rq = _query("What actions does HJ own that are due in December 2024?")
    assert rq.initials == ("HJ",) and rq.due and rq.months == (12,)
    assert set(rq.topic_without(["HJ"]).weights) == set()  # HJ turned out to be a person: no topic left
    rq = _query("Has anyone declared an interest in Loomer Medical?")
    assert rq.names == ("Loomer Medical",) and rq.topic.total  # a thing, until the registers say it is a person
    assert _query("What did the board note about finance?").noted


# -- through the real Assistant on the sample papers ---------------------------------------------------------

def _cited_exactly(answer) -> None:
    """Every line ends with a marker of a citation whose quote is the passage's own text."""
    assert not answer.abstained and answer.citations
    numbers = {c.n for c in answer.citations}
    for line in answer.text.splitlines():
        if line.startswith("- ") and not line.startswith("- …"):
            assert int(line.rsplit("[", 1)[1].rstrip("]")) in numbers, line
    for c in answer.citations:
        for quote in c.quote.split(" … "):
            assert quote and quote in c.passage.chunk.text
    assert [p.rank for p in answer.passages] == list(range(1, len(answer.passages) + 1))
    assert {c.passage.chunk.chunk_id for c in answer.citations} <= {p.chunk.chunk_id for p in answer.passages}


def test_an_owners_actions_by_initials(sample_assistant):
    answer = sample_assistant.ask("What actions does HJ own?")
    _cited_exactly(answer)
    lines = [line for line in answer.text.splitlines() if line.startswith("- ")]
    assert answer.text.startswith(f"{len(lines)} actions owned by Heather Johnstone (HJ)")
    assert all("owner HJ (Heather Johnstone)" in line for line in lines)
    assert any(line.startswith("- 2023-24/001: HJ to link in") and "complete" in line for line in lines)
    assert any("Nottingham" in line for line in lines)  # an action of the minutes' action column
    assert "registers" in answer.timings


def test_the_actions_of_one_meetings_minutes(sample_assistant):
    answer = sample_assistant.ask("What actions are assigned to HJ in the minutes of the 26 September 2024 board "
                                  "meeting?")
    _cited_exactly(answer)
    lines = [line for line in answer.text.splitlines() if line.startswith("- ")]
    assert len(lines) == 4 and all("raised 26 Sep 2024" in line for line in lines)
    for words in ("Birth trauma", "Shropshire", "Nottingham", "education"):
        assert any(words in line for line in lines), words


def test_apologies_to_a_meeting_named_by_its_month(sample_assistant):
    answer = sample_assistant.ask("Who sent apologies to the September board?")
    _cited_exactly(answer)
    assert "**Minutes of meeting held on 26th September 2024 (26 Sep 2024)**" in answer.text
    assert "- Megan Nurse, Non-Executive Director" in answer.text
    assert "Elizabeth Disney, Chief Transformation Officer: apologies; represented by Nicky Harkness" in answer.text
    assert all(": apologies" in line for line in answer.text.splitlines() if line.startswith("- "))


def test_what_the_board_approved_in_a_month_leaves_out_what_it_only_noted(sample_assistant):
    answer = sample_assistant.ask("What did the board approve in October?")
    _cited_exactly(answer)
    assert "the Committee approved, a new NHS111 Midlands Governance Framework" in answer.text
    headings = [line for line in answer.text.splitlines() if line.startswith("**")]
    assert headings and all(" Oct 2024)**" in h for h in headings)
    assert "received" not in answer.text.lower().replace("were received", "")  # no paper merely received


def test_a_declared_interest_in_a_named_thing(sample_assistant):
    answer = sample_assistant.ask("Has anyone declared an interest in Loomer Medical?")
    _cited_exactly(answer)
    assert "**Jack Aw, ICB Partner Member with a primary care perspective**" in answer.text
    lines = [line for line in answer.text.splitlines() if line.startswith("- ")]
    assert lines and all("Loomer" in line for line in lines)


def test_a_follow_up_names_its_person_from_the_conversation(sample_assistant):
    first = sample_assistant.ask("Who is the primary care partner member on the ICB board?")
    answer = sample_assistant.ask("Does he declare any indirect interests?", (Turn(first.question, first),))
    _cited_exactly(answer)
    lines = [line for line in answer.text.splitlines() if line.startswith("- ")]
    assert len(lines) == 3 and all(line.startswith("- Indirect interests: ") for line in lines)
    assert "Spouse is a GP at Loomer Road Surgery" in answer.text and "Brother is principal GP" in answer.text


def test_nothing_in_the_register_is_an_ordinary_answer(sample_assistant):
    a = sample_assistant
    for question in ("What did the board approve in March 2019?",  # no meeting then
                     "What actions does Zed Zebra own?",  # nobody of that name owns an action
                     "Has anyone declared an interest in submarines?"):
        plan = a.plan(question)
        assert plan.register is not None, question
        passages = a.retriever.search(plan, 10)
        expected = a.answerer.compose(question, passages, plan)
        got = a.ask(question)
        assert (got.text, got.abstained) == (expected.text, expected.abstained), question
    assert a.plan("What actions are being taken to reduce the deficit?").register is None


def test_filters_narrow_a_register_answer(sample_assistant):
    a = sample_assistant
    derbyshire = Filters(organisations=("Derby and Derbyshire ICB",))  # its papers are letters: no action log
    assert "owned by" not in a.ask("What actions does HJ own?", filters=derbyshire).text
    ssot = Filters(organisations=("Staffordshire and Stoke-on-Trent ICB",))
    assert a.ask("What actions does HJ own?", filters=ssot).text.startswith("6 actions owned by")


@pytest.mark.slow
def test_ask_on_the_command_line_answers_from_the_registers(sample_index):
    cmd = [sys.executable, "-m", "assistant.cli", "ask", "Which actions are still open?", "--json",
           "--corpus", str(CORPUS), "--index", str(sample_index)]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["abstained"] is False and data["answer"].startswith("10 open actions (as at 30 Jul 2025")
    assert all(c["quote"].split(" … ")[0] in c["text"] for c in data["citations"])
    assert {c["n"] for c in data["citations"]} == set(range(1, len(data["citations"]) + 1))


def test_briefing_sections_of_the_registers(sample_assistant):
    actions, decisions, attendance = sample_assistant.register_sections(["actions", "decisions", "attendance"])
    assert actions.question == "Open actions" and actions.answer.text.startswith("10 open actions")
    _cited_exactly(actions.answer)
    assert decisions.question == "Decisions from 19 Jul 2024 to 17 Oct 2024"  # 90 days up to the latest decision
    _cited_exactly(decisions.answer)
    assert "the Committee approved the SBAF" in decisions.answer.text.replace("The Committee", "the Committee")
    assert "**Minutes of meeting held on 26th September 2024 (26 Sep 2024)**" in attendance.answer.text
    _cited_exactly(attendance.answer)


@pytest.mark.slow
def test_brief_with_register_sections_cites_them_like_the_answers(sample_index, tmp_path):
    questions, out = tmp_path / "q.txt", tmp_path / "brief.md"
    questions.write_text("Who chairs the ICB Remuneration Committee?\n")
    cmd = [sys.executable, "-m", "assistant.cli", "brief", str(questions), "--registers", "actions,decisions",
           "-o", str(out), "--corpus", str(CORPUS), "--index", str(sample_index)]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "1 questions, 1 answered from the papers; register sections: actions, decisions" in result.stdout
    text = out.read_text()
    assert "## 2. Open actions" in text and "## 3. Decisions from 19 Jul 2024 to 17 Oct 2024" in text
    marks = {m for line in text.splitlines() if line.startswith("- ") for m in line.split("[^")[1:]}
    assert marks and all(f"[^{m.rstrip(']')}]: *" in text for m in marks)  # each entry's reference is listed
    bad = subprocess.run([*cmd[:4], "--registers", "minutes", "-o", str(out)], capture_output=True, text=True)
    assert bad.returncode == 2 and "unknown register minutes; choose from: actions, attendance, decisions, " \
                                   "interests" in bad.stderr
