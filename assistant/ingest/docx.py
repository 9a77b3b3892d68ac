"""Word (.docx) reader (python-docx): paragraphs and tables in document order.

Headings come from paragraph styles ("Heading 1", "Title"), which Word users set explicitly, so they are
passed on as declared headings instead of being guessed from layout. Tables become tab-separated rows,
header row first, so the chunker treats them like the tables of text conversions. A legacy binary `.doc`
is reported with what to do about it (no reader of that format works offline here).
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import ReaderError
from .raw import RawText, TextBuilder, open_package
from .text import table_text

_HEADING_STYLE = re.compile(r"^(?:heading\s*(\d)|title)$", re.I)


def read_docx(path: Path) -> RawText:
    """Read a .docx into text with its declared headings; ReaderError for damaged or non-Word files."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    name = str(path)
    document = open_package(docx.Document, path, "Word document")

    builder = TextBuilder()
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(element, document)
            builder.add(" ".join(paragraph.text.split()), _heading_level(paragraph))
        elif tag == "tbl":
            builder.add(_table_text(Table(element, document)))
    if not builder.text.strip():
        raise ReaderError(name, "no text in the document")
    return builder.raw()


def read_doc(path: Path) -> RawText:
    """A `.doc` file: read when it is in fact a .docx (Word's newer format under the old name); a legacy
    binary Word document has no offline reader here and is reported so the user can convert it."""
    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
    except OSError as exc:
        raise ReaderError(str(path), f"cannot read file ({exc.strerror or exc})") from exc
    if magic == b"PK\x03\x04":
        return read_docx(path)
    raise ReaderError(str(path), "legacy Word .doc: save it as .docx (File › Save As in Word) to include it")


def _heading_level(paragraph) -> int | None:
    style = paragraph.style.name if paragraph.style is not None else ""
    match = _HEADING_STYLE.match(style or "")
    if not match:
        return None
    return int(match.group(1)) if match.group(1) else 1


def _table_text(table) -> str:
    """Rows as tab-separated lines; merged cells (the same cell repeated by python-docx) appear once."""
    return table_text(_unmerged(row.cells) for row in table.rows)


def _unmerged(cells) -> list[str]:
    seen: set[int] = set()
    texts = []
    for cell in cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            texts.append(cell.text)
    return texts
