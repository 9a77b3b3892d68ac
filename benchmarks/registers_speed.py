"""Warm speed of the register commands and of questions answered from the registers, on the sample corpus.

    python benchmarks/registers_speed.py [--corpus DIR] [--index DIR] [--runs 5]

Target (registers issue): each register command answers in under 0.3 s warm. Prints, per command run as a
user runs it (a fresh process, the index already built and up to date): the best and median wall time of
--runs runs and the CPU time of the best run (wall time on a shared machine counts other people's work; CPU
time does not); then where the time of one run goes, measured inside a fresh process; then the warm latency
of `ask` for questions the registers answer (the encoder loaded, as in the chat). The load average is printed
since other work on the machine skews wall times.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant import config  # noqa: E402

COMMANDS = (
    ("decisions",),
    ("decisions", "--all", "--json"),
    ("actions", "--open"),
    ("actions", "--owner", "HJ"),
    ("attendance",),
    ("interests", "Jack Aw"),
)
QUESTIONS = (
    "What actions does HJ own?",
    "Who sent apologies to the September board?",
    "What did the board approve in October?",
    "Has anyone declared an interest in Loomer Medical?",
    "Which actions are still open?",
)
TARGET_S = 0.3

# One run of `boardroom decisions`, stage by stage, in a fresh interpreter.
STAGES = r"""
import io, sys, time, contextlib
from pathlib import Path
t0 = time.perf_counter()
from assistant import cli  # the command line, as `boardroom` imports it
from assistant.registers.views import open_registers
from assistant.render_registers import print_decisions
from rich.console import Console
t1 = time.perf_counter()
corpus, index = Path(sys.argv[1]), Path(sys.argv[2])
from assistant.indexer import update_index
update_index(corpus, index)
t2 = time.perf_counter()
registers = open_registers(corpus, index, update=False)
t3 = time.perf_counter()
found = registers.decisions()
t4 = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):
    print_decisions(Console(width=160), found, registers.notes())
t5 = time.perf_counter()
for name, a, b in (("imports", t0, t1), ("index up-to-date check", t1, t2), ("registers read", t2, t3),
                   ("query", t3, t4), ("print", t4, t5)):
    print(f"  {name:<24}{(b - a) * 1000:7.1f} ms")
"""


def _run(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of a command in a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=True, cwd=ROOT)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=config.DEFAULT_CORPUS)
    ap.add_argument("--index", type=Path, default=config.DEFAULT_INDEX)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    dirs = ["--corpus", str(args.corpus), "--index", str(args.index)]
    boardroom = [sys.executable, "-m", "assistant.cli"]

    subprocess.run([*boardroom, "index", *dirs], capture_output=True, check=True, cwd=ROOT)  # built and current
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; {args.runs} runs each, warm")
    print(f"{'command':<34}{'best s':>8}{'median s':>10}{'cpu s':>8}")
    worst = 0.0
    for command in COMMANDS:
        runs = [_run([*boardroom, *command, *dirs]) for _ in range(args.runs + 1)][1:]  # the first warms the caches
        best = min(runs)
        worst = max(worst, best[0])
        print(f"{'boardroom ' + ' '.join(command):<34}{best[0]:8.3f}{statistics.median(w for w, _ in runs):10.3f}"
              f"{best[1]:8.3f}")
    start = min(_run([sys.executable, "-c", "pass"]) for _ in range(args.runs))
    print(f"{'python -c pass (interpreter start)':<34}{start[0]:8.3f}{'':>10}{start[1]:8.3f}")
    print(f"slowest command's best / target {TARGET_S} s: {worst / TARGET_S:.2f}")

    print("\none run of `boardroom decisions`, by stage (fresh process):")
    stages = subprocess.run([sys.executable, "-c", STAGES, str(args.corpus), str(args.index)], capture_output=True,
                            text=True, check=True, cwd=ROOT)
    print(stages.stdout.rstrip())

    from assistant.assistant import Assistant

    assistant = Assistant.open(args.corpus, args.index, update=False)
    assistant.ask("What is on the agenda?")  # the encoder session and the store's caches
    print("\nask, answered from the registers (warm, in process):")
    for question in QUESTIONS:
        answer = assistant.ask(question)
        t = answer.timings
        print(f"  {t['total']:6.1f} ms (retrieve {t['retrieve']:5.1f}, registers {t['registers']:5.1f})  {question}")


if __name__ == "__main__":
    main()
