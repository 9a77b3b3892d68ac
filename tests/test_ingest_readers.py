"""Each reader on good and bad input: bad files give one-line ReaderErrors, the rest of a corpus is read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.errors import ReaderError, UnsupportedFormat
from assistant.ingest import doc_id_for, iter_corpus, read_document, scan_corpus, unsupported_files
from assistant.ingest.text import clean

from test_ingest_helpers import make_image_only_pdf, make_pdf

DATA = Path(__file__).parent / "data"
GOOD_TEXT = "Quality Report\n\nThe board noted the report. Falls reduced by 10%.\n"


def _one_line(exc: ReaderError) -> str:
    message = str(exc)
    assert "\n" not in message and exc.reason
    return exc.reason


def test_generated_pdf_pages_are_numbered_from_one(tmp_path):
    pages = [[f"Page {n} heading", f"Unique marker alpha{n}omega on page {n}."] for n in range(1, 8)]
    path = make_pdf(tmp_path / "pack.pdf", pages)
    parsed = read_document(path, tmp_path)
    assert parsed.document.pages == 7
    offsets = parsed.page_offsets
    assert offsets[0] == 0 and list(offsets) == sorted(offsets)
    for n in range(1, 8):
        start = offsets[n - 1]
        end = offsets[n] if n < 7 else len(parsed.text)
        assert f"alpha{n}omega" in parsed.text[start:end]
    for section in parsed.sections:
        assert 1 <= section.page_start <= section.page_end <= 7


def test_pdf_encrypted_with_empty_user_password_opens(tmp_path):
    path = make_pdf(tmp_path / "locked-for-printing.pdf", [["Minutes of the board", "Agreed unanimously."]],
                    user_password="")
    parsed = read_document(path, tmp_path)
    assert "Agreed unanimously." in parsed.text


@pytest.mark.parametrize("user_password, opens", [("", True), ("s3cret", False)])
def test_aes_256_encrypted_pdf(tmp_path, user_password, opens):
    """Modern PDFs encrypt with AES-256 (pypdf needs the `cryptography` package for it)."""
    from pypdf import PdfReader, PdfWriter

    plain = make_pdf(tmp_path / "plain.pdf", [["Minutes of the board", "Agreed unanimously."]])
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-256")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    with (corpus / "aes.pdf").open("wb") as handle:
        writer.write(handle)
    if opens:
        assert "Agreed unanimously." in read_document(corpus / "aes.pdf", corpus).text
    else:
        with pytest.raises(ReaderError) as info:
            read_document(corpus / "aes.pdf", corpus)
        assert _one_line(info.value) == "encrypted PDF; needs a password"


def test_pdf_encrypted_with_password_is_refused(tmp_path):
    path = make_pdf(tmp_path / "secret.pdf", [["Confidential"]], user_password="s3cret")
    with pytest.raises(ReaderError) as info:
        read_document(path, tmp_path)
    assert _one_line(info.value) == "encrypted PDF; needs a password"
    assert info.value.path == "secret.pdf"


def test_corrupt_pdf(tmp_path):
    good = make_pdf(tmp_path / "good.pdf", [["Some text here"]]).read_bytes()
    (tmp_path / "truncated.pdf").write_bytes(good[: len(good) // 3])
    (tmp_path / "garbage.pdf").write_bytes(b"%PDF-1.4\n" + os.urandom(2000))
    (tmp_path / "notpdf.pdf").write_bytes(b"hello, I am not a PDF at all")
    for name in ("truncated.pdf", "garbage.pdf", "notpdf.pdf"):
        with pytest.raises(ReaderError) as info:
            read_document(tmp_path / name, tmp_path)
        reason = _one_line(info.value)
        assert "PDF" in reason or "text" in reason, reason


def test_image_only_pdf_has_no_text(tmp_path):
    path = make_image_only_pdf(tmp_path / "scan.pdf")
    with pytest.raises(ReaderError) as info:
        read_document(path, tmp_path)
    assert _one_line(info.value) == "no extractable text; scanned?"


def test_empty_and_blank_files(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.md").write_text("  \n\n \t\n")
    for name in ("empty.txt", "blank.md"):
        with pytest.raises(ReaderError) as info:
            read_document(tmp_path / name, tmp_path)
        assert _one_line(info.value) == "empty file"


def test_binary_junk_named_txt(tmp_path):
    (tmp_path / "junk.txt").write_bytes(bytes(range(256)) * 20)
    (tmp_path / "junk2.txt").write_bytes(bytes(b % 32 for b in range(3000)).replace(b"\x00", b"\x01"))
    for name in ("junk.txt", "junk2.txt"):
        with pytest.raises(ReaderError) as info:
            read_document(tmp_path / name, tmp_path)
        assert _one_line(info.value) == "not a text file (binary content)"


def test_cp1252_text_is_decoded(tmp_path):
    text = "Finance Report\n\nThe deficit was £14.9m – “significant” for the ICB’s plan.\n"
    (tmp_path / "cp.txt").write_bytes(text.encode("cp1252"))
    parsed = read_document(tmp_path / "cp.txt", tmp_path)
    assert "£14.9m – “significant” for the ICB’s plan." in parsed.text


def test_latin1_only_bytes_never_fail(tmp_path):
    (tmp_path / "odd.txt").write_bytes("Report\n\nCaf\xe9 \x81\x8d costs rose.".encode("latin-1"))
    parsed = read_document(tmp_path / "odd.txt", tmp_path)
    assert "costs rose." in parsed.text


def test_unsupported_extension(tmp_path):
    (tmp_path / "figures.xlsx").write_bytes(b"PK\x03\x04")
    with pytest.raises(UnsupportedFormat) as info:
        read_document(tmp_path / "figures.xlsx", tmp_path)
    assert _one_line(info.value) == "unsupported extension .xlsx"
    assert unsupported_files(tmp_path) == [tmp_path / "figures.xlsx"]


def test_folder_named_like_a_text_file_is_reported(tmp_path):
    """An unreadable path that works as root too (chmod 000 does not stop root)."""
    (tmp_path / "papers.txt").mkdir()
    with pytest.raises(ReaderError) as info:
        read_document(tmp_path / "papers.txt", tmp_path)
    assert "folder" in _one_line(info.value)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads chmod 000 files")
def test_unreadable_file(tmp_path):
    path = tmp_path / "locked.txt"
    path.write_text(GOOD_TEXT)
    path.chmod(0)
    try:
        with pytest.raises(ReaderError) as info:
            read_document(path, tmp_path)
        assert "cannot read" in _one_line(info.value)
    finally:
        path.chmod(0o644)


def test_unreadable_file_via_os_error(tmp_path, monkeypatch):
    """Simulate EACCES where chmod cannot (root): the reader turns OSError into a one-line ReaderError."""
    path = tmp_path / "locked.txt"
    path.write_text(GOOD_TEXT)

    def refuse(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(ReaderError) as info:
        read_document(path, tmp_path)
    assert _one_line(info.value) == "cannot read file (Permission denied)"


def test_corpus_with_bad_files_still_reads_the_good_ones(tmp_path):
    (tmp_path / "good.txt").write_text(GOOD_TEXT)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "notes.md").write_text("# Plan\n\nWe will deliver the plan.\n")
    make_pdf(tmp_path / "sub" / "paper.pdf", [["Board paper", "Text on the first page."]])
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "junk.txt").write_bytes(b"\x00\x01\x02" * 50)
    (tmp_path / "figures.xlsx").write_bytes(b"PK")
    make_pdf(tmp_path / "secret.pdf", [["x"]], user_password="pw")
    (tmp_path / ".hidden.txt").write_text(GOOD_TEXT)
    (tmp_path / "README.md").write_text("About this folder")
    (tmp_path / "good.txt.meta.toml").write_text('kind = "report"\n')

    assert [p.relative_to(tmp_path).as_posix() for p in iter_corpus(tmp_path)] == [
        "empty.txt", "good.txt", "junk.txt", "secret.pdf", "sub/notes.md", "sub/paper.pdf"]
    scan = scan_corpus(tmp_path)
    assert sorted(d.document.path for d in scan.documents) == ["good.txt", "sub/notes.md", "sub/paper.pdf"]
    reasons = {e.path: e.reason for e in scan.problems}
    assert reasons == {
        "empty.txt": "empty file",
        "figures.xlsx": "unsupported extension .xlsx",
        "junk.txt": "not a text file (binary content)",
        "secret.pdf": "encrypted PDF; needs a password",
    }


def test_document_identity(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "paper.txt").write_text(GOOD_TEXT)
    doc = read_document(tmp_path / "a" / "paper.txt", tmp_path).document
    assert doc.path == "a/paper.txt"
    assert doc.doc_id == doc_id_for("a/paper.txt") and len(doc.doc_id) == 16
    import hashlib
    assert doc.sha256 == hashlib.sha256(GOOD_TEXT.encode()).hexdigest()
    assert doc.pages is None


def test_html_fragments_are_cleaned_and_words_kept():
    raw = ("Action\t<p>HJ presented the report.</p> <p>She added <b>more</b>.<br/>Next</p>\t"
           "<input checked=\"\" type=\"checkbox\"/> Yes <input type=\"checkbox\"/> No &amp; <i>(check)</i>\n"
           "**Bold heading**\n[link text](http://example.org)")
    cleaned = clean(raw)
    assert "<" not in cleaned and "**" not in cleaned and "http" not in cleaned
    assert "HJ presented the report. She added more. Next" in cleaned
    assert "☒ Yes ☐ No & (check)" in cleaned
    assert cleaned.splitlines()[0].count("\t") == 2  # the table row stays one row
    assert "Bold heading" in cleaned and "link text" in cleaned


def test_docx_paragraphs_headings_and_tables(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("Finance Report", level=1)
    document.add_paragraph("The system reported a deficit. It was discussed.")
    document.add_heading("Agency spend", level=2)
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate([("Measure", "Plan", "Actual"), ("Agency", "3.2%", "2.4%"), ("Bank", "5%", "6%")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    document.add_paragraph("After the table.")
    document.save(tmp_path / "report.docx")
    parsed = read_document(tmp_path / "report.docx", tmp_path)
    assert "Measure\tPlan\tActual\nAgency\t3.2%\t2.4%\nBank\t5%\t6%" in parsed.text
    paths = [s.path for s in parsed.sections]
    assert ("Finance Report",) in paths and ("Finance Report", "Agency spend") in paths
    table_section = next(s for s in parsed.sections if s.path == ("Finance Report", "Agency spend"))
    assert "Agency\t3.2%" in parsed.text[table_section.char_start:table_section.char_end]


def test_damaged_docx(tmp_path):
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ReaderError) as info:
        read_document(tmp_path / "broken.docx", tmp_path)
    assert "Word document" in _one_line(info.value)
