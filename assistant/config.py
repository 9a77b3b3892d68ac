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
# The ONNX encoder (embedding.py), measured in benchmarks/index_speed.py --grid (see benchmarks/README.md).
# Texts per onnxruntime call: earlier measurement on 2 cores gave 58 chunks/s for batches of 1-2, 50 for 8 and
# 41 for 16 (bigger attention tensors fall out of cache, and pad more); batches are length-sorted anyway.
ENCODER_BATCH = 2
ENCODER_THREADS = 0  # onnxruntime intra-op threads; 0: one per core, at most 8
# Whether idle onnxruntime threads spin while waiting for work. Off: on this shared 2-core machine (load 8-10)
# 2 threads with batches of 2 encoded 15.4 pieces/s without spinning and 7.4 with it (spinning threads burn the
# time slices they get; they would also take CPU from the thread that reads files ahead during a build).
ENCODER_SPINNING = False

# The embedding cache beside the index (embed_cache.py): vectors of encoder pieces by their exact text, so a
# killed build resumes and a change of chunking re-encodes only changed pieces. After a build, when it holds
# more than EMBED_CACHE_SLACK vectors per chunk of the index plus EMBED_CACHE_MIN_ROWS (a chunk has about two
# pieces), it is trimmed to the pieces of that build. 20,000 vectors take about 40 MB.
EMBED_CACHE_SLACK = 4.0
EMBED_CACHE_MIN_ROWS = 20_000

# Building: texts per call of the encoder between progress updates and cache commits (a killed build loses at
# most one slice), and the fewest new or changed files for which a thread reads ahead while the encoder works.
EMBED_SLICE = 32
READ_AHEAD_MIN_FILES = 2

# `boardroom index --watch` (watch.py): a burst of file events is built once the corpus folder has been quiet
# for WATCH_QUIET_MS (a copy in progress keeps it busy), or WATCH_MAX_WAIT_MS after its first event at the
# latest; a build that finds another running is tried again after WATCH_RETRY_SECONDS.
WATCH_QUIET_MS = 800
WATCH_MAX_WAIT_MS = 5000
WATCH_RETRY_SECONDS = 1.0
WATCH_START_SECONDS = 10.0  # the longest wait for the file watcher to be in place before the first build

# Bump when chunk boundaries or chunk context change: an index built by another version is rebuilt.
# 5: chunks grouped from embedding pieces (up to 1,400 characters); PDFs carry printed page labels and pages
#    read by OCR; files skipped as scans are read again.
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

# Reflowing text laid out a line per paragraph (PDF-to-text conversions; see ingest/reflow.py).
REFLOW_MIN_LINES = 50  # lines a file needs before its layout is judged
REFLOW_SINGLE_SHARE = 0.9  # of its paragraphs that are one line
REFLOW_CUT_SHARE = 0.5  # of those one-line paragraphs that stop mid-sentence
REFLOW_RUNNING_HEAD_REPEATS = 5  # a short line seen this often is a running head, not text
REFLOW_SMOOTHING = 2.0  # weight of a word's overall frequency against what is seen after the previous word
REFLOW_SPAN = 12  # lines after which a chain with no new line is closed (the column ended)
REFLOW_LAYOUT_CHANGE = 0.005  # chance that the layout (one column or two) changes from one line to the next

# Questions answered from the registers (register_answer.py).
# The weighted share of a question's topic words (those that do not just name a register, a person or a time)
# that a register entry must carry to answer it; below it, the question goes to ordinary retrieval.
REGISTER_TOPIC_SHARE = 0.6
REGISTER_ANSWER_ROWS = 25  # entries an answer lists; the rest are counted ("… and 4 more in the register")
BRIEF_DECISION_DAYS = 90  # `brief --registers decisions`: the decisions of this many days up to the latest one
REGISTER_QUOTE_CHARS = 80  # an entry is cited where it begins when at least this much of it (or all) lies there
