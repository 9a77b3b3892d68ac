"""The registers screen (decisions, actions, attendance and interests, one table per tab) and the changes
screen (what changed between two papers picked in the documents browser).

A text filter narrows the rows; the actions tab can keep only open or overdue actions; Enter opens a row's
source in the passage viewer with the text the entry was read from highlighted. Registers and changes are
read in thread workers that post a message back; nothing here touches the model.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import (
    DataTable,
    Footer,
    Input,
    Label,
    RadioButton,
    RadioSet,
    Static,
    TabbedContent,
    TabPane,
)

from ..labels import day_label
from ..types import Document
from .register_rows import (
    ACTION_SCOPES,
    CHANGE_COLUMNS,
    COLUMNS,
    TABS,
    RegisterRow,
    change_rows,
    empty_reason,
    one_sided,
    register_rows,
    visible_rows,
)
from .screens import BoardroomScreen, PassageScreen, describe_error


@dataclass
class RegistersLoaded(Message):
    rows: dict[str, list[RegisterRow]]
    reasons: dict[str, str]  # why each register is empty, shown instead of a blank table
    as_of: str  # the date of the latest paper, which "overdue" is judged against


@dataclass
class RowsFailed(Message):
    error: str


def _read_registers(registers) -> RegistersLoaded:
    rows = register_rows(registers)
    reasons = {key: empty_reason(key, registers.notes(key)) for key, _ in TABS}
    as_of = day_label(registers.as_of.isoformat()) if registers.as_of else "no dated paper"
    return RegistersLoaded(rows, reasons, as_of)


@dataclass
class RowChosen(Message):
    """Enter on a row: its source should be opened."""

    row: RegisterRow
    register: str


@dataclass
class RowShown(Message):
    """The cursor moved to a row (None: the table is empty)."""

    view: RowsView
    row: RegisterRow | None


class RowsView(Vertical):
    """One table of register rows with its filter applied; when no row is left, a line says why instead."""

    def __init__(self, key: str, register: str, columns: tuple[str, ...], **kwargs) -> None:
        super().__init__(**kwargs)
        self.key = key
        self.register = register  # how the passage viewer names where a row came from
        self.columns = columns
        self.rows: list[RegisterRow] = []
        self.shown: list[RegisterRow] = []

    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row", zebra_stripes=True)
        yield Static("", classes="register-empty")

    def on_mount(self) -> None:
        self.table.add_columns(*self.columns)
        self.table.loading = True
        self.query_one(".register-empty", Static).display = False

    @property
    def table(self) -> DataTable:
        return self.query_one(DataTable)

    def fill(self, rows: list[RegisterRow], query: str, scope: str, empty: str, no_match: str) -> None:
        """Show the rows the filter keeps; `empty` when there are none at all, `no_match` when none is kept."""
        self.rows = rows
        self.shown = visible_rows(rows, query, scope)
        table = self.table
        table.loading = False
        table.clear()
        for n, row in enumerate(self.shown):
            cells = [Text(cell) for cell in row.cells]
            if self.key == "actions":
                cells[1].stylize({"overdue": "bold red", "open": "yellow"}.get(row.cells[1], "green"))
            table.add_row(*cells, key=str(n))
        note = self.query_one(".register-empty", Static)
        note.update(Text(empty if not rows else no_match))
        table.display = bool(self.shown)
        note.display = not self.shown

    def current(self) -> RegisterRow | None:
        row = self.table.cursor_row
        return self.shown[row] if self.shown and row is not None and 0 <= row < len(self.shown) else None

    def focus_table(self) -> None:
        if self.table.display:
            self.table.focus()

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self.post_message(RowShown(self, self.current()))

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        n = int(event.row_key.value if event.row_key.value is not None else -1)
        if 0 <= n < len(self.shown):
            self.post_message(RowChosen(self.shown[n], self.register))


class RowsScreen(BoardroomScreen):
    """What the registers and changes screens share: the filter box, the detail line, opening a source."""

    AUTO_FOCUS = ""  # the table takes the focus once its rows are in (a loading table cannot)

    def on_mount(self) -> None:
        self._load()

    def read(self) -> Message:
        """The screen's rows as a message to post back (blocking: runs in the loader's thread)."""
        raise NotImplementedError

    @work(thread=True, exit_on_error=False)
    def _load(self) -> None:
        try:
            message = self.read()
        except Exception as exc:  # noqa: BLE001 — shown on the screen and as a notification
            self.post_message(RowsFailed(describe_error(exc)))
        else:
            self.post_message(message)

    @property
    def query_text(self) -> str:
        return self.query_one("#registers-filter", Input).value

    def no_match(self, total: int, scope: str = "all") -> str:
        """What a table says when rows exist but the filter (and scope) keeps none of them."""
        parts = [f"matching “{self.query_text.strip()}”"] if self.query_text.strip() else []
        if scope != "all":
            parts.append(scope)
        return f"No rows {' and '.join(parts)} (of {total})."

    def show_detail(self, row: RegisterRow | None) -> None:
        detail = self.query_one("#register-detail", Static)
        if row is None:
            detail.update("")
            return
        text = Text(row.detail)
        text.append("\n" + row.citation, style="dim")
        detail.update(text)

    @on(RowChosen)
    def _chosen(self, message: RowChosen) -> None:
        source = message.row.source
        self.app.push_screen(PassageScreen(message.row.document, quote=source.quote,
                                           span=(source.char_start, source.char_end),
                                           note=f"From the {message.register}"))

    def action_focus_filter(self) -> None:
        self.query_one("#registers-filter", Input).focus()

    def action_close(self) -> None:
        self.dismiss()


class RegistersScreen(RowsScreen):
    """Tabs of register tables over the opened index; Escape goes back to the chat as it was."""

    BINDINGS = [
        Binding("escape", "close", "Back to chat"),
        Binding("slash", "focus_filter", "Filter"),
        Binding("o", "cycle_scope", "All/open/overdue actions"),
        *[Binding(str(n), f"show_tab('{key}')", title, show=False) for n, (key, title) in enumerate(TABS, 1)],
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, list[RegisterRow]] = {key: [] for key, _ in TABS}
        self.reasons: dict[str, str] = {}
        self.scope = "all"
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Static("Registers — read from the papers when they were indexed. Enter opens a row's source · "
                     "1–4 tabs · / filter · Escape back", id="registers-title")
        yield Input(placeholder="Filter rows: words, names, dates…  (/ to type here, Enter to go to the table)",
                    id="registers-filter")
        with TabbedContent(id="registers-tabs"):
            for key, title in TABS:
                with TabPane(title, id=f"tab-{key}"):
                    if key == "actions":
                        with Horizontal(id="actions-bar"):
                            with RadioSet(id="action-scope"):
                                for scope in ACTION_SCOPES:
                                    yield RadioButton(scope.capitalize(), value=scope == "all", id=f"scope-{scope}")
                            yield Label("", id="actions-summary")
                    yield RowsView(key, f"{title.lower()} register", COLUMNS[key], id=f"rows-{key}")
        yield Static("", id="register-detail")
        yield Footer()

    def view(self, key: str) -> RowsView:
        return self.query_one(f"#rows-{key}", RowsView)

    def table(self, key: str) -> DataTable:
        return self.view(key).table

    @property
    def shown(self) -> dict[str, list[RegisterRow]]:
        return {key: self.view(key).shown for key, _ in TABS}

    @property
    def active_key(self) -> str:
        return (self.query_one(TabbedContent).active or "tab-decisions").removeprefix("tab-")

    def current(self) -> RegisterRow | None:
        return self.view(self.active_key).current()

    # -- loading
    def read(self) -> RegistersLoaded:
        return _read_registers(self.boardroom.registers())

    @on(RegistersLoaded)
    def _loaded(self, message: RegistersLoaded) -> None:
        self.rows, self.reasons, self.loaded = message.rows, message.reasons, True
        actions = self.rows["actions"]
        opened, overdue = sum(r.status == "open" for r in actions), sum(r.overdue for r in actions)
        self.query_one("#actions-summary", Label).update(
            f"{len(actions)} actions as at {message.as_of} (the latest paper): {opened} open, {overdue} overdue")
        self.refresh_tables()

    @on(RowsFailed)
    def _failed(self, message: RowsFailed) -> None:
        self.reasons = {key: f"Could not read the registers: {message.error}" for key, _ in TABS}
        self.loaded = True
        self.refresh_tables()
        self.notify(message.error, title="Could not read the registers", severity="error", timeout=8)

    # -- filtering
    def refresh_tables(self) -> None:
        for key, _ in TABS:
            self._fill(key)
        if not isinstance(self.focused, Input):
            self.view(self.active_key).focus_table()
        self.show_detail(self.current())

    def _fill(self, key: str) -> None:
        view, rows = self.view(key), self.rows[key]
        scope = self.scope if key == "actions" else "all"
        view.fill(rows, self.query_text, scope, self.reasons.get(key, ""), self.no_match(len(rows), scope))
        title = dict(TABS)[key]
        count = f"{len(view.shown)}" if len(view.shown) == len(rows) else f"{len(view.shown)}/{len(rows)}"
        self.query_one(TabbedContent).get_tab(f"tab-{key}").label = f"{title} ({count})"

    @on(Input.Changed, "#registers-filter")
    def _filter_changed(self) -> None:
        if self.loaded:
            self.refresh_tables()

    @on(Input.Submitted, "#registers-filter")
    def _filter_submitted(self) -> None:
        self.view(self.active_key).focus_table()

    @on(RadioSet.Changed, "#action-scope")
    def _scope_changed(self, event: RadioSet.Changed) -> None:
        self.scope = (event.pressed.id or "scope-all").removeprefix("scope-")
        if self.loaded:
            self._fill("actions")
            self.show_detail(self.current())

    def action_cycle_scope(self) -> None:
        following = ACTION_SCOPES[(ACTION_SCOPES.index(self.scope) + 1) % len(ACTION_SCOPES)]
        self.query_one(TabbedContent).active = "tab-actions"
        self.query_one(f"#scope-{following}", RadioButton).value = True  # the RadioSet posts Changed

    def action_show_tab(self, key: str) -> None:
        self.query_one(TabbedContent).active = f"tab-{key}"

    # -- rows
    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        key = (event.pane.id or "").removeprefix("tab-")
        if not isinstance(self.focused, Input):
            self.view(key).focus_table()
        self.show_detail(self.view(key).current())

    @on(RowShown)
    def _row_shown(self, message: RowShown) -> None:
        if message.view is self.view(self.active_key):
            self.show_detail(message.row)


# ------------------------------------------------------------------------------------------------- changes


@dataclass
class ChangesLoaded(Message):
    rows: list[RegisterRow]
    one_sided: str


class ChangesScreen(RowsScreen):
    """What changed between two papers: figures (old → new), sentences added and removed, by section."""

    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("slash", "focus_filter", "Filter"),
    ]

    def __init__(self, old: Document, new: Document) -> None:
        super().__init__()
        self.old, self.new = old, new
        self.rows: list[RegisterRow] = []
        self.empty = ""
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Static(Text(f"Changes — {self.old.title} ({day_label(self.old.date.isoformat() if self.old.date else None)})"
                          f" → {self.new.title} ({day_label(self.new.date.isoformat() if self.new.date else None)})"),
                     id="registers-title")
        yield Input(placeholder="Filter rows: words, figures…  (/ to type here, Enter to go to the table)",
                    id="registers-filter")
        yield Label("", id="changes-one-sided")
        yield RowsView("changes", "changes between the two papers", CHANGE_COLUMNS, id="rows-changes")
        yield Static("", id="register-detail")
        yield Footer()

    @property
    def view(self) -> RowsView:
        return self.query_one(RowsView)

    def read(self) -> ChangesLoaded:
        changes = self.boardroom.changes(self.old.path, self.new.path)
        return ChangesLoaded(change_rows(changes), one_sided(changes))

    @on(ChangesLoaded)
    def _loaded(self, message: ChangesLoaded) -> None:
        self.rows, self.loaded = message.rows, True
        self.empty = "No figure changed and no sentence was added or removed between the two papers."
        self.query_one("#changes-one-sided", Label).update(message.one_sided)
        self._fill()

    @on(RowsFailed)
    def _failed(self, message: RowsFailed) -> None:
        self.rows, self.loaded = [], True
        self.empty = f"Could not compare the papers: {message.error}"
        self._fill()
        self.notify(message.error, title="Could not compare the papers", severity="error", timeout=8)

    def _fill(self) -> None:
        self.view.fill(self.rows, self.query_text, "all", self.empty, self.no_match(len(self.rows)))
        if not isinstance(self.focused, Input):
            self.view.focus_table()
        self.show_detail(self.view.current())

    @on(Input.Changed, "#registers-filter")
    def _filter_changed(self) -> None:
        if self.loaded:
            self._fill()

    @on(Input.Submitted, "#registers-filter")
    def _filter_submitted(self) -> None:
        self.view.focus_table()

    @on(RowShown)
    def _row_shown(self, message: RowShown) -> None:
        self.show_detail(message.row)
