"""Incremental builds, skipped files, the build lock and crash safety (real subprocesses, real SIGKILL)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from assistant.context import embedded_texts
from assistant.embedding import HashEmbedder
from assistant.errors import IndexLocked
from assistant.indexer import build_index, iter_builds
from assistant.store import IndexStore, read_current

EMB = HashEmbedder(48)
PYTHON = sys.executable


def _paper(title: str, topic: str, n: int = 4) -> str:
    paras = [f"Item {i}. The board discussed {topic} in detail; paper {i} of {n} on {topic} was noted. "
             f"The {topic} figure was £{i}.{len(topic)}m for 2024/25 and actions were agreed." for i in range(1, n + 1)]
    return f"# {title}\n\n" + "\n\n".join(paras) + "\n"


def _corpus(root: Path) -> Path:
    root.mkdir()
    (root / "finance.md").write_text(_paper("Finance report", "deficit", n=12))
    (root / "quality.md").write_text(_paper("Quality report", "infection control"))
    (root / "people.txt").write_text(_paper("People report", "workforce"))
    return root


def _open(index_dir: Path) -> IndexStore:
    return IndexStore.open(index_dir, model=EMB.name, dim=EMB.dim)


def _by_path(store: IndexStore) -> dict[str, np.ndarray]:
    return {d.path: store.vectors[store.rows_of(d.doc_id)].copy() for d in store.documents()}


def test_first_build_indexes_every_file(tmp_path):
    corpus = _corpus(tmp_path / "corpus")
    seen: list[tuple[str, int, int]] = []
    report = build_index(corpus, tmp_path / "index", embedder=EMB, progress=lambda *a: seen.append(a))
    assert report.added == ("finance.md", "people.txt", "quality.md") and not report.skipped
    assert report.chunks_embedded == report.chunks_total > 0 and report.wrote
    store = _open(tmp_path / "index")
    assert sorted(d.path for d in store.documents()) == list(report.added)
    pieces = [embedded_texts(store.document(c.doc_id), c) for c in (store.chunk(i) for i in range(store.chunk_count))]
    assert max(map(len, pieces)) > 1  # some chunk is embedded in several pieces: its vector is their mean
    expected = np.array([EMB.embed(texts).sum(axis=0) for texts in pieces])
    expected /= np.linalg.norm(expected, axis=1, keepdims=True)
    np.testing.assert_allclose(store.vectors, expected, atol=1e-6)
    # Each piece's own vector is kept too: a chunk's best piece is scored against a question.
    several = next(i for i, texts in enumerate(pieces) if len(texts) > 1)
    np.testing.assert_allclose(store.piece_vectors_of(np.array([several])), EMB.embed(pieces[several]), atol=1e-6)
    q = EMB.embed([pieces[several][-1]])[0]
    assert store.best_piece([several], q)[0] == pytest.approx(1.0, abs=1e-5)
    assert seen[-1][1] == seen[-1][2] == sum(map(len, pieces))  # progress ends with every piece embedded


def test_noop_touch_change_add_remove(tmp_path):
    corpus, index = _corpus(tmp_path / "corpus"), tmp_path / "index"
    build_index(corpus, index, embedder=EMB)
    live = read_current(index)
    before = _by_path(_open(index))

    noop = build_index(corpus, index, embedder=EMB)
    assert not noop.wrote and noop.seconds < 1.0 and len(noop.unchanged) == 3
    assert read_current(index) == live and list(iter_builds(index)) == [live]

    os.utime(corpus / "finance.md", ns=(1, 1))  # same content, new mtime: still nothing to rewrite
    touched = build_index(corpus, index, embedder=EMB)
    assert not touched.wrote and read_current(index) == live
    assert not build_index(corpus, index, embedder=EMB).wrote  # and the new mtime was remembered

    (corpus / "finance.md").write_text(_paper("Finance report", "deficit", n=6))
    (corpus / "estates.md").write_text(_paper("Estates report", "backlog maintenance"))
    (corpus / "people.txt").unlink()
    report = build_index(corpus, index, embedder=EMB)
    assert (report.added, report.changed, report.removed, report.unchanged) == (
        ("estates.md",), ("finance.md",), ("people.txt",), ("quality.md",))
    store = _open(index)
    after = _by_path(store)
    assert report.chunks_embedded == len(after["estates.md"]) + len(after["finance.md"])
    assert report.chunks_total == store.chunk_count
    np.testing.assert_array_equal(after["quality.md"], before["quality.md"])  # copied, not re-embedded
    quality = next(store.rows_of(d.doc_id) for d in store.documents() if d.path == "quality.md")
    assert len(store.piece_vectors_of(quality)) == sum(len(store.chunk(r).pieces) + 1 for r in quality)
    assert "people.txt" not in after
    assert list(iter_builds(index)) == [read_current(index)]  # the old build is gone


def test_broken_and_unsupported_files_are_skipped_with_reasons(tmp_path):
    corpus, index = _corpus(tmp_path / "corpus"), tmp_path / "index"
    (corpus / "board-pack.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (corpus / "agenda.xlsx").write_bytes(b"PK\x03\x04")
    report = build_index(corpus, index, embedder=EMB)
    skipped = dict(report.skipped)
    assert set(skipped) == {"board-pack.pdf", "agenda.xlsx"} and len(report.added) == 3
    assert all(reason and "\n" not in reason for reason in skipped.values())
    assert dict(_open(index).problems()) == skipped
    again = build_index(corpus, index, embedder=EMB)  # an unchanged broken file is not re-read
    assert not again.wrote and dict(again.skipped) == skipped

    (corpus / "board-pack.pdf").unlink()
    fixed = build_index(corpus, index, embedder=EMB)
    assert dict(fixed.skipped) == {"agenda.xlsx": skipped["agenda.xlsx"]} and fixed.removed == ()


def test_another_model_means_a_full_rebuild(tmp_path):
    corpus, index = _corpus(tmp_path / "corpus"), tmp_path / "index"
    build_index(corpus, index, embedder=EMB)
    other = HashEmbedder(24)
    other.name = "test/other"
    report = build_index(corpus, index, embedder=other)
    assert report.full_rebuild_reason and "test/other" in report.full_rebuild_reason
    assert len(report.added) == 3 and report.chunks_embedded == report.chunks_total
    assert IndexStore.open(index, model="test/other", dim=24).meta.dim == 24


# -- concurrency and crashes: real processes ------------------------------------------------------------

_SLOW_BUILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from assistant import config
    from assistant.embedding import HashEmbedder
    from assistant.indexer import build_index

    config.EMBED_SLICE = 4  # texts per embed() call: several slices even in a small build

    class Slow(HashEmbedder):
        def embed(self, texts):
            time.sleep(float(sys.argv[3]))
            return super().embed(texts)

    def progress(stage, done, total):
        print(stage, done, total, flush=True)

    build_index(Path(sys.argv[1]), Path(sys.argv[2]), embedder=Slow(48), progress=progress)
    print("DONE", flush=True)
""")


def _cached(index: Path) -> int:
    from assistant.embed_cache import EmbeddingCache

    with EmbeddingCache.beside(index, EMB.name, EMB.dim) as cache:
        return len(cache)


def _start_build(corpus: Path, index: Path, delay: float) -> subprocess.Popen:
    return subprocess.Popen([PYTHON, "-c", _SLOW_BUILD, str(corpus), str(index), str(delay)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(proc: subprocess.Popen, prefix: str) -> str:
    for line in proc.stdout:  # type: ignore[union-attr]
        if line.startswith(prefix):
            return line
    raise AssertionError(f"build ended before {prefix!r}: {proc.stderr.read()}")  # type: ignore[union-attr]


def test_second_build_is_refused_while_one_runs(tmp_path):
    corpus, index = _corpus(tmp_path / "corpus"), tmp_path / "index"
    proc = _start_build(corpus, index, delay=0.5)
    try:
        _wait_for(proc, "Embedding")
        with pytest.raises(IndexLocked, match=rf"another build is running \(pid {proc.pid}\)"):
            build_index(corpus, index, embedder=EMB)
    finally:
        proc.kill()
        proc.wait()
    assert build_index(corpus, index, embedder=EMB).wrote  # the lock died with its process


def test_kill_9_mid_build_leaves_the_previous_index_usable(tmp_path):
    corpus, index = _corpus(tmp_path / "corpus"), tmp_path / "index"
    build_index(corpus, index, embedder=EMB)
    rng = random.Random(7)
    outcomes = []
    # Kill once while embedding, then at random moments after the new build directory appears (mid-write).
    for i, (mid_write, delay) in enumerate([(False, 0.0)] + [(True, rng.uniform(0.0, 0.06)) for _ in range(5)]):
        before = _by_path(_open(index))
        for j in range(6):  # something new to embed every round, even if a previous round completed
            (corpus / f"extra-{i}-{j}.md").write_text(_paper(f"Extra paper {i}.{j}", f"topic number {i} {j}"))
        proc = _start_build(corpus, index, delay=0.15)
        try:
            _wait_for(proc, "Embedding")
            if i == 0:  # killed while embedding, after its first slice of vectors (kept for the next build)
                cached = _cached(index)
                while _cached(index) < cached + 4 and proc.poll() is None:
                    time.sleep(0.001)
            if mid_write:
                while not any(p.name.startswith(".tmp-build-") for p in index.iterdir()) and proc.poll() is None:
                    time.sleep(0.001)
                time.sleep(delay)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        outcomes.append(sorted(p.name[:10] for p in index.iterdir() if p.is_dir()))
        if i == 0:
            assert cached + 4 <= _cached(index) < cached + 12  # one slice or two of the twelve new pieces
        store = _open(index)  # whatever was interrupted, the live index opens and is the old one...
        got = _by_path(store)
        if got.keys() == before.keys():
            for path in before:
                np.testing.assert_array_equal(got[path], before[path])
            assert store.lexical_search("deficit", 3)
        else:  # ...or the kill came after the switch, and it is the complete new one
            assert got.keys() == {p.name for p in corpus.iterdir()}
    assert sum(".tmp-build" in names for names in outcomes) >= 3, outcomes  # kills did hit half-written builds

    report = build_index(corpus, index, embedder=EMB)  # the next build completes and tidies up
    assert len(_open(index).documents()) == report.documents == 3 + 6 * 6
    assert [p.name for p in index.iterdir() if p.is_dir()] == [read_current(index).name]


def test_short_forms_are_found_at_index_time_and_copied_for_unchanged_files(tmp_path, monkeypatch):
    import assistant.indexer as indexer
    import assistant.store as store_module

    corpus, index = _corpus(tmp_path / "corpus"), tmp_path / "index"
    (corpus / "minutes.md").write_text("# Minutes\n\nPresent: Peter Axon (PA), Chief Executive. PA stated it.\n")
    build_index(corpus, index, embedder=EMB)
    assert _open(index).definitions() == {"PA": "Peter Axon"}
    read = []
    monkeypatch.setattr(indexer, "document_definitions", lambda text: read.append(text) or {"CHC": "Care Home Cost"})
    monkeypatch.setattr(store_module, "document_definitions", lambda text: pytest.fail("recomputed on write"))
    (corpus / "new.md").write_text("# New\n\nContinuing Health Care (CHC) was discussed.\n")
    build_index(corpus, index, embedder=EMB)
    assert len(read) == 1  # only the new file was scanned; the others' short forms were copied
    assert _open(index).definitions() == {"PA": "Peter Axon", "CHC": "Care Home Cost"}


def test_a_change_of_chunking_re_embeds_only_the_pieces_whose_text_changed(tmp_path, monkeypatch):
    import assistant.chunking as chunking
    from assistant import config

    corpus, index = _corpus(tmp_path / "corpus"), tmp_path / "index"
    (corpus / "long.md").write_text(_paper("Long report", "elective recovery", n=40))
    first = build_index(corpus, index, embedder=EMB)
    encoded: list[str] = []
    counting = HashEmbedder(EMB.dim)
    counting.embed = lambda texts: encoded.extend(texts) or EMB.embed(texts)
    assert first.embeddings_reused == 0 and first.embeddings_computed > 0

    def pieces() -> list[list[str]]:
        store = _open(index)
        return [embedded_texts(store.document(c.doc_id), c) for c in (store.chunk(i) for i in range(store.chunk_count))]

    seen = {t for texts in pieces() for t in texts}
    for version, changes in [("test-grouping", {"PASSAGE_MAX_CHARS": 700}),  # chunks of fewer pieces
                             ("test-pieces", {"TARGET_MAX_CHARS": 500, "TARGET_MIN_CHARS": 300})]:  # smaller pieces
        monkeypatch.setattr(config, "CHUNKER_VERSION", version)
        for name, value in changes.items():
            monkeypatch.setattr(chunking, name, value)
        report = build_index(corpus, index, embedder=counting)
        now = pieces()
        distinct = {t for texts in now for t in texts}
        assert report.full_rebuild_reason and report.chunks_embedded == report.chunks_total
        assert report.embeddings_reused == sum(t in seen for texts in now for t in texts) > 0
        assert report.embeddings_computed == sum(t not in seen for texts in now for t in texts)
        assert sorted(encoded) == sorted(distinct - seen)  # each new text encoded once, nothing else
        encoded.clear()
        store = _open(index)  # and every vector is what a build from nothing would give
        expected = dict(zip(distinct, EMB.embed(list(distinct))))
        for row, texts in enumerate(now):
            mean = np.sum([expected[t] for t in texts], axis=0)
            np.testing.assert_allclose(store.vectors[row], mean / np.linalg.norm(mean), atol=1e-6)
        seen |= distinct
    assert report.embeddings_computed > 0  # smaller pieces did change some texts


def test_the_embedding_cache_is_trimmed_to_the_index_when_it_outgrows_it(tmp_path, monkeypatch):
    from assistant import config
    from assistant.embed_cache import EmbeddingCache

    monkeypatch.setattr(config, "EMBED_CACHE_SLACK", 3.0)
    monkeypatch.setattr(config, "EMBED_CACHE_MIN_ROWS", 0)
    corpus, index = _corpus(tmp_path / "corpus"), tmp_path / "index"
    trimmed = 0
    for version in range(6):  # a paper revised again and again: its earlier pieces pile up, then go
        (corpus / "finance.md").write_text(_paper("Finance report", f"deficit version {version}", n=12))
        report = build_index(corpus, index, embedder=EMB)
        store = _open(index)
        live = {t for c in (store.chunk(i) for i in range(store.chunk_count))
                for t in embedded_texts(store.document(c.doc_id), c)}
        with EmbeddingCache.beside(index, EMB.name, EMB.dim) as cache:
            assert len(cache.lookup(sorted(live))) == len(live)  # never trimmed below what the index holds
            assert len(cache) <= max(len(live), 3.0 * report.chunks_total)
            trimmed += "trim_cache" in report.timings
            if "trim_cache" in report.timings:
                assert len(cache) == len(live)
    assert trimmed >= 2
