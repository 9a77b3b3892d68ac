"""Reading order of text laid out a line per paragraph (PDF-to-text conversions, see ingest/reflow.py).

The layouts are made from a real paper of the sample corpus: its paragraphs wrapped into printed lines, each
line followed by a blank line, and for two columns the lines of both placed by their height on the page, as
a converter writes them. What counts is how many of the lines cut mid-sentence are linked to the line that
truly continues them.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from assistant.chunking import chunk_document
from assistant.ingest import read_file
from assistant.ingest.reflow import continuations
from assistant.sentences import split_units
from assistant.types import Chunk, Document, Passage

PAPER = Path(__file__).resolve().parents[1] / "corpus" / "2023_ssot-ics_operational-plan-2023-24.txt"
_CUT = re.compile(r"[.!?:;][\"')\]]*$")


def _paragraphs() -> list[str]:
    text = PAPER.read_text(encoding="utf-8")
    return [" ".join(p.split()) for p in text.split("\n\n") if len(p) > 200 and "\t" not in p and "|" not in p]


def _layout(columns: int) -> tuple[str, set[tuple[int, int]], list[int]]:
    """(text, the true continuations as offset pairs, each line's offset) of the paper laid out in columns."""
    paras = _paragraphs()
    lines: list[str] = []
    truth: list[tuple[int, int]] = []
    for page in range(0, len(paras) - 2 * columns, 2 * columns):
        placed = []  # (height, column, line number in the column, text)
        for column in range(columns):
            y = 0.0
            wrapped = [textwrap.wrap(p, 80 // columns) for p in paras[page + 2 * column: page + 2 * column + 2]]
            number = 0
            for para in wrapped:
                for line in para:
                    placed.append((y + 0.01 * column * (number % 3), column, number, line))
                    y += 1.0
                    number += 1
                y += 0.7  # the gap after a paragraph
        placed.sort()
        where = {}
        for _, column, number, line in placed:
            where[column, number] = len(lines)
            lines.append(line)
        for (column, number), index in where.items():
            following = where.get((column, number + 1))
            if following is not None and not _CUT.search(lines[index]):
                truth.append((index, following))
        lines.append(str(page // (2 * columns) + 1))  # the page number between pages
    offsets, position = [], 0
    for line in lines:
        offsets.append(position)
        position += len(line) + 2
    return "\n\n".join(lines), {(offsets[a], offsets[b]) for a, b in truth}, offsets


def test_two_columns_are_followed_far_better_than_reading_line_after_line():
    text, truth, offsets = _layout(2)
    found = set(continuations(text))
    line_after_line = {(a, b) for a, b in zip(offsets, offsets[1:])}
    every_other = {(a, b) for a, b in zip(offsets, offsets[2:])}
    assert len(truth) > 500
    right = len(found & truth) / len(truth)
    assert right >= 0.65, right
    assert right >= 0.03 + max(len(line_after_line & truth), len(every_other & truth)) / len(truth)
    assert len(found & truth) / len(found) >= 0.65


def test_one_column_reads_line_after_line():
    text, truth, _ = _layout(1)
    found = set(continuations(text))
    assert len(truth) > 500
    assert len(found & truth) / len(truth) >= 0.9
    assert len(found & truth) / len(found) >= 0.9


def test_ordinary_paragraphs_are_left_alone():
    assert continuations(PAPER.read_text(encoding="utf-8")) == ()
    assert continuations("A short note.\n\nWith two lines") == ()


def test_units_follow_the_continuations_across_the_other_columns_lines():
    text = ("The Board approved the plan for\n\nWaiting lists fell by\n\nthe coming year at its March\n\n"
            "ten per cent in the year.\n\nmeeting.")
    starts = [m.start() for m in re.finditer(r"(?:^|(?<=\n\n))\S", text)]
    chunk = Chunk("d:00000", "d", text, None, None, (), 0, len(text),
                  continuations=((starts[0], starts[2]), (starts[2], starts[4]), (starts[1], starts[3])))
    document = Document("d", "d.md", "Report", "report", None, None, None, "0")
    units = split_units(Passage(chunk, document, 1.0, 1))
    shown = [u.text for u in units]
    assert shown == ["The Board approved the plan for the coming year at its March meeting.",
                     "Waiting lists fell by ten per cent in the year."]
    first = units[0]
    assert first.raw.startswith("The Board approved") and first.raw.endswith("meeting.")


def test_a_converted_two_column_file_is_read_in_sentences(tmp_path):
    text, _, _ = _layout(2)
    path = tmp_path / "annual-report.md"
    path.write_text(text, encoding="utf-8")
    parsed = read_file(path, tmp_path)[0]
    assert parsed.continuations
    chunks = chunk_document(parsed)
    assert any(c.continuations for c in chunks)
    units = [u for c in chunks[:40] for u in split_units(Passage(c, parsed.document, 1.0, 1))]
    whole = sum(u.text.endswith((".", "?", "!")) for u in units) / len(units)
    assert whole >= 0.6, whole  # most quoted units are whole sentences, not the fragment of a printed line
