"""Keep an index up to date with its corpus folder as papers are added, changed or removed (`index --watch`).

A watcher thread (watchfiles: the operating system's file events) runs from before the first build until
the end, so nothing that changes during a long build is missed. Each burst of events, once the folder has
been quiet for a moment, brings one incremental build: only new or changed files are read, and nothing is
written when no paper changed, so events of other files cost a look at the folder's file sizes and times.
The encoder is loaded once, when something first needs encoding.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path

from . import config
from .embedding import Embedder, LazyEmbedder
from .errors import IndexLocked
from .indexer import BuildReport, Progress, build_index


def watch_index(corpus_dir: Path, index_dir: Path, on_build: Callable[[BuildReport], None], *,
                embedder: Embedder | None = None, progress: Callable[[], Progress | None] = lambda: None,
                stop: threading.Event | None = None) -> None:
    """Build the index now, then again after each burst of changes under corpus_dir, calling on_build with
    each build's report, until `stop` is set (KeyboardInterrupt propagates). `progress()` gives each build
    its progress callback. A build that finds another one running is tried again a moment later. Raises
    ReaderError when the corpus folder is missing."""
    from .ingest import iter_corpus

    corpus_dir, index_dir = Path(corpus_dir), Path(index_dir)
    iter_corpus(corpus_dir)  # ReaderError, one line, when the folder is not there
    stop = stop or threading.Event()
    embedder = embedder or LazyEmbedder()
    bursts = _Watcher(corpus_dir, index_dir, stop)
    try:
        bursts.start()
        due = True  # the first build
        while not stop.is_set():
            if due:
                try:
                    on_build(build_index(corpus_dir, index_dir, embedder=embedder, progress=progress()))
                    due = False
                except IndexLocked:  # another build is running; ours follows it
                    stop.wait(config.WATCH_RETRY_SECONDS)
                    continue
            due = bursts.wait(timeout=config.WATCH_RETRY_SECONDS)
    finally:
        stop.set()
        bursts.join(timeout=config.WATCH_RETRY_SECONDS)  # a daemon thread: never wait on it for long


class _Watcher(threading.Thread):
    """Collects file events under the corpus (but not in the index, if it lives there) into bursts."""

    def __init__(self, corpus_dir: Path, index_dir: Path, stop: threading.Event):
        super().__init__(name="boardroom-watch", daemon=True)
        self.corpus_dir = corpus_dir
        self.index_dir = index_dir.absolute()
        self.stop = stop
        self.ready = threading.Event()
        self.error: BaseException | None = None
        self._bursts: queue.SimpleQueue[int] = queue.SimpleQueue()

    def start(self) -> None:
        super().start()
        self.ready.wait(config.WATCH_START_SECONDS)  # the watcher is in place before the first build reads
        if self.error is not None:
            raise self.error

    def run(self) -> None:
        from watchfiles import DefaultFilter, watch

        base = DefaultFilter()

        def relevant(change, path: str) -> bool:
            return base(change, path) and not Path(path).absolute().is_relative_to(self.index_dir)

        try:
            for changes in watch(self.corpus_dir, watch_filter=relevant, debounce=config.WATCH_MAX_WAIT_MS,
                                 step=config.WATCH_QUIET_MS, stop_event=self.stop, rust_timeout=200,
                                 yield_on_timeout=True, raise_interrupt=False):
                self.ready.set()
                if changes:
                    self._bursts.put(len(changes))
        except BaseException as exc:  # noqa: BLE001 - handed to the building thread
            self.error = exc
            self._bursts.put(0)
        finally:
            self.ready.set()

    def wait(self, timeout: float) -> bool:
        """True when files changed (every burst seen so far is taken at once); False after `timeout` quiet
        seconds. Raises what stopped the watcher."""
        deadline = time.monotonic() + timeout
        try:
            self._bursts.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            return False
        while True:
            try:
                self._bursts.get_nowait()
            except queue.Empty:
                break
        if self.error is not None:
            raise self.error
        return True
