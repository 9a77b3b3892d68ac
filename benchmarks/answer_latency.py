"""Warm answer latency on the sample corpus, each question asked for the first time (no cached sentence vectors).

    python benchmarks/answer_latency.py [--index DIR]

Target (quality issue): answer p95 <= 300 ms. Prints p50/p95 of retrieval, composition and the whole answer
over the development questions (dialog turns after their earlier turns), and the load average, since other
work on the machine skews wall times.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from assistant import config


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=config.DEFAULT_CORPUS)
    ap.add_argument("--index", type=Path, default=config.DEFAULT_INDEX)
    args = ap.parse_args()

    from assistant.assistant import Assistant
    from assistant.evaluation import load_items
    from assistant.types import Turn

    dev = config.PROJECT_DIR.parent / "shared" / "eval" / "dev.jsonl"
    assistant = Assistant.open(args.corpus, args.index)
    assistant.ask("What is on the agenda?")  # load the encoder session and the store's caches
    stages: dict[str, list[float]] = {"retrieve": [], "compose": [], "total": []}
    for group in load_items(dev):
        history: list[Turn] = []
        for item in group:
            answer = assistant.ask(item.question, history)
            for stage in stages:
                stages[stage].append(answer.timings[stage])
            history.append(Turn(item.question, answer))
    print(f"{len(stages['total'])} questions, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for stage, samples in stages.items():
        print(f"{stage:<9} p50 {_pct(samples, 0.5):6.1f} ms  p95 {_pct(samples, 0.95):6.1f} ms")
    print(f"answer p95 / target 300 ms: {_pct(stages['total'], 0.95) / 300:.2f}")


if __name__ == "__main__":
    t = time.perf_counter()
    main()
    print(f"(benchmark ran {time.perf_counter() - t:.0f} s)")
