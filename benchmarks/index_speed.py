"""How much a full `boardroom index` costs beyond the encoder itself, and how fast the no-op and loading are.

Prints: encoder-only time on the corpus's embedding pieces (the same texts a build embeds) vs the whole
`boardroom index` run on the same corpus into a temp dir (a real subprocess: interpreter start, imports, model
load, reading, chunking, embedding, writing), their ratio (target <= 1.25), chunks per second for both, the
same build resumed after a kill -9 halfway through embedding, the no-op re-index time (target <= 1 s) and the
store's load time. `--grid` first measures the encoder's settings (threads, batch size, spinning).

    .venv/bin/python benchmarks/index_speed.py [--corpus DIR] [--grid] [--no-queries]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant import config  # noqa: E402


def _pieces(corpus: Path) -> tuple[int, list[str]]:
    """The number of chunks and the texts a build embeds for them (one or more pieces a chunk)."""
    from assistant.chunking import chunk_document
    from assistant.context import embedded_texts
    from assistant.errors import ReaderError
    from assistant.ingest import iter_corpus, read_document

    chunks, texts = 0, []
    for path in iter_corpus(corpus):
        try:
            parsed = read_document(path, corpus)
        except ReaderError:
            continue
        for c in chunk_document(parsed):
            chunks += 1
            texts.extend(embedded_texts(parsed.document, c))
    return chunks, texts


def _grid(texts: list[str], sample: int = 300) -> None:
    """Pieces per second of the ONNX encoder for each setting, on a random sample of the corpus's pieces."""
    from assistant.embedding import ONNX_FILENAME, OnnxEmbedder, load_embedder

    load_embedder()  # makes the ONNX export if there is none yet
    chosen = random.Random(0).sample(texts, min(sample, len(texts)))
    print(f"encoder settings on {len(chosen)} pieces (defaults: threads {config.ENCODER_THREADS or 'per core'}, "
          f"batch {config.ENCODER_BATCH}, spinning {config.ENCODER_SPINNING})")
    for threads, batch, spinning in [(1, 2, True), (2, 1, True), (2, 2, True), (2, 4, True), (2, 8, True),
                                     (2, 2, False), (2, 4, False)]:
        embedder = OnnxEmbedder(Path(config.CACHE_DIR) / ONNX_FILENAME, threads=threads, batch_size=batch,
                                spinning=spinning)
        embedder.embed(chosen[:8])
        t, c = time.perf_counter(), time.process_time()
        embedder.embed(chosen)
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        print(f"  threads {threads} batch {batch:2d} spinning {'on ' if spinning else 'off'}  "
              f"{len(chosen) / wall:6.1f} pieces/s   cpu {cpu / wall:4.2f} cores   load {os.getloadavg()[0]:.1f}",
              flush=True)


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


# Runs `boardroom index` exactly as the console script does, and also saves the build's own stage timings,
# so the encoder's share of the same run can be read even when other work on the machine skews wall times.
_DRIVER = """
import json, sys
import assistant.cli as cli, assistant.indexer as indexer
build = indexer.build_index
def timed(*a, **k):
    report = build(*a, **k)
    with open(sys.argv[1], "w") as fh:
        json.dump(dict(report.timings, seconds=report.seconds), fh)
    return report
indexer.build_index = timed
sys.exit(cli.main(sys.argv[2:]))
"""


def _cli(timings: Path, *args: str) -> tuple[float, float, dict, subprocess.CompletedProcess]:
    """Wall and CPU seconds of one `boardroom` run, and its build's stage timings."""
    t, c = time.perf_counter(), _children_cpu()
    out = subprocess.run([sys.executable, "-c", _DRIVER, str(timings), *args], capture_output=True, text=True)
    elapsed, cpu = time.perf_counter() - t, _children_cpu() - c
    if out.returncode != 0:
        raise SystemExit(f"boardroom {' '.join(args)} failed: {out.stderr.strip()}")
    return elapsed, cpu, json.loads(timings.read_text()), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=config.DEFAULT_CORPUS)
    ap.add_argument("--grid", action="store_true", help="first measure the encoder's settings")
    ap.add_argument("--no-queries", action="store_true", help="skip the query latency (needs ../shared/eval)")
    args = ap.parse_args()
    corpus = args.corpus

    from assistant.embedding import load_embedder

    t = time.perf_counter()
    chunks, texts = _pieces(corpus)
    read_s = time.perf_counter() - t
    if args.grid:
        _grid(texts)
    t = time.perf_counter()
    embedder = load_embedder()
    load_s = time.perf_counter() - t
    t, c = time.perf_counter(), time.process_time()
    embedder.embed(texts)
    encode_s, encode_cpu = time.perf_counter() - t, time.process_time() - c
    print(f"corpus: {corpus} ({chunks} chunks, {len(texts)} pieces); encoder {type(embedder).__name__} "
          f"(load {load_s:.2f} s); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other work "
          "skews wall times)")
    print(f"read + chunk only     {read_s:7.2f} s (one thread)")
    print(f"encoder only          {encode_s:7.2f} s  {chunks / encode_s:6.1f} chunks/s  {len(texts) / encode_s:6.1f} "
          f"pieces/s   cpu {encode_cpu:6.1f} s")

    with tempfile.TemporaryDirectory(prefix="boardroom-bench-") as tmp:
        index = Path(tmp) / "index"
        whole_s, whole_cpu, stages, out = _cli(Path(tmp) / "t.json", "index", "--corpus", str(corpus), "--index", str(index))
        print(f"boardroom index       {whole_s:7.2f} s  {chunks / whole_s:6.1f} chunks/s  {len(texts) / whole_s:6.1f} "
              f"pieces/s   cpu {whole_cpu:6.1f} s")
        print(f"ratio whole/encoder   {whole_s / encode_s:7.3f} wall, {whole_cpu / encode_cpu:.3f} cpu, separate runs "
              f"(target <= 1.25)")
        print(f"same run: encoder {stages['embed']:.2f} s of {whole_s:.2f} s wall -> ratio {whole_s / stages['embed']:.3f}"
              f" (reading, overlapped, done after {stages['read']:.2f} s; model load {stages.get('load_model', 0):.2f} s;"
              f" write {stages['write']:.2f} s; interpreter start + imports {whole_s - stages['seconds']:.2f} s)")
        print(f"  its report: {out.stdout.strip().splitlines()[0]}")
        _resume(corpus, Path(tmp) / "resumed", len(texts))

        from assistant.indexer import build_index
        from assistant.store import IndexStore

        t = time.perf_counter()
        report = build_index(corpus, index)
        noop_s = time.perf_counter() - t
        noop_cli_s, _, _, _ = _cli(Path(tmp) / "t2.json", "index", "--corpus", str(corpus), "--index", str(index))
        print(f"no-op re-index        {noop_s * 1000:7.1f} ms in-process (wrote: {report.wrote}); "
              f"{noop_cli_s:.2f} s as `boardroom index` incl. interpreter start (target <= 1 s)")

        code = ("import time; t=time.perf_counter(); from assistant.store import IndexStore; "
                f"s=IndexStore.open({str(index)!r}); print(time.perf_counter()-t, s.chunk_count)")
        cold = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
        IndexStore.open(index)  # warm the OS cache and the imports
        runs = []
        for _ in range(5):
            t = time.perf_counter()
            IndexStore.open(index).close()
            runs.append(time.perf_counter() - t)
        print(f"store load            {float(cold[0]) * 1000:7.1f} ms cold (fresh process, incl. imports); "
              f"{min(runs) * 1000:.1f} ms warm ({cold[1]} chunks)")
        if not args.no_queries:
            _query_latency(corpus, index)


def _resume(corpus: Path, index: Path, pieces: int) -> None:
    """`boardroom index` killed with kill -9 once half the pieces are in the embedding cache, then run again."""
    def cached() -> int:
        try:
            with sqlite3.connect(f"file:{index / 'embeddings.sqlite'}?mode=ro", uri=True) as db:
                return db.execute("SELECT count(*) FROM vectors").fetchone()[0]
        except sqlite3.Error:
            return 0

    t = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "index", "--corpus", str(corpus), "--index",
                             str(index)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while cached() < pieces // 2 and proc.poll() is None:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    killed_s, share = time.perf_counter() - t, cached() * 100 // max(pieces, 1)
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "assistant.cli", "index", "--corpus", str(corpus), "--index",
                          str(index)], capture_output=True, text=True, check=True)
    print(f"kill -9 at {share}% after {killed_s:.1f} s, then resumed in "
          f"{time.perf_counter() - t:.1f} s: {out.stdout.strip().splitlines()[0]}")


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p50 = ordered[len(ordered) // 2]
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"p50 {p50:6.1f} ms  p95 {p95:6.1f} ms"


def _query_latency(corpus: Path, index: Path) -> None:
    """Warm search and answer latency over the development questions (targets: search p95 <= 50 ms,
    answer p95 <= 150 ms), each question asked after its dialog's earlier turns."""
    from assistant.assistant import Assistant
    from assistant.evaluation import load_items
    from assistant.types import Turn

    dev = config.PROJECT_DIR.parent / "shared" / "eval" / "dev.jsonl"
    if not dev.exists():
        print("query latency         skipped (no ../shared/eval/dev.jsonl)")
        return
    assistant = Assistant.open(corpus, index, update=False)
    groups = load_items(dev)
    assistant.ask(groups[0][0].question)  # warm caches and the encoder
    search_ms, answer_ms = [], []
    for _ in range(3):
        for group in groups:
            history: list[Turn] = []
            for item in group:
                t = time.perf_counter()
                assistant.retrieve(item.question, history)
                search_ms.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                answer = assistant.ask(item.question, history)
                answer_ms.append((time.perf_counter() - t) * 1000)
                history.append(Turn(item.question, answer))
    print(f"search (warm)         {_percentiles(search_ms)}  over {len(search_ms)} dev questions x3 "
          f"(target p95 <= 50 ms)")
    print(f"answer (warm)         {_percentiles(answer_ms)}  (target p95 <= 150 ms)")


if __name__ == "__main__":
    main()
