"""Encoder vectors kept beside the index, keyed by the exact text the encoder saw and the model.

A build looks every embedding piece up here before encoding it and adds each slice of new vectors as soon as
it is computed, so a build that was killed resumes where it stopped, and a change of chunking (or of a
chunk's header) re-encodes only the pieces whose text changed.

The cache is one SQLite file in WAL mode, `<index>/embeddings.sqlite`, outside the build directories (so the
switch of `current` and the removal of old builds leave it alone). Each slice is one transaction: a kill -9
loses at most the slice being encoded, and SQLite never reads back a torn write. It is only an accelerator:
a file that cannot be read is set aside and started afresh, and a failed write turns the cache off for the
rest of the build; neither is an error for the user. Only the build holding the index lock uses it.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

CACHE_FILE = "embeddings.sqlite"
_LOOKUP_BATCH = 500  # keys per SELECT (SQLite allows 32,766 parameters)
_SCHEMA = "CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vector BLOB NOT NULL)"


class EmbeddingCache:
    """text -> float32 vector of one encoder piece, for one model (its name and dimension are in the key)."""

    def __init__(self, path: Path, model: str, dim: int):
        self.path = Path(path)
        self.dim = dim
        self._prefix = f"{model}\0{dim}\0".encode()
        self._db: sqlite3.Connection | None = None
        try:
            self._db = self._connect()
        except sqlite3.DatabaseError as exc:  # not a database, or damaged: start afresh
            log.info("embedding cache %s unreadable (%s); starting a new one", self.path, exc)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            self._db = self._connect()

    @classmethod
    def beside(cls, index_dir: Path, model: str, dim: int) -> "EmbeddingCache":
        return cls(Path(index_dir) / CACHE_FILE, model, dim)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # WAL: durable against a killed process, fast commits
            db.execute(_SCHEMA)
            db.execute("SELECT count(*) FROM vectors").fetchone()
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def key(self, text: str) -> bytes:
        return hashlib.blake2b(self._prefix + text.encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def lookup(self, texts: Sequence[str]) -> dict[int, np.ndarray]:
        """The cached vectors of those texts that have one: position in `texts` -> vector."""
        if self._db is None or not texts:
            return {}
        positions: dict[bytes, list[int]] = {}
        for i, text in enumerate(texts):
            positions.setdefault(self.key(text), []).append(i)
        keys = list(positions)
        found: dict[int, np.ndarray] = {}
        try:
            for start in range(0, len(keys), _LOOKUP_BATCH):
                batch = keys[start : start + _LOOKUP_BATCH]
                rows = self._db.execute(
                    f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(batch))})", batch)
                for key, blob in rows:
                    if len(blob) == 4 * self.dim:
                        vector = np.frombuffer(blob, dtype=np.float32)
                        for i in positions[key]:
                            found[i] = vector
        except sqlite3.Error as exc:
            self._fail(exc)
        return found

    def add(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Store vectors (one row per text) in one transaction, committed before this returns."""
        if self._db is None or not len(texts):
            return
        rows = [(self.key(t), np.ascontiguousarray(v, dtype=np.float32).tobytes()) for t, v in zip(texts, vectors)]
        try:
            with self._db:
                self._db.execute("BEGIN")
                self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)
        except sqlite3.Error as exc:
            self._fail(exc)

    def __len__(self) -> int:
        if self._db is None:
            return 0
        try:
            return self._db.execute("SELECT count(*) FROM vectors").fetchone()[0]
        except sqlite3.Error as exc:
            self._fail(exc)
            return 0

    def keep_only(self, texts: Iterable[str]) -> int:
        """Drop every vector but those of `texts` (and of no other model), shrink the file; the number dropped."""
        if self._db is None:
            return 0
        try:
            before = len(self)
            self._db.execute("CREATE TEMP TABLE IF NOT EXISTS live (key BLOB PRIMARY KEY)")
            with self._db:
                self._db.execute("BEGIN")
                self._db.execute("DELETE FROM live")
                self._db.executemany("INSERT OR IGNORE INTO live VALUES (?)", ((self.key(t),) for t in texts))
                self._db.execute("DELETE FROM vectors WHERE key NOT IN (SELECT key FROM live)")
            self._db.execute("DROP TABLE live")
            self._db.execute("VACUUM")
            return before - len(self)
        except sqlite3.Error as exc:
            self._fail(exc)
            return 0

    def _fail(self, exc: Exception) -> None:
        log.info("embedding cache %s turned off for this build: %s", self.path, exc)
        self.close()

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> "EmbeddingCache":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
