"""`boardroom docs` as a user runs it: a subprocess on the sample corpus and on a corpus with bad files."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from assistant import config

from test_ingest_helpers import make_pdf


def _run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "assistant.cli", "docs", *args], capture_output=True, text=True,
                          cwd=config.PROJECT_DIR, env=env, timeout=60)


def test_docs_on_the_sample_corpus():
    result = _run("--corpus", str(config.PROJECT_DIR / "corpus"))
    assert result.returncode == 0, result.stderr
    assert "5 documents" in result.stdout
    assert "meeting pack" in result.stdout and "Derby and Derbyshire ICB" in result.stdout
    assert "skipped" not in result.stdout


def test_docs_json_on_the_sample_corpus():
    result = _run("--corpus", str(config.PROJECT_DIR / "corpus"), "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 5 and all(r["problem"] is None for r in rows)
    plan = next(r for r in rows if r["kind"] == "plan")
    assert plan["date"] is None and plan["period"] == "2023/24" and plan["pages"] is None
    pack = next(r for r in rows if r["kind"] == "meeting pack")
    assert pack["date"] == "2024-10-17" and pack["chunks"] > 100


def test_docs_with_broken_files(tmp_path):
    (tmp_path / "good.txt").write_text("Quality Report\n\nFalls fell by 10% this year.\n")
    make_pdf(tmp_path / "paper.pdf", [["Finance report", "Deficit of 1.2m."], ["Page two text."]])
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "sheet.xlsx").write_bytes(b"PK")
    (tmp_path / "bad.pdf").write_bytes(b"not a pdf")
    result = _run("--corpus", str(tmp_path))
    assert result.returncode == 1
    out = result.stdout
    assert "2 documents" in out
    assert "skipped empty.txt: empty file" in out
    assert "skipped sheet.xlsx: unsupported extension .xlsx" in out
    assert "skipped bad.pdf: corrupt PDF" in out
    rows = json.loads(_run("--corpus", str(tmp_path), "--json").stdout)
    by_path = {r["path"]: r for r in rows}
    assert by_path["paper.pdf"]["pages"] == 2 and by_path["paper.pdf"]["problem"] is None
    assert by_path["empty.txt"]["problem"] == "empty file" and by_path["empty.txt"]["title"] is None


def test_docs_on_a_missing_folder(tmp_path):
    result = _run("--corpus", str(tmp_path / "nope"))
    assert result.returncode == 1
    assert result.stderr.strip().startswith("boardroom:") and "corpus folder not found" in result.stderr
