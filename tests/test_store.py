"""The on-disk index: lexical tokens, write/read round trip, searches, and refusal of missing/mismatched builds."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest

from assistant import config, store
from assistant.context import indexed_text
from assistant.embedding import HashEmbedder
from assistant.errors import IndexMismatch, IndexMissing
from assistant.store import DocEntry, Fingerprint, IndexStore, Problem, lexical_tokens, switch_current, write_build
from assistant.types import Chunk, Document, ParsedDocument, Section

EMB = HashEmbedder(32)


def _entry(doc_id: str, title: str, paragraphs: list[str], *, pages: bool = False) -> DocEntry:
    text = "\n\n".join(paragraphs)
    doc = Document(doc_id, f"{doc_id}.txt", title, "report", "NHS Example ICB", dt.date(2024, 10, 17), "2024/25",
                   "0" * 64, 2 if pages else None)
    chunks, start = [], 0
    for i, para in enumerate(paragraphs):
        chunks.append(Chunk(f"{doc_id}-{i}", doc_id, para, 1 if pages else None, 2 if pages else None,
                            ("Item 7", f"Part {i}"), start, start + len(para)))
        start += len(para) + 2
    sections = (Section(doc_id, ("Item 7",), 1 if pages else None, 2 if pages else None, 0, len(text)),)
    parsed = ParsedDocument(doc, text, sections, (0, 10) if pages else None, ("a warning",) if pages else ())
    return DocEntry(parsed, tuple(chunks), Fingerprint("1:2|-", "key-" + doc_id))


ENTRIES = [
    _entry("fin", "Finance report", [
        "The system deficit was £90.7m at month 6 of 2023/24.",
        "The SBAF risk on workforce was reviewed by the committee.",
        "Agency spend fell to 3.2% of pay.",
    ], pages=True),
    _entry("perf", "Performance report", [
        "4-hour A&E performance was 76% against the 78% target.",
        "Elective recovery: 65-week waits were eliminated in 2023-24.",
    ]),
]


def _write(build_dir, entries=ENTRIES, model=EMB.name, dim=EMB.dim, problems=()):
    texts = [indexed_text(e.parsed.document, c) for e in entries for c in e.chunks]
    return write_build(build_dir, model=model, dim=dim, entries=entries, vectors=EMB.embed(texts),
                       indexed_texts=texts, problems=list(problems))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("index")
    build = index_dir / "build-1"
    _write(build, problems=[Problem("broken.pdf", "corrupt PDF (EOF marker not found)", Fingerprint("3:4|-", "k"))])
    switch_current(index_dir, build)
    return IndexStore.open(index_dir, model=EMB.name, dim=EMB.dim)


# -- lexical tokens -------------------------------------------------------------------------------------

@pytest.mark.parametrize("query, text", [
    ("90.7", "the deficit was £90.7m"),
    ("£90.7m", "a deficit of £90.7m."),
    ("2023/24", "financial year 2023-24"),
    ("2023-24", "in 2023/24,"),
    ("4-hour", "the 4-hour standard"),
    ("A&E", "A&E attendances"),
    ("SBAF", "the SBAF risks"),
    ("1234", "£1,234 spent"),
    ("meetings", "the meeting of the board"),
])
def test_query_tokens_are_found_in_text(query, text):
    assert set(lexical_tokens(query)) <= set(lexical_tokens(text)), (lexical_tokens(query), lexical_tokens(text))


def test_stopwords_and_single_letters_are_dropped():
    assert lexical_tokens("the plan of a board") == ["plan", "board"]


def test_stopword_copy_matches_bm25s():
    from bm25s.stopwords import STOPWORDS_EN

    assert store.STOPWORDS_EN == frozenset(STOPWORDS_EN)


def test_bm25_reader_scores_exactly_like_bm25s(built):
    import bm25s

    ref = bm25s.BM25.load(str(built.build_dir / store.BM25_DIR), show_progress=False)
    for query in ["deficit 90.7", "A&E 4-hour target", "SBAF risk committee", "2023/24"]:
        ids = [ref.vocab_dict[t] for t in lexical_tokens(query) if t in ref.vocab_dict]
        assert ids
        np.testing.assert_allclose(built._bm25.scores(ids), ref.get_scores_from_ids(ids), rtol=1e-6)


# -- round trip -----------------------------------------------------------------------------------------

def test_round_trip_keeps_every_field(built):
    assert [d.doc_id for d in built.documents()] == ["fin", "perf"]
    assert built.document("fin") == ENTRIES[0].parsed.document
    assert built.document_text("fin") == ENTRIES[0].parsed.text
    assert built.sections("fin") == list(ENTRIES[0].parsed.sections)
    assert built.page_offsets("fin") == (0, 10) and built.page_offsets("perf") is None
    assert built.chunks_of("perf") == list(ENTRIES[1].chunks)
    assert built.chunk_count == 5 and built.chunk(3) == ENTRIES[1].chunks[0]
    assert list(built.rows_of("perf")) == [3, 4] and len(built.rows_of("nope")) == 0
    assert built.problems() == [("broken.pdf", "corrupt PDF (EOF marker not found)")]
    assert built.meta.documents == 2 and built.meta.chunks == 5 and built.meta.model == EMB.name
    entries = built.entries()
    assert entries["fin"] == ENTRIES[0]
    meta = json.loads((built.build_dir / store.META).read_text())
    assert meta["chunker_version"] == config.CHUNKER_VERSION and meta["dim"] == EMB.dim


def test_vectors_row_i_is_chunk_i(built):
    texts = [indexed_text(e.parsed.document, c) for e in ENTRIES for c in e.chunks]
    np.testing.assert_allclose(built.vectors, EMB.embed(texts), atol=1e-6)


def test_unknown_document_raises_key_error(built):
    with pytest.raises(KeyError):
        built.document_text("nope")


# -- searching ------------------------------------------------------------------------------------------

def test_dense_search_best_first_and_restricted(built):
    q = built.vectors[3]
    hits = built.dense_search(q, 3)
    assert hits[0][0] == 3 and hits[0][1] == pytest.approx(1.0, abs=1e-5)
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)
    restricted = built.dense_search(q, 10, np.array([0, 1, 2]))
    assert {r for r, _ in restricted} == {0, 1, 2}
    assert len(built.dense_search(q, 50)) == 5
    assert built.dense_search(q, 3, np.array([], dtype=np.int64)) == []


def test_lexical_search_finds_figures_and_respects_rows(built):
    assert built.lexical_search("90.7", 5)[0][0] == 0
    assert built.lexical_search("2023/24 elective", 5)[0][0] == 4
    assert built.lexical_search("A&E", 5)[0][0] == 3
    assert built.lexical_search("A&E", 5, np.array([0, 1])) == []  # only rows with a positive score
    assert built.lexical_search("zebra", 5) == [] and built.lexical_search("the", 5) == []


# -- refusing to open ---------------------------------------------------------------------------------

def test_missing_index_says_how_to_build(tmp_path):
    with pytest.raises(IndexMissing, match="boardroom index"):
        IndexStore.open(tmp_path)


def test_mismatching_model_dim_or_chunker_is_refused(built, monkeypatch):
    index_dir = built.build_dir.parent
    with pytest.raises(IndexMismatch, match="model"):
        IndexStore.open(index_dir)  # default: the product's model
    with pytest.raises(IndexMismatch, match="384-d|32-d"):
        IndexStore.open(index_dir, model=EMB.name, dim=384)
    monkeypatch.setattr(config, "CHUNKER_VERSION", "999")
    with pytest.raises(IndexMismatch, match="chunker version"):
        IndexStore.open(index_dir, model=EMB.name, dim=EMB.dim)


def test_damaged_build_is_reported_as_missing(tmp_path):
    build = tmp_path / "build-x"
    _write(build)
    switch_current(tmp_path, build)
    (build / store.META).unlink()
    with pytest.raises(IndexMissing, match="incomplete or damaged"):
        IndexStore.open(tmp_path, model=EMB.name, dim=EMB.dim)


def test_empty_build_opens_and_searches(tmp_path):
    build = tmp_path / "build-empty"
    _write(build, entries=[])
    switch_current(tmp_path, build)
    s = IndexStore.open(tmp_path, model=EMB.name, dim=EMB.dim)
    assert s.chunk_count == 0 and s.documents() == []
    assert s.dense_search(np.ones(EMB.dim, np.float32), 5) == [] and s.lexical_search("deficit", 5) == []


def test_optional_chunk_fields_round_trip(tmp_path):
    """Fields added to Chunk with a default (e.g. a table's header row) survive the store without schema changes."""
    import dataclasses

    extra = [f.name for f in dataclasses.fields(Chunk) if f.name not in store._CHUNK_COLUMNS]
    if not extra:
        pytest.skip("Chunk has no optional fields beyond the stored columns")
    e = ENTRIES[1]
    chunks = tuple(dataclasses.replace(c, **{name: "Metric | Value" for name in extra}) for c in e.chunks)
    build = tmp_path / "build-x"
    _write(build, entries=[DocEntry(e.parsed, chunks, e.fingerprint)])
    switch_current(tmp_path, build)
    assert _open_hash(tmp_path).chunks_of("perf") == list(chunks)


def _open_hash(index_dir):
    return IndexStore.open(index_dir, model=EMB.name, dim=EMB.dim)


# -- short forms found at index time -------------------------------------------------------------------

def test_definitions_are_stored_per_document_and_merged(tmp_path):
    a = _entry("a", "Minutes A", ["Present: Peter Axon (PA), Chief Executive.", "PA stated the plan was agreed."])
    b = _entry("b", "Minutes B", ["Continuing Health Care (CHC) costs rose.", "Peter Axon (PA) chaired."])
    c = _entry("c", "Minutes C", ["Patient Advice (PA) service was reviewed."])
    build = tmp_path / "build-d"
    _write(build, entries=[a, b, c])
    switch_current(tmp_path, build)
    s = _open_hash(tmp_path)
    # two documents say PA is Peter Axon, one says Patient Advice: the most frequent long form wins
    assert s.definitions() == {"PA": "Peter Axon", "CHC": "Continuing Health Care"}
    assert s.entries(["c"])["c"].definitions == {"PA": "Patient Advice"}  # kept per document for copying


def test_chunks_are_read_on_demand_and_cached(built, monkeypatch):
    monkeypatch.setattr(store, "CHUNK_CACHE", 2)
    built._cache.clear()
    assert [built.chunk(r) for r in range(5)] == [c for e in ENTRIES for c in e.chunks]
    assert len(built._cache) == 2 and built.chunk(-1) == ENTRIES[1].chunks[-1]
    assert built.doc_id_of(4) == "perf" and built.doc_id_of(0) == "fin"
    with pytest.raises(IndexError):
        built.chunk(5)
