"""The naive hybrid baseline (assistant/baseline.py) on tiny corpora, with the real shipped encoder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_ingest_helpers import make_pdf

from assistant.baseline import CHUNK_CHARS, build_baseline, indexed_text
from assistant.evaluation import Item, score_item
from assistant.ingest import read_document

pytestmark = pytest.mark.slow

FILLER = ("The committee reviewed the quarterly position, noted the risks reported by the executive team and "
          "asked for a further update at its next meeting. ")


@pytest.fixture(scope="module")
def embedder():
    from assistant.embedding import load_embedder

    return load_embedder()


class CountingEmbedder:
    """Wraps an embedder and counts the texts it is asked to embed."""

    def __init__(self, inner):
        self.inner, self.name, self.dim, self.texts = inner, inner.name, inner.dim, 0

    def embed(self, texts):
        self.texts += len(texts)
        return self.inner.embed(texts)


def write_corpus(root: Path) -> Path:
    corpus = root / "corpus"
    corpus.mkdir()
    # ~2,700 characters each: three chunks per file. The distinctive words sit past the first chunk.
    (corpus / "estates-strategy.txt").write_text(
        FILLER * 10 + "The axolotl tank in the atrium will be replaced next spring. " + FILLER * 10)
    (corpus / "workforce-plan.txt").write_text(
        FILLER * 10 + "Nursing vacancies fell to six per cent after the overseas recruitment drive. " + FILLER * 10)
    # "Kestrel" appears only in the file name: the baseline must still find the file through it.
    (corpus / "kestrel-programme.txt").write_text(
        FILLER * 10 + "The digital records programme went live on the wards in March. " + FILLER * 10)
    return corpus


def test_fixed_chunks_carry_the_file_name(tmp_path, embedder):
    corpus = write_corpus(tmp_path)
    index = build_baseline(corpus, tmp_path / "cache", embedder)
    assert {d.path for d in index.documents.values()} == {
        "estates-strategy.txt", "workforce-plan.txt", "kestrel-programme.txt"}
    for doc in index.documents.values():
        text = read_document(corpus / doc.path, corpus).text
        chunks = [c for c in index.chunks if c.doc_id == doc.doc_id]
        assert len(chunks) == -(-len(text) // CHUNK_CHARS) >= 3
        assert "".join(c.text for c in chunks) == text  # consecutive, no overlap, nothing lost
        for c in chunks:
            assert c.text == text[c.char_start:c.char_end]
            assert c.section_path == () and c.page_start is None and c.page_end is None
        assert all(len(c.text) == CHUNK_CHARS for c in chunks[:-1])
        assert all(indexed_text(c, doc).startswith(doc.path + "\n") for c in chunks)


def test_distinctive_word_finds_its_file_first(tmp_path, embedder):
    index = build_baseline(write_corpus(tmp_path), tmp_path / "cache", embedder)
    for question, path in [("What will happen to the axolotl tank?", "estates-strategy.txt"),
                           ("How far did nursing vacancies fall?", "workforce-plan.txt"),
                           ("What is the status of the kestrel programme?", "kestrel-programme.txt")]:
        answer = index.ask(question, ())
        assert answer.abstained and answer.text == "" and answer.citations == ()
        assert 1 <= len(answer.passages) <= 10
        assert [p.rank for p in answer.passages] == list(range(1, len(answer.passages) + 1))
        assert answer.passages[0].document.path == path, question
    top = index.ask("axolotl tank", ()).passages[0]
    assert "axolotl" in top.chunk.text


def test_second_build_reuses_the_cache(tmp_path, embedder):
    corpus, cache = write_corpus(tmp_path), tmp_path / "cache"
    first = CountingEmbedder(embedder)
    built = build_baseline(corpus, cache, first)
    assert first.texts == len(built.chunks) > 0

    second = CountingEmbedder(embedder)
    loaded = build_baseline(corpus, cache, second)
    assert second.texts == 0
    assert loaded.chunks == built.chunks and loaded.documents == built.documents
    assert (loaded.vectors == built.vectors).all()
    assert [p.chunk.chunk_id for p in loaded.ask("axolotl tank", ()).passages] == \
        [p.chunk.chunk_id for p in built.ask("axolotl tank", ()).passages]
    assert second.texts == 1  # only the question (`built` asks through `first`)

    # A changed file (here only its mtime) means a new key: everything is embedded again.
    path = corpus / "workforce-plan.txt"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    third = CountingEmbedder(embedder)
    build_baseline(corpus, cache, third)
    assert third.texts == len(built.chunks)


def test_page_spans_on_a_three_page_pdf(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    markers = ["alphapage", "betapage", "gammapage"]
    pages = [[f"{marker} line {i}: the board noted the report and agreed the actions." for i in range(30)]
             for marker in markers]
    pages[2][20] = "gammapage line 20: the pangolin enclosure budget was approved."
    make_pdf(corpus / "zoo-board.pdf", pages)
    (corpus / "other.txt").write_text(FILLER * 20)

    index = build_baseline(corpus, tmp_path / "cache", embedder)
    chunks = [c for c in index.chunks if index.documents[c.doc_id].path == "zoo-board.pdf"]
    assert index.documents[chunks[0].doc_id].pages == 3
    assert chunks[0].page_start == 1 and chunks[-1].page_end == 3
    assert any(c.page_start < c.page_end for c in chunks)  # a chunk straddling a page break
    for c in chunks:
        assert 1 <= c.page_start <= c.page_end <= 3
        for page, marker in enumerate(markers, 1):
            if marker in c.text:
                assert c.page_start <= page <= c.page_end, (c.chunk_id, marker)

    answer = index.ask("What was approved for the pangolin enclosure?", ())
    assert "pangolin" in answer.passages[0].chunk.text
    item = Item(id="p1", question="pangolin", type="numeric", patterns=(),
                evidence=({"doc": "zoo-board.pdf", "quote": "pangolin enclosure budget", "page": 3},))
    result = score_item(item, answer, 0.0, k=5)
    assert result.page_hit is True and result.recall_rank == 1
