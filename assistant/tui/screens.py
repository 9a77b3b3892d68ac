"""The full screens: the chat, the passage viewer and the documents browser.

Blocking library calls run in thread workers that post dataclass messages back to their screen.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from ..errors import BoardroomError
from ..labels import date_label, pages_label, section_label
from ..types import Answer, Chunk, Document, Filters, Turn
from .formatting import answer_with_references, chunk_at, context_window, find_quote, overlap
from .widgets import (
    ChatLog,
    QuestionInput,
    SourceChosen,
    SourcesPanel,
    StatusLine,
    TurnChosen,
    TurnView,
)

if TYPE_CHECKING:
    from .app import BoardroomApp

QUOTE_STYLE = "bold black on #e5c07b"
DRAFT_INTERVAL = 0.05  # seconds between updates of an answer a local model is writing


def describe_error(exc: BaseException) -> str:
    """One line for a notification: library errors speak for themselves, anything else names its type."""
    if isinstance(exc, BoardroomError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


class BoardroomScreen(Screen):
    @property
    def boardroom(self) -> "BoardroomApp":
        return cast("BoardroomApp", self.app)


# --------------------------------------------------------------------------------------------- chat


@dataclass
class AnswerReady(Message):
    turn: TurnView
    answer: Answer
    generation: int


@dataclass
class AnswerDraft(Message):
    """The text a local model has written so far (before the citation check)."""

    turn: TurnView
    text: str
    generation: int


@dataclass
class AskFailed(Message):
    turn: TurnView
    question: str
    error: str
    generation: int


class ChatScreen(BoardroomScreen):
    """The conversation: questions go in at the bottom, answers appear in the log, sources beside them."""

    AUTO_FOCUS = "#question"
    BINDINGS = [
        Binding("ctrl+n", "new_conversation", "New chat"),
        Binding("ctrl+s", "export", "Export"),
        Binding("ctrl+y", "copy_answer", "Copy"),
        Binding("escape", "toggle_focus", "Sources", show=False),
        Binding("question_mark", "app.help", "Help", show=False),
        Binding("slash,i", "focus_input", "Ask", show=False),
        *[Binding(str(n), f"open_source('{n}')", show=False) for n in range(1, 10)],
    ]

    def __init__(self) -> None:
        super().__init__(id="_default")
        self.turns: list[Turn] = []
        self.queue: deque[tuple[str, TurnView]] = deque()
        self.asking = False
        self.generation = 0
        self.load_error: str | None = None

    def compose(self) -> ComposeResult:
        yield Header(icon="§")
        with Horizontal(id="body"):
            yield ChatLog(id="log")
            yield SourcesPanel(id="sources")
        yield StatusLine(id="status")
        yield QuestionInput(placeholder="Ask about the board papers…  (Enter to ask, ↑ for earlier questions)",
                            id="question")
        yield Footer(compact=True, show_command_palette=False)  # every key fits in 80 columns (Ctrl+P: welcome line)

    def on_mount(self) -> None:
        self.status.show("Loading the index…")
        self.boardroom.start_loading()

    # -- widgets
    @property
    def question_input(self) -> QuestionInput:
        return self.query_one("#question", QuestionInput)

    @property
    def log_view(self) -> ChatLog:
        return self.query_one("#log", ChatLog)

    @property
    def sources(self) -> SourcesPanel:
        return self.query_one("#sources", SourcesPanel)

    @property
    def status(self) -> StatusLine:
        return self.query_one("#status", StatusLine)

    # -- loading, driven by the app's loader
    def show_loading(self, text: str, done: int | None = None, total: int | None = None) -> None:
        self.status.show(text, done, total)

    def assistant_ready(self, summary: str) -> None:
        self.load_error = None
        self.status.show(summary)
        self._pump()

    def assistant_failed(self, error: str) -> None:
        self.load_error = error
        self.status.show(f"Could not open the papers: {error}")
        self.notify(error, title="Could not open the papers", severity="error", timeout=10)
        while self.queue:
            question, turn = self.queue.popleft()
            turn.remove()
            self._restore_question(question)

    # -- asking
    @on(QuestionInput.Submitted, "#question")
    def _submitted(self, event: QuestionInput.Submitted) -> None:
        question = event.value.strip()
        if not question:
            return
        if self.load_error is not None:
            self.notify(self.load_error, title="Could not open the papers", severity="error")
            return
        self.question_input.remember(question)
        self.question_input.value = ""
        turn = self.log_view.add_turn(question)
        self.queue.append((question, turn))
        self._pump()

    def _pump(self) -> None:
        """Start the next queued question when the assistant is free; say why a question waits otherwise."""
        assistant = self.boardroom.assistant
        if assistant is None:
            for _, turn in self.queue:
                turn.set_pending("Still loading the papers — your question will be asked as soon as they are ready.")
            return
        if self.asking or not self.queue:
            for _, turn in self.queue:
                turn.set_pending("Waiting for the previous answer…")
            return
        question, turn = self.queue.popleft()
        turn.set_pending("Thinking…")
        self.asking = True
        self._ask(assistant, question, tuple(self.turns), self.boardroom.filters, turn, self.generation)

    @work(thread=True, group="ask", exit_on_error=False)
    def _ask(self, assistant, question: str, history: tuple[Turn, ...], filters: Filters, turn: TurnView,
             generation: int) -> None:
        last = 0.0

        def drafted(text: str) -> None:  # at most about twenty updates a second reach the screen
            nonlocal last
            now = time.monotonic()
            if now - last >= DRAFT_INTERVAL:
                last = now
                self.post_message(AnswerDraft(turn, text, generation))

        try:
            self.boardroom.refresh_papers()  # an index rebuilt meanwhile (index --watch) is used at once
            answer = assistant.ask(question, history, filters, on_text=drafted)
        except Exception as exc:  # noqa: BLE001 — every failure becomes a notification, never a crash
            self.post_message(AskFailed(turn, question, describe_error(exc), generation))
        else:
            self.post_message(AnswerReady(turn, answer, generation))

    @on(AnswerReady)
    def _answered(self, message: AnswerReady) -> None:
        self.asking = False
        if message.generation == self.generation:
            self.turns.append(Turn(message.turn.question, message.answer))
            message.turn.show_answer(message.answer)
            self.sources.show(message.answer)
            self.log_view.anchor()
        self._pump()

    @on(AnswerDraft)
    def _drafted(self, message: AnswerDraft) -> None:
        if message.generation == self.generation and message.turn.answer is None and message.turn.is_attached:
            message.turn.show_draft(message.text)
            self.log_view.anchor()

    @on(AskFailed)
    def _failed(self, message: AskFailed) -> None:
        self.asking = False
        if message.generation == self.generation:
            message.turn.remove()
            self.notify(message.error, title="Could not answer", severity="error", timeout=8)
            self._restore_question(message.question)
        self._pump()

    def _restore_question(self, question: str) -> None:
        """Put a question that failed back in the input, unless the user is already typing another."""
        box = self.question_input
        if not box.value.strip():
            box.value = question
            box.cursor_position = len(question)
        box.focus()

    # -- sources
    @on(SourceChosen)
    def _source_chosen(self, message: SourceChosen) -> None:
        item = message.item
        note = f"Cited as [{item.label}]" if item.is_citation else f"Closest passage {item.label} — not an answer"
        self.app.push_screen(PassageScreen(item.passage.document, chunk_id=item.passage.chunk.chunk_id,
                                           quote=item.quote, note=note))

    @on(TurnChosen)
    def _turn_chosen(self, message: TurnChosen) -> None:
        self.sources.show(message.turn.answer)

    def action_open_source(self, label: str) -> None:
        item = self.sources.item(label)
        if item is None:
            self.notify(f"No source [{label}] for this answer", severity="warning", timeout=3)
            return
        self.post_message(SourceChosen(item))

    def action_toggle_focus(self) -> None:
        if self.focused is self.question_input:
            (self.sources if self.sources.items else self.log_view).focus()
        else:
            self.question_input.focus()

    def action_focus_input(self) -> None:
        self.question_input.focus()

    def on_key(self, event: events.Key) -> None:
        """Typing anywhere on the chat goes to the question box (digits 1–9 still pick sources)."""
        box = self.question_input
        if self.focused is box or not event.is_printable or not event.character:
            return
        if event.character in "123456789" and self.sources.items:
            return
        if event.character in "?/" and not box.value:
            return
        event.stop()
        event.prevent_default()
        box.focus()
        box.insert_text_at_cursor(event.character)

    # -- conversation actions
    def action_new_conversation(self) -> None:
        self.generation += 1
        self.turns.clear()
        while self.queue:
            self.queue.popleft()[1].remove()
        self.log_view.clear_turns()
        self.sources.show(None)
        self.question_input.focus()
        self.notify("New conversation: earlier questions are no longer used as context.", timeout=3)

    def action_copy_answer(self) -> None:
        if not self.turns:
            self.notify("Nothing to copy yet.", severity="warning", timeout=3)
            return
        self.app.copy_to_clipboard(answer_with_references(self.turns[-1].answer))
        self.notify("Copied the last answer with its references.", timeout=3)

    def action_export(self) -> None:
        self.boardroom.action_export()


# ---------------------------------------------------------------------------------- passage viewer


@dataclass
class DocumentLoaded(Message):
    text: str
    chunks: list[Chunk]


@dataclass
class DocumentFailed(Message):
    error: str


class PassageScreen(BoardroomScreen):
    """A document's text around one passage, the quoted sentence highlighted; steps through its chunks."""

    BINDINGS = [
        Binding("escape,q", "close", "Close"),
        Binding("p,left", "step(-1)", "Previous passage"),
        Binding("n,right", "step(1)", "Next passage"),
    ]

    def __init__(self, document: Document, *, chunk_id: str | None = None, quote: str = "", note: str = "",
                 span: tuple[int, int] | None = None) -> None:
        """Opens at the chunk `chunk_id` with `quote` highlighted, or at the chunk holding `span` (character
        offsets into the document's text, as a register entry's source gives them) with that span highlighted."""
        super().__init__()
        self.document = document
        self.chunk_id = chunk_id
        self.quote = quote
        self.span = span
        self.note = note
        self.text = ""
        self.chunks: list[Chunk] = []
        self.index = 0
        self.cited_index: int | None = None
        self.highlight: tuple[int, int] | None = None  # the quote's span inside the current chunk's text

    def compose(self) -> ComposeResult:
        yield Static(Text(self.document.title, style="bold"), id="viewer-header")
        with VerticalScroll(id="viewer-body"):
            yield Static("Reading the document…", id="before")
            yield Static("", id="passage")
            yield Static("", id="after")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#viewer-body").focus()
        self._load(self.document.doc_id)

    @work(thread=True, exit_on_error=False)
    def _load(self, doc_id: str) -> None:
        try:
            text, chunks = self.boardroom.document_data(doc_id)
        except Exception as exc:  # noqa: BLE001
            self.post_message(DocumentFailed(describe_error(exc)))
        else:
            self.post_message(DocumentLoaded(text, chunks))

    @on(DocumentFailed)
    def _failed(self, message: DocumentFailed) -> None:
        self.query_one("#before", Static).update(f"Could not read this document: {message.error}")
        self.notify(message.error, title="Could not read the document", severity="error")

    @on(DocumentLoaded)
    def _loaded(self, message: DocumentLoaded) -> None:
        self.text, self.chunks = message.text, message.chunks
        if not self.chunks:
            self.query_one("#before", Static).update(Text(self.text or "(this document has no text)"))
            return
        index = next((i for i, c in enumerate(self.chunks) if c.chunk_id == self.chunk_id), None)
        if index is None and self.span is not None:
            index = chunk_at(self.chunks, self.span)
        self.cited_index = index
        self.show_chunk(index or 0)

    def show_chunk(self, index: int) -> None:
        self.index = index
        chunk = self.chunks[index]
        start, end = context_window(self.text, chunk)
        cited = index == self.cited_index
        span = self.span if cited else None
        if span is not None:
            self.highlight = overlap(chunk.char_start, len(chunk.text), span)
        else:
            self.highlight = find_quote(chunk.text, self.quote) if cited else None
        passage = Text(chunk.text)
        if self.highlight:
            passage.stylize(QUOTE_STYLE, *self.highlight)
        doc = self.document
        header = Text()
        header.append(doc.title, style="bold")
        header.append("\n" + " · ".join(x for x in (doc.kind, date_label(doc), doc.organisation or "") if x), style="dim")
        header.append(f"\nItem: {section_label(chunk.section_path)}")
        header.append(f"  ·  {pages_label(chunk.page_start, chunk.page_end, doc)}")
        header.append(f"  ·  passage {index + 1} of {len(self.chunks)}", style="dim")
        if self.note and index == self.cited_index:
            header.append(f"  ·  {self.note}", style="bold")
        self.query_one("#viewer-header", Static).update(header)
        before = Text(self.text[start:chunk.char_start].rstrip("\n"), style="dim")
        after = Text(self.text[chunk.char_end:end].lstrip("\n"), style="dim")
        for piece, offset in ((before, start), (after, end - len(after.plain))):  # a span running past the chunk
            spill = overlap(offset, len(piece.plain), span)
            if spill:
                piece.stylize(QUOTE_STYLE, *spill)
        self.query_one("#before", Static).update(before)
        box = self.query_one("#passage", Static)
        box.update(passage)
        box.border_title = section_label(chunk.section_path)
        box.border_subtitle = pages_label(chunk.page_start, chunk.page_end, doc)
        self.query_one("#after", Static).update(after)
        body = self.query_one("#viewer-body", VerticalScroll)
        self.call_after_refresh(body.scroll_to_widget, box, animate=False, top=True)

    def action_step(self, step: int) -> None:
        if not self.chunks:
            return
        index = self.index + step
        if 0 <= index < len(self.chunks):
            self.show_chunk(index)
        else:
            self.notify("Start of the document." if index < 0 else "End of the document.", timeout=2)

    def action_close(self) -> None:
        self.dismiss()


# ------------------------------------------------------------------------------- documents browser


@dataclass
class DocumentsLoaded(Message):
    documents: list[Document]


@dataclass
class ComparePapers(Message):
    """Two papers picked in the browser to see what changed from the older to the newer."""

    old: Document
    new: Document


class DocumentsScreen(BoardroomScreen):
    """The corpus by date; Enter reads a document, `a` restricts questions to it, `c` on two compares them."""

    BINDINGS = [
        Binding("escape,q", "close", "Close"),
        Binding("a", "only_this", "Ask only this document"),
        Binding("c", "compare", "Compare two"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.documents: list[Document] = []
        self.picked: Document | None = None  # the first of two papers to compare

    def compose(self) -> ComposeResult:
        yield Static("Documents — Enter to read, a to ask only about one, c on two to compare them, Escape to go back",
                     id="documents-title")
        yield DataTable(id="documents", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Date", "Kind", "Pages", "Organisation", "Title")
        table.loading = True
        table.focus()
        self._load()

    @work(thread=True, exit_on_error=False)
    def _load(self) -> None:
        try:
            documents = self.boardroom.list_documents()
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(self.notify, describe_error(exc), severity="error")
            documents = []
        self.post_message(DocumentsLoaded(documents))

    @on(DocumentsLoaded)
    def _loaded(self, message: DocumentsLoaded) -> None:
        self.documents = message.documents
        table = self.query_one(DataTable)
        table.loading = False
        for doc in self.documents:
            table.add_row(date_label(doc), doc.kind, str(doc.pages) if doc.pages else "—", doc.organisation or "—",
                          doc.title, key=doc.doc_id)

    def _current(self) -> Document | None:
        table = self.query_one(DataTable)
        if not self.documents or table.cursor_row is None or table.cursor_row >= len(self.documents):
            return None
        return self.documents[table.cursor_row]

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        doc = next((d for d in self.documents if d.doc_id == event.row_key.value), None)
        if doc is not None:
            self.app.push_screen(PassageScreen(doc))

    def action_compare(self) -> None:
        doc = self._current()
        if doc is None:
            return
        if self.picked is None or self.picked.doc_id == doc.doc_id:
            self.picked = doc
            self.notify(f"Picked {doc.title}: press c on a second paper to see what changed.", timeout=5)
            return
        first, self.picked = self.picked, None
        old, new = sorted((first, doc), key=lambda d: (d.date is None, d.date or 0))
        self.post_message(ComparePapers(old, new))

    def action_only_this(self) -> None:
        doc = self._current()
        if doc is not None:
            self.boardroom.set_filters(Filters(doc_ids=(doc.doc_id,)))
            self.notify(f"Questions now look only at: {doc.title}", timeout=4)
            self.dismiss()

    def action_close(self) -> None:
        self.dismiss()
