"""The context a chunk is indexed with: a header line naming its document and place.

A paragraph that says "the system's deficit was £90.7m" does not say which year or which ICB; its header
does. The same header text feeds both the dense and the lexical index.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from .chunking import header_within_budget, piece_spans, table_header_before
from .types import Chunk, Document

_NAME_WORD = re.compile(r"[^\W_]+")


def header(document: Document, chunk: Chunk) -> str:
    parts = [document.title]
    if document.organisation and document.organisation not in document.title:
        parts.append(document.organisation)
    if document.date:
        parts.append(document.date.strftime("%-d %B %Y"))
    if document.period and document.period not in document.title:
        parts.append(document.period)
    if chunk.section_path:
        parts.append(" > ".join(chunk.section_path))
    return " | ".join(parts)


def file_name_words(document: Document) -> str:
    """The words of the file name that the title lacks ("LTHT Annual Report 2024 25" for a title that spells
    the trust out), without identifiers such as hashes (long runs mixing letters and digits)."""
    title = {w.lower() for w in _NAME_WORD.findall(document.title)}
    words = [w for w in _NAME_WORD.findall(PurePosixPath(document.path).stem)
             if not (len(w) > 8 and not w.isalpha() and not w.isdigit())]
    return " ".join(words) if any(w.lower() not in title for w in words) else ""


def indexed_text(document: Document, chunk: Chunk) -> str:
    """The text that is lexically indexed for a chunk: the header, the file name's words the title lacks,
    then the chunk.

    A chunk that continues a table carries the table's header row, so its cells' meaning is searchable, and
    one that starts inside a long row carries the row's first cells, so it says whose row it is.
    """
    lines = [header(document, chunk), file_name_words(document), chunk.table_header,
             chunk.row_head and f"{chunk.row_head} …", chunk.text]
    return "\n".join(line for line in lines if line)


def embedded_texts(document: Document, chunk: Chunk) -> list[str]:
    """The texts embedded for a chunk, one a piece (each within the encoder's budget), each with the header;
    the first with the table context the chunk carries, a later one with the header row of the table it
    continues within the chunk."""
    head = header(document, chunk)
    texts = []
    for start, end in piece_spans(chunk):
        context = ([chunk.table_header, chunk.row_head and f"{chunk.row_head} …"] if start == 0
                   else [header_within_budget(table_header_before(chunk.text, start), chunk.text[start:end])])
        texts.append("\n".join(line for line in (head, *context, chunk.text[start:end]) if line))
    return texts
