"""A build's records, read without its search data (`Catalogue`), and what says which build is live.

Layout under the index directory (see store.py for what each file holds)::

    current                 one line: the name of the live build directory (replaced atomically)
    build-<time>-<pid>/     meta.json, docs.sqlite, vectors.npy, [vectors.faiss], bm25/, registers.json

Nothing here imports numpy: `store.IndexStore` (a Catalogue with vectors and BM25) does.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Self

from . import config
from .errors import IndexMismatch, IndexMissing
from .types import Chunk, Document, ParsedDocument, Section

CURRENT = "current"
META = "meta.json"
DOCS_DB = "docs.sqlite"
REGISTERS = "registers.json"
BUILD_PREFIX = "build-"
FORMAT_VERSION = 3


# -- what a build holds ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fingerprint:
    """How the indexer recognises an unchanged file without reading it: size and mtime, then content."""

    stat: str  # "size:mtime_ns" of the file (and of its metadata sidecar, when there is one)
    content_key: str  # sha256 of the file (and of its sidecar); "" when never hashed


@dataclass(frozen=True)
class DocEntry:
    """One indexed document with everything needed to copy it into the next build unchanged."""

    parsed: ParsedDocument
    chunks: tuple[Chunk, ...]
    fingerprint: Fingerprint
    # short form -> long form defined in the document's text (aliases.find_definitions); None: compute on write
    definitions: dict[str, str] | None = field(default=None, compare=False)
    # the document's register entries (registers.DocumentRegisters); None: extract on write
    registers: Any = field(default=None, compare=False)


@dataclass(frozen=True)
class Problem:
    """A file that could not be indexed, kept so an unchanged broken file is not re-read every build."""

    path: str
    reason: str
    fingerprint: Fingerprint


@dataclass(frozen=True)
class BuildMeta:
    model: str
    dim: int
    chunker_version: str
    created: str
    documents: int
    chunks: int
    skipped: int
    format_version: int = FORMAT_VERSION
    vector_index: str = "exact"  # "exact", or "ivf<nlist>-sq8" when vectors.faiss holds an approximate index
    nprobe: int = 0

    @classmethod
    def from_json(cls, data: dict) -> "BuildMeta":
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


def read_current(index_dir: Path) -> Path | None:
    """The live build directory, or None when there is none."""
    try:
        name = (Path(index_dir) / CURRENT).read_text().strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    if not name or "/" in name:
        return None
    return Path(index_dir) / name


# -- what a document contributes besides its chunks (computed when it is read, kept with it) -------------


def document_definitions(text: str) -> dict[str, str]:
    """The short forms a document's text defines ("Peter Axon (PA)"), short -> long."""
    from .aliases import find_definitions

    return find_definitions([text])


def document_registers(parsed: ParsedDocument, definitions: dict[str, str]) -> Any:
    """The governance registers of a document (decisions, actions, attendance, interests)."""
    from .registers import extract

    return extract(parsed, definitions)


# -- reading ---------------------------------------------------------------------------------------------


def _date(s: str | None) -> dt.date | None:
    return dt.date.fromisoformat(s) if s else None


_CHUNK_SELECT = ("SELECT chunk_id, doc_id, text, page_start, page_end, section_path, char_start, char_end, extra"
                 " FROM chunks")


def _chunk_of(r: tuple) -> Chunk:
    cid, doc_id, text, ps, pe, sp, cs, ce, extra = r
    return Chunk(cid, doc_id, text, ps, pe, tuple(json.loads(sp)), cs, ce, **_fields(extra))


def _fields(extra: str) -> dict[str, Any]:
    if extra == "{}":
        return {}
    # The data model uses tuples for sequences (of tuples); JSON gives lists back.
    def tuples(v: Any) -> Any:
        return tuple(tuples(x) for x in v) if isinstance(v, list) else v

    return {k: tuples(v) for k, v in json.loads(extra).items()}


class Catalogue:
    """A build's records, without its search data: the documents (metadata in memory), their text, sections
    and chunks (read from SQLite on demand), the registers, the short forms the papers define and the file
    fingerprints. Opening one loads no vectors and imports no numpy, so what needs only these (the register
    commands, the check that an index is up to date) starts quickly; `store.IndexStore` adds the search.

    Safe to share between threads (the SQLite connection is guarded by a lock).
    """

    def __init__(self, build_dir: Path, meta: BuildMeta):
        self.build_dir = Path(build_dir)
        self.meta = meta
        self._lock = threading.Lock()
        self._db = sqlite3.connect(f"file:{self.build_dir / DOCS_DB}?mode=ro", uri=True, check_same_thread=False)
        self._docs: dict[str, Document] = {}
        self._doc_order: list[str] = []
        self._spans: dict[str, tuple[int, int]] = {}  # doc_id -> (first chunk row, chunk count)
        self._definitions: list[dict[str, str]] = []
        for (doc_id, path, title, kind, org, date, period, sha, pages, extra, first, n, defs) in self._db.execute(
            "SELECT doc_id, path, title, kind, organisation, date, period, sha256, pages, extra, first_row,"
            " n_chunks, definitions FROM documents ORDER BY ord"
        ):
            self._docs[doc_id] = Document(doc_id, path, title, kind, org, _date(date), period, sha, pages,
                                          **_fields(extra))
            self._doc_order.append(doc_id)
            self._spans[doc_id] = (first, n)
            self._definitions.append(json.loads(defs))
        self._ord = {d: i for i, d in enumerate(self._doc_order)}
        self._chunk_count = sum(n for _, n in self._spans.values())

    # -- opening ---------------------------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        index_dir: Path,
        *,
        model: str | None = config.MODEL_NAME,
        dim: int | None = config.MODEL_DIM,
    ) -> Self:
        """Open the live build. `model`/`dim` are what the caller will query with (None: accept any).

        Raises IndexMissing when nothing was built, IndexMismatch when the build was made with another
        model, dimension or chunker version.
        """
        index_dir = Path(index_dir)
        for attempt in range(3):  # a build may switch `current` and delete the old build under our feet
            build_dir = read_current(index_dir)
            if build_dir is None:
                raise IndexMissing(f"no index at {index_dir}; run `boardroom index` to build it")
            try:
                meta = BuildMeta.from_json(json.loads((build_dir / META).read_text()))
                problem = mismatch(meta, model, dim)
                if problem:
                    raise IndexMismatch(f"the index at {index_dir} {problem}; run `boardroom index` to rebuild it")
                return cls(build_dir, meta)
            except (OSError, sqlite3.OperationalError, RuntimeError, KeyError, TypeError, ValueError) as exc:
                if attempt == 2 or read_current(index_dir) == build_dir:
                    raise IndexMissing(
                        f"the index at {index_dir} is incomplete or damaged ({type(exc).__name__}); "
                        "run `boardroom index` to rebuild it"
                    ) from exc
                time.sleep(0.05)
        raise AssertionError("unreachable")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- documents -------------------------------------------------------------------------------------
    def documents(self) -> list[Document]:
        return [self._docs[d] for d in self._doc_order]

    def document(self, doc_id: str) -> Document:
        """Raises KeyError for an unknown id."""
        return self._docs[doc_id]

    def document_text(self, doc_id: str) -> str:
        return self._one("SELECT text FROM documents WHERE doc_id = ?", doc_id)[0]

    def page_offsets(self, doc_id: str) -> tuple[int, ...] | None:
        raw = self._one("SELECT page_offsets FROM documents WHERE doc_id = ?", doc_id)[0]
        return tuple(json.loads(raw)) if raw is not None else None

    def sections(self, doc_id: str) -> list[Section]:
        self.document(doc_id)
        with self._lock:
            rows = self._db.execute(
                "SELECT path, page_start, page_end, char_start, char_end FROM sections WHERE doc_id = ? ORDER BY ord",
                (doc_id,),
            ).fetchall()
        return [Section(doc_id, tuple(json.loads(p)), ps, pe, cs, ce) for (p, ps, pe, cs, ce) in rows]

    def problems(self) -> list[tuple[str, str]]:
        """Files that were skipped, with one-line reasons."""
        with self._lock:
            return [tuple(r) for r in self._db.execute("SELECT path, reason FROM problems ORDER BY path")]

    def _one(self, sql: str, key: str) -> tuple:
        with self._lock:
            row = self._db.execute(sql, (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        return row

    # -- chunks ----------------------------------------------------------------------------------------
    @property
    def chunk_count(self) -> int:
        return self._chunk_count

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        """A document's chunks in order (its rows are contiguous; none for an unknown or chunk-less one)."""
        first, n = self._spans.get(doc_id, (0, 0))
        if not n:
            return []
        with self._lock:
            found = self._db.execute(_CHUNK_SELECT + " WHERE row BETWEEN ? AND ? ORDER BY row",
                                     (first, first + n - 1)).fetchall()
        return [_chunk_of(r) for r in found]

    def registers(self) -> dict[str, Any] | None:
        """doc_id -> the document's registers as stored (JSON dicts; `registers.from_dict` reads one), or None
        when the build has none or was made by another version of the extractor."""
        if not hasattr(self, "_registers"):
            from .registers import REGISTERS_VERSION

            try:
                data = json.loads((self.build_dir / REGISTERS).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = {}
            self._registers = data.get("documents") if data.get("version") == REGISTERS_VERSION else None
        return self._registers

    def definitions(self) -> dict[str, str]:
        """Short form -> long form over the corpus: each document's definitions, merged; where documents
        disagree, the long form most documents use wins (then the earliest document's)."""
        votes: dict[str, dict[str, int]] = {}
        for defs in self._definitions:
            for short, long in defs.items():
                forms = votes.setdefault(short, {})
                forms[long] = forms.get(long, 0) + 1
        return {short: max(forms, key=forms.__getitem__) for short, forms in votes.items()}

    # -- for the indexer -------------------------------------------------------------------------------
    def entries(self, doc_ids: Iterable[str] | None = None) -> dict[str, DocEntry]:
        """Full entries (text, sections, chunks, fingerprint) of documents, to copy into the next build."""
        wanted = list(self._doc_order if doc_ids is None else doc_ids)
        out: dict[str, DocEntry] = {}
        for doc_id in wanted:
            text, offsets, problems, stat, key = self._one(
                "SELECT text, page_offsets, problems, file_stat, content_key FROM documents"
                " WHERE doc_id = ?", doc_id,
            )
            parsed = ParsedDocument(
                self._docs[doc_id], text, tuple(self.sections(doc_id)),
                tuple(json.loads(offsets)) if offsets is not None else None, tuple(json.loads(problems)),
            )
            stored = (self.registers() or {}).get(doc_id)
            out[doc_id] = DocEntry(parsed, tuple(self.chunks_of(doc_id)), Fingerprint(stat, key),
                                   self._definitions[self._ord[doc_id]], _registers_of(stored))
        return out

    def fingerprints(self) -> dict[str, tuple[str | None, Fingerprint]]:
        """path -> (doc_id, fingerprint) for indexed documents, and (None, fingerprint) for skipped files."""
        with self._lock:
            docs = self._db.execute("SELECT path, doc_id, file_stat, content_key FROM documents").fetchall()
            bad = self._db.execute("SELECT path, file_stat, content_key FROM problems").fetchall()
        out: dict[str, tuple[str | None, Fingerprint]] = {p: (d, Fingerprint(s, k)) for p, d, s, k in docs}
        out.update({p: (None, Fingerprint(s, k)) for p, s, k in bad})
        return out

    def problem_entries(self) -> dict[str, Problem]:
        with self._lock:
            rows = self._db.execute("SELECT path, reason, file_stat, content_key FROM problems").fetchall()
        return {p: Problem(p, r, Fingerprint(s, k)) for p, r, s, k in rows}


def _registers_of(stored: dict | None) -> Any:
    if stored is None:
        return None
    from .registers import from_dict

    return from_dict(stored)


def update_stats(build_dir: Path, stats: dict[str, str]) -> None:
    """Record new file stats (same content, e.g. after `touch`) in a live build, in one transaction.

    The only in-place write to a build: it changes no search data, and saves hashing those files again.
    """
    db = sqlite3.connect(Path(build_dir) / DOCS_DB)
    try:
        with db:
            for table in ("documents", "problems"):
                db.executemany(f"UPDATE {table} SET file_stat = ? WHERE path = ?", [(v, k) for k, v in stats.items()])
    finally:
        db.close()


def mismatch(meta: BuildMeta, model: str | None, dim: int | None) -> str | None:
    """Why a build cannot be used with this model/dimension/chunker, or None when it can."""
    if meta.format_version != FORMAT_VERSION:
        return f"has store format {meta.format_version}, this version reads {FORMAT_VERSION}"
    if model is not None and meta.model != model:
        return f"was built with model {meta.model!r}, not {model!r}"
    if dim is not None and meta.dim != dim:
        return f"has {meta.dim}-d vectors, not {dim}-d"
    if meta.chunker_version != config.CHUNKER_VERSION:
        return f"was built by chunker version {meta.chunker_version}, this is version {config.CHUNKER_VERSION}"
    return None
