"""The encoder: ONNX vectors equal sentence-transformers', the query path stays light, the export is atomic."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from assistant import config
from assistant.embedding import ONNX_FILENAME, HashEmbedder, OnnxEmbedder, load_embedder

CORPUS = config.PROJECT_DIR / "corpus"
PYTHON = sys.executable


def _varied_texts() -> list[str]:
    pack = (CORPUS / "2024-10-17_ssot-icb_board-meeting-pack.txt").read_text(encoding="utf-8")
    return [
        "", "SBAF", "£90.7m", "2023/24", "What was the system deficit in 2023/24?",
        "Minutes of the Board meeting held on 26 September 2024, item 7: finance report.",
        "4-hour A&E performance was 76% against the 78% target.",
        "Ünïcödé — “quotes”, tabs\tand\nnewlines",
        "word " * 600,  # far beyond 256 tokens: truncated
        pack[:4000], pack[10_000:10_900], pack[50_000:50_300], pack[100_000:101_000], pack[150_000:150_600],
        pack[200_000:200_120], pack[250_000:252_000], pack[300_000:300_800], pack[350_000:350_050],
        "Integrated Care Board", "The committee noted the report.",
    ]


@pytest.fixture(scope="session")
def onnx_embedder():
    emb = load_embedder()
    assert isinstance(emb, OnnxEmbedder), "the ONNX export should load on this machine"
    return emb


def test_hash_embedder_is_deterministic_and_normalised():
    e = HashEmbedder(16)
    a, b = e.embed(["board deficit", "", "board deficit"]), e.embed(["board deficit"])
    assert a.shape == (3, 16) and a.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(a[0], b[0])
    assert e.embed([]).shape == (0, 16)


@pytest.mark.slow
def test_onnx_agrees_with_sentence_transformers(onnx_embedder):
    from assistant.embedding import SentenceTransformerEmbedder

    texts = _varied_texts()
    a, b = onnx_embedder.embed(texts), SentenceTransformerEmbedder().embed(texts)
    assert a.shape == b.shape == (len(texts), config.MODEL_DIM) and a.dtype == np.float32
    cosines = (a * b).sum(axis=1)
    assert cosines.min() >= 0.9999, cosines


@pytest.mark.slow
def test_batched_order_equals_one_by_one(onnx_embedder):
    texts = _varied_texts()
    together = onnx_embedder.embed(texts)
    alone = np.vstack([onnx_embedder.embed([t]) for t in texts])
    np.testing.assert_allclose(together, alone, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(together, axis=1), 1.0, rtol=1e-5)


@pytest.mark.slow
def test_query_path_does_not_import_torch(onnx_embedder):
    code = textwrap.dedent(f"""
        import sys
        from assistant.embedding import load_embedder
        e = load_embedder({str(onnx_embedder.path.parent)!r})
        e.embed(["what was the deficit?"])
        heavy = [m for m in ("torch", "transformers", "sentence_transformers") if m in sys.modules]
        print(type(e).__name__, heavy)
    """)
    out = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "OnnxEmbedder []", out.stderr


@pytest.mark.slow
def test_concurrent_exports_over_a_corrupt_cache_both_succeed(tmp_path, onnx_embedder):
    """Two processes find a damaged export: each re-exports atomically, neither sees half a file."""
    (tmp_path / ONNX_FILENAME).write_bytes(b"not an onnx model")
    code = textwrap.dedent(f"""
        import warnings; warnings.simplefilter("error")
        from assistant.embedding import load_embedder
        e = load_embedder({str(tmp_path)!r})
        print(type(e).__name__, float(e.embed(["SBAF"])[0] @ e.embed(["SBAF"])[0]))
    """)
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    procs = [subprocess.Popen([PYTHON, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for _ in range(2)]
    outs = [p.communicate(timeout=180) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err[-2000:]
        name, norm = out.split()
        assert name == "OnnxEmbedder" and float(norm) == pytest.approx(1.0, abs=1e-5)
    assert [p.name for p in tmp_path.iterdir()] == [ONNX_FILENAME]  # no temp files left behind
    fresh = OnnxEmbedder(tmp_path / ONNX_FILENAME).embed(["board deficit"])
    np.testing.assert_allclose(fresh, onnx_embedder.embed(["board deficit"]), atol=1e-6)
