"""The question commands run as a user runs them: `boardroom ask/search/brief/eval` in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import CORPUS, DEV

pytestmark = pytest.mark.slow


def boardroom(*args: str, index, check: bool = True) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "assistant.cli", *args, "--corpus", str(CORPUS), "--index", str(index)]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_ask_prints_the_answer_with_numbered_sources(sample_index):
    out = boardroom("ask", "Who chairs the ICB Remuneration Committee?", index=sample_index).stdout
    assert "Josie Spencer" in out
    assert "[1]" in out and "meeting pack" in out


def test_ask_json_has_answer_citations_and_ranked_passages(sample_index):
    out = boardroom("ask", "What was the Staffordshire and Stoke-on-Trent system's reported financial position "
                    "for 2023/24?", "--json", index=sample_index).stdout
    data = json.loads(out)
    assert "90.7m" in data["answer"] and data["abstained"] is False
    cite = data["citations"][0]
    assert {"n", "document", "path", "kind", "date", "section", "page_start", "page_end", "text", "quote"} <= set(cite)
    assert cite["quote"].split(" … ")[0] in cite["text"]
    assert cite["date"] == "2024-07-31" and cite["page_start"] is None
    assert len(data["passages"]) >= 5 and [p["rank"] for p in data["passages"]] == list(range(1, len(data["passages"]) + 1))


def test_ask_markdown_and_an_abstention(sample_index):
    out = boardroom("ask", "Who won the staff bake-off competition?", "--markdown", index=sample_index).stdout
    assert "The papers don't say" in out and "not an answer" in out


def test_batch_answers_items_and_dialogs_in_order(sample_index, tmp_path):
    items = tmp_path / "items.jsonl"
    items.write_text("\n".join([
        json.dumps({"id": "a", "question": "Who chairs the ICB Remuneration Committee?", "answer": "ignored"}),
        json.dumps({"id": "d", "turns": [
            {"question": "What did NHS England say about elective recovery in Derbyshire in 2023/24?"},
            {"question": "And cancer?"}]}),
    ]) + "\n")
    lines = [json.loads(x) for x in boardroom("ask", "--batch", str(items), index=sample_index).stdout.splitlines()]
    assert [x["id"] for x in lines] == ["a", "d"]
    assert "Josie Spencer" in lines[0]["answer"]
    assert len(lines[1]["turns"]) == 2 and "62-day" in lines[1]["turns"][1]["answer"]


def test_search_honours_filters_and_prints_json(sample_index):
    out = boardroom("search", "financial position deficit", "--k", "4", "--org", "Derby and Derbyshire ICB", "--json",
                    index=sample_index).stdout
    passages = json.loads(out)
    assert len(passages) == 4 and {p["organisation"] for p in passages} == {"Derby and Derbyshire ICB"}


def test_brief_writes_a_markdown_briefing_with_references(sample_index, tmp_path):
    questions = tmp_path / "q.txt"
    questions.write_text("# board briefing\nWho chairs the ICB Remuneration Committee?\n"
                         "Who won the staff bake-off competition?\n")
    brief = tmp_path / "brief.md"
    out = boardroom("brief", str(questions), "-o", str(brief), index=sample_index).stdout
    assert "2 questions, 1 answered" in out
    text = brief.read_text()
    assert "## 1. Who chairs the ICB Remuneration Committee?" in text
    assert "## References" in text and "[^1]:" in text
    assert "The papers don't say" in text


def test_eval_reports_the_metrics(sample_index):
    if not DEV.exists():
        pytest.skip("../shared/eval/dev.jsonl is not beside the project")
    data = json.loads(boardroom("eval", str(DEV), "--json", index=sample_index).stdout)
    for key in ("recall@5", "mrr", "answer_acc", "cited", "abstain_ok", "false_abstain", "latency_p95_ms"):
        assert data[key] is not None
    assert "by_type" in data and "unanswerable" in data["by_type"]


def test_bad_input_gets_one_clear_line(sample_index, tmp_path):
    r = boardroom("ask", "x", "--kind", "memo", index=sample_index, check=False)
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "unknown kind" in r.stderr
    r = boardroom("eval", str(tmp_path / "missing.jsonl"), index=sample_index, check=False)
    assert r.returncode == 1 and "no such file" in r.stderr
    r = boardroom("ask", "x", "--since", "yesterday", index=sample_index, check=False)
    assert r.returncode == 2 and "not a date" in r.stderr


def test_search_explain_prints_each_feature_with_its_weight_and_contribution(sample_index):
    out = boardroom("search", "Who chairs the ICB Remuneration Committee?", "--explain", "--k", "2",
                    index=sample_index).stdout
    assert out.count("score") == 2 and "contribution" in out
    assert "dense" in out and "window_coverage" in out


def test_eval_on_a_folder_scores_each_corpus_on_its_own_papers_beside_the_baseline(tmp_path, sample_index):
    """A folder laid out like ../shared/eval: dev.jsonl about the sample papers and a sub-folder with its own
    papers and questions; each gets its own index under --index-root."""
    folder = tmp_path / "eval"
    (folder / "tiny" / "corpus").mkdir(parents=True)
    (folder / "tiny" / "corpus" / "minutes.txt").write_text(
        "Minutes of the Finance Committee, 3 March 2025\n\nThe committee approved a capital budget of £4.2m "
        "for the new theatre block.\n\nThe Chair, Ann Lee, thanked the estates team.\n", encoding="utf-8")
    question = {"id": "t1", "question": "What capital budget did the Finance Committee approve?",
                "answer_patterns": ["4\\.2\\s*m"], "type": "numeric",
                "evidence": [{"doc": "minutes.txt", "quote": "approved a capital budget of £4.2m"}]}
    (folder / "tiny" / "questions.jsonl").write_text(json.dumps(question) + "\n", encoding="utf-8")
    (folder / "dev.jsonl").write_text(DEV.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    roots = tmp_path / "indexes"
    roots.mkdir()
    (roots / "board-papers").symlink_to(sample_index)  # the sample papers' index is built already
    cmd = [sys.executable, "-m", "assistant.cli", "eval", str(folder), "--baseline", "--json",
           "--corpus", str(CORPUS), "--index-root", str(roots)]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=600,
                            env={**os.environ, "BOARDROOM_CACHE": str(tmp_path / "cache")})
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report["per corpus"]) == {"board-papers", "tiny"}
    assert report["per corpus"]["tiny"]["recall@5"] == 100.0 and report["per corpus"]["tiny"]["answer_acc"] == 100.0
    assert report["baseline"]["tiny"]["recall@5"] == 100.0 and report["baseline"]["tiny"]["answer_acc"] is None
    assert (roots / "tiny" / "current").exists()
