"""Registers of a board pack laid out unlike the sample papers (Word minutes in prose, attendance as lists,
an action log as a table, two meetings), of papers that cannot be read, and every entry's citation."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from registers_pack import write_pack

from assistant.aliases import find_definitions
from assistant.ingest import scan_corpus
from assistant.registers import extract, to_dict
from assistant.registers.views import Registers
from assistant.store import document_definitions
from assistant.types import Document, ParsedDocument, Section


@pytest.fixture(scope="module")
def parsed(tmp_path_factory):
    scan = scan_corpus(write_pack(tmp_path_factory.mktemp("pack")))
    assert not scan.problems
    return {p.document.path: p for p in scan.documents}


@pytest.fixture(scope="module")
def extracted(parsed):
    return {path: extract(p, document_definitions(p.text)) for path, p in parsed.items()}


@pytest.fixture(scope="module")
def registers(parsed, extracted):
    docs = [p.document for p in parsed.values()]
    return Registers(docs, {parsed[k].document.doc_id: to_dict(v) for k, v in extracted.items()},
                     find_definitions(p.text for p in parsed.values()))


MARCH = "2025-03-12_board-minutes.docx"


def test_decisions_follow_minutes_wording(extracted):
    found = {(d.item, d.verb, d.text) for d in extracted[MARCH].decisions}
    assert ("3. Financial plan 2025/26", "approved", "The Board approved the financial plan for 2025/26.") in found
    assert any(verb == "resolved" and "contract extension" in text for _, verb, text in found)
    assert any(verb == "received and noted" and item == "5. Quality report" for item, verb, _ in found)
    assert any("were approved as a correct record" in text for _, _, text in found)
    # an earlier meeting's decision and a future approval are not decisions of this meeting
    assert not any("estates strategy" in text or "workforce strategy" in text for _, _, text in found)
    assert {d.meeting.date for d in extracted[MARCH].decisions} == {"2025-03-12"}


def test_attendance_lists(extracted):
    people = {(a.status, a.person): a for a in extracted[MARCH].attendance}
    assert {p for s, p in people if s == "present"} == {"Alice Moreton", "Brian Okafor", "Carla Jennings",
                                                        "Gareth Pryce"}
    assert people[("apologies", "David Lowe")].represented_by == ("Emma Hart",)
    assert people[("in attendance", "Fiona Grant")].role == "Company Secretary"


def test_interest_declared_at_the_meeting(extracted):
    (interest,) = extracted[MARCH].interests
    assert interest.person == "Brian Okafor" and "trustee of Northshire Hospice" in interest.interest


def test_actions_across_two_logs(registers):
    assert registers.as_of == dt.date(2025, 3, 25)  # the latest paper, not today
    records = {r.latest.reference: r for r in registers.actions()}
    quality = records["BD/24/07"]
    assert quality.latest.owners == ("Brian Okafor",) and quality.latest.due == "2025-01-31"
    assert [h.entry.update for h in quality.history] == ["Open - drafting", "Open - draft circulated to members"]
    assert quality.overdue and quality.latest.status == "open"
    review = records["BD/24/05"]
    assert [h.entry.status for h in review.history] == ["open", "complete"] and not review.overdue
    assert not records["BD/25/02"].overdue  # due 30 June 2025
    minuted = [r for r in registers.actions() if not r.latest.reference]
    assert [(r.latest.owners, r.latest.due) for r in minuted] == [(("Carla Jennings",), "2025-04-30")]


def test_action_filters(registers):
    assert {r.latest.reference for r in registers.actions(overdue_only=True)} == {"BD/24/07"}
    assert {r.latest.reference for r in registers.actions(open_only=True)} == {"BD/24/07", "BD/25/02", ""}
    by_initials = {r.latest.reference for r in registers.actions(owner="BO")}
    assert by_initials == {r.latest.reference for r in registers.actions(owner="Brian Okafor")} == {"BD/24/07"}


def test_unreadable_action_log_and_missing_action_log_give_reasons(extracted):
    audit = extracted["2025-03-20_committee-minutes.txt"]
    assert not audit.actions and audit.notes == ("an action log (1. Action log) has no readable rows",)
    people = extracted["2025-03-25_people-committee-minutes.txt"]
    assert not people.actions and len(people.notes) == 1 and "no table" in people.notes[0]


def test_every_entry_quotes_its_paper_exactly(parsed, extracted):
    by_id = {p.document.doc_id: p for p in parsed.values()}
    for registers in extracted.values():
        for kind in ("decisions", "actions", "attendance", "quorums", "interests"):
            for entry in getattr(registers, kind):
                s = entry.source
                assert s.quote and by_id[s.doc_id].text[s.char_start:s.char_end] == s.quote
                assert s.section, entry


def _parsed(text: str) -> ParsedDocument:
    doc = Document("x", "x.txt", "Minutes of the Board", "minutes", None, dt.date(2025, 1, 9), None, "0")
    return ParsedDocument(doc, text, (Section("x", ("Minutes of the Board",), None, None, 0, len(text)),))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(list("Aa1 .:\t\n()/✓-") + ["Present", "Apologies", "Action", "Owner", "Due date",
                                                             "AGREED", "HJ", "interest", "Name", "represented by",
                                                             "12/03/25", "The Board approved"]),
                max_size=120).map("".join))
def test_odd_layouts_never_crash(text):
    registers = extract(_parsed(text), {})
    for kind in ("decisions", "actions", "attendance", "quorums", "interests"):
        for entry in getattr(registers, kind):
            assert text[entry.source.char_start:entry.source.char_end] == entry.source.quote


MINUTES_TABLE = (
    "Item\tMinute\tAction\n"
    "4.\tQuality report. AB presented the report. CD referred to the maternity review and advised that the peer "
    "review is under way. She agreed to keep the Board updated on progress. EF asked about staffing. CD referred to "
    "the inspection of the county hospital. She advised that a report is being written and agreed to bring it to "
    "the next Board.\tCD CD\n"
    "5.\tFinance report. GH and JK presented the position and agreed to circulate the revised plan.\tGH/JK\n"
)


def test_an_owner_named_twice_in_the_action_column_owns_two_actions_each_told_with_its_subject():
    registers = extract(_parsed(MINUTES_TABLE), {"CD": "Carol Dunn"})
    cd = [a for a in registers.actions if a.owner == "CD"]
    assert [a.text for a in cd] == [
        "CD referred to the maternity review and advised that the peer review is under way. She agreed to keep "
        "the Board updated on progress.",
        "CD referred to the inspection of the county hospital. She advised that a report is being written and "
        "agreed to bring it to the next Board."]
    assert all(a.owners == ("Carol Dunn",) and a.status == "open" for a in cd)
    (joint,) = [a for a in registers.actions if a.owner == "GH/JK"]  # joint owners of one action
    assert joint.owners == ("GH", "JK") and "agreed to circulate the revised plan" in joint.text
