"""A small deterministic stand-in for Assistant, for TUI tests and snapshots that must not depend on the model."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import time
from collections.abc import Sequence
from pathlib import Path

from assistant.errors import BoardroomError
from assistant.registers.model import Action, Decision, DocumentRegisters, Meeting, Source, to_dict
from assistant.registers.views import Registers
from assistant.types import Answer, Chunk, Citation, Document, Filters, Passage, Section, Turn

_LETTER = """Annual assessment of Example Integrated Care Board's performance in 2023/24

I am writing to set out NHS England's assessment of the ICB's performance in 2023/24.

Finance. The system reported a deficit of £90.7m against a planned deficit of £42.0m. The ICB itself met its \
financial duties. Recovery of the underlying position remains the system's main risk.

Urgent care. Four-hour performance improved to 74% in March 2024, short of the national ambition of 76%.

Yours sincerely,
A Director"""

_MINUTES = """Minutes of the Board meeting held on 26 September 2024

Item 7 Finance report. The Chief Finance Officer reported a year-to-date deficit of £12.3m at month 5. \
The Board noted the position and the recovery actions.

Item 8 Quality. The Board discussed the continuing healthcare (CHC) backlog, now 140 cases.

Item 9 Any other business. None."""


def _split(doc_id: str, text: str, pages: bool) -> list[Chunk]:
    chunks: list[Chunk] = []
    start = 0
    for i, para in enumerate(text.split("\n\n")):
        end = start + len(para)
        title = para.split(".")[0][:30]
        page = (i // 2) + 1 if pages else None
        chunks.append(Chunk(f"{doc_id}-{i}", doc_id, para, page, page, ("Item", title), start, end))
        start = end + 2
    return chunks


def _source(doc_id: str, text: str, quote: str, section: tuple[str, ...], page: int | None) -> Source:
    start = text.index(quote)
    return Source(doc_id, section, page, page, start, start + len(quote), quote)


def fake_registers(documents: Sequence[Document], *, with_actions: bool) -> Registers:
    """Real `Registers` over hand-made entries of the fake minutes: one decision, no attendance, interests
    whose register could not be read; with_actions adds three actions (open and overdue, open, complete),
    else the action log is noted as unreadable."""
    meeting = Meeting("Board meeting", "2024-09-26")
    decided = "The Board noted the position and the recovery actions."
    decision = Decision(meeting, "Item 7 Finance report", "noted", decided,
                        _source("minutes", _MINUTES, decided, ("Item", "Item 7 Finance report"), 1))
    actions: tuple[Action, ...] = ()
    notes = ["a register of interests (Item 9) has no readable rows"]
    if with_actions:
        def action(ref: str, text: str, owner: str, due: str, status: str) -> Action:
            quote = text.split(".")[0]
            return Action(meeting, ref, "2024-09-26", "Item 8 Quality", quote, owner, (owner,), due, "", status,
                          _source("minutes", _MINUTES, quote, ("Item", "Item 8 Quality"), 2))
        actions = (action("A/01", "The Board discussed the continuing healthcare (CHC) backlog", "Chief Nurse",
                          "2024-08-01", "open"),
                   action("A/02", "Item 9 Any other business", "Board Secretary", "2024-12-01", "open"),
                   action("A/03", "Item 7 Finance report", "Chief Finance Officer", "2024-07-01", "complete"))
    else:
        notes.insert(0, "an action log (Item 8) has no readable rows")
    stored = {"minutes": to_dict(DocumentRegisters(decisions=(decision,), actions=actions, notes=tuple(notes)))}
    return Registers(list(documents), stored, {})


class FakeAssistant:
    """Same methods as Assistant; answers by keyword, abstains otherwise."""

    def __init__(self, *, ask_error: str | None = None, ask_delay: float = 0.0) -> None:
        self.ask_error = ask_error
        self.ask_delay = ask_delay
        self.calls: list[tuple[str, tuple[Turn, ...], Filters]] = []
        self.docs = [
            Document("letter", "letter.txt", "Annual assessment 2023/24", "letter", "Example ICB",
                     dt.date(2024, 7, 31), "2023/24", "0" * 64, None),
            Document("minutes", "minutes.pdf", "Board minutes, 26 September 2024", "minutes", "Other ICB",
                     dt.date(2024, 9, 26), "2024/25", "1" * 64, 3),
        ]
        self.texts = {"letter": _LETTER, "minutes": _MINUTES}
        self.chunks = {"letter": _split("letter", _LETTER, False), "minutes": _split("minutes", _MINUTES, True)}

    @classmethod
    def factory(cls, *, open_delay: float = 0.0, **kwargs):
        def open_(corpus_dir: Path, index_dir: Path, *, update: bool = True, progress=None):
            steps = 4
            for i in range(steps):
                if progress:
                    progress("Embedding", i, steps)
                time.sleep(open_delay / steps)
            return cls(**kwargs)

        return open_

    def _passage(self, doc_id: str, index: int, rank: int) -> Passage:
        doc = next(d for d in self.docs if d.doc_id == doc_id)
        return Passage(self.chunks[doc_id][index], doc, 1.0 / rank, rank)

    def ask(self, question: str, history: Sequence[Turn] = (), filters: Filters = Filters(), on_text=None) -> Answer:
        self.calls.append((question, tuple(history), filters))
        if self.ask_delay:
            time.sleep(self.ask_delay)
        if self.ask_error:
            raise BoardroomError(self.ask_error)
        q = question.lower()
        closest = (self._passage("letter", 2, 1), self._passage("minutes", 1, 2))
        if "deficit" in q or "financ" in q:
            p1, p2 = closest
            text = ("The system reported a **deficit of £90.7m** for 2023/24 against a planned £42.0m [1]. "
                    "By month 5 of 2024/25 the year-to-date deficit was £12.3m [2].")
            cites = (
                Citation(1, p1, "The system reported a deficit of £90.7m against a planned deficit of £42.0m."),
                Citation(2, p2, "The Chief Finance Officer reported a year-to-date deficit of £12.3m at month 5."),
            )
            return Answer(question, text, cites, closest, False, {"retrieve": 120.0, "answer": 80.0})
        return Answer(question, "", (), closest, True, {"retrieve": 100.0})

    def search(self, query: str, k: int = 10, filters: Filters = Filters()) -> list[Passage]:
        return []

    def documents(self) -> list[Document]:
        return list(self.docs)

    def document_text(self, doc_id: str) -> str:
        return self.texts[doc_id]

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        return list(self.chunks[doc_id])

    def sections_of(self, doc_id: str) -> list[Section]:
        return []

    def organisations(self) -> list[str]:
        return sorted({d.organisation for d in self.docs if d.organisation})

    def registers(self) -> Registers:
        return fake_registers(self.docs, with_actions=False)


async def wait_for(pilot, condition, timeout: float = 10.0, step: float = 0.02) -> None:
    """Pause the pilot until condition() is true (workers run in threads, so poll)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {condition}")
        await pilot.pause(step)
    await pilot.pause()


def fake_app(**fake_kwargs):
    """A BoardroomApp over the FakeAssistant (open_delay=… slows the load)."""
    from assistant.tui import make_app

    open_delay = fake_kwargs.pop("open_delay", 0.0)
    export_dir = fake_kwargs.pop("export_dir", None)
    return make_app(Path("corpus"), Path("index"), assistant_factory=FakeAssistant.factory(open_delay=open_delay,
                                                                                        **fake_kwargs),
                    export_dir=export_dir)


def pilot_test(fn):
    """Run an async Pilot test with asyncio.run (the project has no async pytest plugin)."""

    @functools.wraps(fn)
    def run(*args, **kwargs):
        return asyncio.run(fn(*args, **kwargs))

    return run
