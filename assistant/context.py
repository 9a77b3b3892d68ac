"""The context a chunk is indexed with: a header line naming its document and place.

A paragraph that says "the system's deficit was £90.7m" does not say which year or which ICB; its header
does. The same header text feeds both the dense and the lexical index.
"""

from __future__ import annotations

from .types import Chunk, Document


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


def indexed_text(document: Document, chunk: Chunk) -> str:
    """The text that is embedded and lexically indexed for a chunk.

    A chunk that continues a table carries the table's header row, so its cells' meaning is searchable, and
    one that starts inside a long row carries the row's first cells, so it says whose row it is.
    """
    lines = [header(document, chunk), chunk.table_header, chunk.row_head and f"{chunk.row_head} …", chunk.text]
    return "\n".join(line for line in lines if line)
