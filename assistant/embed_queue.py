"""The encoder's side of a build: pieces of text are wanted as documents are read, and encoded a slice at a
time whenever the build would otherwise wait, so reading (in another process) and encoding overlap.

Each distinct text is encoded once, shortest first among those waiting (less padding); a text the embedding
cache holds is not encoded at all; each slice of new vectors goes into the cache at once, so a build that is
killed loses at most one slice.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable, Sequence

import numpy as np

from . import config
from .embed_cache import EmbeddingCache
from .embedding import Embedder


class PieceEncoder:
    """Vectors of embedding pieces by text, from the cache or the encoder. `report(done, total)` is told the
    pieces resolved so far and the pieces wanted so far (the total grows while documents are read).
    `reused` counts the pieces the cache gave, `computed` those the encoder gave (a text met twice is encoded
    once), so together they are every piece wanted."""

    def __init__(self, embedder: Embedder, cache: EmbeddingCache,
                 report: Callable[[int, int], None] = lambda done, total: None):
        self.embedder = embedder
        self.cache = cache
        self._report = report
        self.vectors: dict[str, np.ndarray] = {}
        self._cached: set[str] = set()  # texts whose vector came from the cache
        self._waiting: list[tuple[int, int, str]] = []  # heap of (length, arrival, text)
        self._times: dict[str, int] = {}  # waiting text -> the number of pieces that are that text
        self.wanted = self.computed = self.reused = 0
        self.seconds = 0.0  # spent in the encoder

    def want(self, texts: Sequence[str]) -> None:
        """Texts whose vectors will be needed; those the cache holds are resolved at once."""
        self.wanted += len(texts)
        unseen = [t for t in dict.fromkeys(texts) if t not in self.vectors and t not in self._times]
        for i, vector in self.cache.lookup(unseen).items():
            self.vectors[unseen[i]] = vector
            self._cached.add(unseen[i])
        for text in texts:
            if text in self._cached:
                self.reused += 1
            elif text in self.vectors:
                self.computed += 1
            elif text in self._times:
                self._times[text] += 1
            else:
                self._times[text] = 1
                heapq.heappush(self._waiting, (len(text), self.wanted, text))
        self._report(self.reused + self.computed, self.wanted)

    def step(self) -> bool:
        """Encode one slice of the shortest waiting texts; False when none was waiting."""
        if not self._waiting:
            return False
        batch = [heapq.heappop(self._waiting)[2] for _ in range(min(config.EMBED_SLICE, len(self._waiting)))]
        t = time.perf_counter()
        vectors = self.embedder.embed(batch)
        self.seconds += time.perf_counter() - t
        self.cache.add(batch, vectors)
        for text, vector in zip(batch, vectors):
            self.vectors[text] = vector
            self.computed += self._times.pop(text)
        self._report(self.reused + self.computed, self.wanted)
        return True

    def finish(self) -> None:
        while self.step():
            pass

    def piece_vectors(self, pieces: Sequence[Sequence[str]]) -> np.ndarray:
        """Every piece's own vector, chunk after chunk (all of them resolved)."""
        texts = [t for chunk in pieces for t in chunk]
        if not texts:
            return np.zeros((0, self.cache.dim), dtype=np.float32)
        return np.array([self.vectors[t] for t in texts], dtype=np.float32)

    def chunk_vectors(self, pieces: Sequence[Sequence[str]]) -> np.ndarray:
        """One unit vector a chunk: the normalised mean of its pieces' vectors (all of them resolved)."""
        if not pieces:
            return np.zeros((0, self.cache.dim), dtype=np.float32)
        sums = np.array([np.sum([self.vectors[t] for t in texts], axis=0) for texts in pieces], dtype=np.float32)
        return (sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)).astype(np.float32)
