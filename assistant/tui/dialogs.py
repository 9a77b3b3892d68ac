"""Small modal dialogs: filters, the briefing file name, and the help screen of keys."""

from __future__ import annotations

from pathlib import Path

from rich import box
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from ..filters import parse_date
from ..types import KINDS, Filters


class FiltersScreen(ModalScreen[Filters | None]):
    """Organisation, kind and date range. Dismisses with the new Filters, or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "apply", "Apply")]

    def __init__(self, current: Filters, organisations: list[str]) -> None:
        super().__init__()
        self.current = current
        self.organisations = organisations

    def compose(self) -> ComposeResult:
        cur = self.current
        org_options = [(o, o) for o in self.organisations]
        kinds = [(k, k) for k in KINDS]
        with Vertical(id="dialog", classes="dialog"):
            yield Label("Filters — questions only look at matching papers", classes="dialog-title")
            yield Label("Organisation")
            yield Select(org_options, prompt="Any organisation", id="organisation",
                         value=cur.organisations[0] if cur.organisations and cur.organisations[0] in self.organisations
                         else Select.NULL)
            yield Label("Kind")
            yield Select(kinds, prompt="Any kind", id="kind", value=cur.kinds[0] if cur.kinds else Select.NULL)
            yield Label("Date range (YYYY-MM-DD, YYYY-MM or YYYY; blank for open)")
            with Horizontal(classes="dates"):
                yield Input(cur.since.isoformat() if cur.since else "", placeholder="from", id="since")
                yield Input(cur.until.isoformat() if cur.until else "", placeholder="until", id="until")
            with Horizontal(classes="buttons"):
                yield Button("Apply", variant="primary", id="apply")
                yield Button("Clear all", id="clear")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#organisation", Select).focus()

    def _collect(self) -> Filters | None:
        org = self.query_one("#organisation", Select).value
        kind = self.query_one("#kind", Select).value
        try:
            since = parse_date(self.query_one("#since", Input).value)
            until = parse_date(self.query_one("#until", Input).value, end=True)
        except ValueError as exc:
            self.notify(str(exc), severity="error")
            return None
        if since and until and since > until:
            self.notify("The start date is after the end date.", severity="error")
            return None
        return Filters(
            organisations=(org,) if isinstance(org, str) else (),
            kinds=(kind,) if isinstance(kind, str) else (),
            since=since,
            until=until,
            doc_ids=self.current.doc_ids,
        )

    @on(Button.Pressed, "#apply")
    @on(Input.Submitted)
    def action_apply(self) -> None:
        filters = self._collect()
        if filters is not None:
            self.dismiss(filters)

    @on(Button.Pressed, "#clear")
    def _clear(self) -> None:
        self.dismiss(Filters())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ExportScreen(ModalScreen[Path | None]):
    """Ask where to save the briefing; Enter accepts the suggested name."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, default: Path) -> None:
        super().__init__()
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="export-dialog"):
            yield Label("Save the conversation as a Markdown briefing", classes="dialog-title")
            yield Input(str(self.default), id="export-path")
            yield Label("Enter to save · Escape to cancel", classes="dim")

    @on(Input.Submitted, "#export-path")
    def _save(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        if value:
            self.dismiss(Path(value).expanduser())

    def action_cancel(self) -> None:
        self.dismiss(None)


KEYS = (
    ("Enter", "question box", "ask; follow-ups use the conversation"),
    ("↑ / ↓", "question box", "earlier questions"),
    ("Escape", "chat", "question box ⇄ sources"),
    ("1–9", "chat, not typing", "open citation [n] in the passage viewer"),
    ("Enter, click", "sources; [n] in answer", "open that source"),
    ("Ctrl+N", "chat", "new conversation (forget the context)"),
    ("Ctrl+S", "chat", "save the conversation as a briefing"),
    ("Ctrl+Y", "chat", "copy the last answer and references"),
    ("Ctrl+O", "anywhere", "documents browser"),
    ("Ctrl+F", "anywhere", "filters: organisation, kind, dates"),
    ("Ctrl+R", "anywhere", "registers: decisions, actions, attendance, interests"),
    ("1–4", "registers", "decisions / actions / attendance / interests tab"),
    ("/", "registers", "filter the rows by words; Enter back to the table"),
    ("o", "registers", "actions: all → open → overdue"),
    ("Enter", "registers", "open the row's source in the passage viewer"),
    ("n/→, p/←", "passage viewer", "next / previous passage"),
    ("a", "documents", "ask only about this document"),
    ("c, then c", "documents", "what changed between two papers"),
    ("Escape, q", "viewer, documents", "back"),
    ("Escape", "registers", "back to the chat"),
    ("Ctrl+P", "anywhere", "command palette"),
    ("F1, ?", "anywhere", "this help"),
    ("Ctrl+Q", "anywhere", "quit"),
)

HELP_NOTE = (
    "Answers cite their sources as [n]: document, item (section) and pages (\"no pages\" for text files). "
    "When the papers do not answer a question, Boardroom says so and lists the closest passages, "
    "marked as not an answer."
)


def keys_table() -> Table:
    table = Table(box=box.SIMPLE_HEAD, expand=True, show_edge=False, pad_edge=False)
    table.add_column("Key", style="bold", no_wrap=True)
    table.add_column("Where", style="dim")
    table.add_column("What", ratio=1)
    for row in KEYS:
        table.add_row(*(Text(cell) for cell in row))
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,f1,question_mark", "close", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="help-dialog"):
            yield Label("Boardroom keys", classes="dialog-title")
            yield Static(keys_table())
            yield Static(Text(HELP_NOTE), classes="dim")

    def action_close(self) -> None:
        self.dismiss(None)
