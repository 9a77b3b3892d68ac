"""Sections: packs split into their enclosures, documents into their headings; ranges cover the text."""

from __future__ import annotations

from pathlib import Path

from assistant import config
from assistant.ingest import read_document, scan_corpus

CORPUS = config.PROJECT_DIR / "corpus"

PACK = """Anytown NHS Foundation Trust
Board of Directors Meeting held in public
12 June 2025

1.\tWelcome and apologies\tChair\t---
2.\tMinutes of the meeting held on 8 May 2025\tChair\tEnc 01
3.\tChief Executive's report\tCEO\tEnc 02
4.\tFinance report month 1\tCFO\tEnc 03

Anytown NHS Foundation Trust
Board of Directors Meeting
Thursday 8 May 2025

1.\tWelcome
\tThe Chair opened the meeting.
2.\tMaternity services
\tThe board discussed maternity staffing. It agreed to return in July.

Report to:\tBoard of Directors
Date:\t12 June 2025
Title:\tChief Executive's Report

Purpose of the paper

The report updates the board on national and local news.

Report to:\tBoard of Directors
Date:\t12 June 2025
Title:\tFinance Report - Month 1

Summary

The Trust reported a deficit of £1.2m at month 1.
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pack.txt"
    path.write_text(text)
    return path


def _covers(parsed) -> None:
    sections = parsed.sections
    assert sections[0].char_start == 0 and sections[-1].char_end == len(parsed.text)
    for a, b in zip(sections, sections[1:]):
        assert a.char_end == b.char_start
    assert all(s.path and all(0 < len(p) <= 81 for p in s.path) for s in sections)


def test_pack_is_split_into_its_enclosures(tmp_path):
    parsed = read_document(_write(tmp_path, PACK), tmp_path)
    assert parsed.document.kind == "meeting pack"
    _covers(parsed)
    tops = []
    for s in parsed.sections:
        if s.path[0] not in tops:
            tops.append(s.path[0])
    assert tops == ["Agenda", "Enc 01 Minutes of the meeting held on 8 May 2025", "Enc 02 Chief Executive's report",
                    "Enc 03 Finance report month 1"]
    text = parsed.text
    minutes = [s for s in parsed.sections if s.path[0].startswith("Enc 01")]
    assert text[minutes[0].char_start:].startswith("Anytown NHS Foundation Trust\nBoard of Directors Meeting\nThursday")
    assert ("Enc 01 Minutes of the meeting held on 8 May 2025", "2. Maternity services") in [s.path for s in minutes]
    finance = next(s for s in parsed.sections if s.path[0].startswith("Enc 03"))
    assert text[finance.char_start:].startswith("Report to:")
    assert parsed.sections[0].page_start is None and parsed.sections[0].page_end is None


def test_sample_corpus_sections_cover_text_and_pack_items_are_found():
    scan = scan_corpus(CORPUS)
    assert not scan.problems
    for parsed in scan.documents:
        _covers(parsed)
    pack = next(p for p in scan.documents if p.document.kind == "meeting pack")
    tops = {s.path[0].split(" ", 2)[1] for s in pack.sections if s.path[0].startswith("Enc ")}
    # every enclosure of the agenda is found except the action log, which has no title block (see report)
    assert len(tops) >= 14
    letters = [p for p in scan.documents if p.document.kind == "letter"]
    for letter in letters:
        assert any(s.path[0].startswith("Section 1") for s in letter.sections)
