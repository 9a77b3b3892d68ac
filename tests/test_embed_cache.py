"""The embedding cache beside the index: exact vectors back by text and model, torn or damaged files never
crash a build (SQLite WAL; a torn last transaction is ignored), and trimming keeps only what is asked for."""

from __future__ import annotations

import os
import shutil

import numpy as np

from assistant.embed_cache import CACHE_FILE, EmbeddingCache
from assistant.embedding import HashEmbedder

EMB = HashEmbedder(16)


def _texts(n: int, tag: str = "") -> list[str]:
    return [f"piece {tag}{i}: the deficit was £{i}.5m in 2024/25" for i in range(n)]


def test_vectors_come_back_exactly_by_text_and_model(tmp_path):
    texts = _texts(10)
    with EmbeddingCache.beside(tmp_path, EMB.name, EMB.dim) as cache:
        cache.add(texts[:6], EMB.embed(texts[:6]))
    with EmbeddingCache.beside(tmp_path, EMB.name, EMB.dim) as cache:  # reopened: it was committed
        found = cache.lookup([texts[5], "never seen", texts[0], texts[5]])
        assert sorted(found) == [0, 2, 3]
        np.testing.assert_array_equal(found[0], EMB.embed([texts[5]])[0])
        np.testing.assert_array_equal(found[2], EMB.embed([texts[0]])[0])
        assert len(cache) == 6
    with EmbeddingCache.beside(tmp_path, "another/model", EMB.dim) as other:
        assert other.lookup(texts) == {}  # another model's vectors are never returned
    with EmbeddingCache.beside(tmp_path, EMB.name, 8) as smaller:
        assert smaller.lookup(texts) == {}


def test_a_torn_last_transaction_is_ignored(tmp_path):
    texts = _texts(40)
    cache = EmbeddingCache.beside(tmp_path, EMB.name, EMB.dim)
    for start in range(0, 40, 8):  # five slices, five transactions in the write-ahead log
        cache.add(texts[start : start + 8], EMB.embed(texts[start : start + 8]))
    # What a kill -9 in the middle of the last write leaves: the files as they are, the log cut short.
    torn = tmp_path / "torn"
    torn.mkdir()
    for suffix in ("", "-wal"):
        shutil.copy(f"{tmp_path / CACHE_FILE}{suffix}", f"{torn / CACHE_FILE}{suffix}")
    cache.close()
    wal = f"{torn / CACHE_FILE}-wal"
    os.truncate(wal, os.path.getsize(wal) - 100)
    with EmbeddingCache.beside(torn, EMB.name, EMB.dim) as reopened:
        found = reopened.lookup(texts)
        assert sorted(found) == list(range(32))  # the first four slices; the torn fifth is not read back
        np.testing.assert_array_equal(np.array([found[i] for i in range(32)]), EMB.embed(texts[:32]))
        reopened.add(texts[32:], EMB.embed(texts[32:]))  # and the cache goes on working
        assert len(reopened) == 40


def test_a_damaged_file_is_replaced_not_an_error(tmp_path):
    (tmp_path / CACHE_FILE).write_bytes(b"this is not an SQLite database at all" * 100)
    with EmbeddingCache.beside(tmp_path, EMB.name, EMB.dim) as cache:
        assert cache.lookup(_texts(3)) == {} and len(cache) == 0
        cache.add(_texts(3), EMB.embed(_texts(3)))
        assert len(cache.lookup(_texts(3))) == 3


def test_keep_only_drops_the_rest_and_shrinks_the_file(tmp_path):
    old, live = _texts(300, "old "), _texts(20, "live ")
    with EmbeddingCache.beside(tmp_path, EMB.name, EMB.dim) as cache:
        cache.add(old + live, EMB.embed(old + live))
        cache.add(live, EMB.embed(live))  # the same texts again: still one row each
        assert len(cache) == 320
        size = os.path.getsize(tmp_path / CACHE_FILE) + os.path.getsize(f"{tmp_path / CACHE_FILE}-wal")
        assert cache.keep_only(live) == 300
        assert len(cache) == 20 and sorted(cache.lookup(live)) == list(range(20)) and not cache.lookup(old)
    assert os.path.getsize(tmp_path / CACHE_FILE) < size / 5
