"""Pure helpers of the chat: citation links, quote finding, windows, filter labels, dates."""

import datetime as dt
import subprocess
import sys

import pytest

from assistant.filters import parse_date
from assistant.tui.formatting import (
    answer_with_references,
    context_window,
    filters_label,
    find_quote,
    link_citations,
    sources_of,
)
from assistant.types import Chunk, Filters
from tui_fakes import FakeAssistant


def test_link_citations_links_known_markers_only():
    text = "Deficit £90.7m [1]. Plan [2, 3]. Unknown [9]. Link [x](y) and [1](z)."
    out = link_citations(text, [1, 2, 3])
    assert "[\\[1\\]](cite:1)." in out
    assert "[\\[2\\]](cite:2)[\\[3\\]](cite:3)" in out
    assert "Unknown [9]." in out
    assert "[1](z)" in out  # an existing Markdown link is left alone


def test_find_quote_exact_then_whitespace_insensitive():
    text = "Intro.\nThe system reported a deficit\n  of £90.7m. After."
    assert find_quote(text, "Intro.") == (0, 6)
    start, end = find_quote(text, "The system reported a deficit of £90.7m.")
    assert text[start:end].startswith("The system") and text[start:end].endswith("£90.7m.")
    assert find_quote(text, "not there") is None
    assert find_quote(text, "  ") is None


def test_context_window_snaps_to_lines():
    text = "\n".join(f"line {i:03d}" for i in range(1000))
    chunk = Chunk("c", "d", text[4000:4100], None, None, (), 4000, 4100)
    start, end = context_window(text, chunk, before=500, after=500)
    assert start <= 4000 and end >= 4100
    assert start == 0 or text[start - 1] == "\n"
    assert end == len(text) or text[end] == "\n"


def test_filters_label():
    assert filters_label(Filters()) == ""
    label = filters_label(Filters(organisations=("Derby and Derbyshire ICB",), kinds=("letter",),
                                  since=dt.date(2024, 1, 1)))
    assert label == "Filters: Derby and Derbyshire ICB · letter · from 2024-01-01"


def test_parse_date():
    assert parse_date("") is None
    assert parse_date("2024") == dt.date(2024, 1, 1)
    assert parse_date("2024", end=True) == dt.date(2024, 12, 31)
    assert parse_date("2024-02", end=True) == dt.date(2024, 2, 29)
    assert parse_date("2024-12", end=True) == dt.date(2024, 12, 31)
    assert parse_date("2024-07-31") == dt.date(2024, 7, 31)
    with pytest.raises(ValueError, match="not a date"):
        parse_date("31/07/2024")


def test_sources_and_clipboard_text():
    fake = FakeAssistant()
    answered = fake.ask("deficit?")
    items = sources_of(answered)
    assert [i.label for i in items] == ["1", "2"] and all(i.is_citation for i in items)
    text = answer_with_references(answered)
    assert "References" in text and "[1] Annual assessment 2023/24 — letter · 31 Jul 2024" in text
    assert "no pages" in text and "p. 1" in text
    abstained = fake.ask("parking on Mars?")
    items = sources_of(abstained)
    assert items and not any(i.is_citation for i in items)
    assert "Closest passages (not an answer)" in answer_with_references(abstained)


def test_importing_the_tui_is_light():
    code = ("import sys, assistant.tui, assistant.cli; "
            "print(sorted(m for m in ('torch', 'sentence_transformers', 'faiss', 'onnxruntime') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_quote_of_several_sentences_is_highlighted_from_the_first_to_the_last():
    text = "Intro. The deficit was £90.7m. Other words here. The ICB's position was £91.6m deficit. End."
    start, end = find_quote(text, "The deficit was £90.7m. … The ICB's position was £91.6m deficit.")
    assert text[start:end] == "The deficit was £90.7m. Other words here. The ICB's position was £91.6m deficit."
    assert find_quote(text, "The deficit was £90.7m. … not in the text") == find_quote(text, "The deficit was £90.7m.")
