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
CHUNKER_VERSION = "5"

SUPPORTED_SUFFIXES = (".pdf", ".docx", ".txt", ".md")
# Sidecar files that override detected metadata, e.g. "board-pack.pdf.meta.toml".
SIDECAR_SUFFIX = ".meta.toml"

# `boardroom mcp` (the Model Context Protocol server).
MCP_SEARCH_K = 10  # passages `search` returns when the client does not say how many
MCP_SEARCH_K_MAX = 50  # the most passages one `search` call may ask for
MCP_CLOSEST_PASSAGES = 5  # passages an abstaining `ask` returns as the closest ones (marked as not an answer)
MCP_CONVERSATIONS = 100  # conversations kept in memory; the least recently used beyond this are forgotten
MCP_TURNS_KEPT = 20  # the most recent turns of a conversation that follow-ups are resolved against
