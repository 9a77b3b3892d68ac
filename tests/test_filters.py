"""Filters built from what a user or a client typed, each value checked against the corpus."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.errors import BoardroomError, OutsideCorpus
from assistant.filters import build_filters, corpus_relative, document_at
from assistant.types import Document

DOCS = [
    Document("a1", "minutes/2024-01.pdf", "Board minutes January 2024", "minutes", "Derby and Derbyshire ICB",
             dt.date(2024, 1, 25), "2023/24", "x"),
    Document("b2", "letter.txt", "Annual assessment", "letter", "Staffordshire and Stoke-on-Trent ICB",
             dt.date(2024, 7, 31), "2023/24", "y"),
]


@pytest.mark.parametrize(("given", "relative"), [
    ("letter.txt", "letter.txt"),
    ("./minutes/../letter.txt", "letter.txt"),
    ("minutes/2024-01.pdf", "minutes/2024-01.pdf"),
])
def test_paths_inside_the_corpus_become_corpus_relative(tmp_path, given, relative):
    assert corpus_relative(given, tmp_path) == relative
    assert corpus_relative(str(tmp_path / given), tmp_path) == relative


@pytest.mark.parametrize("given", ["../secret.txt", "minutes/../../x", "/etc/passwd", "~/notes.txt"])
def test_paths_outside_the_corpus_are_refused(tmp_path, given):
    with pytest.raises(OutsideCorpus, match="outside the corpus"):
        corpus_relative(given, tmp_path / "corpus")


def test_a_corpus_reached_through_a_link_accepts_its_real_paths(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    assert corpus_relative(str(real / "letter.txt"), tmp_path / "link") == "letter.txt"


def test_document_at_finds_indexed_documents_only(tmp_path):
    assert document_at("letter.txt", DOCS, tmp_path).doc_id == "b2"
    with pytest.raises(BoardroomError, match="no such document in the index: other.txt"):
        document_at("other.txt", DOCS, tmp_path)


def test_build_filters_checks_every_value(tmp_path):
    filters = build_filters(DOCS, tmp_path, organisations=["Derbyshire ICB"], kinds=["minutes"],
                            since=dt.date(2024, 1, 1), until=dt.date(2024, 12, 31), paths=["minutes/2024-01.pdf"])
    assert filters.organisations == ("Derbyshire ICB",) and filters.kinds == ("minutes",)
    assert filters.doc_ids == ("a1",)
    with pytest.raises(BoardroomError, match="unknown kind 'memo'; choose from: meeting pack"):
        build_filters(DOCS, tmp_path, kinds=["memo"])
    with pytest.raises(BoardroomError, match="no document of the organisation 'Acme'; the corpus has: Derby"):
        build_filters(DOCS, tmp_path, organisations=["Acme"])
    with pytest.raises(BoardroomError, match="2025-01-01 is after the end date 2024-12-31"):
        build_filters(DOCS, tmp_path, since=dt.date(2025, 1, 1), until=dt.date(2024, 12, 31))
    assert build_filters(DOCS, tmp_path).is_empty()
