"""Printed page labels and OCR of scanned pages: pure rules on hand-made inputs, real PDFs made with reportlab
and pypdf, a scan made with PIL read by the real OCR engine, and the CLI end to end on a corpus of them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.ingest import read_document
from assistant.ingest.ocr import _Box, layout_text
from assistant.ingest.page_labels import page_labels, printed_numbers
from assistant.labels import pages_label, passage_meta
from assistant.types import Chunk, Document, Passage

from test_ingest_formats import make_deck, make_mail
from test_ingest_helpers import make_pdf, make_scanned_pdf

SCAN_LINES = ["Minutes of the Quality Committee", "The committee approved the winter resilience plan.",
              "Bed occupancy stood at 94 per cent in January.", "Page 2 of 2"]


def _pack(sheets: int = 6, cover: int = 2) -> list[str]:
    """Page texts of a pack: `cover` unnumbered sheets, then papers numbered from their own page 1."""
    texts = [f"Agenda sheet {n}\nItems for the meeting" for n in range(cover)]
    for n in range(1, sheets - cover + 1):
        texts.append(f"Enc 3 Finance report\nThe deficit was £{n}.2m.\nPage {n} of {sheets - cover}")
    return texts


def test_footer_page_numbers_that_differ_from_positions_become_labels():
    assert page_labels(None, _pack()) == ("", "", "1", "2", "3", "4")


def test_lone_numbers_need_a_neighbour_that_continues_the_count():
    texts = ["Cover", "Summary\nThe figure was\n42", "Body text\n7", "More text\n8", "Closing\n9"]
    assert printed_numbers(texts) == ["", "", "7", "8", "9"]  # 42 ends a page but nothing continues it
    assert printed_numbers(["Body\nPage 5", "Body\nPage 6"]) == ["5", "6"]
    assert printed_numbers(["Only page\nPage 3 of 9"]) == ["3"]  # "of" makes it explicit on its own


def test_labels_equal_to_positions_or_absent_give_none():
    assert page_labels(None, [f"text\nPage {n} of 3" for n in range(1, 4)]) == ()
    assert page_labels(None, ["no numbers", "here either"]) == ()
    assert page_labels(["i", "ii", "1"], ["a", "b", "c"]) == ("i", "ii", "1")  # declared labels win


def _document(**fields) -> Document:
    return Document("d", "pack.pdf", "Board pack", "meeting pack", None, None, None, "0", pages=6, **fields)


def test_citation_labels_show_printed_numbers_and_ocr():
    doc = _document(page_labels=("", "", "1", "2", "3", "4"), ocr_pages=(4,))
    assert pages_label(3, 3, doc) == "p. 3 (printed 1)"
    assert pages_label(3, 4, doc) == "pp. 3–4 (printed 1–2, read by OCR)"
    assert pages_label(1, 1, doc) == "p. 1" and pages_label(3, 3) == "p. 3"
    chunk = Chunk("c", "d", "text", 4, 4, ("Enc 3",), 0, 4)
    assert passage_meta(Passage(chunk, doc, 1.0, 1)).endswith("Enc 3 · p. 4 (printed 2, read by OCR)")


def test_ocr_layout_keeps_lines_cells_and_paragraphs():
    boxes = [_Box(100, 300, 100, 120, "Measure"), _Box(500, 560, 101, 121, "Plan"),
             _Box(100, 400, 130, 150, "Agency spend"), _Box(500, 540, 131, 150, "3.2%"),
             _Box(100, 700, 220, 240, "A new paragraph after a gap."), _Box(100, 300, 250, 270, "Next line")]
    assert layout_text(boxes) == "Measure\tPlan\nAgency spend\t3.2%\n\nA new paragraph after a gap.\nNext line"
    assert layout_text([]) == ""


def test_declared_page_labels_reach_the_document(tmp_path):
    from pypdf import PdfReader, PdfWriter
    from pypdf.constants import PageLabelStyle

    plain = make_pdf(tmp_path / "plain.pdf", [[f"Sheet {n} of the pack", "Some words."] for n in range(1, 5)])
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.set_page_label(0, 1, style=PageLabelStyle.LOWERCASE_ROMAN)
    writer.set_page_label(2, 3, style=PageLabelStyle.DECIMAL, start=1)
    with open(tmp_path / "pack.pdf", "wb") as handle:
        writer.write(handle)
    document = read_document(tmp_path / "pack.pdf", tmp_path).document
    assert document.page_labels == ("i", "ii", "1", "2")
    assert pages_label(4, 4, document) == "p. 4 (printed 2)"


def test_footer_page_labels_from_a_real_pdf(tmp_path):
    pages = [["Agenda", "1. Welcome"], ["Register of interests", "None declared"]] + \
            [["Enc 3 Finance report", f"Paragraph on sheet {n}.", "", f"Page {n} of 3"] for n in range(1, 4)]
    document = read_document(make_pdf(tmp_path / "pack.pdf", pages), tmp_path).document
    assert document.page_labels == ("", "", "1", "2", "3")


def test_without_ocr_a_scan_is_reported_as_before(tmp_path):
    """The OCR package made unimportable in a fresh interpreter: the scanned page is reported, the rest read."""
    make_scanned_pdf(tmp_path / "scan.pdf", SCAN_LINES, cover=["Cover sheet of the minutes", "Page 1 of 2"])
    make_scanned_pdf(tmp_path / "only-scan.pdf", SCAN_LINES)
    code = (
        "import sys, json; sys.modules['rapidocr'] = None\n"
        "from pathlib import Path\n"
        "from assistant.errors import ReaderError\n"
        "from assistant.ingest import read_document\n"
        f"folder = Path({str(tmp_path)!r})\n"
        "parsed = read_document(folder / 'scan.pdf', folder)\n"
        "try:\n"
        "    read_document(folder / 'only-scan.pdf', folder); reason = None\n"
        "except ReaderError as exc:\n"
        "    reason = exc.reason\n"
        "print(json.dumps([list(parsed.problems), list(parsed.document.ocr_pages), reason]))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    problems, ocr_pages, reason = json.loads(done.stdout)
    assert ocr_pages == [] and reason == "no extractable text; scanned?"
    assert problems[0].startswith("1 page without a text layer left unread: OCR unavailable (")
    assert "1 of 2 pages have no extractable text" in problems
    assert done.stderr == ""


def _boardroom(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant.cli", *args], capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """A scanned PDF, a pack numbered paper by paper, a slide deck and an e-mail with a PDF attachment."""
    root = tmp_path_factory.mktemp("formats-corpus")
    make_scanned_pdf(root / "quality-minutes.pdf", SCAN_LINES,
                     cover=["Quality Committee", "Cover sheet for the minutes of the meeting", "Page 1 of 2"])
    filler = [f"Paragraph {n} of this page sets out the background and the options considered." for n in range(12)]
    papers = [(1, "The estates backlog maintenance liability was reduced to £41.6m."),
              (2, "The Trent Valley boiler replacement completes in March.")]
    make_pdf(root / "board-pack.pdf",
             [["Board meeting in public", "Agenda", "1. Welcome and apologies", *filler],
              ["Register of interests", "No interests were declared.", *filler]]
             + [["Enc 4 Estates report", *filler, text, "", f"Page {n} of 2"] for n, text in papers])
    make_deck(root / "winter-plan.pptx")
    make_mail(root / "october-papers.eml")
    return root


@pytest.mark.slow
def test_cli_finds_scanned_words_with_page_and_ocr_mark(corpus, tmp_path):
    index = str(tmp_path / "index")
    built = _boardroom("index", "--corpus", str(corpus), "--index", index)
    assert built.returncode == 0, built.stderr
    assert "0 skipped." in built.stdout
    noise = [line for line in built.stderr.splitlines() if not line.startswith(("Reading files", "Embedding"))]
    assert noise == []  # nothing of the OCR library reaches the terminal, only the progress bars

    found = _boardroom("search", "bed occupancy in January", "--corpus", str(corpus), "--index", index, "--json")
    assert found.returncode == 0, found.stderr
    top = json.loads(found.stdout)[0]
    assert top["path"] == "quality-minutes.pdf" and top["read_by_ocr"] is True
    assert "94 per cent in January" in top["text"] and top["page_end"] == 2 and top["pages"].endswith("(read by OCR)")

    shown = _boardroom("search", "Trent Valley boiler replacement", "--corpus", str(corpus), "--index", index,
                       "--k", "1")
    assert shown.returncode == 0, shown.stderr
    # the passage ends on sheet 4, printed 2 (it may begin on the page before)
    assert re.search(r"· pp?\. (?:\d+–)?4 \(printed (?:\d+–)?2\)", " ".join(shown.stdout.split())), shown.stdout

    docs = _boardroom("docs", "--corpus", str(corpus))
    assert "OCR quality-minutes.pdf: page 2 read by OCR" in docs.stdout, docs.stdout
