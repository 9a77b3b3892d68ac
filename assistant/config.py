"""Defaults and their environment overrides. Nothing here imports anything heavy."""

from __future__ import annotations

import os
from pathlib import Path

# The project directory when run from a checkout; commands take --corpus/--index to point elsewhere.
PROJECT_DIR = Path(__file__).resolve().parent.parent

DEFAULT_CORPUS = Path(os.environ.get("BOARDROOM_CORPUS", PROJECT_DIR / "corpus"))
DEFAULT_INDEX = Path(os.environ.get("BOARDROOM_INDEX", PROJECT_DIR / "index"))
# Where the one-off ONNX export of the encoder is kept (shared by every index on the machine).
CACHE_DIR = Path(os.environ.get("BOARDROOM_CACHE", Path.home() / ".cache" / "boardroom"))

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
MODEL_DIM = 384
MODEL_MAX_TOKENS = 256

# Bump when chunk boundaries or chunk context change: an index built by another version is rebuilt.
CHUNKER_VERSION = "4"

SUPPORTED_SUFFIXES = (".pdf", ".docx", ".txt", ".md")
# Sidecar files that override detected metadata, e.g. "board-pack.pdf.meta.toml".
SIDECAR_SUFFIX = ".meta.toml"

# The optional local language model (see llm_client.py and llm_answer.py). Off unless both are set, or
# `--llm` with `--llm-url/--llm-model` is given.
LLM_URL_ENV = "BOARDROOM_LLM_URL"  # an OpenAI-compatible API on this machine, e.g. http://127.0.0.1:8080/v1
LLM_MODEL_ENV = "BOARDROOM_LLM_MODEL"  # the model name that server knows, e.g. "llama3.2" for Ollama
LLM_TIMEOUT = 60.0  # seconds to wait for the server to connect, start answering, or send the next piece
# The longest answer asked for, in tokens (a short answer of 1-5 sentences is about 150).
LLM_MAX_TOKENS = int(os.environ.get("BOARDROOM_LLM_MAX_TOKENS", "400"))
LLM_PASSAGES = 4  # the top passages sent to the model as numbered sources
LLM_PASSAGE_CHARS = 1200  # of each passage's text (a chunk is about 800-1,000 characters)
