"""The readers of slide decks, web pages, e-mails (with their attachments) and legacy Word files, on real
files made here with python-pptx, reportlab and the standard library; and what a corrupt file of each gives."""

from __future__ import annotations

import datetime as dt
import io
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest

from assistant.embedding import HashEmbedder
from assistant.errors import ReaderError
from assistant.indexer import build_index
from assistant.ingest import doc_id_for, read_document, read_file, scan_corpus
from assistant.labels import pages_label
from assistant.store import IndexStore

from test_ingest_helpers import make_pdf


def _page(parsed, number: int) -> str:
    offsets = parsed.page_offsets
    end = offsets[number] if number < len(offsets) else len(parsed.text)
    return parsed.text[offsets[number - 1]:end]


def make_deck(path: Path) -> Path:
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation()
    cover = deck.slides.add_slide(deck.slide_layouts[0])
    cover.shapes.title.text = "Winter Plan 2024/25"
    cover.placeholders[1].text = "Board seminar, 12 September 2024"
    beds = deck.slides.add_slide(deck.slide_layouts[5])
    beds.shapes.title.text = "Bed capacity"
    # added last but placed above the table: read first
    table = beds.shapes.add_table(3, 3, Inches(1), Inches(3), Inches(8), Inches(1.5)).table
    for r, row in enumerate([("Site", "Beds", "Opens"), ("Royal Infirmary", "24", "December"),
                             ("County Hospital", "12", "January")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    box = beds.shapes.add_textbox(Inches(1), Inches(1.6), Inches(8), Inches(1))
    box.text_frame.text = "Escalation beds open from 1 December."
    box.text_frame.add_paragraph().text = "Staffed from the bank."
    beds.notes_slide.notes_text_frame.text = "Stress the staffing risk for the escalation wards."
    risks = deck.slides.add_slide(deck.slide_layouts[5])
    risks.shapes.title.text = "Risks"
    group = risks.shapes.add_group_shape()
    group.shapes.add_textbox(Inches(1), Inches(2), Inches(4), Inches(1)).text_frame.text = "Norovirus outbreaks."
    deck.save(path)
    return path


def test_pptx_one_page_per_slide_with_titles_tables_and_notes(tmp_path):
    parsed = read_document(make_deck(tmp_path / "winter-plan.pptx"), tmp_path)
    assert parsed.document.pages == 3
    slide2 = _page(parsed, 2)
    assert slide2.index("Bed capacity") < slide2.index("Escalation beds open") < slide2.index("Site\tBeds\tOpens")
    assert "Escalation beds open from 1 December.\nStaffed from the bank." in slide2
    assert "Site\tBeds\tOpens\nRoyal Infirmary\t24\tDecember\nCounty Hospital\t12\tJanuary" in slide2
    assert slide2.rstrip().endswith("Speaker notes: Stress the staffing risk for the escalation wards.")
    assert "Norovirus outbreaks." in _page(parsed, 3) and "Norovirus" not in slide2
    assert [s.path for s in parsed.sections] == [("Winter Plan 2024/25",), ("Bed capacity",), ("Risks",)]
    assert [(s.page_start, s.page_end) for s in parsed.sections] == [(1, 1), (2, 2), (3, 3)]
    assert pages_label(2, 3, parsed.document) == "slides 2–3" and pages_label(2, 2, parsed.document) == "slide 2"


def test_html_headings_tables_kept_and_page_chrome_dropped(tmp_path):
    (tmp_path / "news.html").write_text("""<!doctype html><html><head><title>Board news</title>
<style>p { color: red }</style><script>var tracking = "SCRIPTWORD";</script></head>
<body><nav><a href="/">Home</a> <a href="/about">NAVWORD</a></nav><header><p>BANNERWORD</p></header>
<main><h1>Board meeting in public, 17 October 2024</h1><p>The board <b>approved</b> the capital plan.<!-- note --></p>
<h2>Finance</h2><p>Deficit of <em>£3.2m</em> at month 6.<br>Recovery plan agreed.</p>
<table><caption>Workforce</caption><tr><th>Measure</th><th>Plan</th><th>Actual</th></tr>
<tr><td>Agency</td><td>3.2%</td><td>2.4%</td></tr></table>
<ul><li>First action</li><li>Second action</li></ul></main>
<div hidden>HIDDENWORD</div><footer>FOOTERWORD</footer></body></html>""", encoding="utf-8")
    parsed = read_document(tmp_path / "news.html", tmp_path)
    text = parsed.text
    assert text.startswith("Board meeting in public, 17 October 2024\n\nThe board approved the capital plan.")
    for chrome in ("SCRIPTWORD", "NAVWORD", "BANNERWORD", "HIDDENWORD", "FOOTERWORD", "color", "note", "doctype"):
        assert chrome not in text
    assert "Deficit of £3.2m at month 6.\nRecovery plan agreed." in text
    assert "Workforce\nMeasure\tPlan\tActual\nAgency\t3.2%\t2.4%" in text
    assert "First action\n\nSecond action" in text
    assert [s.path for s in parsed.sections] == [("Board meeting in public, 17 October 2024",),
                                                ("Board meeting in public, 17 October 2024", "Finance")]
    finance = parsed.sections[1]
    assert "Agency\t3.2%" in text[finance.char_start:finance.char_end]
    assert parsed.document.pages is None and parsed.document.title == "Board meeting in public, 17 October 2024"


def _finance_pdf() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4)
    c.drawString(72, 800, "Finance report to the Board")
    c.drawString(72, 780, "The month 6 deficit was £3.2m against a plan of £1.0m.")
    c.showPage()
    c.drawString(72, 800, "Appendix: the recovery actions agreed with the regional team.")
    c.showPage()
    c.save()
    return buffer.getvalue()


def make_mail(path: Path, html: bool = False, attachments: tuple[tuple[str, bytes, str], ...] | None = None) -> Path:
    message = EmailMessage()
    message["From"] = "Jane Smith <jane.smith@example.nhs.uk>"
    message["To"] = "Board members <board@example.nhs.uk>"
    message["Date"] = format_datetime(dt.datetime(2024, 10, 10, 9, 30, tzinfo=dt.timezone.utc))
    message["Subject"] = "Papers for the October board"
    body = "Dear colleagues,\n\nPlease find attached the finance report for 17 October.\n\nKind regards,\nJane"
    if html:
        message.set_content("<html><body><h2>Board papers</h2><p>Please find the finance report attached.</p>"
                            "</body></html>", subtype="html")
    else:
        message.set_content(body)
    if attachments is None:
        attachments = (("finance-report.pdf", _finance_pdf(), "application/pdf"),
                       ("figures.xlsx", b"PK\x03\x04", "application/vnd.ms-excel"))
    for name, data, content_type in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    path.write_bytes(bytes(message))
    return path


def test_eml_headers_body_and_each_attachment_a_document(tmp_path):
    make_mail(tmp_path / "october-papers.eml")
    mail, report = read_file(tmp_path / "october-papers.eml", tmp_path)
    assert mail.text.startswith(
        "From: Jane Smith <jane.smith@example.nhs.uk>\nTo: Board members <board@example.nhs.uk>\n"
        "Date: Thu, 10 Oct 2024 09:30:00 +0000\nSubject: Papers for the October board\n\nDear colleagues,")
    doc = mail.document
    assert (doc.title, doc.date, doc.period, doc.pages) == ("Papers for the October board", dt.date(2024, 10, 10),
                                                            "2024/25", None)
    assert mail.problems == ("attachment figures.xlsx not read: unsupported extension .xlsx",)
    attached = report.document
    assert attached.path == "october-papers.eml › finance-report.pdf"
    assert attached.doc_id == doc_id_for("october-papers.eml › finance-report.pdf") != doc.doc_id
    assert attached.pages == 2 and "month 6 deficit was £3.2m" in _page(report, 1)
    assert attached.date == dt.date(2024, 10, 10)  # none of its own: the e-mail's
    again = read_file(tmp_path / "october-papers.eml", tmp_path)
    assert [p.document.doc_id for p in again] == [doc.doc_id, attached.doc_id]  # stable across reads


def test_eml_html_body_and_duplicate_attachment_names(tmp_path):
    pdf = _finance_pdf()
    make_mail(tmp_path / "mail.eml", html=True,
              attachments=(("report.pdf", pdf, "application/pdf"), ("report.pdf", pdf, "application/pdf"),
                           ("minutes", b"Minutes of the board.\n\nAgreed.", "text/plain"),
                           ("logo.png", b"\x89PNG\r\n", "image/png")))
    parsed = read_file(tmp_path / "mail.eml", tmp_path)
    assert [p.document.path for p in parsed] == ["mail.eml", "mail.eml › report.pdf", "mail.eml › report (2).pdf",
                                                 "mail.eml › minutes.txt"]
    mail = parsed[0]
    assert "Board papers\n\nPlease find the finance report attached." in mail.text
    assert [s.path for s in mail.sections] == [("Papers for the October board",), ("Board papers",)]
    assert mail.text[mail.sections[1].char_start:].startswith("Board papers\n\nPlease find")  # heading moved
    assert mail.problems == ("attachment logo.png not read: unsupported extension .png",)


def test_eml_attachments_through_the_indexer(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    make_mail(corpus / "october-papers.eml")
    make_pdf(corpus / "minutes.pdf", [["Minutes of the Audit Committee", "The committee noted the report."]])
    embedder = HashEmbedder(48)
    first = build_index(corpus, index, embedder=embedder)
    assert first.added == ("minutes.pdf", "october-papers.eml") and not first.skipped
    store = IndexStore.open(index, model=embedder.name, dim=embedder.dim)
    ids = {d.path: d.doc_id for d in store.documents()}
    store.close()
    assert set(ids) == {"minutes.pdf", "october-papers.eml", "october-papers.eml › finance-report.pdf"}

    noop = build_index(corpus, index, embedder=embedder)
    assert not noop.wrote and noop.unchanged == ("minutes.pdf", "october-papers.eml")
    (corpus / "minutes.pdf").write_bytes((corpus / "minutes.pdf").read_bytes() + b"\n")
    changed = build_index(corpus, index, embedder=embedder)  # the e-mail and its attachment are copied
    assert changed.changed == ("minutes.pdf",) and changed.unchanged == ("october-papers.eml",)
    store = IndexStore.open(index, model=embedder.name, dim=embedder.dim)
    assert {d.path: d.doc_id for d in store.documents()} == ids
    store.close()

    make_mail(corpus / "october-papers.eml", attachments=())  # the attachment was taken off
    final = build_index(corpus, index, embedder=embedder)
    assert final.changed == ("october-papers.eml",)
    store = IndexStore.open(index, model=embedder.name, dim=embedder.dim)
    assert sorted(d.path for d in store.documents()) == ["minutes.pdf", "october-papers.eml"]
    store.close()


def test_legacy_doc_is_reported_and_a_docx_named_doc_is_read(tmp_path):
    import docx

    (tmp_path / "old-minutes.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    with pytest.raises(ReaderError) as info:
        read_document(tmp_path / "old-minutes.doc", tmp_path)
    assert info.value.reason.startswith("legacy Word .doc: save it as .docx") and "\n" not in str(info.value)
    document = docx.Document()
    document.add_paragraph("Minutes of the Finance Committee held on 3 June 2024.")
    document.save(tmp_path / "renamed.doc")
    assert "Finance Committee" in read_document(tmp_path / "renamed.doc", tmp_path).text


@pytest.mark.parametrize("name, data, expected", [
    ("broken.pptx", b"PK\x03\x04 not really a zip", "not a valid PowerPoint file"),
    ("binary.html", b"<html>\x00\x01\x02</html>", "binary content"),
    ("blank.html", b"<html><body><script>x()</script></body></html>", "no text in the web page"),
    ("binary.eml", b"From: a\x00\x00\x00", "binary content"),
    ("notmail.eml", b"just some words, no headers at all", "not an e-mail message"),
    ("empty.eml", b"", "empty file"),
])
def test_corrupt_file_of_each_new_format_is_one_line(tmp_path, name, data, expected):
    (tmp_path / name).write_bytes(data)
    with pytest.raises(ReaderError) as info:
        read_document(tmp_path / name, tmp_path)
    assert expected in info.value.reason and "\n" not in str(info.value) and info.value.path == name


def test_corrupt_files_do_not_stop_the_corpus(tmp_path):
    make_deck(tmp_path / "deck.pptx")
    make_mail(tmp_path / "mail.eml")
    (tmp_path / "broken.pptx").write_bytes(b"PK\x03\x04 not a zip")
    (tmp_path / "broken.eml").write_bytes(b"\x00\x01")
    (tmp_path / "legacy.doc").write_bytes(b"\xd0\xcf\x11\xe0" + bytes(60))
    scan = scan_corpus(tmp_path)
    assert [p.document.path for p in scan.documents] == ["deck.pptx", "mail.eml", "mail.eml › finance-report.pdf"]
    assert [e.path for e in scan.problems] == ["broken.eml", "broken.pptx", "legacy.doc"]
