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


# --- documents that are not NHS board papers: SEC filings, earnings releases, annual reports ---------------

_SEC_HEAD = "UNITED STATES\nSECURITIES AND EXCHANGE COMMISSION\nWashington, D.C. 20549\n"


def test_10k_cover_names_registrant_form_and_fiscal_year():
    text = (_SEC_HEAD + "FORM 10-K\n(Mark One)\n☒ ANNUAL REPORT PURSUANT TO SECTION 13 OR 15(d) OF THE SECURITIES "
            "EXCHANGE ACT OF 1934\nFor the fiscal year ended January 28, 2023\nOR\n☐ TRANSITION REPORT PURSUANT TO "
            "SECTION 13 OR 15(d)\nFor the transition period from ___ to ___\nCommission File Number 1-1234\n\n"
            "NORTHWIND TRADERS, INC.\n(Exact name of registrant as specified in its charter)\nDelaware 12-3456789\n"
            "Securities registered pursuant to Section 12(b) of the Act:\n\nItem 1. Business\n"
            "Northwind Traders, Inc. sells provisions.\n")
    meta = detect(text)
    assert meta.title == "Northwind Traders, Inc. Form 10-K for the fiscal year ended January 28, 2023"
    assert (meta.kind, meta.organisation, meta.date, meta.period) == (
        "report", "Northwind Traders, Inc.", dt.date(2023, 1, 28), None)


def test_10q_cover_with_the_date_in_a_second_column():
    text = (_SEC_HEAD + "FORM 10-Q\nQuarterly report pursuant to Section 13 or 15(d) of\nthe Securities Exchange Act "
            "of 1934\nFor the quarterly period ended Commission file\nJuly 29, 2023 number 1-9595\n"
            "Contoso Holdings & Co.\n(Exact name of registrant as specified in its charter)\nMinnesota\n")
    meta = detect(text)
    assert meta.title == "Contoso Holdings & Co. Form 10-Q for the quarterly period ended July 29, 2023"
    assert (meta.organisation, meta.date, meta.period) == ("Contoso Holdings & Co.", dt.date(2023, 7, 29), None)


def test_8k_is_dated_by_its_report_date_and_mends_a_broken_name():
    text = (_SEC_HEAD + "\nFORM 8-K\n\nCURRENT REPORT\nPursuant to Section 13 or 15(d) of the Securities Exchange "
            "Act of 1934\n\nDate of report (Date of earliest event reported): May 20, 2022 (May 18, 2022)\n\n"
            "FABRIKAM R\nESORTS  I NTERNATIONAL (Exact name of registrant as specified in charter)\n\n"
            "Item 2.02. Results of Operations\nFabrikam Resorts International announced its results for the "
            "quarter ended April 30, 2022.\n")
    meta = detect(text)
    assert meta.title == "Fabrikam Resorts International Form 8-K dated May 20, 2022"
    assert (meta.organisation, meta.date, meta.period) == ("Fabrikam Resorts International", dt.date(2022, 5, 20), None)


def test_sec_cover_without_the_registrant_caption_and_a_year_to_march():
    text = (_SEC_HEAD + "FORM\n10-K\n☒\nANNUAL REPORT PURSUANT TO SECTION 13 OR 15(d)\nFor the Fiscal Year Ended\n"
            " March 31,\n2024\n\nCommission File Number\n001-37845\n\nLITWARE CORPORATION\n\nWASHINGTON\n"
            "Securities registered pursuant to Section 12(b) of the Act:\n")
    meta = detect(text)
    assert meta.organisation == "Litware Corporation"  # never spelt otherwise: simply capitalised
    assert meta.date == dt.date(2024, 3, 31) and meta.period == "2023/24"  # a fiscal year to 31 March


def test_sec_cover_missing_fields_stay_none():
    meta = detect(_SEC_HEAD + "FORM 10-K\nANNUAL REPORT PURSUANT TO SECTION 13 OR 15(d)\n\nPart I\n")
    assert (meta.title, meta.kind, meta.organisation, meta.date, meta.period) == (
        "Form 10-K", "report", None, None, None)


def test_cover_captions_above_the_name_are_not_part_of_it():
    text = _SEC_HEAD + "FORM 10-K\nCommission File Number\nADVENTURE WORKS CORP\n(Exact name of registrant)\n"
    meta = detect(text)
    assert (meta.title, meta.organisation, meta.date) == (
        "Adventure Works Corp Form 10-K", "Adventure Works Corp", None)


def test_a_paper_that_reports_results_is_no_earnings_release():
    meta = detect("Staff Survey reports 2024 results\n\nThe survey ran from October to November.\n")
    assert (meta.title, meta.kind, meta.organisation) == ("Staff Survey reports 2024 results", "other", None)


def test_earnings_release_headline_and_dateline():
    text = ("Tailspin Foods Reports First-Quarter 2023 Results; Raises Full-Year\nGuidance\n"
            "Reported (GAAP) First-Quarter 2023 Results\nNet revenue growth 10.2%\n"
            "PURCHASE, N.Y. - April 25, 2023 - Tailspin Foods, Inc. (NASDAQ: TSF) today reported results for\n"
            "the first quarter 2023.\n")
    meta = detect(text)
    assert meta.title == "Tailspin Foods Reports First-Quarter 2023 Results; Raises Full-Year Guidance"
    assert (meta.kind, meta.organisation, meta.date, meta.period) == (
        "report", "Tailspin Foods, Inc.", dt.date(2023, 4, 25), None)


def test_earnings_release_without_headline_or_dateline_date():
    release = ("FOR IMMEDIATE RELEASE\n\n• 2022 Fourth-Quarter reported sales decline of 4.4% to $23.7 Billion\n"
               "New Brunswick, N.J. (January 24, 2023) – Wingtip & Wingtip (NYSE: WTW) today announced results "
               "for fourth-\nquarter and full year 2022.\n")
    meta = detect(release)
    assert meta.title == "Wingtip & Wingtip earnings release, January 24, 2023"
    assert (meta.organisation, meta.date) == ("Wingtip & Wingtip", dt.date(2023, 1, 24))
    other_news = detect("FOR IMMEDIATE RELEASE\nAcme Corp. (NYSE: ACM) today named a new chief executive.\n")
    assert (other_news.title, other_news.organisation, other_news.date) == (
        "Acme Corp. press release", "Acme Corp.", None)
    headline_only = detect("Adatum reports fiscal 2023 results and provides outlook for fiscal 2024\n"
                           "June 2023 quarter:\nGAAP diluted EPS of 12.3 cps\n")
    assert (headline_only.title, headline_only.organisation, headline_only.date) == (
        "Adatum reports fiscal 2023 results and provides outlook for fiscal 2024", "Adatum", None)


def test_trust_annual_report_title_page():
    # The logo's glyph, the name and the title set line by line, and a column break that cuts the name.
    text = ("n\n\nThe Leeds\n\nTeaching Hospitals\n\nNHS Trust\n\nAnnual Report\n\nand Accounts\n\n2024-2025\n\n"
            "Contents\n\nWelcome to the Annual Report for Leeds\n\nWe have commissioned an independent\n\n"
            "Teaching Hospitals NHS Trust, looking back at\n\nthe Leeds Teaching Hospitals NHS Trust year.\n")
    meta = detect(text)
    assert meta.title == "Leeds Teaching Hospitals NHS Trust Annual Report and Accounts 2024/25"
    assert (meta.kind, meta.organisation, meta.date, meta.period) == (
        "report", "Leeds Teaching Hospitals NHS Trust", None, "2024/25")


def test_foundation_trust_annual_report_covering_april_to_march():
    text = ("ANNUAL REPORT AND ACCOUNTS\n\n1 April 2024\n\nto\n\n31 March 2025\n\n1\n\n"
            "Leeds and York Partnership NHS Foundation Trust\n\nANNUAL REPORT AND ACCOUNTS\n\n"
            "Presented to Parliament\n\nstatement of the accounting officer of Leeds and 92\n\n"
            "York Partnership NHS Foundation Trust\n")
    meta = detect(text)
    assert meta.title == "Leeds and York Partnership NHS Foundation Trust Annual Report and Accounts 2024/25"
    assert (meta.organisation, meta.date, meta.period) == (
        "Leeds and York Partnership NHS Foundation Trust", None, "2024/25")


def test_annual_report_of_a_committee_keeps_its_own_title():
    meta = detect("Anytown City Council\n\nAnnual Report of the Audit Committee 2024/25\n\nIntroduction\n")
    assert meta.title == "Anytown City Council Annual Report of the Audit Committee 2024/25"


def test_role_words_run_into_a_name_are_dropped():
    text = ("Jane Doe\nChair\nDerby and Derbyshire Integrated Care Board\n\nBoard Update\n\n"
            "The Derby and Derbyshire Integrated Care Board met in June.\n")
    assert detect(text).organisation == "Derby and Derbyshire ICB"
