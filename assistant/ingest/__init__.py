"""Ingestion: find the corpus files, read each into a ParsedDocument (text, pages, sections, metadata).

The indexer and `boardroom docs` call `scan_corpus` (or `iter_corpus` + `read_document`) and can report every
file they skip with a one-line reason: unsupported extensions come back from `unsupported_files`, and every
unreadable file raises `ReaderError` (or its subclass `UnsupportedFormat`) naming the file and the reason.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .. import config
from ..errors import ReaderError, UnsupportedFormat
from ..types import Document, ParsedDocument
from .metadata import detect, with_sidecar
from .raw import RawText
from .structure import split_sections

__all__ = ["iter_corpus", "unsupported_files", "read_document", "scan_corpus", "CorpusScan", "doc_id_for"]


def _is_candidate(path: Path, corpus_dir: Path) -> bool:
    """Regular, visible files that are not metadata sidecars or the corpus's own README."""
    relative = path.relative_to(corpus_dir)
    if any(part.startswith(".") for part in relative.parts):
        return False
    if path.name.endswith(config.SIDECAR_SUFFIX) or path.stem.upper().startswith("README"):
        return False
    return path.is_file()


def _all_files(corpus_dir: Path) -> list[Path]:
    if not corpus_dir.is_dir():
        raise ReaderError(str(corpus_dir), "corpus folder not found")
    return sorted((p for p in corpus_dir.rglob("*") if _is_candidate(p, corpus_dir)),
                  key=lambda p: p.relative_to(corpus_dir).as_posix())


def iter_corpus(corpus_dir: Path) -> list[Path]:
    """Supported files under `corpus_dir`, recursively, sorted by relative path.

    Skipped silently: hidden files and folders, `*.meta.toml` sidecars and README files (notes about the
    corpus, not board papers). Files with other extensions are listed by `unsupported_files`.
    """
    return [p for p in _all_files(corpus_dir) if p.suffix.lower() in config.SUPPORTED_SUFFIXES]


def unsupported_files(corpus_dir: Path) -> list[Path]:
    """Visible files whose extension has no reader: the caller reports them as skipped."""
    return [p for p in _all_files(corpus_dir) if p.suffix.lower() not in config.SUPPORTED_SUFFIXES]


def doc_id_for(relative_path: str) -> str:
    """Stable id from the path relative to the corpus: the same file keeps its id across rebuilds."""
    return hashlib.sha1(relative_path.encode("utf-8")).hexdigest()[:16]


def read_document(path: Path, corpus_dir: Path) -> ParsedDocument:
    """Read one file into a ParsedDocument; ReaderError (one-line reason) when it cannot be read."""
    path = Path(path)
    relative = _relative(path, Path(corpus_dir))
    raw = _read_raw(path, relative)
    digest = _sha256(path, relative)
    meta = with_sidecar(detect(raw.text), path)
    doc_id = doc_id_for(relative)
    title = meta.title or path.stem
    document = Document(
        doc_id=doc_id, path=relative, title=title, kind=meta.kind, organisation=meta.organisation,
        date=meta.date, period=meta.period, sha256=digest,
        pages=len(raw.page_offsets) if raw.page_offsets is not None else None,
    )
    sections = split_sections(raw.text, doc_id, meta.kind, title, raw.headings, raw.page_offsets)
    return ParsedDocument(document=document, text=raw.text, sections=sections,
                          page_offsets=raw.page_offsets, problems=raw.problems)


def _relative(path: Path, corpus_dir: Path) -> str:
    """POSIX path relative to the corpus; the bare name for a file outside it."""
    try:
        return path.absolute().relative_to(corpus_dir.absolute()).as_posix()
    except ValueError:
        return path.name


def _read_raw(path: Path, relative: str) -> RawText:
    """Dispatch on the extension; reader errors are re-labelled with the corpus-relative path."""
    suffix = path.suffix.lower()
    if suffix not in config.SUPPORTED_SUFFIXES:
        raise UnsupportedFormat(relative, f"unsupported extension {suffix or '(none)'}")
    if path.is_dir():
        raise ReaderError(relative, "is a folder, not a file")
    try:
        if suffix == ".pdf":
            from .pdf import read_pdf
            return read_pdf(path)
        if suffix == ".docx":
            from .docx import read_docx
            return read_docx(path)
        from .text import read_text
        return read_text(path)
    except ReaderError as exc:
        raise type(exc)(relative, exc.reason) from exc
    except OSError as exc:
        raise ReaderError(relative, f"cannot read file ({exc.strerror or exc})") from exc


def _sha256(path: Path, relative: str) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise ReaderError(relative, f"cannot read file ({exc.strerror or exc})") from exc
    return digest.hexdigest()


@dataclass(frozen=True)
class CorpusScan:
    """Every file of a corpus: those read, and those skipped with the one-line reason why."""

    documents: tuple[ParsedDocument, ...]
    problems: tuple[ReaderError, ...]


def scan_corpus(corpus_dir: Path) -> CorpusScan:
    """Read the whole corpus; one bad file never stops the others."""
    corpus_dir = Path(corpus_dir)
    documents, problems = [], []
    for path in unsupported_files(corpus_dir):
        relative = path.relative_to(corpus_dir).as_posix()
        problems.append(UnsupportedFormat(relative, f"unsupported extension {path.suffix.lower() or '(none)'}"))
    for path in iter_corpus(corpus_dir):
        try:
            documents.append(read_document(path, corpus_dir))
        except ReaderError as exc:
            problems.append(exc)
    problems.sort(key=lambda e: e.path)
    return CorpusScan(tuple(documents), tuple(problems))
