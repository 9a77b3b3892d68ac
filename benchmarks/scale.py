"""Scale benchmark: build stores of 10k / 100k / 1M chunks and measure build, search, memory and disk.

Corpora are the sample corpus replicated with varied organisations and dates:

* 10k: real text through the real path. The corpus files are copied with the organisation names replaced
  and a metadata sidecar giving each copy its organisation and (shifted) date, then read and chunked by
  `assistant.ingest` / `assistant.chunking`.
* 100k, 1M: the 10k documents' parsed text and chunks, copied again under further organisations and dates
  (metadata, and so each chunk's indexed header, varies; the bodies repeat).

Vectors are synthetic but real-ish: each chunk gets the real MiniLM vector of the sample chunk it copies,
plus an organisation direction and noise (cosine ~0.9 to the original), so clusters look like real ones.
Query vectors are the development questions embedded by the real encoder, plus noisy copies of them.
Nothing is embedded at 1M (it would take hours on 2 cores; see the encoder's chunks/s in index_speed.py).

    python benchmarks/scale.py build --size 100000 --out /tmp/boardroom-scale
    python benchmarks/scale.py query --size 100000 --out /tmp/boardroom-scale     # a fresh process: RSS
    python benchmarks/scale.py ann --size 100000 --out /tmp/boardroom-scale       # IVF-SQ8 vs HNSW-SQ8

Each mode prints one JSON object (also saved as <out>/<size>/<mode>.json); run_all.py makes the tables.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import shutil
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant import config  # noqa: E402

PLACES = [
    "Cheshire and Merseyside", "Greater Manchester", "Lancashire and South Cumbria", "West Yorkshire",
    "Humber and North Yorkshire", "South Yorkshire", "North East and North Cumbria", "Lincolnshire",
    "Nottingham and Nottinghamshire", "Leicester, Leicestershire and Rutland", "Northamptonshire",
    "Birmingham and Solihull", "Black Country", "Coventry and Warwickshire", "Herefordshire and Worcestershire",
    "Shropshire, Telford and Wrekin", "Norfolk and Waveney", "Suffolk and North East Essex", "Mid and South Essex",
    "Hertfordshire and West Essex", "Bedfordshire, Luton and Milton Keynes", "Cambridgeshire and Peterborough",
    "North West London", "North Central London", "North East London", "South East London", "South West London",
    "Kent and Medway", "Sussex", "Surrey Heartlands", "Frimley", "Hampshire and Isle of Wight",
    "Buckinghamshire, Oxfordshire and Berkshire West", "Bath and North East Somerset, Swindon and Wiltshire",
    "Bristol, North Somerset and South Gloucestershire", "Gloucestershire", "Somerset", "Devon", "Cornwall",
    "Dorset", "Cumbria Coast", "Tees Valley",
]
SOURCE_PLACES = ("Staffordshire and Stoke-on-Trent", "Derbyshire")
CACHE = Path(os.environ.get("BOARDROOM_BENCH_CACHE", "/tmp/boardroom-bench-cache"))
DIM = config.MODEL_DIM


def _rss() -> dict[str, float]:
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "RssAnon", "RssFile", "VmHWM"):
            out[key] = int(value.split()[0]) / 1024  # MB
    return out


def _dir_size(path: Path) -> dict[str, float]:
    sizes: dict[str, float] = {}
    for p in path.rglob("*"):
        if p.is_file():
            top = p.relative_to(path).parts[0]
            sizes[top] = sizes.get(top, 0.0) + p.stat().st_size / 1e6
    sizes["total"] = sum(sizes.values())
    return sizes


# -- base material (cached): the sample corpus's chunks, their real vectors, the dev questions' vectors ------

def base_material(corpus: Path = config.DEFAULT_CORPUS):
    """(parsed documents with chunks, vectors of their indexed texts, dev questions, question vectors)."""
    from assistant.chunking import chunk_document
    from assistant.context import indexed_text
    from assistant.ingest import iter_corpus, read_document

    docs = []
    for path in iter_corpus(corpus):
        parsed = read_document(path, corpus)
        docs.append((parsed, tuple(chunk_document(parsed))))
    texts = [indexed_text(p.document, c) for p, cs in docs for c in cs]
    questions = []
    for line in (config.PROJECT_DIR.parent / "shared" / "eval" / "dev.jsonl").read_text().splitlines():
        if line.strip():
            item = json.loads(line)
            questions.extend(t["question"] for t in item.get("turns", [item]))
    import hashlib

    digest = hashlib.sha256("\0".join(texts + questions).encode()).hexdigest()[:16]
    key = CACHE / f"base-{digest}.npz"
    if key.exists():
        z = np.load(key)
        return docs, z["vectors"], questions, z["qvecs"]
    from assistant.embedding import load_embedder

    emb = load_embedder()
    vectors, qvecs = emb.embed(texts), emb.embed(questions)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.savez(key, vectors=vectors, qvecs=qvecs)
    return docs, vectors, questions, qvecs


def real_copies(docs, copies: int, work: Path):
    """The corpus copied `copies` times with other organisations and dates, read and chunked for real."""
    from assistant.chunking import chunk_document
    from assistant.ingest import read_document

    root = work / "corpus"
    if root.exists():
        shutil.rmtree(root)
    out = []
    for j in range(copies):
        place = PLACES[j % len(PLACES)]
        folder = root / f"copy{j:03d}"
        folder.mkdir(parents=True)
        for parsed, _ in docs:
            src = config.DEFAULT_CORPUS / parsed.document.path
            text = src.read_text(encoding="utf-8")
            for k, old in enumerate(SOURCE_PLACES):
                text = text.replace(old, place if k == 0 else PLACES[(j + 7) % len(PLACES)])
            name = f"{j:03d}-{src.name}"
            (folder / name).write_text(text, encoding="utf-8")
            d = parsed.document
            date = _shift(d.date, j) if d.date else dt.date(2020 + j % 6, 1 + j % 12, 15)
            org = (d.organisation or "NHS ICB")
            for old in SOURCE_PLACES:
                org = org.replace(old, place)
            (folder / (name + config.SIDECAR_SUFFIX)).write_text(
                f'organisation = "{org}"\ndate = {date.isoformat()}\n', encoding="utf-8")
            p = read_document(folder / name, root)
            out.append((p, tuple(chunk_document(p))))
    return out


def _shift(date: dt.date, j: int) -> dt.date:
    return date.replace(year=date.year - 3 + (j % 7), day=min(date.day, 28))


def synthetic_copies(docs, copies: int, start: int):
    """Copies of already parsed documents under other organisations and dates (no re-reading)."""
    out = []
    for j in range(start, start + copies):
        place = PLACES[j % len(PLACES)]
        for parsed, chunks in docs:
            d = parsed.document
            doc_id = f"{d.doc_id[:12]}-s{j:05d}"
            org = d.organisation or "NHS ICB"
            for old in (*SOURCE_PLACES, *PLACES):
                if old in org:
                    org = org.replace(old, place)
                    break
            nd = dataclasses.replace(d, doc_id=doc_id, path=f"synthetic/{j:05d}/{d.path}", organisation=org,
                                     date=_shift(d.date, j) if d.date else None)
            p = dataclasses.replace(parsed, document=nd,
                                    sections=tuple(dataclasses.replace(s, doc_id=doc_id) for s in parsed.sections))
            cs = tuple(dataclasses.replace(c, doc_id=doc_id, chunk_id=f"{c.chunk_id}-s{j:05d}") for c in chunks)
            out.append((p, cs))
    return out


def corpus_of_size(size: int, work: Path):
    """(documents with chunks, index of the base chunk each chunk copies), about `size` chunks."""
    base, _, _, _ = base_material()
    per_copy = sum(len(cs) for _, cs in base)
    real_n = max(1, round(min(size, 10_000) / per_copy))
    docs = real_copies(base, real_n, work)
    got = sum(len(cs) for _, cs in docs)
    if size > got:
        nb = len(base)
        copies = [docs[c * nb : (c + 1) * nb] for c in range(real_n)]
        for i in range(round((size - got) / (got / real_n))):
            docs.extend(synthetic_copies(copies[i % real_n], 1, real_n + i))
    # the base chunk each chunk copies: same document (by position in the corpus) and nearest chunk number
    base_rows, offsets, o = [], [], 0
    for _, cs in base:
        offsets.append(o)
        o += len(cs)
    for i, (_, cs) in enumerate(docs):
        b = i % len(base)
        nb = len(base[b][1])
        base_rows.extend(offsets[b] + min(round(k * nb / max(len(cs), 1)), nb - 1) for k in range(len(cs)))
    return docs, np.asarray(base_rows, dtype=np.int64)


def synthetic_vectors(base_vectors: np.ndarray, base_rows: np.ndarray, docs, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    orgs = {}
    org_of_row = []
    for p, cs in docs:
        org_of_row.extend([orgs.setdefault(p.document.organisation, len(orgs))] * len(cs))
    org_dirs = rng.standard_normal((len(orgs), DIM)).astype(np.float32)
    org_dirs /= np.linalg.norm(org_dirs, axis=1, keepdims=True)
    out = np.empty((len(base_rows), DIM), dtype=np.float32)
    org_of_row = np.asarray(org_of_row)
    for s in range(0, len(base_rows), 100_000):
        sl = slice(s, s + 100_000)
        v = base_vectors[base_rows[sl]] + 0.15 * org_dirs[org_of_row[sl]]
        v += rng.standard_normal(v.shape, dtype=np.float32) * 0.022
        out[sl] = v / np.linalg.norm(v, axis=1, keepdims=True)
    return out


def query_vectors(qvecs: np.ndarray, n: int = 200, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    extra = qvecs[rng.integers(0, len(qvecs), n - len(qvecs))]
    extra = extra + rng.standard_normal(extra.shape, dtype=np.float32) * 0.03
    q = np.concatenate([qvecs, extra]).astype(np.float32)
    return q / np.linalg.norm(q, axis=1, keepdims=True)


# -- modes ---------------------------------------------------------------------------------------------

def do_build(size: int, out: Path) -> dict:
    from assistant import store
    from assistant.context import indexed_text
    from assistant.store import DocEntry, Fingerprint, lexical_tokens, switch_current, write_build

    work = out / str(size)
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    t = time.perf_counter()
    docs, base_rows = corpus_of_size(size, work)
    gen_s = time.perf_counter() - t
    _, base_vectors, _, _ = base_material()
    t = time.perf_counter()
    vectors = synthetic_vectors(base_vectors, base_rows, docs)
    vec_s = time.perf_counter() - t
    n = len(vectors)

    # Lexical tokens: the bodies repeat, so tokens are computed once per distinct header and body (the same
    # multiset as lexical_tokens of the whole indexed text); the per-chunk rate is measured on the first 5,000.
    from assistant.context import header

    texts, token_lists, tok_cache = [], [], {}
    sample = [indexed_text(p.document, c) for p, cs in docs for c in cs][:5000] if n <= 20_000 else \
        [indexed_text(p.document, c) for p, cs in docs[:20] for c in cs][:5000]
    t = time.perf_counter()
    for s in sample:
        lexical_tokens(s)
    tok_rate = len(sample) / (time.perf_counter() - t)
    for p, cs in docs:
        for c in cs:
            texts.append(indexed_text(p.document, c))
            h = header(p.document, c)
            body = f"{c.table_header}\n{c.text}" if c.table_header else c.text
            th = tok_cache.get(h)
            if th is None:
                th = tok_cache[h] = lexical_tokens(h)
            tb = tok_cache.get(("b", body))
            if tb is None:
                tb = tok_cache[("b", body)] = lexical_tokens(body)
            token_lists.append(th + tb)
    del tok_cache
    entries = [DocEntry(p, cs, Fingerprint("0:0|-", p.document.sha256)) for p, cs in docs]

    ann_s = {}
    original = store.write_ann_index

    def timed(*a, **k):
        t0 = time.perf_counter()
        r = original(*a, **k)
        ann_s["s"] = time.perf_counter() - t0
        return r

    store.write_ann_index = timed
    index = work / "index"
    index.mkdir()
    build = index / "build-bench"
    t = time.perf_counter()
    meta = write_build(build, model=config.MODEL_NAME, dim=DIM, entries=entries, vectors=vectors,
                       indexed_texts=texts, problems=[], token_lists=token_lists)
    build_s = time.perf_counter() - t
    switch_current(index, build)
    np.save(work / "base_rows.npy", base_rows)
    result = {
        "size": size, "chunks": n, "documents": len(docs), "generate_s": gen_s, "vectors_s": vec_s,
        "write_build_s": build_s, "ann_s": ann_s.get("s", 0.0), "vector_index": meta.vector_index,
        "tokenize_chunks_per_s": tok_rate, "tokenize_est_s": n / tok_rate,
        "disk_mb": _dir_size(build), "build_peak_rss_mb": _rss()["VmHWM"],
    }
    return result


def _pcts(times: list[float]) -> dict[str, float]:
    a = np.asarray(times) * 1000
    return {"p50": float(np.percentile(a, 50)), "p95": float(np.percentile(a, 95)), "n": len(a)}


def do_query(size: int, out: Path) -> dict:
    work = out / str(size)
    rss0 = _rss()
    t = time.perf_counter()
    from assistant.store import IndexStore

    store = IndexStore.open(work / "index")
    open_s = time.perf_counter() - t
    rss_open = _rss()
    _, _, questions, qvecs = base_material()
    Q = query_vectors(qvecs)
    res: dict = {"size": size, "chunks": store.chunk_count, "open_s": open_s, "vector_index": store.meta.vector_index,
                 "rss_start_mb": rss0, "rss_open_mb": rss_open}

    # dense: warm-up, then timed
    for q in Q[:5]:
        store.dense_search(q, 80)
    times, results = [], []
    for q in Q:
        t = time.perf_counter()
        results.append(store.dense_search(q, 80))
        times.append(time.perf_counter() - t)
    res["dense_ms"] = _pcts(times)
    res["rss_dense_mb"] = _rss()  # before the exact reference below reads every vector

    # exact reference and recall@10 when the store is approximate
    if store._ann is not None:
        exact = []
        t = time.perf_counter()
        V = store.vectors
        for q in Q:
            scores = np.empty(len(V), np.float32)
            for s in range(0, len(V), 200_000):
                scores[s : s + 200_000] = V[s : s + 200_000] @ q
            exact.append(set(np.argpartition(-scores, 9)[:10].tolist()))
        res["exact_numpy_ms"] = (time.perf_counter() - t) / len(Q) * 1000
        res["recall_at_10"] = float(np.mean([len(e & {r for r, _ in got[:10]}) / 10 for e, got in zip(exact, results)]))
        # filtered: one organisation's documents (~1/42 of rows), and half the corpus
        org_rows = np.concatenate([store.rows_of(d.doc_id) for d in store.documents()
                                   if d.organisation and PLACES[0] in d.organisation])
        half = np.arange(store.chunk_count // 2, dtype=np.int64)
        for name, rows in (("filter_small", org_rows), ("filter_half", half)):
            times, rec = [], []
            for q in Q[:60]:
                t = time.perf_counter()
                got = store.dense_search(q, 80, rows)
                times.append(time.perf_counter() - t)
                sc = store.vectors[rows] @ q
                ex = set(rows[np.argpartition(-sc, 9)[:10]].tolist())
                rec.append(len(ex & {r for r, _ in got[:10]}) / 10)
            res[name] = {"rows": int(len(rows)), **_pcts(times), "recall_at_10": float(np.mean(rec))}

    # lexical: dev questions (and the same with an organisation named)
    lq = questions + [f"{q} {PLACES[i % len(PLACES)]}" for i, q in enumerate(questions)]
    for q in lq[:5]:
        store.lexical_search(q, 80)
    times = []
    for q in lq * 2:
        t = time.perf_counter()
        store.lexical_search(q, 80)
        times.append(time.perf_counter() - t)
    res["lexical_ms"] = _pcts(times)
    res["rss_lexical_mb"] = _rss()

    # the full Retriever.search, with the real ONNX encoder embedding each question
    from assistant.embedding import load_embedder
    from assistant.retrieval import Retriever

    retriever = Retriever(store, load_embedder())
    for q in questions[:3]:
        retriever.search(q, 10)
    times = []
    for q in lq:
        t = time.perf_counter()
        retriever.search(q, 10)
        times.append(time.perf_counter() - t)
    res["full_ms"] = _pcts(times)
    res["rss_after_mb"] = _rss()
    return res


def do_ann(size: int, out: Path, hnsw: bool = True) -> dict:
    """IVF-SQ8 (the store's choice) vs HNSW-SQ8 on the same vectors: build, memory, latency, recall@10."""
    import faiss

    from assistant.store import ann_nlist

    work = out / str(size)
    from assistant.store import IndexStore

    V = np.ascontiguousarray(IndexStore.open(work / "index").vectors)
    _, _, _, qvecs = base_material()
    Q = query_vectors(qvecs)
    exact = []
    for q in Q:
        sc = V @ q
        exact.append(set(np.argpartition(-sc, 9)[:10].tolist()))
    res: dict = {"size": size, "flat_mb": V.nbytes / 1e6}

    def measure(name, index, setups, rescore=True):
        for label, setup in setups:
            setup()
            times, rec = [], []
            for q in Q:
                t = time.perf_counter()
                _, ids = index.search(q[None, :], 200 if rescore else 10)
                found = np.unique(ids[0][ids[0] >= 0])
                if rescore:
                    sc = V[found] @ q
                    found = found[np.argsort(-sc)[:10]]
                times.append(time.perf_counter() - t)
                rec.append(len(exact[len(rec)] & set(found[:10].tolist())) / 10)
            res[f"{name} {label}"] = {**_pcts(times), "recall_at_10": float(np.mean(rec))}

    nlist = ann_nlist(len(V))
    t = time.perf_counter()
    ivf = faiss.IndexIVFScalarQuantizer(faiss.IndexFlatIP(DIM), DIM, nlist, faiss.ScalarQuantizer.QT_8bit,
                                        faiss.METRIC_INNER_PRODUCT)
    ivf.cp.niter = 10
    rng = np.random.default_rng(0)
    ivf.train(V if len(V) <= 100_000 else V[np.sort(rng.choice(len(V), 100_000, replace=False))])
    ivf.add(V)
    res["ivf_build_s"] = time.perf_counter() - t
    res["ivf_mb"] = faiss.serialize_index(ivf).nbytes / 1e6
    res["nlist"] = nlist

    def nprobe(p, index=ivf):
        return lambda: setattr(index, "nprobe", p)

    measure(f"ivf{nlist}-sq8+rescore", ivf, [(f"nprobe={p}", nprobe(p)) for p in (8, 16, 32, 64)])
    measure(f"ivf{nlist}-sq8 raw", ivf, [("nprobe=32", nprobe(32))], rescore=False)
    del ivf
    if hnsw:
        t = time.perf_counter()
        h = faiss.IndexHNSWSQ(DIM, faiss.ScalarQuantizer.QT_8bit, 32, faiss.METRIC_INNER_PRODUCT)
        h.hnsw.efConstruction = 40
        h.train(V[:100_000])
        h.add(V)
        res["hnsw_build_s"] = time.perf_counter() - t
        res["hnsw_mb"] = faiss.serialize_index(h).nbytes / 1e6

        def ef(e):
            return lambda: setattr(h.hnsw, "efSearch", e)

        measure("hnsw32-sq8+rescore", h, [(f"efSearch={e}", ef(e)) for e in (64, 128, 256)])
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=["build", "query", "ann"])
    ap.add_argument("--size", type=int, required=True)
    ap.add_argument("--out", type=Path, default=Path("/tmp/boardroom-scale"))
    ap.add_argument("--no-hnsw", action="store_true")
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.mode == "build":
        result = do_build(args.size, args.out)
    elif args.mode == "query":
        result = do_query(args.size, args.out)
    else:
        result = do_ann(args.size, args.out, hnsw=not args.no_hnsw)
    (args.out / str(args.size) / f"{args.mode}.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
