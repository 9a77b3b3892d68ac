"""pypdf's complaints while reading a PDF become the document's problems, never terminal output.

pypdf logs a warning for each robustness fix it applies (damaged cross-reference tables, fonts it cannot fully
decode, ...) and can raise Python warnings. Printed, they would garble `boardroom docs` and the TUI; kept as
`parsed.problems`, they are listed once per document, one line per distinct message with a count.
"""

from __future__ import annotations

import importlib.util
import logging
import re
import sys
import warnings

import pytest

from assistant.ingest import read_document

from test_ingest_helpers import SHARED, make_pdf

VERIZON = SHARED / "eval" / "financebench" / "pdfs" / "VERIZON_2021_10K.pdf"


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is when a record arrives (pytest swaps it between test phases)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass


@pytest.fixture
def logging_to_stderr(capfd):
    """Logging as an app that called `logging.basicConfig()` has it: records reaching the root logger are printed
    to stderr (pytest's own capture handlers would otherwise swallow them, and these tests could not fail)."""
    handler = _StderrHandler()
    logging.root.addHandler(handler)
    yield
    logging.root.removeHandler(handler)


def _with_wrong_startxref(path):
    """A PDF whose `startxref` points a few bytes off: pypdf reads it anyway and logs that it had to."""
    data = path.read_bytes()
    path.write_bytes(re.sub(rb"startxref\s+(\d+)", lambda m: b"startxref\n%d" % (int(m[1]) + 7), data))
    return path


def test_pypdf_log_warnings_become_problems_not_stderr(tmp_path, capfd, logging_to_stderr):
    path = _with_wrong_startxref(make_pdf(tmp_path / "damaged.pdf", [["Minutes of the board", "Agreed."]]))
    parsed = read_document(path, tmp_path)
    assert "Agreed." in parsed.text
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""
    assert any("incorrect startxref pointer" in problem for problem in parsed.problems), parsed.problems
    assert all("\n" not in problem for problem in parsed.problems)


def test_repeated_warnings_are_one_line_with_a_count(tmp_path, capfd, logging_to_stderr, monkeypatch):
    """The same complaint on every page is one problem line that says how often it happened."""
    from pypdf import PageObject

    extract = PageObject.extract_text

    def complaining_extract(self, *args, **kwargs):
        warnings.warn("glyph widths missing", UserWarning, stacklevel=2)
        logging.getLogger("pypdf._cmap").warning("odd font on this page")
        return extract(self, *args, **kwargs)

    monkeypatch.setattr(PageObject, "extract_text", complaining_extract)
    path = make_pdf(tmp_path / "pack.pdf", [[f"Page {n}"] for n in range(1, 4)])
    parsed = read_document(path, tmp_path)
    assert capfd.readouterr().err == ""
    widths = [p for p in parsed.problems if "glyph widths missing" in p]
    fonts = [p for p in parsed.problems if "odd font on this page" in p]
    assert len(widths) == 1 and "3×" in widths[0], parsed.problems
    assert len(fonts) == 1 and "3×" in fonts[0], parsed.problems


def test_logging_is_left_as_it_was(tmp_path, logging_to_stderr):
    """Quietening pypdf lasts only while a PDF is read: its logger's handlers and propagation are restored."""
    logger = logging.getLogger("pypdf")
    before = (list(logger.handlers), logger.propagate)
    read_document(_with_wrong_startxref(make_pdf(tmp_path / "damaged.pdf", [["Text"]])), tmp_path)
    assert (list(logger.handlers), logger.propagate) == before


@pytest.mark.skipif(not VERIZON.exists(), reason="financebench not present")
@pytest.mark.skipif(importlib.util.find_spec("fontTools") is not None, reason="fontTools installed: no warning")
def test_real_filing_font_warning_is_a_problem(tmp_path, capfd, logging_to_stderr):
    """The last page of Verizon's 10-K uses a CFF font pypdf warns about (without fontTools); that page alone,
    copied out of the filing, keeps the test fast."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.add_page(PdfReader(VERIZON, strict=False).pages[-1])
    path = tmp_path / "verizon-last-page.pdf"
    writer.write(path)
    capfd.readouterr()
    parsed = read_document(path, tmp_path)
    assert "Verizon" in parsed.text
    assert capfd.readouterr().err == ""
    assert any("fontTools is required" in problem for problem in parsed.problems), parsed.problems


def test_messages_differing_only_in_numbers_are_one_line_and_lines_are_capped():
    from assistant.ingest.pdf import MAX_WARNING_LINES, _collapse

    lines = _collapse([f"Ignoring wrong pointing object {n} 0 (offset {10 * n})" for n in range(9)]
                      + ["font dictionary {'/BaseFont': '/X', '/Encoding': IndirectObject(18, 0, 1403)} odd"])
    assert lines == ["pypdf warning (9×): Ignoring wrong pointing object 0 0 (offset 0)",
                     "pypdf warning (1×): font dictionary {…} odd"]
    many = _collapse([f"message {chr(65 + n)}" for n in range(MAX_WARNING_LINES + 3)])
    assert len(many) == MAX_WARNING_LINES + 1 and many[-1] == "pypdf warning (3×): 3 other messages"
