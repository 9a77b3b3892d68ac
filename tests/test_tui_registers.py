"""The registers screen: its rows and filters (pure), an empty register's reason (fake assistant), and the
whole walk on the real app over the sample corpus index: open, switch tabs, filter, open a row's source in
the passage viewer with its quote highlighted, go back to the chat with the conversation kept."""

from __future__ import annotations

import pytest

from assistant.config import PROJECT_DIR
from assistant.tui import make_app
from assistant.tui.formatting import chunk_at, overlap
from assistant.tui.register_rows import EMPTY_REASONS, cut, empty_reason, register_rows, visible_rows
from assistant.tui.register_screens import ChangesScreen, RegistersScreen
from assistant.tui.screens import ChatScreen, DocumentsScreen, PassageScreen
from assistant.types import Chunk
from tui_fakes import FakeAssistant, fake_app, fake_registers, pilot_test, wait_for

CORPUS = PROJECT_DIR / "corpus"


# -- rows and filters ---------------------------------------------------------------------------------------

def test_rows_keep_their_citation_and_filter_by_every_word():
    fake = FakeAssistant()
    rows = register_rows(fake_registers(fake.docs, with_actions=True))
    assert [len(rows[k]) for k in ("decisions", "actions", "attendance", "interests")] == [1, 3, 0, 0]
    decision = rows["decisions"][0]
    assert decision.cells[0] == "26 Sep 2024" and decision.cells[3].startswith("NOTED: The Board noted")
    text = fake.texts["minutes"]
    assert text[decision.source.char_start:decision.source.char_end] == decision.source.quote
    assert decision.citation.startswith("minutes.pdf · 26 Sep 2024 · Item › Item 7 Finance report · p. 1")
    actions = rows["actions"]
    assert [r.cells[0] for r in visible_rows(actions, "chief")] == ["A/03", "A/01"]  # owners "Chief …"
    assert [r.cells[0] for r in visible_rows(actions, "chief nurse")] == ["A/01"]  # every word must occur
    assert [r.cells[0] for r in visible_rows(actions, "NURSE   chief")] == ["A/01"]
    assert visible_rows(actions, "treasurer") == []
    assert len(visible_rows(actions, "  ")) == 3


def test_action_scopes_keep_open_then_overdue():
    rows = register_rows(fake_registers(FakeAssistant().docs, with_actions=True))["actions"]
    assert {r.cells[0]: r.cells[1] for r in rows} == {"A/01": "overdue", "A/02": "open", "A/03": "complete"}
    assert [r.cells[0] for r in visible_rows(rows, scope="open")] == ["A/01", "A/02"]
    assert [r.cells[0] for r in visible_rows(rows, scope="overdue")] == ["A/01"]
    assert [r.cells[0] for r in visible_rows(rows, "secretary", scope="overdue")] == []


def test_empty_reason_gives_that_registers_notes_else_the_general_reason():
    registers = FakeAssistant().registers()
    actions = empty_reason("actions", registers.notes("actions"))
    assert "minutes.pdf: an action log (Item 8) has no readable rows" in actions
    assert "register of interests" not in actions
    assert "minutes.pdf: a register of interests (Item 9)" in empty_reason("interests", registers.notes("interests"))
    assert empty_reason("attendance", registers.notes("attendance")) == EMPTY_REASONS["attendance"]
    assert registers.notes("decisions") == []


def test_cut_and_spans():
    assert cut("a  short\ncell") == "a short cell"
    long = cut("word " * 40, 20)
    assert len(long) <= 20 and long.endswith("…") and "  " not in long
    chunks = [Chunk(f"c{i}", "d", "x" * 10, None, None, (), 10 * i, 10 * i + 10) for i in range(3)]
    assert chunk_at(chunks, (12, 25)) == 1  # most of the span is in the second chunk
    assert chunk_at(chunks, (29, 31)) == 2
    assert chunk_at(chunks, (45, 50)) == 2  # past the end: the last chunk before it
    assert chunk_at([], (0, 1)) is None
    assert overlap(10, 10, (12, 25)) == (2, 10) and overlap(20, 10, (12, 25)) == (0, 5)
    assert overlap(0, 10, (12, 25)) is None and overlap(0, 10, None) is None


# -- the screen over the fake assistant ------------------------------------------------------------------

@pilot_test
async def test_empty_registers_show_the_recorded_reason_not_a_blank_table():
    app = fake_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.assistant is not None)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, RegistersScreen) and app.screen.loaded)
        screen = app.screen
        assert screen.table("decisions").row_count == 1 and screen.table("decisions").display
        await pilot.press("2")
        await pilot.pause()
        assert screen.active_key == "actions"
        assert not screen.table("actions").display
        empty = screen.view("actions").query_one(".register-empty")
        assert empty.display and "an action log (Item 8) has no readable rows" in str(empty.render())
        await pilot.press("1", "slash", *"treasurer")  # rows exist, the filter keeps none
        await pilot.pause()
        assert not screen.table("decisions").display
        assert "No rows matching “treasurer” (of 1)." in str(screen.view("decisions").query_one(".register-empty").render())
        await pilot.press("3")
        await pilot.pause()
        assert EMPTY_REASONS["attendance"] in str(screen.view("attendance").query_one(".register-empty").render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ChatScreen)


# -- the real app over the sample corpus index ---------------------------------------------------------------

@pytest.fixture
def real_app(sample_index, sample_assistant, tmp_path):
    return make_app(CORPUS, sample_index, assistant_factory=lambda corpus, index, progress=None: sample_assistant,
                    export_dir=tmp_path)


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.slow
@pilot_test
async def test_registers_screen_on_the_sample_papers(real_app):
    app = real_app
    async with app.run_test(size=(140, 36)) as pilot:
        await wait_for(pilot, lambda: app.assistant is not None, timeout=60)
        app.chat.question_input.value = "Who sent apologies to the September board?"
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(app.chat.turns) == 1, timeout=60)
        app.chat.question_input.value = "a draft question"

        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: isinstance(app.screen, RegistersScreen) and app.screen.loaded, timeout=30)
        screen = app.screen
        registers = app.assistant.registers()
        assert screen.table("decisions").row_count == len(registers.decisions(noted=True)) > 0
        assert screen.table("attendance").row_count > 0 and screen.table("interests").row_count > 0

        await pilot.press("2")  # the actions tab
        await pilot.pause()
        assert screen.active_key == "actions" and app.focused is screen.table("actions")
        everything = screen.table("actions").row_count
        assert everything == len(registers.actions())
        await pilot.press("slash", *"hj")  # narrow to the actions HJ owns
        await pilot.pause()
        kept = screen.shown["actions"]
        assert 0 < len(kept) < everything
        assert all("Heather Johnstone" in row.cells[3] for row in kept)
        assert screen.table("actions").row_count == len(kept)
        label = screen.query_one("#registers-tabs").get_tab("tab-actions").label
        assert str(label) == f"Actions ({len(kept)}/{everything})"
        await pilot.press("enter")  # from the filter to the table
        await pilot.press("o")  # all → open
        await pilot.pause()
        assert screen.scope == "open" and screen.shown["actions"]
        assert all(row.status == "open" for row in screen.shown["actions"])
        assert len(screen.shown["actions"]) < len(kept)  # some of HJ's actions are complete

        row = screen.current()
        assert row is not None
        await pilot.press("enter")  # open the row's source
        await wait_for(pilot, lambda: isinstance(app.screen, PassageScreen) and app.screen.chunks, timeout=30)
        viewer = app.screen
        assert viewer.document.doc_id == row.source.doc_id and viewer.highlight is not None
        chunk = viewer.chunks[viewer.index]
        shown = _words(chunk.text[viewer.highlight[0]:viewer.highlight[1]])
        assert shown and _words(row.source.quote).startswith(shown)
        assert "From the actions register" in str(viewer.query_one("#viewer-header").render())

        await pilot.press("escape")  # back to the registers, as they were
        await pilot.pause()
        assert app.screen is screen and screen.scope == "open"
        await pilot.press("escape")  # back to the chat, the conversation kept
        await pilot.pause()
        assert app.screen is app.chat and len(app.chat.turns) == 1
        assert app.chat.question_input.value == "a draft question"


OLD_LETTER = "2024-07-31_ssot-icb_nhse-annual-assessment-2023-24.txt"
NEW_LETTER = "2025-07-30_ssot-icb_nhse-annual-assessment-2024-25.txt"


@pytest.mark.slow
@pilot_test
async def test_changes_of_two_letters_picked_in_the_browser(real_app):
    app = real_app
    async with app.run_test(size=(140, 36)) as pilot:
        await wait_for(pilot, lambda: app.assistant is not None, timeout=60)
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, DocumentsScreen) and app.screen.documents)
        browser = app.screen
        paths = [d.path for d in browser.documents]
        for path in (NEW_LETTER, OLD_LETTER):  # picked newest first: still compared old → new
            browser.query_one("DataTable").move_cursor(row=paths.index(path))
            await pilot.press("c")
            await pilot.pause()
        await wait_for(pilot, lambda: isinstance(app.screen, ChangesScreen) and app.screen.loaded, timeout=30)
        screen = app.screen
        assert (screen.old.path, screen.new.path) == (OLD_LETTER, NEW_LETTER)
        kinds = [r.cells[1] for r in screen.view.shown]
        assert kinds[0] == "figure" and kinds.index("added") < kinds.index("removed")  # figures first
        assert any("£91.6m → £14.9m" in r.cells[2] for r in screen.view.shown)  # as `boardroom changes` finds it
        await pilot.press("slash", *"£91.6m £14.9m", "enter")  # every word must occur: the figure row only
        await pilot.pause()
        assert [r.cells[1] for r in screen.view.shown] == ["figure"] and app.focused is screen.view.table
        row = screen.view.current()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PassageScreen) and app.screen.chunks, timeout=30)
        viewer = app.screen
        assert viewer.document.path == NEW_LETTER and viewer.highlight is not None
        chunk = viewer.chunks[viewer.index]
        assert "£14.9m" in chunk.text[viewer.highlight[0]:viewer.highlight[1]]
        assert _words(row.source.quote).startswith(_words(chunk.text[viewer.highlight[0]:viewer.highlight[1]]))
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert isinstance(app.screen, DocumentsScreen)
