"""Word (.docx) reader (python-docx): paragraphs and tables in document order.

Headings come from paragraph styles ("Heading 1", "Title"), which Word users set explicitly, so they are
passed on as declared headings instead of being guessed from layout. Tables become tab-separated rows,
header row first, so the chunker treats them like the tables of text conversions.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ..errors import ReaderError
from .raw import Heading, RawText

_HEADING_STYLE = re.compile(r"^(?:heading\s*(\d)|title)$", re.I)


def read_docx(path: Path) -> RawText:
    """Read a .docx into text with its declared headings; ReaderError for damaged or non-Word files."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    name = str(path)
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ReaderError(name, "not a valid Word document (damaged or not .docx)") from exc
    except OSError as exc:
        raise ReaderError(name, f"cannot read file ({exc.strerror or exc})") from exc
    except Exception as exc:  # python-docx/lxml raise assorted types on malformed XML
        raise ReaderError(name, f"not a valid Word document ({type(exc).__name__})") from exc

    blocks: list[str] = []
    headings: list[Heading] = []
    position = 0
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(element, document)
            block = " ".join(paragraph.text.split())
            level = _heading_level(paragraph)
        elif tag == "tbl":
            block = _table_text(Table(element, document))
            level = None
        else:
            continue
        if not block:
            continue
        if blocks:
            position += 2  # the "\n\n" joining blocks
        if level is not None:
            headings.append(Heading(position, position + len(block), level, block))
        blocks.append(block)
        position += len(block)
    text = "\n\n".join(blocks)
    if not text.strip():
        raise ReaderError(name, "no text in the document")
    return RawText(text=text, headings=tuple(headings))


def _heading_level(paragraph) -> int | None:
    style = paragraph.style.name if paragraph.style is not None else ""
    match = _HEADING_STYLE.match(style or "")
    if not match:
        return None
    return int(match.group(1)) if match.group(1) else 1


def _table_text(table) -> str:
    """Rows as tab-separated lines; merged cells (the same cell repeated by python-docx) appear once."""
    lines = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(" ".join(cell.text.split()))
        if any(cells):
            lines.append("\t".join(cells))
    return "\n".join(lines)
