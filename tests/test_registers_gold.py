"""Precision and recall of each register on the sample papers, against a gold file written by reading them."""

from __future__ import annotations

from pathlib import Path

import pytest
from registers_scoring import score_all

CORPUS = Path(__file__).resolve().parents[1] / "corpus"

# Floors a little under what the extractors reach today (see README, "Registers"), so a regression fails.
FLOORS = {
    "decisions": (0.9, 0.9),
    "decisions only": (0.9, 0.9),  # the default list: decisions, without the papers only received or noted
    "actions": (0.9, 0.9),
    "attendance": (0.9, 0.9),
    "interests": (0.9, 0.9),
    "changes": (0.6, 0.6),
}


@pytest.fixture(scope="module")
def scores() -> dict:
    return score_all(CORPUS)


@pytest.mark.parametrize("register", sorted(FLOORS))
def test_register_meets_its_floors(scores, register):
    got = scores[register]
    precision, recall = FLOORS[register]
    print(f"{register}: precision {got['precision']:.2f} recall {got['recall']:.2f} "
          f"({got['extracted']} extracted, {got['gold']} gold)")
    assert got["precision"] >= precision and got["recall"] >= recall, got


def test_who_represented_whom(scores):
    assert scores["attendance"]["represented_by_correct"]


def test_changes_match_every_section_by_heading(scores):
    assert scores["changes"]["sections_matched"] == 1.0


def test_decisions_are_told_from_papers_only_noted(scores):
    assert scores["decisions"]["kind_accuracy"] >= 0.95, scores["decisions"]
