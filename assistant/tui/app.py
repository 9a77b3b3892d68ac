"""The Boardroom chat app and the one factory that builds it for the CLI and the tests.

Importing this module is cheap: the Assistant (and with it torch, faiss, the encoder) is imported and opened
in a thread worker after the first screen is up.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen

from ..types import Chunk, Document, Filters
from .dialogs import ExportScreen, FiltersScreen, HelpScreen
from .formatting import filters_label
from .register_screens import ChangesScreen, RegistersScreen
from .screens import ChatScreen, ComparePapers, DocumentsScreen, describe_error
from .widgets import WIDE_AT

# Called as factory(corpus_dir, index_dir, progress=callback) -> an object with Assistant's methods.
AssistantFactory = Callable[..., Any]


@dataclass
class LoadProgress(Message):
    stage: str
    done: int
    total: int


@dataclass
class AssistantReady(Message):
    assistant: Any
    documents: int


@dataclass
class AssistantFailed(Message):
    error: str


@dataclass
class PapersUpdated(Message):
    """The index was rebuilt (e.g. by `boardroom index --watch`) and has been opened again."""

    documents: int


def _open_real_assistant(corpus_dir: Path, index_dir: Path, **kwargs: Any) -> Any:
    from ..assistant import (
        Assistant,  # heavy dependencies load here, in the loader's thread
    )

    return Assistant.open(corpus_dir, index_dir, **kwargs)


class BoardroomApp(App[None]):
    """Holds the assistant, the filters and the documents cache; the screens hold the rest."""

    CSS_PATH = "boardroom.tcss"
    TITLE = "Boardroom"
    SUB_TITLE = "board papers, cited"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (WIDE_AT, "-wide")]
    BINDINGS = [
        Binding("f1", "help", "Help"),
        Binding("ctrl+o", "documents", "Documents"),
        Binding("ctrl+f", "filters", "Filters"),
        Binding("ctrl+r", "registers", "Registers"),
    ]

    def __init__(self, corpus_dir: Path, index_dir: Path, *, assistant_factory: AssistantFactory | None = None,
                 export_dir: Path | None = None, llm: Any = None) -> None:
        super().__init__()
        self.corpus_dir = corpus_dir
        self.index_dir = index_dir
        self.llm = llm  # LLMSettings of the local model that writes the answers, or None
        self.assistant_factory = assistant_factory or functools.partial(_open_real_assistant, llm=llm)
        self.export_dir = export_dir
        self.assistant: Any = None
        self.filters = Filters()
        self._doc_cache: dict[str, tuple[str, list[Chunk]]] = {}
        self._doc_lock = threading.Lock()
        self.chat = ChatScreen()

    # -- screens
    def get_default_screen(self) -> Screen:
        return self.chat

    def on_mount(self) -> None:
        self._update_sub_title()

    def start_loading(self) -> None:
        """Called by the chat screen once it is up: open the assistant in a thread."""
        self._load_assistant()

    # -- loading
    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load_assistant(self) -> None:
        def progress(stage: str, done: int, total: int) -> None:
            self.post_message(LoadProgress(stage, done, total))

        try:
            assistant = self.assistant_factory(self.corpus_dir, self.index_dir, progress=progress)
            documents = len(assistant.documents())
        except Exception as exc:  # noqa: BLE001 — shown in the status line and a notification
            self.post_message(AssistantFailed(describe_error(exc)))
        else:
            self.post_message(AssistantReady(assistant, documents))

    @on(LoadProgress)
    def _on_load_progress(self, message: LoadProgress) -> None:
        if message.total > 1:
            self.chat.show_loading(f"{message.stage}: {message.done}/{message.total}", message.done, message.total)
        else:  # a single step (e.g. loading the model) has nothing to count
            self.chat.show_loading(f"{message.stage}…")

    @on(AssistantReady)
    def _on_assistant_ready(self, message: AssistantReady) -> None:
        self.assistant = message.assistant
        self.chat.assistant_ready(self._ready_line(message.documents))

    @on(PapersUpdated)
    def _on_papers_updated(self, message: PapersUpdated) -> None:
        self.chat.status.show(f"{self._ready_line(message.documents)} · papers updated {dt.datetime.now():%H:%M}")

    def _ready_line(self, documents: int) -> str:
        model = f" · answers written by {self.llm.model} at {self.llm.where}, checked" if self.llm else ""
        return f"Ready · {documents} documents{model}"

    def refresh_papers(self) -> None:
        """Pick up an index rebuilt since it was opened (checked cheaply before each question and each use of
        the documents or registers). Blocking: call from a worker thread."""
        reopen = getattr(self.assistant, "reopen_if_rebuilt", None)
        if reopen is not None and reopen():
            with self._doc_lock:
                self._doc_cache.clear()
            self.post_message(PapersUpdated(len(self.assistant.documents())))

    @on(AssistantFailed)
    def _on_assistant_failed(self, message: AssistantFailed) -> None:
        self.chat.assistant_failed(message.error)

    # -- library calls for the screens' workers (blocking: call from threads only)
    def list_documents(self) -> list[Document]:
        return list(self._require().documents())

    def document_data(self, doc_id: str) -> tuple[str, list[Chunk]]:
        with self._doc_lock:
            cached = self._doc_cache.get(doc_id)
        if cached is None:
            assistant = self._require()
            cached = (assistant.document_text(doc_id), list(assistant.chunks_of(doc_id)))
            with self._doc_lock:
                self._doc_cache[doc_id] = cached
        return cached

    def registers(self) -> Any:
        """The opened index's registers (`assistant.registers.views.Registers`)."""
        return self._require().registers()

    def changes(self, old_path: str, new_path: str) -> Any:
        """What changed between two papers (`assistant.registers.changes.Changes`)."""
        return self._require().changes(old_path, new_path)

    def _require(self) -> Any:
        if self.assistant is None:
            from ..errors import BoardroomError

            raise BoardroomError("the papers are still loading; try again in a moment")
        self.refresh_papers()
        return self.assistant

    def _ready_or_warn(self) -> bool:
        if self.assistant is None:
            self.notify("Still loading the papers — try again in a moment.", severity="warning", timeout=3)
            return False
        return True

    # -- filters
    def set_filters(self, filters: Filters) -> None:
        self.filters = filters
        self._update_sub_title()

    def _update_sub_title(self) -> None:
        self.sub_title = filters_label(self.filters) or "all papers"

    # -- actions
    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_documents(self) -> None:
        if self._ready_or_warn() and not isinstance(self.screen, DocumentsScreen):
            self.push_screen(DocumentsScreen())

    def action_registers(self) -> None:
        if self._ready_or_warn() and not isinstance(self.screen, RegistersScreen):
            self.push_screen(RegistersScreen())

    @on(ComparePapers)
    def _compare(self, message: ComparePapers) -> None:
        self.push_screen(ChangesScreen(message.old, message.new))

    def action_filters(self) -> None:
        if not self._ready_or_warn() or isinstance(self.screen, FiltersScreen):
            return
        self.push_screen(FiltersScreen(self.filters, list(self.assistant.organisations())), self._filters_chosen)

    def _filters_chosen(self, filters: Filters | None) -> None:
        if filters is None:
            return
        self.set_filters(filters)
        if self.screen is self.chat:
            self.chat.action_focus_input()
        self.notify(filters_label(filters) or "Filters cleared: questions look at all papers.", timeout=3)

    def action_clear_filters(self) -> None:
        self._filters_chosen(Filters())

    def action_new_conversation(self) -> None:
        self.chat.action_new_conversation()

    def action_copy_answer(self) -> None:
        self.chat.action_copy_answer()

    def default_export_path(self) -> Path:
        name = dt.datetime.now().strftime("briefing-%Y-%m-%d-%H%M.md")
        return (self.export_dir or Path.cwd()) / name

    def action_export(self) -> None:
        if not self.chat.turns:
            self.notify("Nothing to export yet: ask a question first.", severity="warning", timeout=3)
            return
        self.push_screen(ExportScreen(self.default_export_path()), self.export_briefing)

    def export_briefing(self, path: Path | None) -> None:
        if path is None:
            return
        try:
            from ..export import briefing_markdown
        except ImportError:
            self.notify("Briefing export is not available in this build.", severity="error")
            return
        title = f"Briefing — {dt.date.today().strftime('%-d %B %Y')}"
        try:
            text = briefing_markdown(self.chat.turns, title)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except Exception as exc:  # noqa: BLE001
            self.notify(describe_error(exc), title="Could not save the briefing", severity="error")
            return
        self.notify(f"Saved the briefing to {path}", title="Exported", timeout=6)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand("New conversation", "Forget the context and start again", self.action_new_conversation)
        yield SystemCommand("Documents", "Browse and read the papers", self.action_documents)
        yield SystemCommand("Registers", "Decisions, actions, attendance and interests, each with its source",
                            self.action_registers)
        yield SystemCommand("Filters", "Limit questions by organisation, kind or dates", self.action_filters)
        if not self.filters.is_empty():
            yield SystemCommand("Clear filters", "Questions look at all papers again", self.action_clear_filters)
        yield SystemCommand("Export briefing", "Save the conversation as Markdown with references",
                            self.action_export)
        yield SystemCommand("Copy last answer", "Copy the last answer and its references", self.action_copy_answer)
        yield SystemCommand("Help", "Keys and what they do", self.action_help)
        yield from super().get_system_commands(screen)


def make_app(corpus_dir: Path, index_dir: Path, *, assistant_factory: AssistantFactory | None = None,
             export_dir: Path | None = None, llm: Any = None) -> BoardroomApp:
    """Build the chat app. `assistant_factory(corpus_dir, index_dir, progress=cb)` defaults to Assistant.open
    (with `llm`, the local model's settings, when given)."""
    return BoardroomApp(Path(corpus_dir), Path(index_dir), assistant_factory=assistant_factory, export_dir=export_dir,
                        llm=llm)
