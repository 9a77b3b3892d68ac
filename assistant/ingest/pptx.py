"""PowerPoint (.pptx) reader (python-pptx): one page per slide, so citations name the slide.

Each slide gives its title as a heading (so its passages sit under it), then the text of its other shapes
in reading order (top to bottom, then left to right; grouped shapes opened), tables as tab-separated rows
with the header row first like every other reader's, and last the speaker notes, marked as such. Pictures
and charts carry no text here.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ReaderError, one_line
from .raw import RawText, TextBuilder, open_package
from .text import table_text

NOTES_MARK = "Speaker notes:"


def read_pptx(path: Path) -> RawText:
    """Read a .pptx into one page a slide; ReaderError for damaged files or decks without any text."""
    import pptx

    deck = open_package(pptx.Presentation, path, "PowerPoint file")

    builder = TextBuilder()
    problems: list[str] = []
    for number, slide in enumerate(deck.slides, 1):
        builder.new_page()
        try:
            _add_slide(builder, slide)
        except Exception as exc:  # one damaged slide must not lose the deck
            problems.append(f"slide {number}: not read ({one_line(exc)})")
    if not builder.text.strip():
        raise ReaderError(str(path), "no text in the presentation")
    return builder.raw(problems=tuple(problems))


def _add_slide(builder: TextBuilder, slide) -> None:
    title_shape = slide.shapes.title
    if title_shape is not None and title_shape.has_text_frame:
        builder.add(" ".join(title_shape.text_frame.text.split()), heading_level=1)
    for shape in _reading_order(slide.shapes):
        if title_shape is not None and shape.shape_id == title_shape.shape_id:
            continue
        builder.add(_shape_text(shape))
    if slide.has_notes_slide:
        notes = slide.notes_slide.notes_text_frame
        text = _paragraphs(notes) if notes is not None else ""
        if text:
            builder.add(f"{NOTES_MARK} {text}")


def _reading_order(shapes) -> list:
    """Shapes top to bottom, then left to right; the shapes of a group in place of the group."""
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    found = []
    for shape in shapes:
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            found.extend(_reading_order(shape.shapes))
        else:
            found.append(shape)
    return sorted(found, key=lambda s: (s.top if s.top is not None else 0, s.left if s.left is not None else 0))


def _shape_text(shape) -> str:
    if getattr(shape, "has_table", False) and shape.has_table:
        return table_text([cell.text for cell in row.cells if not cell.is_spanned] for row in shape.table.rows)
    if shape.has_text_frame:
        return _paragraphs(shape.text_frame)
    return ""


def _paragraphs(frame) -> str:
    """A text frame's paragraphs, one a line, each single-spaced."""
    lines = (" ".join(paragraph.text.split()) for paragraph in frame.paragraphs)
    return "\n".join(line for line in lines if line)
