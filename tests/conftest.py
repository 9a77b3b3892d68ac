"""Shared fixtures: the sample corpus indexed once per test session with the real shipped model."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

PROJECT = Path(__file__).resolve().parents[1]
CORPUS = PROJECT / "corpus"
SHARED = PROJECT.parent / "shared"
DEV = SHARED / "eval" / "dev.jsonl"


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory) -> Path:
    """An index of corpus/ built by the real indexer and the real encoder (about half a minute)."""
    from assistant.indexer import build_index

    index = tmp_path_factory.mktemp("sample-index")
    build_index(CORPUS, index)
    return index


@pytest.fixture(scope="session")
def sample_assistant(sample_index):
    from assistant.assistant import Assistant

    return Assistant.open(CORPUS, sample_index, update=False)
