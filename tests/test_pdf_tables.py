"""Tables in PDFs: the rules on hand-made layout text, a table PDF made with reportlab read by the real reader,
and a real index and assistant quoting one of its rows with the column headers."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.chunking import chunk_document, table_header_before
from assistant.ingest import read_document
from assistant.ingest.pdf_tables import find_tables, is_candidate, is_figure, with_tables
from assistant.sentences import split_units
from assistant.types import Chunk, Document, Passage

from test_ingest_helpers import make_pdf

LAYOUT = """\
Table 1: Income and expenditure (£m)

                                            Month 6                      Year to date
                                     Plan          Actual           Plan           Actual
Income:
   Clinical income                £ 120.4         £ 118.9        £ 722.1          £ 713.6
   Other income                      14.2            15.0           85.0             88.3
Pay costs                           (80.1)          (82.6)        (480.5)          (490.2)
Reserves                               —               —            2.5 %            (0.4)%

The deficit is driven by agency spend in theatres.
"""
HEADER = ["", "Month 6 Plan", "Actual", "Year to date Plan", "Actual"]  # a spanning header once, as printed
# pypdf's plain text of such a page: one cell a line, the currency signs apart from their figures
PLAIN = """Table 1: Income and expenditure (£m)
Month 6
Year to date
Plan
Actual
Plan
Actual
Income:
Clinical income
£
120.4
£
118.9
£
722.1
£
713.6
Other income
14.2
15.0
85.0
88.3
Pay costs
(80.1)
(82.6)
(480.5)
(490.2)
Reserves
—
—
2.5 %
(0.4)%
The deficit is driven by agency spend in theatres."""


def test_figures_are_amounts_percentages_and_dashes_not_years():
    assert all(is_figure(c) for c in ["1,234", "$ (8,122)", "£ 120.4", "3.6 %", "(0.4)%", "—", "-%", "-12.5"])
    assert not any(is_figure(c) for c in ["2023", "Plan", "10% decrease", "Q2", ""])


def test_pages_with_lines_of_figures_are_candidates_and_prose_is_not():
    assert is_candidate(PLAIN)
    prose = "\n".join(["The committee noted the report and approved the plan for 2024/25."] * 20 + ["Page 3"])
    assert not is_candidate(prose)


def test_a_layout_table_has_its_rows_and_one_header_row_naming_every_column():
    (table,) = find_tables(LAYOUT)
    assert table.has_header and table.rows[0] == HEADER
    assert table.rows[1:] == [
        ["Income:", "", "", "", ""],
        ["Clinical income", "£ 120.4", "£ 118.9", "£ 722.1", "£ 713.6"],
        ["Other income", "14.2", "15.0", "85.0", "88.3"],
        ["Pay costs", "(80.1)", "(82.6)", "(480.5)", "(490.2)"],
        ["Reserves", "—", "—", "2.5 %", "(0.4)%"],
    ]
    assert (table.first_line, table.last_line) == (2, 8)  # the title above and the paragraph below stay text


def test_two_tables_of_a_page_each_keep_their_own_header():
    second = LAYOUT.replace("Table 1:", "Table 2:").replace("Month 6", "Quarter 2")
    tables = find_tables(LAYOUT + "\nA paragraph between the two tables, long enough to be running text.\n" + second)
    assert [t.rows[0][1] for t in tables] == ["Month 6 Plan", "Quarter 2 Plan"]
    assert [t.rows[0][3] for t in tables] == ["Year to date Plan"] * 2
    assert [len(t.rows) for t in tables] == [6, 6]


def test_prose_and_lists_are_not_tables():
    text = ("The Board noted the report.   It approved the plan.\n"
            "1.   Apologies for absence\n2.   Declarations of interest\n"
            "Waiting list        7,845 patients at the end of March\n")
    assert find_tables(text) == []  # one row of figures without a header is not a table


def test_the_table_replaces_the_words_it_covers_and_the_rest_of_the_page_stays():
    text, count = with_tables(PLAIN, LAYOUT)
    assert count == 1
    lines = text.split("\n")
    assert lines[0] == "Table 1: Income and expenditure (£m)"
    assert lines[1] == "\t".join(HEADER)
    assert lines[3] == "Clinical income\t£ 120.4\t£ 118.9\t£ 722.1\t£ 713.6"
    assert lines[-1] == "The deficit is driven by agency spend in theatres."
    assert sorted(text.split()) == sorted(PLAIN.split())  # nothing lost, nothing added


def test_a_table_the_plain_text_reads_otherwise_is_left_as_it_is():
    other = PLAIN.replace("Clinical income", "Patient care income").replace("Other income", "Grants").replace(
        "Pay costs", "Staff").replace("Reserves", "Contingency").replace("Income:", "Revenue:")
    shuffled = "\n".join(reversed(other.split("\n")))
    assert with_tables(shuffled, LAYOUT) == (shuffled, 0)


def test_a_carried_header_keeps_an_empty_label_cell_so_names_stay_over_their_cells():
    text = "\n".join(["\t".join(HEADER), "Clinical income\t£ 120.4\t£ 118.9\t£ 722.1\t£ 713.6",
                      "Pay costs\t(80.1)\t(82.6)\t(480.5)\t(490.2)"])
    start = text.index("Pay costs")
    carried = table_header_before(text, start)
    assert carried == " | Month 6 Plan | Actual | Year to date Plan | Actual"
    doc = Document("d", "finance.pdf", "Finance report", "report", None, None, None, "0")
    chunk = Chunk("d:0", "d", text[start:], 2, 2, (), start, len(text), table_header=carried)
    (unit,) = split_units(Passage(chunk, doc, 1.0, 1))
    assert unit.text == "Pay costs; Month 6 Plan: (80.1); Actual: (82.6); Year to date Plan: (480.5); Actual: (490.2)"


RIGHTS = [330, 400, 480, 550]
ROWS = [("Income:", None), ("Clinical income", ["120.4", "118.9", "722.1", "713.6"]),
        ("Other income", ["14.2", "15.0", "85.0", "88.3"]), ("Expenditure:", None),
        ("Pay costs", ["(80.1)", "(82.6)", "(480.5)", "(490.2)"]),
        ("Agency spend", ["(2.9)", "(3.6)", "(17.4)", "(21.7)"]),
        ("Surplus/(deficit)", ["1.2", "(0.4)", "7.3", "(2.1)"])]


def make_table_pdf(path: Path) -> Path:
    """A finance report as a spreadsheet prints one: a cover page of prose, then a table on page 2 with a
    header over pairs of columns ("Month 6" over Plan and Actual), figures right-aligned, no ruling."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica-Bold", 14)
    c.drawString(60, 790, "Finance report to the Board of Northfield Community Health Trust")
    c.setFont("Helvetica", 10)
    c.drawString(60, 760, "The Trust reports its income and expenditure position at month 6 on the next page.")
    c.drawString(60, 746, "Agency spend remains above plan because of vacancies in theatres and critical care.")
    c.showPage()
    c.setFont("Helvetica", 10)
    c.drawString(60, 790, "Table 1: Income and expenditure (£m)")
    c.drawCentredString(340, 760, "Month 6")
    c.drawCentredString(490, 760, "Year to date")
    for x, name in zip(RIGHTS, ["Plan", "Actual", "Plan", "Actual"]):
        c.drawRightString(x, 746, name)
    y = 728
    for label, values in ROWS:
        c.drawString(60 if values is None else 72, y, label)
        for x, value in zip(RIGHTS, values or []):
            c.drawRightString(x, y, value)
        y -= 14
    c.drawString(60, y - 10, "The year to date deficit is driven by agency spend in theatres.")
    c.showPage()
    c.save()
    return path


def test_a_generated_pdf_table_is_read_with_its_header_on_its_page(tmp_path):
    parsed = read_document(make_table_pdf(tmp_path / "finance-report.pdf"), tmp_path)
    assert parsed.problems == ()
    assert "\t".join(HEADER) + "\nIncome:\t\t\t\t\nClinical income\t120.4\t118.9\t722.1\t713.6\n" in parsed.text
    row = parsed.text.index("Agency spend\t(2.9)\t(3.6)\t(17.4)\t(21.7)")
    assert len(parsed.page_offsets) == 2 and parsed.page_offsets[1] <= row  # the row is on page 2, as printed
    (chunk,) = [c for c in chunk_document(parsed) if c.char_start <= row < c.char_end]
    assert chunk.page_end == 2
    assert "The year to date deficit is driven by agency spend in theatres." in parsed.text  # the text after it stays


def test_without_tables_the_reader_gives_pypdfs_plain_text(tmp_path, monkeypatch):
    from assistant import config

    pdf = make_table_pdf(tmp_path / "finance-report.pdf")
    monkeypatch.setattr(config, "PDF_TABLES", False)
    plain = read_document(pdf, tmp_path).text
    monkeypatch.setattr(config, "PDF_TABLES", True)
    assert "\t" not in plain and "\t" in read_document(pdf, tmp_path).text


def test_a_page_whose_layout_fails_keeps_its_plain_text_and_is_reported(tmp_path, monkeypatch):
    from pypdf import PageObject

    def broken(self, *args, **kwargs):
        raise ValueError("damaged content stream")

    monkeypatch.setattr(PageObject, "_layout_mode_text", broken)
    parsed = read_document(make_table_pdf(tmp_path / "finance-report.pdf"), tmp_path)
    assert "Agency spend\n(2.9)" in parsed.text and "\t" not in parsed.text
    assert parsed.problems == ("page 2: table columns not read (damaged content stream)",)


@pytest.fixture(scope="module")
def table_index(tmp_path_factory):
    """A corpus of the table report and two prose papers, indexed by the real indexer and encoder."""
    from assistant.indexer import build_index

    corpus = tmp_path_factory.mktemp("tables-corpus")
    make_table_pdf(corpus / "finance-report.pdf")
    make_pdf(corpus / "quality-report.pdf", [["Quality report", "Agency nurses covered 12% of shifts in theatres.",
                                              "Infection rates fell for the third month running."]])
    make_pdf(corpus / "workforce-report.pdf", [["Workforce report", "Vacancies in critical care fell to 41 posts.",
                                                "Agency spend controls were tightened in September."]])
    index = tmp_path_factory.mktemp("tables-index")
    build_index(corpus, index)
    return corpus, index


@pytest.mark.slow
def test_a_table_row_is_searched_and_quoted_with_its_column_headers(table_index):
    from assistant.assistant import Assistant

    corpus, index = table_index
    assistant = Assistant.open(corpus, index, update=False)
    top = assistant.search("agency spend year to date actual", k=3)[0]
    assert top.document.path == "finance-report.pdf" and top.chunk.page_start <= 2 <= top.chunk.page_end
    assert "Agency spend\t(2.9)\t(3.6)\t(17.4)\t(21.7)" in top.chunk.text
    answer = assistant.ask("What was the year to date actual agency spend?")
    assert not answer.abstained
    assert "Agency spend; Month 6 Plan: (2.9); Actual: (3.6); Year to date Plan: (17.4); Actual: (21.7)" \
        in answer.text, answer.text
    (citation,) = [c for c in answer.citations if "(21.7)" in c.quote]
    assert citation.passage.document.path == "finance-report.pdf" and citation.passage.chunk.page_end == 2
