"""Metadata detected from content: the sample corpus against the seeds README, and general conventions."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest

from assistant import config
from assistant.errors import ReaderError
from assistant.ingest import read_document
from assistant.ingest.metadata import detect, financial_year

from test_ingest_helpers import SHARED

CORPUS = config.PROJECT_DIR / "corpus"
_MONTHS = "January February March April May June July August September October November December".split()


def _readme_rows() -> list[dict]:
    """Rows of the seeds README table: file, what it is, organisation, date."""
    rows = []
    for line in (SHARED / "seeds" / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].endswith(".txt"):
            rows.append(dict(zip(("file", "what", "organisation", "date"), cells)))
    return rows


def _expected(row: dict) -> dict:
    what = row["what"].lower()
    kind = "letter" if "letter" in what else "meeting pack" if "meeting pack" in what else \
        "plan" if "plan" in what else "report"
    match = re.search(r"(\d{1,2}) (\w+) (\d{4})", row["date"])
    date = dt.date(int(match.group(3)), _MONTHS.index(match.group(2)) + 1, int(match.group(1))) if match else None
    years = re.search(r"(20\d\d/\d\d)", row["what"])
    period = financial_year(date) if kind == "meeting pack" else years.group(1) if years else None
    return {"kind": kind, "organisation": row["organisation"], "date": date, "period": period}


@pytest.mark.skipif(not (SHARED / "seeds" / "README.md").exists(), reason="shared seeds not present")
def test_sample_corpus_metadata_matches_the_seeds_readme():
    by_sha = {hashlib.sha256(p.read_bytes()).hexdigest(): p for p in CORPUS.glob("*.txt")}
    rows = _readme_rows()
    assert len(rows) == 5
    for row in rows:
        corpus_file = by_sha[hashlib.sha256((SHARED / "seeds" / row["file"]).read_bytes()).hexdigest()]
        doc = read_document(corpus_file, CORPUS).document
        got = {"kind": doc.kind, "organisation": doc.organisation, "date": doc.date, "period": doc.period}
        assert got == _expected(row), row["file"]
        assert doc.title and len(doc.title) <= 141


def test_financial_year_runs_april_to_march():
    assert financial_year(dt.date(2024, 10, 17)) == "2024/25"
    assert financial_year(dt.date(2025, 3, 31)) == "2024/25"
    assert financial_year(dt.date(2025, 4, 1)) == "2025/26"
    assert financial_year(dt.date(1999, 6, 1)) == "1999/00"


def test_letter_conventions():
    text = ("Chief Executive\nNorth Cumbria Integrated\nCare Board\n\n3rd March 2025\n\nDear Jane,\n\n"
            "Review of North Cumbria Integrated Care Board's winter plan\n\nI am writing to ...\n\n"
            "Yours sincerely,\n\nA. Person\n")
    meta = detect(text)
    assert meta.kind == "letter"
    assert meta.organisation == "North Cumbria ICB"
    assert meta.date == dt.date(2025, 3, 3)
    assert meta.title == "Review of North Cumbria Integrated Care Board's winter plan"
    assert meta.period == "2024/25"


def test_minutes_and_trust_names():
    text = ("Minutes of the Board of Directors Meeting held in public\nLeeds Teaching Hospitals NHS Trust\n"
            "Thursday 5 June 2025\n\nPresent: ...\n\n1. Welcome\n\nThe Chair welcomed members.\n")
    meta = detect(text)
    assert (meta.kind, meta.organisation, meta.date, meta.period) == (
        "minutes", "Leeds Teaching Hospitals NHS Trust", dt.date(2025, 6, 5), "2025/26")


def test_plan_with_year_only_has_no_date():
    text = "Anytown City Council\n\nMedium Term Financial Plan 2025/26\n\nIntroduction\n\nThe council will...\n"
    meta = detect(text)
    assert meta.kind == "plan" and meta.date is None and meta.period == "2025/26"
    assert meta.organisation == "Anytown City Council"


def test_sidecar_overrides_detection(tmp_path):
    (tmp_path / "paper.txt").write_text("Some Board Paper\n\nText.\n")
    (tmp_path / "paper.txt.meta.toml").write_text(
        'title = "Annual Report"\nkind = "report"\norganisation = "Example ICB"\ndate = 2024-06-30\n')
    doc = read_document(tmp_path / "paper.txt", tmp_path).document
    assert (doc.title, doc.kind, doc.organisation, doc.date, doc.period) == (
        "Annual Report", "report", "Example ICB", dt.date(2024, 6, 30), "2024/25")


def test_bad_sidecar_is_a_reader_error(tmp_path):
    (tmp_path / "paper.txt").write_text("Some Board Paper\n\nText.\n")
    (tmp_path / "paper.txt.meta.toml").write_text('kind = "novel"\n')
    with pytest.raises(ReaderError, match="kind must be one of"):
        read_document(tmp_path / "paper.txt", tmp_path)
