"""`boardroom index` as a user runs it: a real subprocess, the real encoder, a small real corpus."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from assistant import config
from assistant.store import IndexStore

SUMMARY = re.compile(
    r"Indexed (\d+) documents \((\d+) new, (\d+) changed, (\d+) removed, (\d+) unchanged\), (\d+) chunks "
    r"\((\d+) embedded\) in [\d.]+ s; (\d+) skipped[:.]"
)
SAMPLES = ["2024-07-31_derbyshire-icb_nhse-annual-assessment-2023-24.txt",
           "2024-07-31_ssot-icb_nhse-annual-assessment-2023-24.txt"]


def _boardroom(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant.cli", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    for name in SAMPLES:
        shutil.copy(config.PROJECT_DIR / "corpus" / name, root / name)
    (root / "broken.pdf").write_bytes(b"%PDF-1.7\nnot a real pdf")
    return root


@pytest.mark.slow
def test_index_then_reindex(corpus, tmp_path):
    index = tmp_path / "index"
    first = _boardroom("index", "--corpus", str(corpus), "--index", str(index))
    assert first.returncode == 0, first.stderr
    m = SUMMARY.search(first.stdout)
    assert m, first.stdout
    docs, new, changed, removed, unchanged, chunks, embedded, skipped = map(int, m.groups())
    assert (docs, new, changed, removed, unchanged, skipped) == (2, 2, 0, 0, 0, 1) and chunks == embedded > 0
    assert re.search(r"^  broken\.pdf: \S.*$", first.stdout, re.M), first.stdout
    store = IndexStore.open(index)
    assert store.chunk_count == chunks and store.meta.model == config.MODEL_NAME

    again = _boardroom("index", "--corpus", str(corpus), "--index", str(index))
    assert again.returncode == 0, again.stderr
    assert SUMMARY.search(again.stdout).groups()[:7] == ("2", "0", "0", "0", "2", str(chunks), "0")


@pytest.mark.slow
def test_locked_index_is_one_line_and_nonzero(corpus, tmp_path):
    index = tmp_path / "index"
    index.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import fcntl, os, sys, time
        fh = open({str(index / '.lock')!r}, "a+")
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fh.write(f"{{os.getpid()}}\\n"); fh.flush()
        print("locked", flush=True)
        time.sleep(60)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = _boardroom("index", "--corpus", str(corpus), "--index", str(index))
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 1
    assert result.stderr.strip() == f"boardroom: another build is running (pid {holder.pid})"


def test_missing_corpus_is_one_line_and_nonzero(tmp_path):
    result = _boardroom("index", "--corpus", str(tmp_path / "nowhere"), "--index", str(tmp_path / "index"))
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "not found" in result.stderr
