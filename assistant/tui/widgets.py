"""The chat screen's widgets. Each one reports upward with a dataclass message; none does blocking work."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Group
from rich.padding import Padding
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Label, Markdown, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from ..labels import passage_meta, reference_line
from ..types import Answer
from .formatting import SourceItem, link_citations, sources_of

WIDE_AT = 110  # columns from which the sources sit beside the conversation, with quoted snippets


@dataclass
class SourceChosen(Message):
    """The user picked a citation (or a closest passage) to read."""

    item: SourceItem


@dataclass
class TurnChosen(Message):
    """The user clicked an earlier exchange: its sources should be shown."""

    turn: "TurnView"


class QuestionInput(Input):
    """The question box, with shell-like history on up/down."""

    BINDINGS = [
        Binding("up", "history(-1)", "Previous question", show=False),
        Binding("down", "history(1)", "Next question", show=False),
    ]

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("select_on_focus", False)  # coming back to a draft must not select it for overwriting
        super().__init__(**kwargs)
        self.past: list[str] = []
        self._pos: int | None = None  # index into past while browsing; None when editing a draft
        self._draft = ""

    def remember(self, question: str) -> None:
        if question and (not self.past or self.past[-1] != question):
            self.past.append(question)
        self._pos = None
        self._draft = ""

    def action_history(self, step: int) -> None:
        if not self.past:
            return
        if self._pos is None:
            if step > 0:
                return
            self._draft = self.value
            self._pos = len(self.past) - 1
        else:
            self._pos += step
            if self._pos >= len(self.past):
                self._pos = None
                self.value = self._draft
                self.cursor_position = len(self.value)
                return
            self._pos = max(0, self._pos)
        self.value = self.past[self._pos]
        self.cursor_position = len(self.value)


class StatusLine(Horizontal):
    """One line under the conversation: what the assistant is doing, with a bar while an index builds."""

    def compose(self) -> ComposeResult:
        yield Label("Starting…", id="status-text")
        yield ProgressBar(id="status-progress", show_eta=False)

    def show(self, text: str, done: int | None = None, total: int | None = None) -> None:
        self.query_one("#status-text", Label).update(text)
        bar = self.query_one("#status-progress", ProgressBar)
        if total:
            bar.update(total=total, progress=done or 0)
            bar.display = True
        else:
            bar.display = False


class TurnView(Vertical):
    """One exchange of the conversation: the question, then the answer (or a waiting line)."""

    DEFAULT_CLASSES = "turn"

    def __init__(self, question: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.question = question
        self.answer: Answer | None = None
        self.pending_text = "Thinking…"

    def compose(self) -> ComposeResult:
        yield Static(Text(self.question), classes="question")
        yield Static(self.pending_text, classes="pending")

    def set_pending(self, text: str) -> None:
        self.pending_text = text
        for pending in self.query(".pending"):
            pending.update(text)

    def show_draft(self, text: str) -> None:
        """The answer as a local model writes it, shown until the checked answer replaces it."""
        drafts = self.query(".draft")
        if drafts:
            drafts.first(Static).update(Text(text))
            return
        self.set_pending("The local model is writing; the answer is checked against its sources when it is done…")
        self.mount(Static(Text(text), classes="draft"))

    def show_answer(self, answer: Answer) -> None:
        self.answer = answer
        self.query(".pending, .draft").remove()
        items = sources_of(answer)
        if answer.abstained:
            self.add_class("-abstained")
            text = answer.text.strip()
            if text.lower().startswith("the papers don"):  # the composer's own wording leads
                first, _, rest = text.partition("\n")
                body = f"**{first}**" + (f"\n\n{rest.strip()}" if rest.strip() else "")
            else:
                body = "**The papers don't say.**" + (f"\n\n{text}" if text else "")
            self.mount(Markdown(body, classes="answer", open_links=False))
            if items:
                lines = "\n".join(f"- {reference_line(i.label, i.passage)}" for i in items)
                self.mount(Static("Closest passages — not an answer:", classes="closest-title"))
                self.mount(Static(Text(lines), classes="closest"))
        else:
            text = link_citations(answer.text, (c.n for c in answer.citations))
            self.mount(Markdown(text, classes="answer", open_links=False))
        total_ms = answer.timings.get("total", sum(answer.timings.values())) if answer.timings else 0
        n = len(answer.citations)
        note = f"{n} source{'' if n == 1 else 's'}" if not answer.abstained else "no answer in the papers"
        if total_ms:
            note += f" · {total_ms / 1000:.1f} s" if total_ms >= 1000 else f" · {total_ms:.0f} ms"
        if answer.generation is not None:  # what became of the local model's answer, in one line
            outcome = answer.generation.outcome.replace(" ", "-")
            self.mount(Static(Text(answer.generation.note), classes=f"check-note -{outcome}"))
        self.mount(Static(note, classes="turn-meta"))

    @on(Markdown.LinkClicked)
    def _cite_clicked(self, event: Markdown.LinkClicked) -> None:
        event.stop()
        if self.answer is None or not event.href.startswith("cite:"):
            return
        n = event.href.removeprefix("cite:")
        for item in sources_of(self.answer):
            if item.label == n:
                self.post_message(SourceChosen(item))
                return

    def on_click(self) -> None:
        if self.answer is not None:
            self.post_message(TurnChosen(self))


class ChatLog(VerticalScroll):
    """The conversation as a scrolling log of TurnViews."""

    can_focus = True

    def compose(self) -> ComposeResult:
        yield Static(
            "Ask a question about the board papers. Every answer cites its document, item and page.\n"
            "F1 help · Ctrl+O documents · Ctrl+R registers · Ctrl+F filters · Ctrl+P commands",
            id="welcome",
        )

    def add_turn(self, question: str) -> TurnView:
        turn = TurnView(question)
        self.mount(turn)
        self.anchor()  # stay at the bottom while the answer renders and grows (until the user scrolls)
        return turn

    def clear_turns(self) -> None:
        self.query(TurnView).remove()


class SourcesPanel(OptionList):
    """The sources of the selected answer; Enter or click opens one in the passage viewer."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.items: list[SourceItem] = []
        self.answer: Answer | None = None
        self.compact: bool | None = None  # narrow layouts leave out the quoted snippets
        self.border_title = "Sources"
        self.add_class("-empty")

    def on_resize(self) -> None:
        if self.compact is not None and self.compact != self._is_compact():
            self.show(self.answer)

    def _is_compact(self) -> bool:
        return self.app.size.width < WIDE_AT

    def show(self, answer: Answer | None) -> None:
        self.answer = answer
        self.compact = self._is_compact()
        self.clear_options()
        self.items = sources_of(answer) if answer is not None else []
        self.set_class(not self.items, "-empty")
        if answer is None:
            self.border_title = "Sources"
        elif self.items and not self.items[0].is_citation:
            self.border_title = "Closest passages — not an answer"
        else:
            self.border_title = f"Sources ({len(self.items)})"
        for item in self.items:
            title = Text()
            title.append(f"[{item.label}] ", style="bold")
            title.append(item.passage.document.title)
            parts = [title, Padding(Text(passage_meta(item.passage), style="dim"), (0, 0, 0, 4))]
            if not self.compact:
                snippet = " ".join((item.quote or item.passage.chunk.text).split())
                if len(snippet) > 160:
                    snippet = snippet[:159].rsplit(" ", 1)[0] + "…"
                parts.append(Padding(Text(f"“{snippet}”", style="italic"), (0, 0, 0, 4)))
            self.add_option(Option(Group(*parts), id=f"src-{item.label}"))
        if self.items:
            self.highlighted = 0

    def item(self, label: str) -> SourceItem | None:
        return next((i for i in self.items if i.label == label), None)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.items):
            self.post_message(SourceChosen(self.items[event.option_index]))
