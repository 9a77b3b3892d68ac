"""OCR of scanned PDF pages: each page rendered with pdfium and read by RapidOCR, whose PP-OCRv6 models ship
inside the `rapidocr` wheel and run on onnxruntime. Nothing is downloaded; without the package (or when it
fails) the pages stay unread and are reported as before.

Only pages with no text layer come here (the PDF reader decides, `config.OCR_MAX_TEXT_CHARS`). The lines
found are put back in reading order: boxes on one line are joined, a wide gap between them becoming a tab as
between a table's cells, and a vertical gap wider than a line becomes a blank line between paragraphs.
The angle classifier is off: it turned a fifth of the upright lines of a test page upside down.
"""

from __future__ import annotations

import itertools
import logging
import statistics
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .. import config
from ..errors import one_line
from .text import normalise_whitespace

LOGGER = "RapidOCR"  # the library's logger: its console handler is removed, its warnings become problems
_GAP_TAB = 1.5  # a horizontal gap wider than this many line heights separates cells
_GAP_PARAGRAPH = 1.8  # a line whose top is this many line heights below the previous one starts a paragraph
_SAME_LINE = 0.5  # boxes whose vertical centres are closer than this many line heights share a line

_engine = None
_engine_error: str | None = None
_engine_lock = threading.Lock()  # one engine per process, built once; onnxruntime sessions are thread-safe


@dataclass(frozen=True)
class _Box:
    left: float
    right: float
    top: float
    bottom: float
    text: str

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 1.0)

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


def read_scanned_pages(path: Path, pages: Sequence[int], problems: list[str]) -> dict[int, str]:
    """The OCR text of each page (0-based numbers) that could be read. Why others could not goes to
    `problems` as one line: OCR unavailable once for the document, or a page's own failure."""
    engine = _load_engine()
    if engine is None:
        problems.append(f"{_count(len(pages))} without a text layer left unread: OCR unavailable ({_engine_error})")
        return {}
    found: dict[int, str] = {}
    try:
        render = _Renderer(path)
    except Exception as exc:  # pdfium refuses the file: the pages stay unread
        problems.append(f"{_count(len(pages))} without a text layer left unread: cannot render ({one_line(exc)})")
        return {}
    try:
        for number in pages:
            try:
                found[number] = _recognise(engine, render(number))
            except Exception as exc:  # one bad page must not lose the others
                problems.append(f"page {number + 1}: OCR failed ({one_line(exc)})")
    finally:
        render.close()
    return found


def _count(n: int) -> str:
    return "1 page" if n == 1 else f"{n} pages"


def _load_engine():
    """The shared engine, built on first use; None (with `_engine_error` set) when OCR is not possible."""
    global _engine, _engine_error
    with _engine_lock:
        if _engine is None and _engine_error is None:
            try:
                _engine = _build_engine()
            except Exception as exc:  # ImportError, a missing model, onnxruntime refusing the model
                _engine_error = one_line(exc)
        return _engine


def _build_engine():
    from rapidocr import RapidOCR

    logger = logging.getLogger(LOGGER)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)  # its own console handler: nothing of OCR reaches the terminal raw
    logger.addHandler(logging.NullHandler())
    logger.propagate = False
    return RapidOCR(params={"Global.log_level": "warning", "Global.use_cls": False,
                            "Global.text_score": config.OCR_MIN_SCORE})


class _Renderer:
    """Renders pages of one PDF as RGB arrays at `config.OCR_DPI` (pdfium applies rotation and masks)."""

    def __init__(self, path: Path):
        import pypdfium2

        self._pdf = pypdfium2.PdfDocument(str(path))

    def __call__(self, number: int):
        import numpy as np

        page = self._pdf[number]
        try:
            image = page.render(scale=config.OCR_DPI / 72, grayscale=True).to_pil()
        finally:
            page.close()
        return np.asarray(image.convert("RGB"))

    def close(self) -> None:
        self._pdf.close()


def _recognise(engine, image) -> str:
    result = engine(image)
    if result.boxes is None or result.txts is None:
        return ""
    boxes = [_Box(float(min(p[0] for p in quad)), float(max(p[0] for p in quad)),
                  float(min(p[1] for p in quad)), float(max(p[1] for p in quad)), text.strip())
             for quad, text in zip(result.boxes, result.txts, strict=True) if text.strip()]
    return layout_text(boxes)


def layout_text(boxes: Sequence[_Box]) -> str:
    """Boxes in reading order: grouped into lines by their vertical centres, left to right within a line."""
    if not boxes:
        return ""
    unit = statistics.median(b.height for b in boxes)
    lines: list[list[_Box]] = []
    for box in sorted(boxes, key=lambda b: (b.middle, b.left)):
        if lines and abs(box.middle - statistics.fmean(b.middle for b in lines[-1])) < _SAME_LINE * unit:
            lines[-1].append(box)
        else:
            lines.append([box])
    out: list[str] = []
    previous_top = None
    for line in lines:
        line.sort(key=lambda b: b.left)
        top = min(b.top for b in line)
        if previous_top is not None:
            out.append("\n\n" if top - previous_top > _GAP_PARAGRAPH * unit else "\n")
        previous_top = top
        out.append(line[0].text)
        for before, box in itertools.pairwise(line):
            out.append("\t" if box.left - before.right > _GAP_TAB * unit else " ")
            out.append(box.text)
    return normalise_whitespace("".join(out))
