"""Registers stored in each build beside the chunks: written with a build, copied for unchanged papers,
re-extracted (never re-embedded) when a build holds none or another version's."""

from __future__ import annotations

import json

from assistant.embedding import HashEmbedder
from assistant.indexer import build_index
from assistant.registers import REGISTERS_VERSION
from assistant.registers.views import Registers
from assistant.store import REGISTERS, IndexStore, read_current

EMB = HashEmbedder(48)

MINUTES = """Minutes of the Finance Committee meeting held on 9 January 2025

Present:
Ann Brook (AB), Chair
Carl Dunn (CD), Director of Finance

1. Financial plan

The Committee approved the financial plan for 2025/26.

ACTION: CD to circulate the capital programme by 31 January 2025.
"""


def _store(index) -> IndexStore:
    return IndexStore.open(index, model=EMB.name, dim=EMB.dim)


def test_registers_are_built_copied_and_refreshed(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    (corpus / "finance.txt").write_text(MINUTES)
    (corpus / "other.md").write_text("# Quality report\n\nInfection rates fell in the quarter.\n")
    report = build_index(corpus, index, embedder=EMB)
    assert "registers" in report.timings
    store = _store(index)
    registers = Registers.from_store(store)
    (decision,) = registers.decisions()
    assert decision.entry.text == "The Committee approved the financial plan for 2025/26."
    assert decision.entry.meeting.date == "2025-01-09"
    (action,) = registers.actions()
    assert action.latest.owners == ("Carl Dunn",) and action.latest.due == "2025-01-31"
    finance_id = next(d.doc_id for d in store.documents() if d.path == "finance.txt")
    stored = json.loads((read_current(index) / REGISTERS).read_text())
    assert stored["version"] == REGISTERS_VERSION and set(stored["documents"]) == {d.doc_id for d in store.documents()}
    store.close()

    # a new paper: the unchanged paper's registers are copied, not lost
    (corpus / "later.txt").write_text(MINUTES.replace("9 January 2025", "6 February 2025"))
    build_index(corpus, index, embedder=EMB)
    store = _store(index)
    assert finance_id in store.registers() and len(Registers.from_store(store).decisions()) == 2
    store.close()

    # a build without registers (made before them): they are extracted again, nothing is embedded again
    (read_current(index) / REGISTERS).unlink()
    report = build_index(corpus, index, embedder=EMB)
    assert report.wrote and report.chunks_embedded == 0
    store = _store(index)
    assert len(Registers.from_store(store).actions()) == 1  # the same action in two logs: one record, two entries
    assert len(Registers.from_store(store).actions()[0].history) == 2
    store.close()

    # and then nothing changed: nothing is written
    assert not build_index(corpus, index, embedder=EMB).wrote
