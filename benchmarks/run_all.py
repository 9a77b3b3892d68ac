"""Run every benchmark and rewrite benchmarks/README.md with the tables (`make bench` runs this).

    python benchmarks/run_all.py [--sizes 10000 100000 1000000] [--reuse] [--out /tmp/boardroom-scale]

--reuse keeps the JSON results of scale runs already in --out (the 1M build takes ~10 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PY = sys.executable


def _run(*args: str) -> str:
    out = subprocess.run([PY, *args], capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{out.stderr[-2000:]}")
    return out.stdout


def _best(cmd: list[str], n: int = 3) -> float:
    best = float("inf")
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run(cmd, capture_output=True, cwd=ROOT, check=True)
        best = min(best, time.perf_counter() - t)
    return best


def cold_start() -> dict:
    with tempfile.TemporaryDirectory(prefix="boardroom-cold-") as tmp:
        index = Path(tmp) / "index"
        _run("-m", "assistant.cli", "index", "--index", str(index))
        ask = [PY, "-m", "assistant.cli", "ask", "--index", str(index), "What was the system deficit in 2023/24?"]
        return {
            "import sentence_transformers": _best([PY, "-c", "import sentence_transformers"]),
            "python -c pass": _best([PY, "-c", "pass"]),
            "boardroom --help": _best([PY, "-m", "assistant.cli", "--help"]),
            "boardroom ask (sample corpus)": _best(ask),
        }


def scale(sizes: list[int], out: Path, reuse: bool) -> dict[int, dict]:
    results: dict[int, dict] = {}
    for size in sizes:
        results[size] = {}
        for mode in ("build", "query", "ann"):
            path = out / str(size) / f"{mode}.json"
            if not (reuse and path.exists()):
                extra = ["--no-hnsw"] if mode == "ann" and size >= 1_000_000 else []
                _run(str(HERE / "scale.py"), mode, "--size", str(size), "--out", str(out), *extra)
            results[size][mode] = json.loads(path.read_text())
    return results


def _f(x: float, digits: int = 1) -> str:
    return f"{x:,.{digits}f}"


def write_readme(cold: dict, speed: str, res: dict[int, dict], registers: str = "") -> str:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    lines = [
        "# Benchmarks",
        "",
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, {mem:.0f} GB RAM, "
        f"Python {platform.python_version()}, no GPU. Load average at the end: {os.getloadavg()[0]:.1f}.",
        "Regenerate everything with `make bench` (= `python benchmarks/run_all.py`; add `--reuse` to keep "
        "scale results already in /tmp/boardroom-scale). Figures are wall-clock on a shared 2-core machine.",
        "",
        "## Cold start (best of 3, fresh processes)",
        "",
        "| command | seconds |", "|---|---:|",
    ]
    lines += [f"| `{k}` | {v:.3f} |" for k, v in cold.items()]
    st = cold["import sentence_transformers"]
    lines += ["", f"ask / import sentence_transformers = {cold['boardroom ask (sample corpus)'] / st:.3f} "
                  f"(target <= 0.333); --help = {cold['boardroom --help']:.3f} s (target <= 0.3 s).", ""]
    lines += ["## Index speed on the sample corpus (`benchmarks/index_speed.py`)", "", "```", speed.strip(), "```", ""]
    if registers:
        lines += ["## Register commands and register answers (`benchmarks/registers_speed.py`)", "", "```",
                  registers.strip(), "```", ""]
    if res:
        lines += [
            "## Scale (`benchmarks/scale.py`)", "",
            "Sample corpus replicated with varied organisations and dates (10k: real files through the real "
            "ingest and chunker; 100k and 1M: the 10k documents copied under more organisations and dates). "
            "Synthetic real-ish vectors (each chunk's real MiniLM vector + organisation direction + noise), "
            "queries = the dev questions embedded by the real encoder + noisy copies. Build = `write_build` "
            "(SQLite, vectors, approximate index when chosen, BM25) from ready vectors and tokens; embedding is "
            "not included (at ~50 chunks/s, 1M chunks would take ~5.5 h on 2 cores). Latencies are warm, k=80 "
            "(the retriever's candidates); full = `Retriever.search` including the ONNX query embedding.", "",
            "| chunks | docs | vector index | build s | tokenize s (est.) | open s | dense p50/p95 ms | "
            "lexical p50/p95 ms | full p50/p95 ms | RSS after open MB | RSS after dense+lexical MB (anon / file) | "
            "disk MB | recall@10 |",
            "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in res.values():
            b, q = r["build"], r["query"]
            ra = q.get("rss_lexical_mb", q["rss_after_mb"])
            lines.append(
                f"| {b['chunks']:,} | {b['documents']:,} | {b['vector_index']} | {_f(b['write_build_s'])} | "
                f"{_f(b['tokenize_est_s'])} | {q['open_s']:.2f} | {_f(q['dense_ms']['p50'])} / {_f(q['dense_ms']['p95'])} | "
                f"{_f(q['lexical_ms']['p50'])} / {_f(q['lexical_ms']['p95'])} | {_f(q['full_ms']['p50'])} / "
                f"{_f(q['full_ms']['p95'])} | {_f(q['rss_open_mb']['VmRSS'], 0)} | {_f(ra['VmRSS'], 0)} "
                f"({_f(ra['RssAnon'], 0)} / {_f(ra['RssFile'], 0)}) | {_f(b['disk_mb']['total'], 0)} | "
                f"{q.get('recall_at_10', 1.0):.3f} |")
        lines += ["", "Disk by part (MB):", "", "| chunks | " + " | ".join(
            k for k in next(iter(res.values()))["build"]["disk_mb"] if k != "meta.json") + " | ANN |", ]
        keys = [k for k in next(iter(res.values()))["build"]["disk_mb"] if k != "meta.json"]
        lines.append("|---:|" + "---:|" * (len(keys) + 1))
        for r in res.values():
            d = r["build"]["disk_mb"]
            lines.append(f"| {r['build']['chunks']:,} | " + " | ".join(_f(d.get(k, 0), 0) for k in keys)
                         + f" | {_f(d.get('vectors.faiss', 0), 0)} |")
        filt = [r["query"] for r in res.values() if "filter_small" in r["query"]]
        if filt:
            lines += ["", "Filtered dense search on the approximate index (exact over the subset below "
                          "APPROX_MIN_ROWS rows, else IVF with a bitmap IDSelector + exact re-scoring):", "",
                      "| chunks | filter | rows | p50 ms | p95 ms | recall@10 |", "|---:|---|---:|---:|---:|---:|"]
            for q in filt:
                for name in ("filter_small", "filter_half"):
                    f = q[name]
                    lines.append(f"| {q['chunks']:,} | {name} | {f['rows']:,} | {_f(f['p50'])} | {_f(f['p95'])} | "
                                 f"{f['recall_at_10']:.3f} |")
        lines += ["", "### Approximate indexes compared (same vectors; re-scored = top 200 candidates re-scored "
                      "exactly from the memory-mapped float32 vectors)", "",
                  "| chunks | index | setting | build s | RAM MB | p50 ms | p95 ms | recall@10 |",
                  "|---:|---|---|---:|---:|---:|---:|---:|"]
        for size, r in res.items():
            a = r["ann"]
            lines.append(f"| {size:,} | flat float32 (exact) | | | {_f(a['flat_mb'], 0)} | | | 1.000 |")
            for key, v in a.items():
                if not isinstance(v, dict):
                    continue
                name, _, setting = key.partition(" ")
                kind = "hnsw" if name.startswith("hnsw") else "ivf"
                lines.append(f"| {size:,} | {name} | {setting} | {_f(a.get(kind + '_build_s', 0))} | "
                             f"{_f(a.get(kind + '_mb', 0), 0)} | {v['p50']:.2f} | {v['p95']:.2f} | "
                             f"{v['recall_at_10']:.3f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--out", type=Path, default=Path("/tmp/boardroom-scale"))
    ap.add_argument("--reuse", action="store_true")
    args = ap.parse_args()
    res = scale(args.sizes, args.out, args.reuse)
    cold = cold_start()
    speed = _run(str(HERE / "index_speed.py"))
    registers = _run(str(HERE / "registers_speed.py"))
    text = write_readme(cold, speed, res, registers)
    notes = HERE / "NOTES.md"
    if notes.exists():
        text += "\n" + notes.read_text()
    (HERE / "README.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
