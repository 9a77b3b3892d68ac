"""Cold start, as ratios measured in one run (so a slow or busy machine slows both sides alike).

`boardroom ask` end to end must take at most a third of `import sentence_transformers`; `boardroom --help`
at most 0.3/5.8 of it (0.3 s where that import takes 5.8 s) and a few interpreter starts. Best of 3 runs
each. The query path must not import torch, sentence-transformers, textual, bm25s, scipy or faiss.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.indexer import build_index

pytestmark = pytest.mark.slow  # loads the real encoder

PYTHON = sys.executable
HEAVY = ("torch", "sentence_transformers", "transformers", "textual", "bm25s", "scipy", "faiss")
_ASK = """
import sys, json
from assistant.cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
print(json.dumps([m for m in %r if m in sys.modules]), file=sys.stderr)
sys.exit(code)
""" % (HEAVY,)


def _best_of(cmd: list[str], n: int = 3, env: dict | None = None) -> tuple[float, subprocess.CompletedProcess]:
    best, out = float("inf"), None
    for _ in range(n):
        t = time.perf_counter()
        out = subprocess.run(cmd, capture_output=True, text=True, env=env)
        best = min(best, time.perf_counter() - t)
        assert out.returncode == 0, out.stderr
    return best, out  # type: ignore[return-value]


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("cold")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "finance.md").write_text(
        "# Finance report\n\nNHS Example ICB board, 17 October 2024.\n\n"
        "In the financial year 2023/24, the system's reported financial performance was £90.7m deficit "
        "against an initial plan of break-even. Continuing Health Care (CHC) costs rose by 12%.\n\n"
        "The board noted that CHC growth was the largest single pressure.\n")
    build_index(corpus, root / "index")
    return root


def test_ask_and_help_start_fast(index):
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    st, _ = _best_of([PYTHON, "-c", "import sentence_transformers"], env=env)
    bare, _ = _best_of([PYTHON, "-c", "pass"])
    helptime, out = _best_of([PYTHON, "-m", "assistant.cli", "--help"])
    assert "ask" in out.stdout
    ask, out = _best_of([PYTHON, "-c", _ASK, "ask", "--json", "--corpus", str(index / "corpus"), "--index",
                         str(index / "index"), "What was the system deficit in 2023/24?"], env=env)
    assert json.loads(out.stdout)["citations"]
    imported = json.loads(out.stderr.strip().splitlines()[-1])
    report = f"ask {ask:.2f} s, --help {helptime:.3f} s, python -c pass {bare:.3f} s, import sentence_transformers {st:.2f} s"
    assert imported == [], f"the ask path imported {imported}; {report}"
    assert ask <= st / 3, report
    assert helptime <= st * 0.3 / 5.8, report
    assert helptime <= bare * 6, report
