"""A rich progress bar on stderr fed by the library's progress(stage, done, total) callback."""

from __future__ import annotations

import sys


class ProgressBar:
    """Shows nothing until the first update with a total > 1, so a ready index opens silently."""

    def __init__(self, *, transient: bool = False) -> None:
        self._progress = None
        self._tasks: dict[str, int] = {}
        self._transient = transient  # True: the bars are cleared when closed

    def __enter__(self) -> "ProgressBar":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def update(self, stage: str, done: int, total: int) -> None:
        if total <= 1 and self._progress is None:
            return
        if self._progress is None:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(TextColumn("{task.description:<12}"), BarColumn(), MofNCompleteColumn(),
                                      TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(),
                                      console=Console(file=sys.stderr), transient=self._transient)
            self._progress.start()
        if stage not in self._tasks:
            self._tasks[stage] = self._progress.add_task(stage, total=max(total, 1))
        self._progress.update(self._tasks[stage], completed=done, total=max(total, 1))
