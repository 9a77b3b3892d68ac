"""Behaviour of the chat against a deterministic fake assistant: startup, queueing, errors, keys, dialogs."""

import datetime as dt

from assistant.tui.dialogs import ExportScreen, FiltersScreen, HelpScreen
from assistant.tui.screens import DocumentsScreen, PassageScreen
from assistant.tui.widgets import QuestionInput, TurnView
from tui_fakes import fake_app, pilot_test, wait_for


async def submit(pilot, question: str) -> None:
    """Type the question's last character for real (the rest is set directly, to keep tests quick)."""
    box = pilot.app.chat.question_input
    box.focus()
    box.value = question[:-1]
    box.cursor_position = len(box.value)
    await pilot.press(question[-1], "enter")


@pilot_test
async def test_input_focused_at_once_while_loading_is_slow():
    app = fake_app(open_delay=3)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.focused, QuestionInput)
        assert app.assistant is None
        # a question typed while loading waits, visibly, and is asked once the papers are ready
        app.chat.question_input.value = "What was the deficit"
        await pilot.press("?", "enter")
        await pilot.pause()
        turn = app.chat.query_one(TurnView)
        assert "Still loading" in turn.pending_text
        assert app.chat.query_one("#status-progress").display
        await wait_for(pilot, lambda: app.chat.turns, timeout=10)
        assert app.chat.turns[0].question == "What was the deficit?"
        assert str(app.chat.query_one("#status-text").render()).startswith("Ready")


@pilot_test
async def test_error_keeps_the_question_in_the_input():
    app = fake_app(ask_error="the index is locked by another build")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.assistant is not None)
        await submit(pilot, "What was the deficit?")
        await wait_for(pilot, lambda: app.chat.question_input.value == "What was the deficit?")
        assert not app.chat.query(TurnView)
        assert any("locked" in n.message for n in app._notifications)
        assert app.chat.turns == []
        assert isinstance(app.focused, QuestionInput)


@pilot_test
async def test_follow_ups_pass_history_and_new_conversation_clears_it():
    app = fake_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.assistant is not None)
        fake = app.assistant
        await submit(pilot, "What was the deficit?")
        await wait_for(pilot, lambda: len(app.chat.turns) == 1)
        await submit(pilot, "And the finance risk?")
        await wait_for(pilot, lambda: len(app.chat.turns) == 2)
        assert [t.question for t in fake.calls[1][1]] == ["What was the deficit?"]
        # input history: up recalls the last question, up again the one before, down returns to the draft
        await pilot.press("up")
        assert app.chat.question_input.value == "And the finance risk?"
        await pilot.press("up")
        assert app.chat.question_input.value == "What was the deficit?"
        await pilot.press("down", "down")
        assert app.chat.question_input.value == ""
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.chat.turns == [] and not app.chat.query(TurnView)
        await submit(pilot, "What was the deficit?")
        await wait_for(pilot, lambda: len(app.chat.turns) == 1)
        assert fake.calls[-1][1] == ()


@pilot_test
async def test_number_key_opens_viewer_with_highlight_and_steps():
    app = fake_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.assistant is not None)
        await submit(pilot, "What was the deficit?")
        await wait_for(pilot, lambda: app.chat.turns)
        await pilot.press("escape")  # leave the input: digits now pick sources
        await pilot.press("2")
        await wait_for(pilot, lambda: isinstance(app.screen, PassageScreen) and app.screen.chunks)
        viewer = app.screen
        chunk = viewer.chunks[viewer.index]
        assert chunk.chunk_id == "minutes-1"
        start, end = viewer.highlight
        assert chunk.text[start:end].startswith("The Chief Finance Officer reported")
        header = str(viewer.query_one("#viewer-header").render())
        assert "Board minutes" in header and "p. 1" in header and "Item 7 Finance report" in header
        await pilot.press("n")
        assert viewer.index == 2 and viewer.highlight is None
        await pilot.press("p", "p")
        assert viewer.index == 0
        await pilot.press("escape")
        assert not isinstance(app.screen, PassageScreen)
        # typing a letter while the sources have focus goes to the question box
        assert not isinstance(app.focused, QuestionInput)
        await pilot.press("W", "h", "y")
        assert isinstance(app.focused, QuestionInput) and app.focused.value == "Why"


@pilot_test
async def test_sources_panel_enter_and_abstention():
    app = fake_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_for(pilot, lambda: app.assistant is not None)
        await submit(pilot, "Parking fines on Mars?")
        await wait_for(pilot, lambda: app.chat.turns)
        turn = app.chat.query_one(TurnView)
        assert turn.has_class("-abstained")
        assert "not an answer" in app.chat.sources.border_title
        assert "The papers don't say" in turn.query_one("Markdown").source
        await pilot.press("escape", "enter")  # focus the sources panel, open the highlighted passage
        await wait_for(pilot, lambda: isinstance(app.screen, PassageScreen) and app.screen.chunks)
        assert app.screen.highlight is None  # a closest passage has no quote to highlight
        assert "not an answer" in str(app.screen.query_one("#viewer-header").render())


@pilot_test
async def test_documents_browser_reads_from_the_top_and_restricts():
    app = fake_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.assistant is not None)
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: isinstance(app.screen, DocumentsScreen) and app.screen.documents)
        table = app.screen.query_one("DataTable")
        assert table.row_count == 2
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, PassageScreen) and app.screen.chunks)
        assert app.screen.index == 0 and app.screen.document.doc_id == "letter"
        assert "no pages" in str(app.screen.query_one("#viewer-header").render())
        await pilot.press("escape")
        await pilot.press("down", "a")
        await pilot.pause()
        assert app.filters.doc_ids == ("minutes",)
        assert "1 document" in app.sub_title


@pilot_test
async def test_filters_dialog_sets_filters_passed_to_ask():
    app = fake_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.assistant is not None)
        await pilot.press("ctrl+f")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, FiltersScreen)
        dialog.query_one("#organisation").value = "Other ICB"
        dialog.query_one("#kind").value = "minutes"
        dialog.query_one("#since").value = "2024"
        await pilot.click("#apply")
        await pilot.pause()
        assert not isinstance(app.screen, FiltersScreen)
        assert app.filters.organisations == ("Other ICB",) and app.filters.kinds == ("minutes",)
        assert app.filters.since == dt.date(2024, 1, 1) and app.filters.until is None
        assert "Other ICB" in app.sub_title
        assert isinstance(app.focused, QuestionInput)
        await submit(pilot, "What was the deficit?")
        await wait_for(pilot, lambda: app.chat.turns)
        assert app.assistant.calls[-1][2] == app.filters
        # a bad date keeps the dialog open with a notification
        await pilot.press("ctrl+f")
        await pilot.pause()
        app.screen.query_one("#until").value = "next week"
        await pilot.click("#apply")
        await pilot.pause()
        assert isinstance(app.screen, FiltersScreen)
        await pilot.click("#clear")
        await pilot.pause()
        assert app.filters.is_empty() and app.sub_title == "all papers"


@pilot_test
async def test_export_copy_and_help(tmp_path):
    app = fake_app(export_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.assistant is not None)
        await pilot.press("ctrl+s")  # nothing to export yet: a warning, no dialog
        await pilot.pause()
        assert not isinstance(app.screen, ExportScreen)
        await submit(pilot, "What was the deficit?")
        await wait_for(pilot, lambda: app.chat.turns)
        await pilot.press("ctrl+y")
        assert "£90.7m" in app.clipboard and "References" in app.clipboard
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("enter")
        await pilot.pause()
        files = list(tmp_path.glob("briefing-*.md"))
        assert len(files) == 1
        text = files[0].read_text()
        assert "What was the deficit?" in text and "Annual assessment 2023/24" in text
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


@pilot_test
async def test_command_palette_lists_the_commands():
    app = fake_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.assistant is not None)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for expected in ("New conversation", "Documents", "Filters", "Export briefing", "Copy last answer", "Help"):
            assert expected in titles


@pilot_test
async def test_clicking_a_marker_in_the_answer_opens_that_source():
    from textual.widgets import Markdown

    app = fake_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.assistant is not None)
        app.chat.question_input.value = "What was the deficit?"
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.chat.turns)
        markdown = app.chat.query_one(TurnView).query_one(Markdown)
        markdown.post_message(Markdown.LinkClicked(markdown, "cite:2"))
        await wait_for(pilot, lambda: isinstance(app.screen, PassageScreen) and app.screen.chunks)
        assert app.screen.chunks[app.screen.index].chunk_id == "minutes-1"
