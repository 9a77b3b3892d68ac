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
# 5: chunks grouped from embedding pieces (up to 1,400 characters); PDFs carry printed page labels and pages
#    read by OCR; files skipped as scans are read again.
# 6: PDF tables read with their rows and column headers; a carried table header keeps its empty label cell.
CHUNKER_VERSION = "6"

# Extensions with a reader. A legacy Word `.doc` is listed so that it is reported with a clear reason.
SUPPORTED_SUFFIXES = (".pdf", ".docx", ".pptx", ".html", ".htm", ".eml", ".txt", ".md", ".doc")
# An e-mail's attachments are documents of their own, at "<mail path> › <attachment name>".
ATTACHMENT_SEP = " › "

# OCR of scanned PDF pages (assistant/ingest/ocr.py). A page is scanned when it shows an image and its text
# layer has fewer than OCR_MAX_TEXT_CHARS letters or digits (a stamped page number is not a text layer).
OCR_MAX_TEXT_CHARS = 20
# Resolution a page is rendered at for OCR. 150 dpi read 10.5 pt and 8 pt text word for word, as 200 did, with a
# cheaper text detection (benchmarks/formats.py); recognition costs the same at any resolution.
OCR_DPI = 150
OCR_MIN_SCORE = 0.5  # recognised lines with a lower confidence are dropped
# Sidecar files that override detected metadata, e.g. "board-pack.pdf.meta.toml".
SIDECAR_SUFFIX = ".meta.toml"

# `boardroom mcp` (the Model Context Protocol server).
MCP_SEARCH_K = 10  # passages `search` returns when the client does not say how many
MCP_SEARCH_K_MAX = 50  # the most passages one `search` call may ask for
MCP_CLOSEST_PASSAGES = 5  # passages an abstaining `ask` returns as the closest ones (marked as not an answer)
MCP_CONVERSATIONS = 100  # conversations kept in memory; the least recently used beyond this are forgotten
MCP_TURNS_KEPT = 20  # the most recent turns of a conversation that follow-ups are resolved against

# The optional local language model (see llm_client.py and llm_answer.py). Off unless both are set, or
# `--llm` with `--llm-url/--llm-model` is given.
LLM_URL_ENV = "BOARDROOM_LLM_URL"  # an OpenAI-compatible API on this machine, e.g. http://127.0.0.1:8080/v1
LLM_MODEL_ENV = "BOARDROOM_LLM_MODEL"  # the model name that server knows, e.g. "llama3.2" for Ollama
LLM_TIMEOUT = 60.0  # seconds to wait for the server to connect, start answering, or send the next piece
# The longest answer asked for, in tokens (a short answer of 1-5 sentences is about 150).
LLM_MAX_TOKENS = int(os.environ.get("BOARDROOM_LLM_MAX_TOKENS", "400"))
LLM_PASSAGES = 4  # the top passages sent to the model as numbered sources
LLM_PASSAGE_CHARS = 1200  # of each passage's text (a chunk is about 800-1,000 characters)

# Tables in PDFs (assistant/ingest/pdf_tables.py): read with their rows and columns unless PDF_TABLES is off
# (benchmarks/pdf_tables.py turns it off to measure the reader without it). A page is laid out by pypdf's layout mode (which costs
# about as much again as its plain text) only when its plain text has at least PDF_TABLE_MIN_FIGURE_LINES
# lines that are mostly figures, and they are at least PDF_TABLE_MIN_FIGURE_SHARE of its lines. Measured on the 24
# FinanceBench filings (2,397 pages): 793 pages laid out (67 s of CPU), 662 of them hold a table; laying out every
# page with a line of figures would cost 184 s for 974 (benchmarks/pdf_tables.py and its README section).
PDF_TABLES = True
PDF_TABLE_MIN_FIGURE_LINES = 2
PDF_TABLE_MIN_FIGURE_SHARE = 0.1
PDF_TABLE_COLUMN_GAP = 3  # spaces of layout text that separate two cells (words of one cell have fewer)
PDF_TABLE_MIN_ROWS = 2  # rows with figures a table needs
PDF_TABLE_MAX_LABEL_LINES = 3  # label-only lines ("Current assets:") a table may hold in a row
PDF_TABLE_MAX_HEADER_LINES = 4  # lines above a table's first row that may head its columns
# Share of a table's words that pypdf's plain text must hold in the same order, with no more than the rest
# of other words between them, for the table to replace them (else the page keeps its plain text).
PDF_TABLE_MIN_AGREEMENT = 0.9
