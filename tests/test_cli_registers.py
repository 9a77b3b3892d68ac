"""The register commands as a user runs them: real subprocesses against real indexes (the sample papers,
and a Word board pack laid out differently), JSON and text output, the time a warm command takes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from registers_pack import write_pack

PROJECT = Path(__file__).resolve().parents[1]
CORPUS = PROJECT / "corpus"
OLD_LETTER = "2024-07-31_ssot-icb_nhse-annual-assessment-2023-24.txt"
NEW_LETTER = "2025-07-30_ssot-icb_nhse-annual-assessment-2024-25.txt"
# A warm command answers in well under 0.3 s on an idle machine (README); CI machines are shared and slow.
WARM_SECONDS_BOUND = 2.0

pytestmark = pytest.mark.slow


def _boardroom(*args: str, corpus: Path, index: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant.cli", *args, "--corpus", str(corpus), "--index", str(index)],
                          capture_output=True, text=True, timeout=600, cwd=PROJECT, check=False)


def _json(*args: str, corpus: Path, index: Path):
    done = _boardroom(*args, "--json", corpus=corpus, index=index)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _cited(entry: dict) -> None:
    citation = entry["citation"]
    assert citation["quote"] and citation["path"] and citation["section"]


def test_decisions_of_the_sample_papers(sample_index):
    found = _json("decisions", "--since", "2024-09-26", "--until", "2024-09-26", corpus=CORPUS, index=sample_index)
    assert {d["date"] for d in found} == {"2024-09-26"}
    assert any("AGREED as an accurate record" in d["decision"] and d["item"].startswith("5.") for d in found)
    for d in found:
        _cited(d)
    # by default what was only received or noted is left out; --all brings it back, marked as such
    assert {d["kind"] for d in found} == {"decision"} and all(d["verb"] not in ("noted", "received") for d in found)
    everything = _json("decisions", "--all", "--since", "2024-09-26", "--until", "2024-09-26", corpus=CORPUS,
                       index=sample_index)
    noted = [d for d in everything if d["kind"] == "noted"]
    assert len(everything) == len(found) + len(noted) and any("Received and noted" in d["decision"] for d in noted)
    text = _boardroom("decisions", "--since", "2024-09-26", "--until", "2024-09-26", corpus=CORPUS, index=sample_index)
    assert f"{len(found)} decisions ({len(noted)} papers only received or noted left out; --all shows them)" in text.stdout
    assert _json("decisions", "--org", "Derby and Derbyshire ICB", corpus=CORPUS, index=sample_index) == []


def test_actions_of_an_owner_by_initials(sample_index):
    found = _json("actions", "--owner", "HJ", corpus=CORPUS, index=sample_index)
    assert {a["reference"] for a in found} >= {"2023-24/001", "2024-24/001"}
    assert all("Heather Johnstone" in a["owners"] for a in found)
    for a in found:
        _cited(a)
    text = _boardroom("actions", "--owner", "HJ", corpus=CORPUS, index=sample_index)
    assert "2023-24/001 · complete · due 21 Sep 2023 · HJ (Heather Johnstone)" in text.stdout


def test_an_unknown_owner_or_organisation_is_one_line_and_exit_1(sample_index):
    owner = _boardroom("actions", "--owner", "Zed Zebra", corpus=CORPUS, index=sample_index)
    assert owner.returncode == 1 and owner.stdout == ""
    assert owner.stderr.strip().endswith("no action in the logs is owned by 'Zed Zebra'; give an owner's name or "
                                         "initials as the action logs write them")
    org = _boardroom("decisions", "--org", "Acme Widgets Ltd", corpus=CORPUS, index=sample_index)
    assert org.returncode == 1 and "no document of the organisation 'Acme Widgets Ltd'" in org.stderr
    assert len(org.stderr.strip().splitlines()) == 1


def test_attendance_and_interests(sample_index):
    meetings = _json("attendance", corpus=CORPUS, index=sample_index)
    board = next(m for m in meetings if m["meeting"].startswith("Minutes of meeting held on 26th September 2024"))
    apologies = {p["person"]: p["represented_by"] for p in board["apologies"]}
    assert apologies["Elizabeth Disney"] == ["Nicky Harkness"] and "Megan Nurse" in apologies
    interests = _json("interests", "Jack Aw", corpus=CORPUS, index=sample_index)
    assert len(interests) == 14 and {i["person"] for i in interests} == {"Jack Aw"}
    assert {i["category"] for i in interests} >= {"Financial Interest", "Indirect interests"}


def test_changes_between_the_two_letters(sample_index):
    result = _json("changes", OLD_LETTER, NEW_LETTER, corpus=CORPUS, index=sample_index)
    figures = {(f["old"], f["new"]) for s in result["sections"] for f in s["figures"]}
    assert ("£90.7m", "£17.8m") in figures and ("£91.6m", "£14.9m") in figures
    for s in result["sections"]:
        for f in s["figures"]:
            assert f["old"] in f["old_citation"]["quote"] and f["new"] in f["new_citation"]["quote"]
    missing = _boardroom("changes", "no-such.txt", NEW_LETTER, corpus=CORPUS, index=sample_index)
    assert missing.returncode == 1 and missing.stderr.count("\n") == 1 and "no such document" in missing.stderr


def test_register_commands_answer_fast_when_warm(sample_index):
    for args in (("decisions",), ("actions", "--open"), ("attendance",), ("interests", "Heather Johnstone")):
        _boardroom(*args, corpus=CORPUS, index=sample_index)  # warm the file cache
        t = time.perf_counter()
        done = _boardroom(*args, corpus=CORPUS, index=sample_index)
        elapsed = time.perf_counter() - t
        print(f"boardroom {' '.join(args)}: {elapsed:.2f} s")
        assert done.returncode == 0 and elapsed < WARM_SECONDS_BOUND


@pytest.fixture(scope="module")
def pack(tmp_path_factory) -> tuple[Path, Path]:
    corpus = write_pack(tmp_path_factory.mktemp("pack-corpus"))
    return corpus, tmp_path_factory.mktemp("pack-index")


def test_a_pack_laid_out_differently(pack):
    corpus, index = pack
    overdue = _json("actions", "--overdue", corpus=corpus, index=index)  # builds the index first
    assert [(a["reference"], a["owners"], a["due"]) for a in overdue] == [("BD/24/07", ["Brian Okafor"], "2025-01-31")]
    assert [h["update"] for h in overdue[0]["history"]] == ["Open - drafting", "Open - draft circulated to members"]
    text = _boardroom("actions", corpus=corpus, index=index).stdout
    assert "as at 25 Mar 2025 (the latest paper)" in text and "history (2 logs)" in text
    assert "an action log (1. Action log) has no readable rows" in text  # the unreadable log, with its reason
    decisions = _json("decisions", "--since", "2025-03-12", "--until", "2025-03-12", corpus=corpus, index=index)
    assert any(d["verb"] == "resolved" for d in decisions) and all(d["date"] == "2025-03-12" for d in decisions)


def test_registers_follow_the_corpus(pack, tmp_path):
    corpus, index = pack
    _json("actions", corpus=corpus, index=index)
    shutil.copytree(corpus, tmp_path / "corpus")
    (tmp_path / "corpus" / "2025-02-12_board-minutes.docx").unlink()
    shutil.copytree(index, tmp_path / "index")
    found = _json("actions", corpus=tmp_path / "corpus", index=tmp_path / "index")
    record = next(a for a in found if a["reference"] == "BD/24/07")
    assert len(record["history"]) == 1  # the February log left the corpus, and the registers with it
