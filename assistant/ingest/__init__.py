"""Ingestion: find the corpus files, read each into a ParsedDocument (text, pages, sections, metadata).

The indexer and `boardroom docs` call `scan_corpus` (or `iter_corpus` + `read_document`) and can report every
file they skip with a one-line reason: unsupported extensions come back from `unsupported_files`, and every
unreadable file raises `ReaderError` (or its subclass `UnsupportedFormat`) naming the file and the reason.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from .. import config
from ..errors import ReaderError, UnsupportedFormat, one_line
from ..types import Document, ParsedDocument
from .metadata import Metadata, detect, with_declared, with_sidecar
from .raw import RawText
from .reflow import continuations
from .structure import split_sections

__all__ = ["iter_corpus", "unsupported_files", "read_file", "read_document", "scan_corpus", "CorpusScan",
           "doc_id_for", "file_of"]


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


def file_of(doc_path: str, files: Sequence[str] | set[str] = ()) -> str:
    """The corpus file a document comes from: itself, or for an attachment the e-mail that carries it.
    `files` (the corpus's paths) settles a file whose own name contains the separator."""
    if doc_path in files:
        return doc_path
    return doc_path.split(config.ATTACHMENT_SEP, 1)[0]


def doc_id_for(relative_path: str) -> str:
    """Stable id from the path relative to the corpus: the same file keeps its id across rebuilds."""
    return hashlib.sha1(relative_path.encode("utf-8")).hexdigest()[:16]


def read_file(path: Path, corpus_dir: Path) -> tuple[ParsedDocument, ...]:
    """Read one file into its documents: the file's own first, then (for an e-mail) one per attachment.

    An attachment is read by the reader of its extension as a document at "<file path> › <attachment name>",
    with an id from that path, so it keeps its id across rebuilds. ReaderError (one-line reason) when the
    file itself cannot be read; an attachment that cannot be read is one of the file's problems.
    """
    path = Path(path)
    relative = _relative(path, Path(corpus_dir))
    raw = _read_raw(path, relative)
    digest = _sha256(path, relative)
    meta = with_sidecar(_metadata(raw), path)
    attached, problems = _attachments(raw, relative, meta)
    return (_parsed(raw, relative, digest, meta, path.stem, problems), *attached)


def read_document(path: Path, corpus_dir: Path) -> ParsedDocument:
    """The file's own document (the first of `read_file`); ReaderError when it cannot be read."""
    return read_file(path, corpus_dir)[0]


def _metadata(raw: RawText) -> Metadata:
    return with_declared(detect(raw.text), raw.title, raw.date)


def _parsed(raw: RawText, doc_path: str, digest: str, meta: Metadata, fallback_title: str,
            problems: Sequence[str] = ()) -> ParsedDocument:
    doc_id = doc_id_for(doc_path)
    title = meta.title or fallback_title
    document = Document(
        doc_id=doc_id, path=doc_path, title=title, kind=meta.kind, organisation=meta.organisation,
        date=meta.date, period=meta.period, sha256=digest,
        pages=len(raw.page_offsets) if raw.page_offsets is not None else None,
        page_labels=raw.page_labels, ocr_pages=raw.ocr_pages,
    )
    links = continuations(raw.text)
    sections = split_sections(raw.text, doc_id, meta.kind, title, raw.headings, raw.page_offsets, links)
    return ParsedDocument(document=document, text=raw.text, sections=sections,
                          page_offsets=raw.page_offsets, problems=raw.problems + tuple(problems),
                          continuations=links)


def _attachments(raw: RawText, container: str, container_meta: Metadata) -> tuple[list[ParsedDocument], list[str]]:
    """The documents of a file's attachments (and of theirs), and a problem line for each that cannot be read.

    An attachment without its own date or organisation takes the e-mail's: a letter sent on that day.
    """
    if not raw.attachments:
        return [], []
    documents: list[ParsedDocument] = []
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="boardroom-attachments-") as folder:
        for attachment in raw.attachments:
            doc_path = f"{container}{config.ATTACHMENT_SEP}{attachment.name}"
            file = Path(folder) / attachment.name
            file.write_bytes(attachment.data)
            try:
                inner = _read_raw(file, doc_path)
            except ReaderError as exc:
                problems.append(f"attachment {attachment.name} not read: {exc.reason}")
                continue
            meta = _metadata(inner)
            meta = replace(meta, date=meta.date or container_meta.date, period=meta.period or container_meta.period,
                           organisation=meta.organisation or container_meta.organisation)
            nested, nested_problems = _attachments(inner, doc_path, meta)
            digest = hashlib.sha256(attachment.data).hexdigest()
            documents.append(_parsed(inner, doc_path, digest, meta, file.stem, nested_problems))
            documents.extend(nested)
    return documents, problems


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
        return _reader(suffix)(path)
    except ReaderError as exc:
        raise type(exc)(relative, exc.reason) from exc
    except OSError as exc:
        raise ReaderError(relative, f"cannot read file ({exc.strerror or exc})") from exc
    except Exception as exc:  # a library failing on a malformed file: that file is skipped, never the corpus
        raise ReaderError(relative, f"cannot be read ({type(exc).__name__}: {one_line(exc)})") from exc


def _reader(suffix: str) -> Callable[[Path], RawText]:
    """The reader of an extension, imported only when a file needs it (each pulls in its own library)."""
    if suffix == ".pdf":
        from .pdf import read_pdf
        return read_pdf
    if suffix in (".docx", ".doc"):
        from .docx import read_doc, read_docx
        return read_docx if suffix == ".docx" else read_doc
    if suffix == ".pptx":
        from .pptx import read_pptx
        return read_pptx
    if suffix in (".html", ".htm"):
        from .html import read_html
        return read_html
    if suffix == ".eml":
        from .eml import read_eml
        return read_eml
    from .text import read_text
    return read_text


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
    """Read the whole corpus (an e-mail's attachments are documents too); one bad file never stops the others."""
    corpus_dir = Path(corpus_dir)
    documents, problems = [], []
    for path in unsupported_files(corpus_dir):
        relative = path.relative_to(corpus_dir).as_posix()
        problems.append(UnsupportedFormat(relative, f"unsupported extension {path.suffix.lower() or '(none)'}"))
    for path in iter_corpus(corpus_dir):
        try:
            documents.extend(read_file(path, corpus_dir))
        except ReaderError as exc:
            problems.append(exc)
    problems.sort(key=lambda e: e.path)
    return CorpusScan(tuple(documents), tuple(problems))
