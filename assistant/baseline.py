"""The naive hybrid baseline that `boardroom eval --baseline` scores our retrieval against.

Fixed 1,000-character chunks (no overlap), each indexed with its file name prepended; BM25 (bm25s over the
project's `lexical_tokens`) and MiniLM (exact cosine in numpy) each take their top 100; the two lists are
fused by reciprocal rank (k=60) and the top 10 returned. No structure, no query analysis, no answer: `ask`
always abstains and only its ranked passages are scored (recall@k, MRR, page recall).

The chunk vectors are the slow part (minutes on a corpus of long filings), so documents, chunks and vectors
are cached under `cache_dir`, keyed by a hash of the corpus files' (path, size, mtime).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import numpy as np

from .chunking import _pages
from .embedding import Embedder
from .ingest import iter_corpus, scan_corpus
from .lexical import lexical_tokens
from .types import Answer, Chunk, Document, ParsedDocument, Passage, Turn

CHUNK_CHARS = 1000
CANDIDATES = 100  # each ranker's list fed to the fusion
RRF_K = 60
TOP_K = 10
CACHE_VERSION = "1"  # bump when chunking or the indexed text changes


def chunk_fixed(parsed: ParsedDocument, size: int = CHUNK_CHARS) -> list[Chunk]:
    """Consecutive `size`-character slices of the text (blank ones dropped), with their page span."""
    doc_id = parsed.document.doc_id
    chunks = []
    for n, start in enumerate(range(0, len(parsed.text), size)):
        end = min(start + size, len(parsed.text))
        text = parsed.text[start:end]
        if not text.strip():
            continue
        page_start, page_end = _pages(parsed.page_offsets, start, end)
        chunks.append(Chunk(chunk_id=f"{doc_id}:{n:05d}", doc_id=doc_id, text=text, page_start=page_start,
                            page_end=page_end, section_path=(), char_start=start, char_end=end))
    return chunks


def indexed_text(chunk: Chunk, document: Document) -> str:
    """What both rankers see: the file name, then the chunk."""
    return f"{Path(document.path).name}\n{chunk.text}"


class BaselineIndex:
    def __init__(self, documents: Sequence[Document], chunks: Sequence[Chunk], vectors: np.ndarray, embedder):
        import bm25s

        self.documents = {d.doc_id: d for d in documents}
        self.chunks = list(chunks)
        self.vectors = vectors
        self.embedder = embedder
        self.bm25 = bm25s.BM25()
        tokens = [lexical_tokens(indexed_text(c, self.documents[c.doc_id])) for c in self.chunks]
        if any(tokens):  # bm25s cannot index a corpus without a single token
            self.bm25.index(tokens, show_progress=False)

    def _lexical(self, question: str) -> np.ndarray:
        vocab = getattr(self.bm25, "vocab_dict", None) or {}
        ids = [vocab[t] for t in lexical_tokens(question) if t in vocab]
        if not ids:
            return np.zeros(0, dtype=np.int64)
        scores = self.bm25.get_scores_from_ids(ids)
        rows = np.flatnonzero(scores > 0)
        return rows[np.lexsort((rows, -scores[rows]))][:CANDIDATES]

    def _dense(self, question: str) -> np.ndarray:
        if not self.chunks:
            return np.zeros(0, dtype=np.int64)
        scores = self.vectors @ self.embedder.embed([question])[0]
        return np.lexsort((np.arange(len(scores)), -scores))[:CANDIDATES]

    def search(self, question: str, k: int = TOP_K) -> list[tuple[int, float]]:
        """(chunk row, fused score), best first: reciprocal-rank fusion of the BM25 and dense top 100."""
        fused: dict[int, float] = {}
        for ranking in (self._lexical(question), self._dense(question)):
            for rank, row in enumerate(ranking.tolist(), 1):
                fused[row] = fused.get(row, 0.0) + 1.0 / (RRF_K + rank)
        return sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))[:k]

    def ask(self, question: str, history: Sequence[Turn] = ()) -> Answer:
        """An abstaining answer carrying the ranked passages; `history` is ignored (the baseline has none)."""
        passages = tuple(
            Passage(chunk=self.chunks[row], document=self.documents[self.chunks[row].doc_id], score=score, rank=i)
            for i, (row, score) in enumerate(self.search(question), 1)
        )
        return Answer(question=question, text="", citations=(), passages=passages, abstained=True)


def corpus_key(corpus_dir: Path, embedder) -> str:
    """Hash of the corpus files' (relative path, size, mtime), the embedder and the chunking."""
    digest = hashlib.sha256(f"{CACHE_VERSION}|{CHUNK_CHARS}|{getattr(embedder, 'name', '')}".encode())
    for path in iter_corpus(corpus_dir):
        st = path.stat()
        digest.update(f"\n{path.relative_to(corpus_dir).as_posix()}|{st.st_size}|{st.st_mtime_ns}".encode())
    return digest.hexdigest()[:20]


def build_baseline(corpus_dir: Path, cache_dir: Path, embedder: Embedder) -> BaselineIndex:
    """Read, chunk and embed the corpus, or load all three from `cache_dir` when the corpus is unchanged."""
    corpus_dir, cache_dir = Path(corpus_dir), Path(cache_dir)
    key = corpus_key(corpus_dir, embedder)
    meta_path, vec_path = cache_dir / f"baseline-{key}.json", cache_dir / f"baseline-{key}.npz"
    if meta_path.exists() and vec_path.exists():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        documents = [_document_of(d) for d in meta["documents"]]
        chunks = [Chunk(**_tuples(c)) for c in meta["chunks"]]
        with np.load(vec_path) as data:
            return BaselineIndex(documents, chunks, data["vectors"], embedder)

    scan = scan_corpus(corpus_dir)  # files that cannot be read are skipped (scan.problems)
    documents = [p.document for p in scan.documents]
    chunks = [c for p in scan.documents for c in chunk_fixed(p)]
    by_id = {d.doc_id: d for d in documents}
    vectors = embedder.embed([indexed_text(c, by_id[c.doc_id]) for c in chunks]).astype(np.float32)

    cache_dir.mkdir(parents=True, exist_ok=True)
    _write_atomic(vec_path, lambda fh: np.savez(fh, vectors=vectors))
    meta = {"documents": [_document_dict(d) for d in documents], "chunks": [asdict(c) for c in chunks]}
    _write_atomic(meta_path, lambda fh: fh.write(json.dumps(meta).encode("utf-8")))
    return BaselineIndex(documents, chunks, vectors, embedder)


def _document_dict(doc: Document) -> dict:
    return {**asdict(doc), "date": doc.date.isoformat() if doc.date else None}


def _tuples(d: dict) -> dict:
    """JSON gives the data model's tuples back as lists."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in d.items()}


def _document_of(d: dict) -> Document:
    return Document(**{**_tuples(d), "date": dt.date.fromisoformat(d["date"]) if d["date"] else None})


def _write_atomic(path: Path, write) -> None:
    """Write through a temp file and rename, so an interrupted build never leaves a half cache entry."""
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        write(fh)
    os.replace(tmp, path)
