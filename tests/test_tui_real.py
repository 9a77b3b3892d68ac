"""The chat driven by the real Assistant on the sample corpus, with the real model (one index per session)."""

import pytest

from assistant.config import PROJECT_DIR
from assistant.tui import make_app
from assistant.tui.dialogs import ExportScreen, FiltersScreen
from assistant.tui.screens import PassageScreen
from assistant.tui.widgets import QuestionInput, TurnView
from tui_fakes import pilot_test, wait_for

pytestmark = pytest.mark.slow

CORPUS = PROJECT_DIR / "corpus"
FINANCE = "What was the Staffordshire system's financial position in 2023/24?"
MARS = "What is the ICB's policy on parking fines for staff on Mars?"
DERBY = "Derby and Derbyshire ICB"


@pytest.fixture(scope="session")
def real_index(sample_index, sample_assistant):
    return sample_index, sample_assistant


@pytest.fixture
def app_factory(real_index, tmp_path):
    index, assistant = real_index

    def factory(corpus_dir, index_dir, progress=None):
        return assistant

    return lambda: make_app(CORPUS, index, assistant_factory=factory, export_dir=tmp_path)


async def ask(pilot, app, question: str) -> TurnView:
    before = len(app.chat.turns)
    app.chat.question_input.value = question
    await pilot.press("enter")
    await wait_for(pilot, lambda: len(app.chat.turns) > before, timeout=30)
    return app.chat.query(TurnView).last()


@pilot_test
async def test_real_load_path_keeps_input_focused(real_index):
    index, _ = real_index
    app = make_app(CORPUS, index)  # the CLI's path: Assistant.open in the loader worker
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.focused, QuestionInput)
        await wait_for(pilot, lambda: app.assistant is not None, timeout=60)
        assert "Ready · 5 documents" in str(app.chat.query_one("#status-text").render())


@pilot_test
async def test_answer_with_citations_then_viewer_highlights_the_quote(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_for(pilot, lambda: app.assistant is not None)
        turn = await ask(pilot, app, FINANCE)
        answer = app.chat.turns[-1].answer
        assert not answer.abstained and answer.citations
        assert "(cite:1)" in turn.query_one("Markdown").source
        assert len(app.chat.sources.items) == len(answer.citations)
        await pilot.press("escape")
        await pilot.press("1")
        await wait_for(pilot, lambda: isinstance(app.screen, PassageScreen) and app.screen.chunks)
        viewer = app.screen
        cited = answer.citations[0]
        chunk = viewer.chunks[viewer.index]
        assert chunk.chunk_id == cited.passage.chunk.chunk_id
        assert viewer.highlight is not None
        start, end = viewer.highlight
        pieces = [" ".join(p.split()) for p in cited.quote.split(" … ")]  # sentences quoted from one passage
        shown = " ".join(chunk.text[start:end].split())
        assert shown.startswith(pieces[0]) and shown.endswith(pieces[-1])
        header = str(viewer.query_one("#viewer-header").render())
        assert cited.passage.document.title in header and "no pages" in header
        await pilot.press("n")
        assert viewer.index == min(len(viewer.chunks) - 1, chunk_index(viewer, chunk) + 1)
        await pilot.press("escape")
        assert not isinstance(app.screen, PassageScreen)


def chunk_index(viewer, chunk):
    return [c.chunk_id for c in viewer.chunks].index(chunk.chunk_id)


@pilot_test
async def test_filter_by_organisation_is_honoured(app_factory):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.assistant is not None)
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert isinstance(app.screen, FiltersScreen)
        app.screen.query_one("#organisation").value = DERBY
        await pilot.press("ctrl+s")  # apply
        await pilot.pause()
        assert app.filters.organisations == (DERBY,)
        assert DERBY in app.sub_title
        await ask(pilot, app, "What was the financial position in 2023/24?")
        answer = app.chat.turns[-1].answer
        cited = [c.passage.document.organisation for c in answer.citations] or \
                [p.document.organisation for p in answer.passages]
        assert cited and all(org == DERBY for org in cited)


@pilot_test
async def test_export_writes_the_briefing(app_factory, tmp_path):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.assistant is not None)
        await ask(pilot, app, FINANCE)
        answer = app.chat.turns[-1].answer
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        path = tmp_path / "board-brief.md"
        app.screen.query_one("#export-path").value = str(path)
        await pilot.press("enter")
        await pilot.pause()
        text = path.read_text()
        assert FINANCE in text
        assert answer.citations[0].passage.document.title in text
        assert any(f"Saved the briefing to {path}" in n.message for n in app._notifications)


@pilot_test
async def test_unanswerable_question_renders_as_abstention(app_factory):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.assistant is not None)
        turn = await ask(pilot, app, MARS)
        assert app.chat.turns[-1].answer.abstained
        assert turn.has_class("-abstained")
        assert "The papers don't say" in turn.query_one("Markdown").source
        assert "not an answer" in app.chat.sources.border_title
        assert turn.query(".closest")


@pilot_test
async def test_the_chat_picks_up_a_rebuilt_index_without_a_restart(tmp_path):
    import asyncio
    import shutil

    from assistant.embedding import load_embedder
    from assistant.indexer import build_index

    derby, ssot = "2024-07-31_derbyshire-icb_nhse-annual-assessment-2023-24.txt", \
        "2024-07-31_ssot-icb_nhse-annual-assessment-2023-24.txt"
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    shutil.copy(CORPUS / derby, corpus)
    embedder = load_embedder()
    build_index(corpus, index, embedder=embedder)
    app = make_app(corpus, index, export_dir=tmp_path)  # the CLI's path: Assistant.open in the loader worker
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_for(pilot, lambda: app.assistant is not None, timeout=60)
        await ask(pilot, app, FINANCE)
        assert all(c.passage.document.path == derby for c in app.chat.turns[-1].answer.citations)

        shutil.copy(CORPUS / ssot, corpus)  # a paper arrives; `boardroom index --watch` rebuilds the index
        await asyncio.to_thread(build_index, corpus, index, embedder=embedder)
        await ask(pilot, app, FINANCE)
        answer = app.chat.turns[-1].answer
        assert answer.citations and answer.citations[0].passage.document.path == ssot
        await pilot.pause()
        status = str(app.chat.query_one("#status-text").render())
        assert "Ready · 2 documents · papers updated" in status
        await pilot.press("ctrl+o")  # the documents browser lists the new paper too
        await wait_for(pilot, lambda: ssot in str([d.path for d in getattr(app.screen, "documents", [])]), timeout=10)
