"""Filters from what a user or a client typed: organisations, kinds, dates and document paths, each checked
against the corpus. Shared by the command line, the chat's filter dialog and the MCP server; a bad value
raises a `BoardroomError` (a `ValueError` for a date) with one line that says what to give instead.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from .errors import BoardroomError, OutsideCorpus
from .query import same_organisation
from .types import KINDS, Document, Filters


def parse_date(text: str, *, end: bool = False) -> dt.date | None:
    """'2024-07-31', '2024-07' or '2024' (the first or, with end=True, last day of it); '' is None.

    Raises ValueError with a readable message otherwise.
    """
    text = text.strip()
    if not text:
        return None
    try:
        if len(text) == 4:
            year = int(text)
            return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
        if len(text) == 7:
            year, month = (int(x) for x in text.split("-"))
            if end:
                nxt = dt.date(year + month // 12, month % 12 + 1, 1)
                return nxt - dt.timedelta(days=1)
            return dt.date(year, month, 1)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not a date: {text!r} (use YYYY-MM-DD, YYYY-MM or YYYY)") from None


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def corpus_relative(path: str, corpus_dir: Path) -> str:
    """`path` (relative to the corpus, or absolute) as the POSIX path relative to the corpus folder that
    `Document.path` holds. A path that leads outside the corpus ("../x", "/etc/passwd") is refused."""
    corpus = Path(os.path.abspath(corpus_dir))
    given = Path(path).expanduser()
    full = Path(os.path.normpath(given if given.is_absolute() else corpus / given))
    if not _inside(full, corpus):
        real, real_corpus = full.resolve(), corpus.resolve()  # the corpus may be reached through a link
        if not _inside(real, real_corpus):
            raise OutsideCorpus(f"{path}: outside the corpus ({corpus}); give a document's path relative to "
                                "the corpus folder, as the list of documents shows it")
        full, corpus = real, real_corpus
    return full.relative_to(corpus).as_posix()


def document_at(path: str, documents: Sequence[Document], corpus_dir: Path) -> Document:
    """The indexed document at `path` (see `corpus_relative`)."""
    relative = corpus_relative(path, corpus_dir)
    for doc in documents:
        if doc.path == relative:
            return doc
    raise BoardroomError(f"no such document in the index: {path} (give its path relative to the corpus folder, "
                         "as the list of documents shows it)")


def build_filters(documents: Sequence[Document], corpus_dir: Path, *, organisations: Iterable[str] = (),
                  kinds: Iterable[str] = (), since: dt.date | None = None, until: dt.date | None = None,
                  paths: Iterable[str] = ()) -> Filters:
    """Filters whose every value names something in the corpus: a known kind, an organisation some document
    belongs to, a start no later than the end, and indexed documents inside the corpus folder."""
    kinds, organisations = tuple(kinds), tuple(organisations)
    for kind in kinds:
        if kind not in KINDS:
            raise BoardroomError(f"unknown kind {kind!r}; choose from: {', '.join(KINDS)}")
    for org in organisations:
        if not any(same_organisation(d.organisation, org) for d in documents):
            known = sorted({d.organisation for d in documents if d.organisation})
            raise BoardroomError(f"no document of the organisation {org!r}; the corpus has: "
                                 f"{', '.join(known) or 'no organisation detected'}")
    if since and until and since > until:
        raise BoardroomError(f"the start date {since.isoformat()} is after the end date {until.isoformat()}")
    doc_ids = tuple(document_at(p, documents, corpus_dir).doc_id for p in paths)
    return Filters(organisations, kinds, since, until, doc_ids)


def admits(filters: Filters, document: Document) -> bool:
    """Whether a document passes the filters: one of the documents, organisations and kinds named (when any
    are), dated within the range (an undated document is outside any range)."""
    if filters.doc_ids and document.doc_id not in filters.doc_ids:
        return False
    if filters.organisations and not any(same_organisation(document.organisation, o) for o in filters.organisations):
        return False
    if filters.kinds and document.kind not in filters.kinds:
        return False
    if filters.since and (document.date is None or document.date < filters.since):
        return False
    return not (filters.until and (document.date is None or document.date > filters.until))
