"""Snapshots of the main screens at 80x24 and a wide size, over the deterministic fake assistant.

Regenerate after an intended visual change with `pytest tests/test_tui_snapshots.py --snapshot-update`.
"""

from tui_fakes import fake_app, wait_for

WIDE = (140, 36)


async def _ready(pilot) -> None:
    await wait_for(pilot, lambda: pilot.app.assistant is not None)


def _asking(question: str, *then: str):
    async def run_before(pilot) -> None:
        app = pilot.app
        await _ready(pilot)
        app.chat.question_input.value = question
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.chat.turns)
        for key in then:
            await pilot.press(key)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()

    return run_before


def test_answer_narrow(snap_compare):
    assert snap_compare(fake_app(), terminal_size=(80, 24), run_before=_asking("What was the deficit?"))


def test_answer_wide(snap_compare):
    assert snap_compare(fake_app(), terminal_size=WIDE, run_before=_asking("What was the deficit?"))


def test_abstention_narrow(snap_compare):
    assert snap_compare(fake_app(), terminal_size=(80, 24), run_before=_asking("Parking fines on Mars?"))


def test_passage_viewer_narrow(snap_compare):
    assert snap_compare(fake_app(), terminal_size=(80, 24),
                        run_before=_asking("What was the deficit?", "escape", "1"))


def test_documents_wide(snap_compare):
    async def run_before(pilot) -> None:
        await _ready(pilot)
        await pilot.press("ctrl+o")
        await wait_for(pilot, lambda: getattr(pilot.app.screen, "documents", None))

    assert snap_compare(fake_app(), terminal_size=WIDE, run_before=run_before)


def test_filters_dialog_narrow(snap_compare):
    async def run_before(pilot) -> None:
        await _ready(pilot)
        await pilot.press("ctrl+f")
        await pilot.pause()

    assert snap_compare(fake_app(), terminal_size=(80, 24), run_before=run_before)
