"""The on-disk index: one immutable build directory per `boardroom index` run, and a pointer to the live one.

Layout under the index directory::

    current                 one line: the name of the live build directory (replaced atomically)
    .lock                   held (fcntl) by a running build
    build-<time>-<pid>/     meta.json, docs.sqlite, vectors.npy, [vectors.faiss], bm25/, registers.json

`docs.sqlite` keeps each document (metadata, cleaned text, sections, page offsets, reader problems, the
short forms it defines, its first chunk row and chunk count, the file fingerprint used for incremental
builds), each chunk with its row in the vector index, and the files that were skipped with one-line
reasons. `registers.json` holds each document's governance registers (decisions, actions, attendance,
interests; `assistant.registers`) with the extractor's version. `vectors.npy` holds the normalised float32
vectors, row i = chunk row i. `bm25/` is a bm25s index
over `lexical_tokens` of the same indexed text.

Dense search is exact (one matrix-vector product over the memory-mapped vectors: ~10 ms per 100,000 rows
on 2 cores, three times faster than faiss's IndexFlatIP for a single query) while the build has fewer than
`APPROX_MIN_ROWS` chunks. Larger builds also get `vectors.faiss`, an IVF index with 8-bit scalar
quantisation (~390 bytes a vector in RAM); its candidates are re-scored exactly from the memory-mapped
vectors, so only the rows a query touches are read. See benchmarks/README.md for the measurements.

Opening is cheap at any size: documents are loaded, chunks are fetched from SQLite on demand (with a small
LRU cache), and vectors and the BM25 matrix are memory-mapped.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import sqlite3
from collections import OrderedDict
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from . import config
from .catalogue import (  # noqa: F401  (the build's records; re-exported for the indexer, tests and benchmarks)
    _CHUNK_SELECT,
    BUILD_PREFIX,
    CURRENT,
    DOCS_DB,
    FORMAT_VERSION,
    META,
    REGISTERS,
    BuildMeta,
    Catalogue,
    DocEntry,
    Fingerprint,
    Problem,
    _chunk_of,
    document_definitions,
    document_registers,
    mismatch,
    read_current,
    update_stats,
)
from .lexical import STOPWORDS_EN, lexical_tokens  # noqa: F401  (re-exported: the one tokeniser)
from .errors import IndexMismatch
from .types import Chunk

VECTORS = "vectors.npy"
PIECE_VECTORS = "piece_vectors.npy"  # each chunk's embedding pieces' own vectors, chunk after chunk
PIECE_STARTS = "piece_starts.npy"  # row i's pieces are piece_vectors[starts[i]:starts[i + 1]]
ANN_INDEX = "vectors.faiss"
BM25_DIR = "bm25"

# Dense search: exact below this many chunks (numpy, ~36 ms at 300k on 2 cores), approximate (IVF-SQ8 with
# exact re-scoring) from it. Measured in benchmarks/scale.py; see benchmarks/README.md.
APPROX_MIN_ROWS = 250_000
ANN_RESCORE = 4  # an approximate search fetches max(ANN_MIN_FETCH, k * ANN_RESCORE) candidates to re-score
ANN_MIN_FETCH = 200
ANN_NPROBE = 32
CHUNK_CACHE = 4096  # chunks kept in memory after being read (LRU)


def switch_current(index_dir: Path, build_dir: Path) -> None:
    """Point `current` at build_dir in one atomic step (write a temp file, fsync, rename)."""
    index_dir = Path(index_dir)
    tmp = index_dir / f".{CURRENT}.{os.getpid()}.tmp"
    with open(tmp, "w") as fh:
        fh.write(build_dir.name + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / CURRENT)
    _fsync_dir(index_dir)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# -- writing ---------------------------------------------------------------------------------------------

_SCHEMA = """
CREATE TABLE documents (
    ord INTEGER NOT NULL, doc_id TEXT PRIMARY KEY, path TEXT NOT NULL, title TEXT NOT NULL, kind TEXT NOT NULL,
    organisation TEXT, date TEXT, period TEXT, sha256 TEXT NOT NULL, pages INTEGER,
    text TEXT NOT NULL, page_offsets TEXT, problems TEXT NOT NULL,
    file_stat TEXT NOT NULL, content_key TEXT NOT NULL, extra TEXT NOT NULL,
    first_row INTEGER NOT NULL, n_chunks INTEGER NOT NULL, definitions TEXT NOT NULL
);
CREATE TABLE sections (
    doc_id TEXT NOT NULL, ord INTEGER NOT NULL, path TEXT NOT NULL, page_start INTEGER, page_end INTEGER,
    char_start INTEGER NOT NULL, char_end INTEGER NOT NULL, PRIMARY KEY (doc_id, ord)
);
CREATE TABLE chunks (
    row INTEGER PRIMARY KEY, chunk_id TEXT NOT NULL, doc_id TEXT NOT NULL, text TEXT NOT NULL,
    page_start INTEGER, page_end INTEGER, section_path TEXT NOT NULL, char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL, extra TEXT NOT NULL
);
CREATE TABLE problems (
    path TEXT PRIMARY KEY, reason TEXT NOT NULL, file_stat TEXT NOT NULL, content_key TEXT NOT NULL
);
"""


# Fields with their own columns; any other (newer, optional) dataclass field is kept in the JSON `extra`
# column, so adding a field with a default to Document or Chunk needs no schema change.
_DOC_COLUMNS = frozenset(("doc_id", "path", "title", "kind", "organisation", "date", "period", "sha256", "pages"))
_CHUNK_COLUMNS = frozenset(
    ("chunk_id", "doc_id", "text", "page_start", "page_end", "section_path", "char_start", "char_end")
)


def _extra(obj: Any, columns: frozenset[str]) -> str:
    rest = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj) if f.name not in columns}
    return json.dumps(rest) if rest else "{}"


def _write_registers(path: Path, entries: Sequence[DocEntry], definitions: list[dict[str, str]]) -> None:
    from .registers import REGISTERS_VERSION, to_dict

    documents = {}
    for e, defs in zip(entries, definitions):
        registers = e.registers if e.registers is not None else document_registers(e.parsed, defs)
        documents[e.parsed.document.doc_id] = to_dict(registers)
    path.write_text(json.dumps({"version": REGISTERS_VERSION, "documents": documents}, ensure_ascii=False))


def write_build(
    build_dir: Path,
    *,
    model: str,
    dim: int,
    entries: Sequence[DocEntry],
    vectors: np.ndarray,
    indexed_texts: Sequence[str],
    problems: Sequence[Problem],
    approximate: bool | None = None,
    token_lists: Sequence[list[str]] | None = None,
    piece_vectors: np.ndarray | None = None,
) -> BuildMeta:
    """Write a complete build into build_dir (which must be new). meta.json is written last.

    `vectors` and `indexed_texts` have one row per chunk, in the order of `entries` and their chunks;
    `piece_vectors` one row per embedding piece of those chunks (`Chunk.pieces`), or None when each chunk
    is one piece (its vector is then its piece's).
    `approximate` forces (True) or prevents (False) the approximate vector index; None chooses by size
    (`APPROX_MIN_ROWS`). `token_lists` may pass `lexical_tokens` of the indexed texts already computed.
    """
    build_dir = Path(build_dir)
    build_dir.mkdir(parents=True, exist_ok=False)
    n = sum(len(e.chunks) for e in entries)
    vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(n, dim)
    if len(indexed_texts) != n:
        raise ValueError(f"{len(indexed_texts)} indexed texts for {n} chunks")

    db = sqlite3.connect(build_dir / DOCS_DB)
    try:
        db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
        row = 0
        all_definitions = []
        for ord_, e in enumerate(entries):
            d, p, f = e.parsed.document, e.parsed, e.fingerprint
            definitions = e.definitions if e.definitions is not None else document_definitions(p.text)
            all_definitions.append(definitions)
            db.execute(
                "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (ord_, d.doc_id, d.path, d.title, d.kind, d.organisation, d.date.isoformat() if d.date else None,
                 d.period, d.sha256, d.pages, p.text,
                 json.dumps(list(p.page_offsets)) if p.page_offsets is not None else None,
                 json.dumps(list(p.problems)), f.stat, f.content_key, _extra(d, _DOC_COLUMNS),
                 row, len(e.chunks), json.dumps(definitions, sort_keys=True)),
            )
            db.executemany(
                "INSERT INTO sections VALUES (?,?,?,?,?,?,?)",
                [(d.doc_id, i, json.dumps(list(s.path)), s.page_start, s.page_end, s.char_start, s.char_end)
                 for i, s in enumerate(p.sections)],
            )
            db.executemany(
                "INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?,?,?)",
                [(row + i, c.chunk_id, c.doc_id, c.text, c.page_start, c.page_end, json.dumps(list(c.section_path)),
                  c.char_start, c.char_end, _extra(c, _CHUNK_COLUMNS)) for i, c in enumerate(e.chunks)],
            )
            row += len(e.chunks)
        db.executemany(
            "INSERT INTO problems VALUES (?,?,?,?)",
            [(q.path, q.reason, q.fingerprint.stat, q.fingerprint.content_key) for q in problems],
        )
        db.commit()
    finally:
        db.close()

    _write_registers(build_dir / REGISTERS, entries, all_definitions)
    np.save(build_dir / VECTORS, vectors)
    counts = [len(c.pieces) + 1 if piece_vectors is not None else 1 for e in entries for c in e.chunks]
    starts = np.concatenate([[0], np.cumsum(counts, dtype=np.int64)]).astype(np.int64)
    pieces = vectors if piece_vectors is None else np.ascontiguousarray(piece_vectors, dtype=np.float32)
    if len(pieces) != starts[-1]:
        raise ValueError(f"{len(pieces)} piece vectors for {starts[-1]} pieces")
    np.save(build_dir / PIECE_VECTORS, pieces.reshape(-1, dim))
    np.save(build_dir / PIECE_STARTS, starts)
    if approximate is None:
        approximate = n >= APPROX_MIN_ROWS
    vector_index, nprobe = "exact", 0
    if approximate and n:
        vector_index, nprobe = write_ann_index(build_dir / ANN_INDEX, vectors)

    tokens = token_lists if token_lists is not None else [lexical_tokens(t) for t in indexed_texts]
    if any(tokens):
        import bm25s

        bm25 = bm25s.BM25()
        bm25.index(tokens, show_progress=False)
        bm25.save(str(build_dir / BM25_DIR), show_progress=False)
    else:  # bm25s cannot index a corpus without tokens; write an empty index in its layout
        _write_empty_bm25(build_dir / BM25_DIR, n)

    meta = BuildMeta(
        model=model, dim=dim, chunker_version=config.CHUNKER_VERSION,
        created=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        documents=len(entries), chunks=n, skipped=len(problems), vector_index=vector_index, nprobe=nprobe,
    )
    tmp = build_dir / (META + ".tmp")
    tmp.write_text(json.dumps(meta.__dict__, indent=2) + "\n")
    os.replace(tmp, build_dir / META)
    for name in (DOCS_DB, VECTORS, META, REGISTERS) + ((ANN_INDEX,) if vector_index != "exact" else ()):
        with open(build_dir / name, "rb") as fh:
            os.fsync(fh.fileno())
    _fsync_dir(build_dir)
    return meta


def ann_nlist(n: int) -> int:
    """IVF lists for n vectors: ~4 sqrt(n) (4,000 at 1M), at least 1 and at most n / 39 (faiss's minimum
    training points per list)."""
    return int(max(1, min(4 * round(np.sqrt(n)), n // 39)))


def write_ann_index(path: Path, vectors: np.ndarray, *, nlist: int | None = None, nprobe: int = ANN_NPROBE,
                    train_size: int = 100_000) -> tuple[str, int]:
    """Write an IVF index with 8-bit scalar quantisation (inner product) over `vectors`; (name, nprobe)."""
    import faiss

    n, dim = vectors.shape
    nlist = nlist or ann_nlist(n)
    quantizer = faiss.IndexFlatIP(dim)
    index = faiss.IndexIVFScalarQuantizer(quantizer, dim, nlist, faiss.ScalarQuantizer.QT_8bit,
                                          faiss.METRIC_INNER_PRODUCT)
    rng = np.random.default_rng(0)
    train_size = max(train_size, 40 * nlist)  # faiss wants >= 39 points per list
    sample = vectors if n <= train_size else vectors[np.sort(rng.choice(n, train_size, replace=False))]
    index.cp.niter = 10
    index.train(np.ascontiguousarray(sample))
    for start in range(0, n, 100_000):
        index.add(np.ascontiguousarray(vectors[start : start + 100_000]))
    tmp = path.with_name(path.name + ".tmp")
    faiss.write_index(index, str(tmp))
    os.replace(tmp, path)
    return f"ivf{nlist}-sq8", min(nprobe, nlist)


def _write_empty_bm25(directory: Path, num_docs: int) -> None:
    directory.mkdir()
    (directory / "vocab.index.json").write_text("{}")
    (directory / "params.index.json").write_text(json.dumps({"num_docs": num_docs, "dtype": "float32"}))
    np.save(directory / "data.csc.index.npy", np.zeros(0, np.float32))
    np.save(directory / "indices.csc.index.npy", np.zeros(0, np.int32))
    np.save(directory / "indptr.csc.index.npy", np.zeros(1, np.int32))


# -- reading ---------------------------------------------------------------------------------------------


def _load_array(path: Path) -> np.ndarray:
    """A saved array, memory-mapped (only the pages a query touches are read); empty arrays are loaded."""
    try:
        return np.load(path, mmap_mode="r")
    except ValueError:  # numpy cannot mmap a zero-length array
        return np.load(path)


class _Bm25Scores:
    """Query-time reader of a saved bm25s index: vocabulary plus the precomputed CSC score matrix.

    Scores are exactly `bm25s.BM25.get_scores_from_ids` (a test checks this), but loading does not import
    bm25s, whose scipy.sparse import alone costs ~130 ms of every cold start. The matrix is memory-mapped,
    and a query's postings are summed with one `np.bincount` (np.add.at is ~10x slower on long postings).
    """

    def __init__(self, directory: Path):
        params = json.loads((directory / "params.index.json").read_text())
        self.vocab: dict[str, int] = json.loads((directory / "vocab.index.json").read_text())
        self.data = _load_array(directory / "data.csc.index.npy")
        self.indices = _load_array(directory / "indices.csc.index.npy")
        self.indptr = np.load(directory / "indptr.csc.index.npy")
        self.num_docs = int(params["num_docs"])
        nnoc = directory / "nonoccurrence_array.index.npy"
        self.nonoccurrence = np.load(nnoc) if nnoc.exists() else None
        self.dtype = np.dtype(params.get("dtype", "float32"))

    def scores(self, ids: list[int]) -> np.ndarray:
        if not ids:
            out = np.zeros(self.num_docs, dtype=self.dtype)
        else:
            spans = [(int(self.indptr[t]), int(self.indptr[t + 1])) for t in ids]
            rows = np.concatenate([self.indices[a:b] for a, b in spans])
            weights = np.concatenate([self.data[a:b] for a, b in spans])
            out = np.bincount(rows, weights=weights, minlength=self.num_docs).astype(self.dtype)
        if self.nonoccurrence is not None:
            out += self.nonoccurrence[ids].sum()
        return out


class IndexStore(Catalogue):
    """A loaded build for search: the records of `Catalogue`, with vectors and the BM25 matrix memory-mapped
    and chunks cached by row.

    Safe to share between threads (the SQLite connection and the chunk cache are guarded by a lock).
    """

    def __init__(self, build_dir: Path, meta: BuildMeta):
        super().__init__(build_dir, meta)
        # A document's chunks are contiguous rows.
        self._rows_of: dict[str, np.ndarray] = {doc_id: np.arange(first, first + n, dtype=np.int64)
                                                for doc_id, (first, n) in self._spans.items() if n}
        # The document (its position in documents()) of every row: 4 bytes a chunk.
        counts = [self._spans[d][1] for d in self._doc_order]
        self._doc_index = np.repeat(np.arange(len(counts), dtype=np.int32), counts)
        self._cache: OrderedDict[int, Chunk] = OrderedDict()
        self._vectors = (_load_array(self.build_dir / VECTORS) if self._chunk_count
                         else np.zeros((0, meta.dim), dtype=np.float32))
        if self._vectors.shape != (self._chunk_count, meta.dim):
            raise IndexMismatch(f"{self.build_dir}: vectors do not match chunks; run `boardroom index`")
        self._piece_starts = np.load(self.build_dir / PIECE_STARTS)
        self._piece_vectors = _load_array(self.build_dir / PIECE_VECTORS)
        if len(self._piece_starts) != self._chunk_count + 1 or len(self._piece_vectors) != self._piece_starts[-1]:
            raise IndexMismatch(f"{self.build_dir}: piece vectors do not match chunks; run `boardroom index`")
        self._ann: Any = None
        if meta.vector_index != "exact" and self._chunk_count:
            import faiss

            self._ann = faiss.read_index(str(self.build_dir / ANN_INDEX))
            if self._ann.ntotal != self._chunk_count:
                raise IndexMismatch(f"{self.build_dir}: vectors do not match chunks; run `boardroom index`")
            self._ann.nprobe = meta.nprobe or ANN_NPROBE
            # Re-scoring reads ~200 scattered rows a query: without this, readahead maps in ~1 GB at 1M.
            mapped = getattr(self._vectors, "_mmap", None)
            if mapped is not None and hasattr(mapped, "madvise"):
                import mmap

                mapped.madvise(mmap.MADV_RANDOM)
        self._bm25 = _Bm25Scores(self.build_dir / BM25_DIR)

    # -- chunks ----------------------------------------------------------------------------------------
    def chunk(self, row: int) -> Chunk:
        """The chunk at a vector/BM25 row (read from SQLite on first use, then cached). IndexError if none."""
        row = int(row)
        if row < 0:
            row += self._chunk_count
        if not 0 <= row < self._chunk_count:
            raise IndexError(f"chunk row {row} out of range")
        with self._lock:
            hit = self._cache.get(row)
            if hit is not None:
                self._cache.move_to_end(row)
                return hit
            found = self._db.execute(_CHUNK_SELECT + " WHERE row = ?", (row,)).fetchone()
            return self._remember(row, _chunk_of(found))

    def _remember(self, row: int, chunk: Chunk) -> Chunk:
        self._cache[row] = chunk
        if len(self._cache) > CHUNK_CACHE:
            self._cache.popitem(last=False)
        return chunk

    def doc_id_of(self, row: int) -> str:
        """The document of a row, without reading the chunk."""
        return self._doc_order[int(self._doc_index[row])]

    def rows_of(self, doc_id: str) -> np.ndarray:
        """The vector/BM25 rows of a document's chunks (empty for an unknown or chunk-less document)."""
        return self._rows_of.get(doc_id, np.zeros(0, dtype=np.int64))

    @property
    def vectors(self) -> np.ndarray:
        """All chunk vectors, row i = chunk i (read-only, memory-mapped)."""
        return self._vectors

    # -- search ----------------------------------------------------------------------------------------
    def piece_vectors_of(self, rows: np.ndarray) -> np.ndarray:
        """The piece vectors of these rows, row after row (for copying a document into a new build)."""
        starts = self._piece_starts
        return np.concatenate([self._piece_vectors[starts[r]:starts[r + 1]] for r in rows]) if len(rows) \
            else np.zeros((0, self.meta.dim), dtype=np.float32)

    def best_piece(self, rows: Sequence[int], qvec: np.ndarray) -> np.ndarray:
        """For each row, the highest similarity of one of its pieces to the query vector."""
        if not len(rows):
            return np.zeros(0, dtype=np.float32)
        starts = self._piece_starts
        spans = [(int(starts[r]), int(starts[r + 1])) for r in rows]
        picked = np.concatenate([np.arange(a, b) for a, b in spans])
        sims = self._piece_vectors[picked] @ np.asarray(qvec, dtype=np.float32)
        cuts = np.cumsum([0] + [b - a for a, b in spans[:-1]])
        return np.maximum.reduceat(sims, cuts)

    def dense_search(self, qvec: np.ndarray, k: int, rows: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The k rows with the highest inner product with qvec, best first; optionally only among `rows`.

        Exact, unless the build has an approximate index and more than APPROX_MIN_ROWS rows are searched:
        then the IVF-SQ8 index (restricted to `rows` with a bitmap selector) proposes candidates that are
        re-scored exactly.
        """
        q = np.asarray(qvec, dtype=np.float32).reshape(-1)
        if k <= 0 or not self._chunk_count:
            return []
        if rows is not None:
            rows = np.asarray(rows, dtype=np.int64)
            if len(rows) == 0:
                return []
        searched = self._chunk_count if rows is None else len(rows)
        if self._ann is None or searched < APPROX_MIN_ROWS:
            if rows is None:
                return _top_k(np.arange(self._chunk_count, dtype=np.int64), self._vectors @ q, k)
            return _top_k(rows, self._subset(rows) @ q, k)
        return self._ann_search(q, k, rows)

    def _subset(self, rows: np.ndarray) -> np.ndarray:
        if len(rows) and rows[-1] - rows[0] + 1 == len(rows) and np.all(np.diff(rows) == 1):
            return self._vectors[int(rows[0]) : int(rows[-1]) + 1]  # one document: a slice, no copy
        return self._vectors[rows]

    def _ann_search(self, q: np.ndarray, k: int, rows: np.ndarray | None) -> list[tuple[int, float]]:
        import faiss

        fetch = min(max(ANN_MIN_FETCH, k * ANN_RESCORE), self._chunk_count)
        params = None
        if rows is not None:
            mask = np.zeros(self._chunk_count, dtype=bool)
            mask[rows] = True
            bitmap = np.packbits(mask, bitorder="little")
            params = faiss.SearchParametersIVF(sel=faiss.IDSelectorBitmap(self._chunk_count, faiss.swig_ptr(bitmap)),
                                               nprobe=self._ann.nprobe)
        _, ids = self._ann.search(q[None, :], fetch, params=params)
        found = np.unique(ids[0][ids[0] >= 0])
        return _top_k(found, self._vectors[found] @ q, k)

    def lexical_search(self, query: str, k: int, rows: np.ndarray | None = None) -> list[tuple[int, float]]:
        """BM25 over `lexical_tokens`; only rows with a positive score, best first; optionally only `rows`."""
        ids = [self._bm25.vocab[t] for t in lexical_tokens(query) if t in self._bm25.vocab]
        if not ids or not self._chunk_count:
            return []
        scores = self._bm25.scores(ids)
        if rows is None:
            rows = np.flatnonzero(scores > 0)
        else:
            rows = np.asarray(rows, dtype=np.int64)
            rows = rows[scores[rows] > 0]
        return _top_k(rows, scores[rows], k)

    def idf(self, token: str) -> float:
        """BM25's inverse document frequency of a lexical token (0 for a token the corpus lacks)."""
        t = self._bm25.vocab.get(token)
        if t is None:
            return 0.0
        df = int(self._bm25.indptr[t + 1] - self._bm25.indptr[t])
        n = self._bm25.num_docs
        return float(np.log(1.0 + (n - df + 0.5) / (df + 0.5)))



def _top_k(rows: np.ndarray, scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    if k <= 0 or len(rows) == 0:
        return []
    if len(rows) > k:
        part = np.argpartition(-scores, k - 1)[:k]
        rows, scores = rows[part], scores[part]
    order = np.lexsort((rows, -scores))  # best score first; ties by row, so results are deterministic
    return [(int(rows[i]), float(scores[i])) for i in order]
