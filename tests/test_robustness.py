"""Robustness: any bytes into any reader, and SIGKILL at random moments of a build of a few thousand chunks.

tests/test_chunking.py already feeds random bytes to the text reader and tests/test_indexer.py kills small
builds at chosen stages (while embedding, just after the temp build directory appears). Here: random and
mutated bytes named .txt/.md/.pdf/.docx, and kills at random delays over the whole of a larger build (reading,
embedding, SQLite, vectors, BM25, switch), after each of which the live index must still open and answer.
"""

from __future__ import annotations

import io
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.chunking import chunk_document
from assistant.embedding import HashEmbedder
from assistant.errors import ReaderError
from assistant.indexer import build_index
from assistant.ingest import read_document
from assistant.retrieval import Retriever
from assistant.store import IndexStore, read_current

EMB = HashEmbedder(48)
SUFFIXES = [".txt", ".md", ".pdf", ".docx"]


def _check(path: Path, folder: Path) -> None:
    """A ReaderError with a one-line reason, or chunks whose offsets point back into the text."""
    try:
        parsed = read_document(path, folder)
    except ReaderError as exc:
        assert "\n" not in str(exc)
        return
    for c in chunk_document(parsed):
        assert 0 <= c.char_start < c.char_end <= len(parsed.text)
        assert parsed.text[c.char_start : c.char_end] == c.text and c.text.strip()
        assert c.doc_id == parsed.document.doc_id


def _seed_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for page in range(2):
        c.drawString(72, 720, f"Item {page + 1}. Finance report")
        c.drawString(72, 700, "The system deficit was £90.7m against a plan of break-even.")
        c.showPage()
    c.save()
    return buf.getvalue()


def _seed_docx() -> bytes:
    import docx

    d = docx.Document()
    d.add_heading("Quality report", 1)
    d.add_paragraph("Continuing Health Care (CHC) costs rose by 12% in 2023/24.")
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text, t.cell(1, 0).text, t.cell(1, 1).text = "Metric", "Value", "CHC", "12%"
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


SEEDS = {".pdf": _seed_pdf(), ".docx": _seed_docx()}
_settings = settings(max_examples=40, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@_settings
@given(st.binary(max_size=2000), st.sampled_from(SUFFIXES))
def test_any_bytes_under_any_name(tmp_path_factory, data, suffix):
    folder = tmp_path_factory.mktemp("bytes")
    (folder / f"f{suffix}").write_bytes(data)
    _check(folder / f"f{suffix}", folder)


@_settings
@given(st.sampled_from([".pdf", ".docx"]),
       st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), max_size=8),
       st.one_of(st.none(), st.floats(0, 1)))
def test_damaged_pdf_and_docx(tmp_path_factory, suffix, edits, cut):
    """Valid files with a few bytes changed and/or cut short: what real damage looks like."""
    data = bytearray(SEEDS[suffix])
    for where, value in edits:
        data[int(where * len(data))] = value
    if cut is not None:
        data = data[: int(cut * len(data))]
    folder = tmp_path_factory.mktemp("damaged")
    (folder / f"f{suffix}").write_bytes(bytes(data))
    _check(folder / f"f{suffix}", folder)


# -- kill -9 at random moments of a build of a few thousand chunks ------------------------------------------

_BUILD = """
import sys
from assistant.embedding import HashEmbedder
from assistant.indexer import build_index
print("started", flush=True)
build_index(sys.argv[1], sys.argv[2], embedder=HashEmbedder(48))
print("done", flush=True)
"""
TOPICS = ["deficit", "workforce", "elective recovery", "ambulance handovers", "mental health", "estates",
          "cancer waits", "infection control", "digital", "primary care"]


def _paper(i: int, paragraphs: int = 100) -> str:
    rng = random.Random(i)
    paras = []
    for p in range(paragraphs):
        topic = rng.choice(TOPICS)
        paras.append(" ".join(
            f"Item {p}.{s}: the board reviewed {topic} for paper {i}; the {topic} figure was £{rng.randint(1, 99)}."
            f"{rng.randint(0, 9)}m in 2024/25 and the committee agreed actions on {rng.choice(TOPICS)}."
            for s in range(5)))
    return f"# Board paper {i}\n\n" + "\n\n".join(paras) + "\n"


def _answers(index: Path) -> tuple[str, int]:
    store = IndexStore.open(index, model=EMB.name, dim=EMB.dim)
    try:
        assert store.lexical_search("deficit", 5) and store.dense_search(EMB.embed(["deficit"])[0], 5)
        passages = Retriever(store, EMB).search("What was the deficit figure?", 5)
        assert len(passages) == 5 and all(p.chunk.text for p in passages)
        return store.build_dir.name, store.chunk_count
    finally:
        store.close()


def test_kill_9_at_random_moments_of_a_large_build(tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    for i in range(32):
        (corpus / f"paper-{i:02d}.md").write_text(_paper(i))
    first = build_index(corpus, index, embedder=EMB)
    assert first.chunks_total >= 2000, first.chunks_total
    # How long one round's build takes as a subprocess (start, imports, a quarter of the corpus changed),
    # measured on this machine now, so that the kills land inside builds however fast or loaded it is.
    for i in range(18, 24):
        (corpus / f"paper-{i:02d}.md").write_text(_paper(500 + i))
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", _BUILD, str(corpus), str(index)], check=True, capture_output=True)
    duration = time.perf_counter() - t
    rng = random.Random(11)
    seen = set()
    for round_ in range(4):
        before = _answers(index)
        for i in range(round_ * 6, round_ * 6 + 6):  # change a quarter of the corpus each round
            (corpus / f"paper-{i % 24:02d}.md").write_text(_paper(1000 * (round_ + 1) + i))
        proc = subprocess.Popen([sys.executable, "-c", _BUILD, str(corpus), str(index)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        delay = rng.uniform(0.1, duration * 0.95)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate()
        after = _answers(index)  # opens and answers, whatever the moment of the kill
        if "done" not in out:
            assert after == before, f"killed at {delay:.2f} s of {duration:.2f} s, yet the index changed"
        seen.add(after == before)
    assert read_current(index) is not None
    # The next build completes and tidies up. (A change guarantees it has work even when the last killed
    # build happened to finish first: incremental builds of a quarter of the corpus are quick.)
    (corpus / "paper-00.md").write_text(_paper(99_999))
    final = build_index(corpus, index, embedder=EMB)
    assert final.wrote and [p.name for p in index.iterdir() if p.is_dir()] == [read_current(index).name]
    assert True in seen  # at least one kill interrupted a build (the live index was still the old one)
