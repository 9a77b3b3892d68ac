"""`boardroom index` as a user runs it: a real subprocess, the real encoder, a small real corpus.

tests/test_indexer.py kills builds (kill -9) at chosen stages with a fake encoder, many times; here one real
`boardroom index` is killed halfway through embedding, and the next one resumes from the embedding cache.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from assistant import config
from assistant.store import IndexStore

SUMMARY = re.compile(
    r"Indexed (\d+) documents \((\d+) new, (\d+) changed, (\d+) removed, (\d+) unchanged\), (\d+) chunks "
    r"\((\d+) embedded(?:, (\d+) of (\d+) embeddings reused)?\) in [\d.]+ s; (\d+) skipped[:.]"
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
    docs, new, changed, removed, unchanged, chunks, embedded, reused, pieces, skipped = map(int, m.groups())
    assert (docs, new, changed, removed, unchanged, skipped) == (2, 2, 0, 0, 0, 1) and chunks == embedded > 0
    assert reused == 0 and pieces >= chunks  # a fresh index: every piece (one or more a chunk) encoded
    assert re.search(r"^  broken\.pdf: \S.*$", first.stdout, re.M), first.stdout
    store = IndexStore.open(index)
    assert store.chunk_count == chunks and store.meta.model == config.MODEL_NAME

    again = _boardroom("index", "--corpus", str(corpus), "--index", str(index))
    assert again.returncode == 0, again.stderr
    assert SUMMARY.search(again.stdout).groups()[:9] == ("2", "0", "0", "0", "2", str(chunks), "0", None, None)


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


def _cached_vectors(index: Path) -> int:
    try:
        with sqlite3.connect(f"file:{index / 'embeddings.sqlite'}?mode=ro", uri=True) as db:
            return db.execute("SELECT count(*) FROM vectors").fetchone()[0]
    except sqlite3.Error:  # not created yet
        return 0


def _pieces(corpus: Path, names: list[str]) -> int:
    from assistant.chunking import chunk_document
    from assistant.context import embedded_texts
    from assistant.ingest import read_document

    return sum(len(embedded_texts(parsed.document, c))
               for parsed in (read_document(corpus / name, corpus) for name in names) for c in chunk_document(parsed))


@pytest.mark.slow
def test_kill_9_halfway_through_embedding_then_the_next_build_resumes(tmp_path, sample_index):
    from assistant.assistant import Assistant
    from assistant.embedding import load_embedder
    from assistant.indexer import build_index
    from assistant.store import read_current

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    shutil.copy(config.PROJECT_DIR / "corpus" / SAMPLES[0], corpus)
    embedder = load_embedder()
    build_index(corpus, index, embedder=embedder)  # the old index: one letter
    old, cached_before = read_current(index), _cached_vectors(index)
    added = [SAMPLES[1], "2025-07-30_ssot-icb_nhse-annual-assessment-2024-25.txt"]  # two letters to embed
    for name in added:
        shutil.copy(config.PROJECT_DIR / "corpus" / name, corpus)
    pieces = _pieces(corpus, added)

    build = subprocess.Popen([sys.executable, "-m", "assistant.cli", "index", "--corpus", str(corpus), "--index",
                              str(index)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    asked: dict = {}

    def ask_meanwhile() -> None:  # as the chat does while the build holds the lock: open, update, search
        while (index / ".lock").read_text().strip() != str(build.pid):
            time.sleep(0.01)
        asked["during_build"] = build.poll() is None
        asked["passages"] = Assistant.open(corpus, index).search("elective recovery", 5)

    meanwhile = threading.Thread(target=ask_meanwhile, daemon=True)
    meanwhile.start()
    try:
        while (_cached_vectors(index) - cached_before < pieces // 2 or "passages" not in asked) and build.poll() is None:
            time.sleep(0.01)
    finally:
        build.send_signal(signal.SIGKILL)
        build.communicate()
    assert build.returncode == -signal.SIGKILL, "the build ended before it was killed"
    meanwhile.join(timeout=120)
    assert asked["during_build"] and {p.document.path for p in asked["passages"]} == {SAMPLES[0]}
    assert read_current(index) == old
    kept = _cached_vectors(index) - cached_before
    assert pieces // 2 <= kept < pieces

    resumed = _boardroom("index", "--corpus", str(corpus), "--index", str(index))
    assert resumed.returncode == 0, resumed.stderr
    m = SUMMARY.search(resumed.stdout)
    assert m, resumed.stdout
    new, embedded, reused, total = (int(m.group(i)) for i in (2, 7, 8, 9))
    assert new == 2 and embedded > 0 and total == pieces and reused == kept

    # The same vectors as a build from nothing: that of the sample corpus, which holds these three letters.
    got, clean = IndexStore.open(index), IndexStore.open(sample_index)
    want = {d.path: d.doc_id for d in clean.documents()}
    assert sorted(d.path for d in got.documents()) == sorted([SAMPLES[0], *added])
    for doc in got.documents():
        np.testing.assert_allclose(got.vectors[got.rows_of(doc.doc_id)], clean.vectors[clean.rows_of(want[doc.path])],
                                   atol=1e-5)


class _Lines:
    """The lines a running process prints, read in a thread so that waiting for one can time out."""

    def __init__(self, proc: subprocess.Popen):
        import queue

        self.queue: queue.SimpleQueue[str] = queue.SimpleQueue()
        self.seen: list[str] = []
        threading.Thread(target=lambda: [self.queue.put(line) for line in proc.stdout], daemon=True).start()

    def wait_for(self, pattern: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.queue.get(timeout=max(0.0, deadline - time.monotonic())).rstrip("\n")
            except Exception:  # noqa: BLE001 - queue.Empty: timed out
                break
            self.seen.append(line)
            if re.search(pattern, line):
                return line
        raise AssertionError(f"no line matching {pattern!r} in {self.seen}")


def _search_paths(corpus: Path, index: Path, query: str) -> list[str]:
    result = _boardroom("search", query, "--json", "--k", "3", "--corpus", str(corpus), "--index", str(index))
    assert result.returncode == 0, result.stderr
    return [p["path"] for p in json.loads(result.stdout)]


@pytest.mark.slow
def test_watch_adds_and_removes_papers_as_they_come_and_go(tmp_path):
    from assistant.store import read_current

    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "minutes.md").write_text("# Minutes of the Board\n\nItem 1. The board noted the finance report.\n")
    # As from a terminal: Ctrl+C delivered (a test run started in the background inherits SIGINT ignored).
    watch = subprocess.Popen([sys.executable, "-m", "assistant.cli", "index", "--watch", "--corpus", str(corpus),
                              "--index", str(index)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    lines = _Lines(watch)
    try:
        assert re.search(r"^Indexed 1 documents \(1 new", lines.wait_for(r"^Indexed"))
        lines.wait_for(r"^Watching .* for changes \(Ctrl\+C stops\)\.$")
        first = read_current(index)

        (corpus / "estates.md").write_text("# Estates report\n\nItem 4. The helipad resurfacing at the "
                                           "Royal Derby site will cost £2.3m and finish in March.\n")
        assert re.fullmatch(r"\d\d:\d\d:\d\d added estates\.md", lines.wait_for(r"estates"))
        assert read_current(index) != first  # the watcher built it, before anyone searched
        assert _search_paths(corpus, index, "helipad resurfacing")[0] == "estates.md"

        (corpus / "estates.md").unlink()
        assert re.fullmatch(r"\d\d:\d\d:\d\d removed estates\.md", lines.wait_for(r"estates"))
        assert "estates.md" not in {d.path for d in IndexStore.open(index).documents()}
        assert "estates.md" not in _search_paths(corpus, index, "helipad resurfacing")
    finally:
        watch.send_signal(signal.SIGINT)  # Ctrl+C
        try:
            watch.wait(timeout=30)
        finally:
            watch.kill()
    assert watch.returncode == 0
    assert lines.wait_for(r"^Stopped") == f"Stopped watching {corpus}."
    assert watch.stderr.read().strip() == ""
