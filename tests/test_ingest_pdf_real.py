"""Real filings through pypdf: each evidence passage is found on the page the benchmark names."""

from __future__ import annotations

import functools
import json

import pytest

from assistant.chunking import chunk_document
from assistant.ingest import read_document

from test_ingest_helpers import SHARED, longest_run, tokens

FINANCEBENCH = SHARED / "eval" / "financebench"
pytestmark = pytest.mark.skipif(not (FINANCEBENCH / "questions.jsonl").exists(), reason="financebench not present")


@functools.lru_cache(maxsize=None)
def _parsed(stem: str):
    return read_document(FINANCEBENCH / "pdfs" / f"{stem}.pdf", FINANCEBENCH / "pdfs")


def _evidence():
    for line in (FINANCEBENCH / "questions.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            for evidence in item["evidence"]:
                yield item["id"], evidence


def test_evidence_is_on_its_page():
    checked = 0
    for item_id, evidence in _evidence():
        parsed = _parsed(evidence["doc"])
        index = evidence["page"] - 1
        offsets = parsed.page_offsets
        end = offsets[index + 1] if index + 1 < len(offsets) else len(parsed.text)
        needle = tokens(evidence["quote"])
        run = longest_run(tokens(parsed.text[offsets[index]:end]), needle)
        assert run >= 0.6 * len(needle), (item_id, evidence["page"], run, len(needle))
        checked += 1
    assert checked >= 10


def test_chunks_of_real_pdfs_carry_their_pages():
    for _, evidence in _evidence():
        parsed = _parsed(evidence["doc"])
        assert parsed.document.pages == len(parsed.page_offsets)
        chunks = chunk_document(parsed)
        pages = parsed.document.pages
        for chunk in chunks:
            assert chunk.text == parsed.text[chunk.char_start:chunk.char_end]
            assert 1 <= chunk.page_start <= chunk.page_end <= pages
        # the chunk holding the evidence's best run is on the evidence page
        needle = tokens(evidence["quote"])
        best = max(chunks, key=lambda c: longest_run(tokens(c.text), needle))
        assert best.page_start <= evidence["page"] <= best.page_end
