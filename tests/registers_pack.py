"""A small board pack laid out unlike the sample papers, written with python-docx for the register tests:
minutes in prose with headings, attendance as lists under "Present" / "Apologies" / "In attendance", an
action log as a Word table; two meetings, so an action appears in two logs. Also a paper whose action log
cannot be read, and one with no action log at all."""

from __future__ import annotations

from pathlib import Path

FEBRUARY_ACTIONS = [
    ("BD/24/05", "Complete the freedom to speak up review", "AM", "15/12/2024", "Open - interviews under way"),
    ("BD/24/07", "Publish the annual quality account", "BO", "31/01/2025", "Open - drafting"),
]
MARCH_ACTIONS = [
    ("BD/24/05", "Complete the freedom to speak up review", "AM", "15/12/2024", "Completed in February"),
    ("BD/24/07", "Publish the annual quality account", "BO", "31/01/2025", "Open - draft circulated to members"),
    ("BD/25/02", "Review the estates risk register", "CJ", "30/06/2025", "Open"),
]


def _minutes(path: Path, date: str, previous: str, actions, extra_items: bool) -> None:
    from docx import Document

    doc = Document()
    doc.add_heading(f"Minutes of the Board of Directors meeting held on {date}", level=1)
    doc.add_paragraph("Northshire Community Health NHS Trust")
    doc.add_paragraph("Present:")
    for line in ("Alice Moreton (AM), Chair", "Brian Okafor (BO), Chief Executive",
                 "Carla Jennings (CJ), Director of Finance", "Gareth Pryce (GP), Non-Executive Director"):
        doc.add_paragraph(line, style="List Bullet")
    doc.add_paragraph("Apologies:")
    doc.add_paragraph("David Lowe, Non-Executive Director (represented by Emma Hart)", style="List Bullet")
    doc.add_paragraph("In attendance:")
    doc.add_paragraph("Fiona Grant, Company Secretary", style="List Bullet")
    doc.add_heading("1. Declarations of interest", level=2)
    doc.add_paragraph("Brian Okafor declared an interest in item 4 as a trustee of Northshire Hospice.")
    doc.add_heading("2. Minutes of the previous meeting", level=2)
    doc.add_paragraph(f"The minutes of the meeting held on {previous} were approved as a correct record.")
    if extra_items:
        doc.add_heading("3. Financial plan 2025/26", level=2)
        doc.add_paragraph("Carla Jennings presented the plan, which closes the year with a small surplus. "
                          "The Board approved the financial plan for 2025/26.")
        doc.add_paragraph("ACTION: CJ to circulate the revised capital programme by 30 April 2025.")
        doc.add_heading("4. Hospice contract", level=2)
        doc.add_paragraph("RESOLVED: that the contract extension with Northshire Hospice be awarded for two years.")
        doc.add_heading("5. Quality report", level=2)
        doc.add_paragraph("The Board received and noted the quality report. The estates strategy was approved by "
                          "the Board in January 2023. The workforce strategy will be presented for approval in June.")
    doc.add_heading("Action log", level=2)
    table = doc.add_table(rows=1, cols=5)
    for cell, name in zip(table.rows[0].cells, ("Ref", "Action", "Lead", "Due date", "Update")):
        cell.text = name
    for row in actions:
        for cell, value in zip(table.add_row().cells, row):
            cell.text = value
    doc.save(path)


def write_pack(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    _minutes(folder / "2025-02-12_board-minutes.docx", "12 February 2025", "15 January 2025", FEBRUARY_ACTIONS, False)
    _minutes(folder / "2025-03-12_board-minutes.docx", "12 March 2025", "12 February 2025", MARCH_ACTIONS, True)
    (folder / "2025-03-20_committee-minutes.txt").write_text(
        "Minutes of the Audit Committee meeting held on 20 March 2025\n\n"
        "1. Action log\n\nRef\tAction\tOwner\tDue date\n\t\t\t\n--\t??\t\t\n\n"
        "2. Internal audit\n\nThe Committee received and noted the internal audit progress report.\n",
        encoding="utf-8")
    (folder / "2025-03-25_people-committee-minutes.txt").write_text(
        "Minutes of the People Committee meeting held on 25 March 2025\n\n"
        "1. Action log\n\nThe action log was not available for this meeting.\n\n"
        "2. Staff survey\n\nThe Committee noted the staff survey results.\n", encoding="utf-8")
    return folder
