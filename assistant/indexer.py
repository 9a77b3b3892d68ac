"""Build or update the index of a corpus: read and embed only new or changed files, copy the rest.

Safety: a build writes a complete new build directory inside the index directory and only then switches
the `current` pointer (an atomic rename), so a crash or `kill -9` at any moment leaves the previous index
fully usable. One build at a time: a non-blocking `fcntl.flock` on `<index>/.lock`.

Speed: a file whose size and mtime are unchanged is not opened; one whose stat changed is hashed, and only
re-read when its content (or its metadata sidecar) changed. Nothing changed means nothing is written.

Resuming: every vector the encoder computes is kept in the embedding cache beside the builds
(embed_cache.py) as soon as its slice is done, so a build killed halfway, or one after a change of
chunking, encodes only the pieces whose text the cache has not seen.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import queue
import shutil
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from . import config
from .catalogue import (
    BUILD_PREFIX,
    Catalogue,
    DocEntry,
    Fingerprint,
    Problem,
    document_definitions,
    document_registers,
    read_current,
    update_stats,
)
from .errors import IndexLocked, IndexMismatch, IndexMissing, ReaderError

if TYPE_CHECKING:
    import numpy as np

    from .embed_cache import EmbeddingCache
    from .embedding import Embedder

# numpy, the store's writing, the embedding cache and the encoder are imported only when there is something to
# read or embed: checking that an index is up to date (what every command does first) stays quick.

# progress(stage, done, total): stage is READING (files) or EMBEDDING (pieces of chunks, see chunking).
Progress = Callable[[str, int, int], None]
READING = "Reading files"
EMBEDDING = "Embedding"
LOCK_FILE = ".lock"
TMP_PREFIX = ".tmp-build-"


@dataclass(frozen=True)
class BuildReport:
    """What a build did. Paths are relative to the corpus."""

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    skipped: tuple[tuple[str, str], ...] = ()  # (path, one-line reason)
    chunks_embedded: int = 0  # chunks of new or changed documents (their vectors computed or taken from the cache)
    chunks_total: int = 0
    embeddings_computed: int = 0  # encoder pieces (a chunk has one or more) the encoder ran on
    embeddings_reused: int = 0  # pieces whose vector came from the embedding cache (e.g. of a killed build)
    seconds: float = 0.0
    full_rebuild_reason: str | None = None  # set when the previous build could not be reused
    wrote: bool = True  # False when nothing had changed and nothing was written
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage

    @property
    def documents(self) -> int:
        return len(self.added) + len(self.changed) + len(self.unchanged)


@dataclass
class _File:
    path: Path
    relative: str
    fingerprint: Fingerprint


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    *,
    embedder: Embedder | None = None,
    progress: Progress | None = None,
) -> BuildReport:
    """Bring the index at index_dir up to date with corpus_dir and return what changed.

    Raises IndexLocked when another build runs, ReaderError when the corpus folder is missing.
    `embedder` defaults to the shipped model, loaded only when a piece is missing from the embedding cache.
    """
    t0 = time.perf_counter()
    corpus_dir, index_dir = Path(corpus_dir), Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    model = embedder.name if embedder else config.MODEL_NAME
    dim = embedder.dim if embedder else config.MODEL_DIM
    timings: dict[str, float] = {}
    with _build_lock(index_dir), contextlib.ExitStack() as stack:
        prev, full_reason = _previous(index_dir, model, dim)
        prev_vectors = None  # the previous build's vectors, opened when documents are kept
        try:
            files = _scan(corpus_dir)
            by_path = prev.fingerprints() if prev else {}
            old = _by_file(by_path, files)
            current = prev is not None and prev.registers() is not None  # else: write them, re-embed nothing
            if current and old.keys() == files.keys() and all(old[r][1].stat == f.fingerprint.stat for r, f in files.items()):
                return _noop_report(prev, t0, files)

            # Classify by content; hash only files whose stat changed.
            to_read: list[_File] = []
            keep_docs: dict[str, tuple[str, ...]] = {}  # relative path -> doc_ids copied from the previous build
            keep_problems: dict[str, Problem] = {}
            new_stats: dict[str, str] = {}
            prev_problems = prev.problem_entries() if prev else {}
            for rel, f in files.items():
                before = old.get(rel)
                if before is not None and before[1].stat != f.fingerprint.stat:
                    f.fingerprint = Fingerprint(f.fingerprint.stat, _content_key(f.path))
                    if f.fingerprint.content_key == before[1].content_key:
                        new_stats[rel] = f.fingerprint.stat
                if before is not None and before[1].stat == f.fingerprint.stat:
                    f.fingerprint = before[1]
                if before is not None and (before[1].stat == f.fingerprint.stat or rel in new_stats):
                    if before[0]:
                        keep_docs[rel] = before[0]
                    else:
                        keep_problems[rel] = Problem(rel, prev_problems[rel].reason, f.fingerprint)
                    continue
                to_read.append(f)
            removed = tuple(sorted(r for r, (d, _) in old.items() if d and r not in files))
            if current and not to_read and old.keys() == files.keys():
                # same content, new mtimes: remember them (for an e-mail's attachments too)
                update_stats(prev.build_dir, {path: new_stats[_file_of(path, files)] for path in by_path
                                              if _file_of(path, files) in new_stats})
                return _noop_report(prev, t0, files)

            # Read and chunk what is new or changed, and embed it as it comes: with several files, a thread
            # reads ahead while the encoder works (the cache first; the model is loaded only when
            # a piece is missing from it). Unchanged documents keep their vectors.
            import numpy as np

            from .context import embedded_texts, indexed_text
            from .embed_cache import EmbeddingCache
            from .embed_queue import PieceEncoder
            from .embedding import LazyEmbedder
            from .store import IndexStore, switch_current, write_build

            t = time.perf_counter()
            kept = prev.entries([d for ids in keep_docs.values() for d in ids]) if prev else {}
            prev_vectors = IndexStore(prev.build_dir, prev.meta) if prev and keep_docs else None
            timings["copy"] = time.perf_counter() - t
            t = time.perf_counter()
            fresh: dict[str, list[DocEntry]] = {}  # relative path -> the file's documents (an e-mail's several)
            problems = dict(keep_problems)
            cache = stack.enter_context(EmbeddingCache.beside(index_dir, model, dim))
            encoder = PieceEncoder(embedder or LazyEmbedder(), cache,
                                   lambda done, total: _report(progress, EMBEDDING, done, total))
            _report(progress, READING, 0, len(to_read))
            for i, (f, read) in enumerate(_read_all(to_read, corpus_dir, encoder.step), 1):
                if isinstance(read, str):
                    problems[f.relative] = Problem(f.relative, read, f.fingerprint)
                else:
                    if not f.fingerprint.content_key:
                        f.fingerprint = Fingerprint(f.fingerprint.stat, _content_key(f.path))
                    entries_read, seconds = read
                    timings["registers"] = timings.get("registers", 0.0) + seconds
                    fresh[f.relative] = [replace(e, fingerprint=f.fingerprint) for e in entries_read]
                    for e in entries_read:
                        encoder.want([text for c in e.chunks for text in embedded_texts(e.parsed.document, c)])
                _report(progress, READING, i, len(to_read))
            timings["read"] = time.perf_counter() - t  # overlapping the encoding of what was read first
            encoder.finish()
            new_chunks = sum(len(e.chunks) for es in fresh.values() for e in es)
            if embedder is None and encoder.embedder.load_seconds:  # type: ignore[attr-defined]
                timings["load_model"] = encoder.embedder.load_seconds  # type: ignore[attr-defined]
            timings["embed"] = encoder.seconds - timings.get("load_model", 0.0)

            # Assemble in corpus order and write a new build.
            t = time.perf_counter()
            entries: list[DocEntry] = []
            vec_parts: list[np.ndarray] = []
            piece_parts: list[np.ndarray] = []
            texts: list[str] = []
            for rel in sorted(set(keep_docs) | set(fresh)):
                for e in fresh.get(rel, ()):
                    pieces = [embedded_texts(e.parsed.document, c) for c in e.chunks]
                    vec_parts.append(encoder.chunk_vectors(pieces))
                    piece_parts.append(encoder.piece_vectors(pieces))
                    entries.append(e)
                for doc_id in keep_docs.get(rel, ()):
                    e = kept[doc_id]
                    rows = prev_vectors.rows_of(doc_id)  # type: ignore[union-attr]
                    vec_parts.append(prev_vectors.vectors[rows])  # type: ignore[union-attr]
                    piece_parts.append(prev_vectors.piece_vectors_of(rows))  # type: ignore[union-attr]
                    entries.append(DocEntry(e.parsed, e.chunks, files[rel].fingerprint, e.definitions, e.registers))
            for e in entries:
                texts.extend(indexed_text(e.parsed.document, c) for c in e.chunks)
            vectors = np.concatenate(vec_parts) if vec_parts else np.zeros((0, dim), np.float32)
            piece_vectors = np.concatenate(piece_parts) if piece_parts else np.zeros((0, dim), np.float32)
            tmp_dir = index_dir / f"{TMP_PREFIX}{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
            write_build(tmp_dir, model=model, dim=dim, entries=entries, vectors=vectors, indexed_texts=texts,
                        problems=sorted(problems.values(), key=lambda p: p.path), piece_vectors=piece_vectors)
            final = index_dir / f"{BUILD_PREFIX}{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.time_ns() % 10**6:06d}"
            os.rename(tmp_dir, final)
            if prev:
                prev.close()
            if prev_vectors:
                prev_vectors.close()
                prev_vectors = None
            switch_current(index_dir, final)
            _remove_old_builds(index_dir, keep=final)
            timings["write"] = time.perf_counter() - t
            t = time.perf_counter()
            if _trim_cache(cache, entries):
                timings["trim_cache"] = time.perf_counter() - t
        finally:
            if prev:
                prev.close()
            if prev_vectors:
                prev_vectors.close()

    old_docs = {r for r, (d, _) in old.items() if d}
    return BuildReport(
        added=tuple(sorted(r for r in fresh if r not in old_docs)),
        changed=tuple(sorted(r for r in fresh if r in old_docs)),
        removed=tuple(sorted(set(removed) | {r for r in old_docs if r in problems})),
        unchanged=tuple(sorted(keep_docs)),
        skipped=tuple((p.path, p.reason) for p in sorted(problems.values(), key=lambda p: p.path)),
        chunks_embedded=new_chunks,
        chunks_total=len(texts),
        embeddings_computed=encoder.computed,
        embeddings_reused=encoder.reused,
        seconds=time.perf_counter() - t0,
        full_rebuild_reason=full_reason,
        wrote=True,
        timings=timings,
    )


def update_index(corpus_dir: Path, index_dir: Path, *, embedder: Embedder | None = None,
                 progress: Progress | None = None) -> None:
    """Bring the index up to date before it is opened; when another build holds the lock, or the corpus
    folder is not here, the index is used as it is (IndexLocked or ReaderError only when there is none)."""
    try:
        build_index(corpus_dir, index_dir, embedder=embedder, progress=progress)
    except (IndexLocked, ReaderError):
        if read_current(index_dir) is None:
            raise


# -- steps -----------------------------------------------------------------------------------------------


def _read_all(files: list[_File], corpus_dir: Path, meanwhile: Callable[[], bool]):
    """(file, its documents read and chunked, or why it could not be read) for each file, in order. With
    several files a thread reads ahead; `meanwhile()` is called (the encoder encodes one slice, releasing the
    interpreter lock while it computes) whenever the next file is not ready yet, until it returns False.

    A thread rather than a process: measured on 2 cores, the encoder slowed as much beside a reading process as
    beside a reading thread, and a process costs half a second to start, must pickle every document back, and
    outlives a build killed with kill -9 unless watched. A daemon thread, so that Ctrl+C does not wait for the
    file it is reading."""
    if len(files) < config.READ_AHEAD_MIN_FILES:
        for f in files:
            yield f, read_entries(f.path, corpus_dir)
        return
    done: queue.SimpleQueue = queue.SimpleQueue()
    stop = threading.Event()

    def read_ahead() -> None:
        for f in files:
            if stop.is_set():
                return
            try:
                done.put((read_entries(f.path, corpus_dir), None))
            except BaseException as exc:  # noqa: BLE001 - raised again in the building thread
                done.put((None, exc))
                return

    threading.Thread(target=read_ahead, name="boardroom-read", daemon=True).start()
    try:
        for f in files:
            while done.empty() and meanwhile():
                pass
            read, error = done.get()
            if error is not None:
                raise error
            yield f, read
    finally:
        stop.set()


def read_entries(path: Path, corpus_dir: Path) -> tuple[list[DocEntry], float] | str:
    """A file's documents (an e-mail's several) with their chunks, the short forms they define and their
    registers, and the seconds the registers took; or the one-line reason it cannot be read. The fingerprint
    is the caller's to fill in."""
    from .chunking import chunk_document
    from .ingest import read_file

    try:
        documents = read_file(path, corpus_dir)
    except ReaderError as exc:
        return exc.reason
    entries, seconds = [], 0.0
    for parsed in documents:
        definitions = document_definitions(parsed.text)
        t = time.perf_counter()
        registers = document_registers(parsed, definitions)
        seconds += time.perf_counter() - t
        entries.append(DocEntry(parsed, tuple(chunk_document(parsed)), _NO_FINGERPRINT, definitions, registers))
    return entries, seconds


_NO_FINGERPRINT = Fingerprint("", "")


def _previous(index_dir: Path, model: str, dim: int) -> tuple[Catalogue | None, str | None]:
    """The previous build if it can be reused, else (None, why a full rebuild is needed)."""
    try:
        return Catalogue.open(index_dir, model=model, dim=dim), None
    except IndexMismatch as exc:
        return None, f"full rebuild: {exc}".replace("; run `boardroom index` to rebuild it", "")
    except IndexMissing as exc:
        if read_current(index_dir) is None:
            return None, None  # first build
        return None, f"full rebuild: {exc}".replace("; run `boardroom index` to rebuild it", "")


def _by_file(by_path: dict[str, tuple[str | None, Fingerprint]],
             files: dict[str, _File]) -> dict[str, tuple[tuple[str, ...], Fingerprint]]:
    """The previous build's documents grouped by the corpus file they come from (an e-mail and its attachments
    are one file): relative path -> (doc_ids, the file's fingerprint); no doc_ids for a file that was skipped."""
    grouped: dict[str, tuple[tuple[str, ...], Fingerprint]] = {}
    for path, (doc_id, fingerprint) in by_path.items():
        rel = _file_of(path, files)
        ids, known = grouped.get(rel, ((), fingerprint))
        grouped[rel] = (ids + ((doc_id,) if doc_id else ()), fingerprint if path == rel else known)
    return grouped


def _file_of(doc_path: str, files: dict[str, _File]) -> str:
    from .ingest import file_of

    return file_of(doc_path, files)


def _scan(corpus_dir: Path) -> dict[str, _File]:
    """Every file of the corpus (supported or not) by relative path, with its stat fingerprint."""
    from .ingest import iter_corpus, unsupported_files

    root = corpus_dir.absolute()
    out: dict[str, _File] = {}
    for path in [*iter_corpus(corpus_dir), *unsupported_files(corpus_dir)]:
        path = Path(path)
        rel = path.absolute().relative_to(root).as_posix()
        out[rel] = _File(path, rel, Fingerprint(_stat(path), ""))
    return dict(sorted(out.items()))


def _sidecar(path: Path) -> Path:
    return path.with_name(path.name + config.SIDECAR_SUFFIX)


def _stat(path: Path) -> str:
    parts = []
    for p in (path, _sidecar(path)):
        try:
            st = p.stat()
        except OSError:
            parts.append("-")
            continue
        parts.append(f"{st.st_size}:{st.st_mtime_ns}")
    return "|".join(parts)


def _content_key(path: Path) -> str:
    """sha256 of the file, and of its metadata sidecar when present (a sidecar edit changes the document)."""
    digest = hashlib.sha256()
    for p in (path, _sidecar(path)):
        try:
            with open(p, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(block)
        except OSError:
            digest.update(b"\0missing\0")
    return digest.hexdigest()


def _trim_cache(cache: EmbeddingCache, entries: list[DocEntry]) -> bool:
    """When the cache has grown well beyond the index (vectors of earlier versions of papers, of papers since
    removed, of other models), keep only the vectors of the pieces this build holds. True when it trimmed."""
    chunks = sum(len(e.chunks) for e in entries)
    if len(cache) <= config.EMBED_CACHE_SLACK * chunks + config.EMBED_CACHE_MIN_ROWS:
        return False
    from .context import embedded_texts

    cache.keep_only(t for e in entries for c in e.chunks for t in embedded_texts(e.parsed.document, c))
    return True


def _report(progress: Progress | None, stage: str, done: int, total: int) -> None:
    if progress is not None:
        progress(stage, done, total)


def _noop_report(prev: Catalogue, t0: float, files: dict[str, _File]) -> BuildReport:
    return BuildReport(
        unchanged=tuple(sorted({_file_of(d.path, files) for d in prev.documents()})),
        skipped=tuple(prev.problems()),
        chunks_total=prev.chunk_count,
        seconds=time.perf_counter() - t0,
        wrote=False,
    )


def _remove_old_builds(index_dir: Path, keep: Path) -> None:
    """Delete every build but `keep`, and temp dirs left by interrupted builds (we hold the lock)."""
    for p in index_dir.iterdir():
        if p != keep and p.is_dir() and (p.name.startswith(BUILD_PREFIX) or p.name.startswith(TMP_PREFIX)):
            shutil.rmtree(p, ignore_errors=True)


class _build_lock:
    """Exclusive, non-blocking lock on <index>/.lock; the holder's pid is written into the file."""

    def __init__(self, index_dir: Path):
        self.path = Path(index_dir) / LOCK_FILE
        self.fh = None

    def __enter__(self) -> "_build_lock":
        fh = open(self.path, "a+")
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            pid = fh.read().strip() or "unknown"
            fh.close()
            raise IndexLocked(f"another build is running (pid {pid})") from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"{os.getpid()}\n")
        fh.flush()
        self.fh = fh
        return self

    def __exit__(self, *exc) -> None:
        assert self.fh is not None
        self.fh.seek(0)
        self.fh.truncate()
        fcntl.flock(self.fh.fileno(), fcntl.LOCK_UN)
        self.fh.close()


def iter_builds(index_dir: Path) -> Iterator[Path]:
    """Build directories present under index_dir (for tests and diagnostics)."""
    return (p for p in sorted(Path(index_dir).iterdir()) if p.is_dir() and p.name.startswith(BUILD_PREFIX))
