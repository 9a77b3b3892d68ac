"""A small stand-in for the scale benchmark (benchmarks/scale.py): 10k synthetic chunks, approximate index.

Checks what must hold at any size: the approximate dense index keeps recall@10 >= 0.95 against exact search
(whole corpus and restricted to a subset), the memory-mapped BM25 sums equal np.add.at, and opening does
not read every chunk.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from assistant import store
from assistant.store import DocEntry, Fingerprint, IndexStore, switch_current, write_build
from assistant.types import Chunk, Document, ParsedDocument, Section

N_DOCS, PER_DOC, DIM = 100, 100, 48
WORDS = ["deficit", "workforce", "elective", "cancer", "ambulance", "handover", "mental", "health", "estates",
         "digital", "quality", "safety", "finance", "primary", "care", "urgent", "discharge", "capital"]


def _clustered(n: int, rng: np.random.Generator) -> np.ndarray:
    centres = rng.standard_normal((60, DIM)).astype(np.float32)
    v = centres[rng.integers(0, 60, n)] + 0.35 * rng.standard_normal((n, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    rng = np.random.default_rng(3)
    entries = []
    for d in range(N_DOCS):
        doc_id = f"d{d:03d}"
        paras = [" ".join(rng.choice(WORDS, 12)) + f" item {i} £{i}.{d}m" for i in range(PER_DOC)]
        text = "\n".join(paras)
        chunks, start = [], 0
        for i, p in enumerate(paras):
            chunks.append(Chunk(f"{doc_id}-{i}", doc_id, p, None, None, (), start, start + len(p)))
            start += len(p) + 1
        doc = Document(doc_id, f"{doc_id}.txt", f"Paper {d}", "report", "NHS Example ICB", dt.date(2024, 1, 1),
                       "2023/24", "0" * 64)
        entries.append(DocEntry(ParsedDocument(doc, text, (Section(doc_id, (), None, None, 0, len(text)),)),
                                tuple(chunks), Fingerprint("-", "-")))
    texts = [c.text for e in entries for c in e.chunks]
    index = tmp_path_factory.mktemp("scale")
    write_build(index / "build-1", model="test/synthetic", dim=DIM, entries=entries,
                vectors=_clustered(len(texts), rng), indexed_texts=texts, problems=[], approximate=True)
    switch_current(index, index / "build-1")
    return IndexStore.open(index, model="test/synthetic", dim=DIM)


def _recall(got: list[tuple[int, float]], exact: np.ndarray) -> float:
    return len({r for r, _ in got[:10]} & set(exact.tolist())) / 10


def test_approximate_index_keeps_recall(big, monkeypatch):
    assert big.meta.vector_index.startswith("ivf") and big._ann is not None
    monkeypatch.setattr(store, "APPROX_MIN_ROWS", 1000)  # use the approximate path at this size
    queries = _clustered(100, np.random.default_rng(9))
    subset = np.concatenate([big.rows_of(f"d{d:03d}") for d in range(0, N_DOCS, 2)])  # half the documents
    full, part = [], []
    for q in queries:
        exact = np.argsort(-(big.vectors @ q))[:10]
        full.append(_recall(big.dense_search(q, 80), exact))
        got = big.dense_search(q, 80, subset)
        assert set(r for r, _ in got) <= set(subset.tolist())
        part.append(_recall(got, subset[np.argsort(-(big.vectors[subset] @ q))[:10]]))
    assert np.mean(full) >= 0.95 and np.mean(part) >= 0.95, (np.mean(full), np.mean(part))


def test_small_subsets_are_searched_exactly(big, monkeypatch):
    monkeypatch.setattr(store, "APPROX_MIN_ROWS", 1000)
    q = big.vectors[1234]
    rows = big.rows_of("d012")  # 100 rows: below the threshold, exact
    got = big.dense_search(q, 5, rows)
    assert got[0][0] == 1234 and len(got) == 5


def test_bm25_bincount_equals_add_at(big):
    bm = big._bm25
    ids = [bm.vocab[t] for t in ("deficit", "workforc", "item") if t in bm.vocab]
    ref = np.zeros(bm.num_docs, dtype=bm.dtype)
    for t in ids:
        np.add.at(ref, bm.indices[bm.indptr[t]:bm.indptr[t + 1]], bm.data[bm.indptr[t]:bm.indptr[t + 1]])
    np.testing.assert_allclose(bm.scores(ids), ref, rtol=1e-6)
    assert isinstance(bm.data, np.memmap)


def test_open_reads_no_chunk(big):
    fresh = IndexStore(big.build_dir, big.meta)
    assert len(fresh._cache) == 0 and fresh.chunk_count == N_DOCS * PER_DOC
    assert fresh.chunk(9_999).chunk_id == "d099-99" and len(fresh._cache) == 1
    assert [c.chunk_id for c in fresh.chunks_of("d005")][:2] == ["d005-0", "d005-1"]
