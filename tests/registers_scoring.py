"""Precision and recall of each register against tests/data/registers_gold.json (written by reading the
sample papers). Used by the gold test and printed by `python tests/registers_scoring.py`."""

from __future__ import annotations

import json
from pathlib import Path

GOLD = Path(__file__).parent / "data" / "registers_gold.json"


def registers_of(corpus: Path):
    """The registers of a corpus, extracted as the indexer does (no index, no model)."""
    from assistant.aliases import find_definitions
    from assistant.ingest import scan_corpus
    from assistant.registers import extract, to_dict
    from assistant.registers.views import Registers
    from assistant.store import document_definitions

    scan = scan_corpus(corpus)
    stored = {p.document.doc_id: to_dict(extract(p, document_definitions(p.text))) for p in scan.documents}
    return Registers([p.document for p in scan.documents], stored, find_definitions(p.text for p in scan.documents))


def _pr(matched_extracted: int, extracted: int, matched_gold: int, gold: int) -> dict:
    return {"precision": matched_extracted / extracted if extracted else 1.0,
            "recall": matched_gold / gold if gold else 1.0, "extracted": extracted, "gold": gold}


def _pair(extracted: list, gold: list, same) -> tuple[int, int]:
    """One-to-one matching (greedy in order): (extracted entries matched, gold entries matched)."""
    used = set()
    for g in gold:
        for i, e in enumerate(extracted):
            if i not in used and same(e, g):
                used.add(i)
                break
    return len(used), len(used)


def _same_decision(c, g) -> bool:
    d = c.entry
    return (g["contains"] in d.text and (not g.get("date") or d.meeting.date == g["date"])
            and (not g.get("item") or d.item.startswith(g["item"])))


def _score_decision_list(found: list, entries: list[dict], scope: dict) -> dict:
    in_scope = [c for c in found if scope["meeting_contains"] in c.entry.meeting.name and c.entry.meeting.date == scope["date"]]
    gold_scoped = [g for g in entries if g.get("date") == scope["date"]]
    m_scope, _ = _pair(in_scope, gold_scoped, _same_decision)
    _, m_all = _pair(found, entries, _same_decision)
    return _pr(m_scope, len(in_scope), m_all, len(entries))


def score_decisions(registers, gold: dict) -> dict:
    """Everything the minutes record, decided or only received and noted (`decisions --all`), and how many of
    the gold entries found have the kind the gold gives them."""
    found = registers.decisions(noted=True)
    out = _score_decision_list(found, gold["entries"], gold["scope"])
    pairs = [(c, g) for g in gold["entries"] for c in found if _same_decision(c, g)]
    out["kind_accuracy"] = sum(c.entry.kind == g["kind"] for c, g in pairs) / len(pairs) if pairs else 0.0
    return out


def score_decision_kinds(registers, gold: dict) -> dict:
    """The default list (`boardroom decisions`) against the gold entries that are decisions, not noted papers."""
    return _score_decision_list(registers.decisions(), [g for g in gold["entries"] if g["kind"] == "decision"],
                                gold["scope"])


def score_actions(registers, gold: dict) -> dict:
    found = [(r, h.entry) for r in registers.actions() for h in r.history]

    def same(pair, g):
        record, a = pair
        if g["reference"] != a.reference or g["owner"] != a.owner or g["status"] != a.status:
            return False
        if g["contains"] and g["contains"] not in a.text:
            return False
        if "owners" in g and list(record.latest.owners) != g["owners"]:
            return False
        if "due" in g and a.due != g["due"] or "raised_at" in g and a.raised_at != g["raised_at"]:
            return False
        return not g.get("item") or a.item.startswith(g["item"])

    matched, _ = _pair(found, gold["entries"], same)
    return _pr(matched, len(found), matched, len(gold["entries"]))


def score_attendance(registers, gold: dict) -> dict:
    scope = gold["scope"]
    meetings = [m for m in registers.attendance()
                if scope["meeting_contains"] in m.meeting.name and m.meeting.date == scope["date"]]
    people = [p for m in meetings for p in m.people]
    expected = {(n, "apologies") for n in gold["apologies"]} | {(n, "present") for n in gold["present"]}
    got = {(p.person, p.status) for p in people}
    reps = gold["represented_by"]
    rep_ok = all(any(p.person == who and list(p.represented_by) == by for p in people) for who, by in reps.items())
    out = _pr(len(got & expected), len(got), len(got & expected), len(expected))
    out["represented_by_correct"] = rep_ok
    return out


def score_interests(registers, gold: dict) -> dict:
    people = set(gold["scope"]["people"])
    found = [c for c in registers.interests() if c.entry.person in people]

    def same(c, g):
        i = c.entry
        return i.person == g["person"] and i.category == g["category"] and g["contains"] in i.interest

    matched, _ = _pair(found, gold["entries"], same)
    return _pr(matched, len(found), matched, len(gold["entries"]))


def score_changes(corpus: Path, gold: dict) -> dict:
    from assistant.ingest import read_document
    from assistant.registers.changes import compare

    old = read_document(corpus / gold["old"], corpus)
    new = read_document(corpus / gold["new"], corpus)
    result = compare(old, new)
    figures = [(f.old, f.new) for s in result.sections for f in s.figures]
    expected = {(g["old"], g["new"]) for g in gold["figures"]}
    out = _pr(len(set(figures) & expected), len(figures), len(set(figures) & expected), len(expected))
    matched = [s.heading for s in result.sections if not s.only_in]
    out["sections_matched"] = sum(any(h in m for m in matched) for h in gold["sections"]) / len(gold["sections"])
    return out


def score_all(corpus: Path) -> dict:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    registers = registers_of(corpus)
    return {"decisions": score_decisions(registers, gold["decisions"]),
            "decisions only": score_decision_kinds(registers, gold["decisions"]),
            "actions": score_actions(registers, gold["actions"]),
            "attendance": score_attendance(registers, gold["attendance"]),
            "interests": score_interests(registers, gold["interests"]),
            "changes": score_changes(corpus, gold["changes"])}


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    for name, figures in score_all(Path(__file__).resolve().parents[1] / "corpus").items():
        print(f"{name:15s}", "  ".join(f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}" for k, v in figures.items()))
