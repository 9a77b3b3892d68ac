"""`boardroom eval`: the metrics defined in ../shared/eval/README.md, computed from real answers.

Scoring is pure (text in, numbers out); running the questions goes through one `ask` callable so the
same code scores the library, the CLI's batch output or anything else that returns an Answer.
"""

from __future__ import annotations

import json
import re
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from .types import Answer, Turn

_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\w+")

Ask = Callable[[str, Sequence[Turn]], Answer]


def tokens(text: str) -> list[str]:
    """The README's normalisation: HTML tags and Markdown ** removed, lower-cased, word tokens."""
    return _WORD.findall(_TAG.sub(" ", text).replace("**", "").lower())


def quote_found(quote: str, passage_text: str, share: float = 0.6) -> bool:
    """True when the passage holds a contiguous run of at least `share` of the quote's tokens."""
    q, p = tokens(quote), tokens(passage_text)
    if not q or not p:
        return False
    need = max(1, int(-(-share * len(q) // 1)))  # ceil
    match = SequenceMatcher(None, q, p, autojunk=False).find_longest_match(0, len(q), 0, len(p))
    return match.size >= need


@dataclass(frozen=True)
class Item:
    """One scored question: a single question, or one turn of a dialog with the turns before it."""

    id: str
    question: str
    type: str
    patterns: tuple[str, ...]
    evidence: tuple[dict, ...]
    dialog: str | None = None  # the dialog's id for a turn

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"


def load_items(path: Path) -> list[list[Item]]:
    """Groups of items asked in one conversation: a single question is a group of one."""
    groups: list[list[Item]] = []
    for line_no, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        raw = json.loads(line)
        if "turns" in raw:
            groups.append([
                Item(id=f"{raw['id']}.{i}", question=t["question"], type=t.get("type", "dialog"),
                     patterns=tuple(t.get("answer_patterns", ())), evidence=tuple(t.get("evidence", ())),
                     dialog=raw["id"])
                for i, t in enumerate(raw["turns"], 1)
            ])
        else:
            groups.append([Item(id=raw.get("id", f"line{line_no}"), question=raw["question"],
                                type=raw.get("type", "unknown"), patterns=tuple(raw.get("answer_patterns", ())),
                                evidence=tuple(raw.get("evidence", ())))])
    return groups


@dataclass
class ItemResult:
    item: Item
    answer: Answer
    recall_rank: int | None  # 1-based rank of the first passage holding evidence (any depth), None if absent
    page_hit: bool | None  # for evidence with a "page": one of the first k passages covers it
    correct: bool
    cited: bool
    latency_ms: float


def _first_evidence_rank(item: Item, answer: Answer) -> int | None:
    quotes = [e["quote"] for e in item.evidence if e.get("quote")]
    for p in answer.passages:
        if any(quote_found(q, p.chunk.text) for q in quotes):
            return p.rank
    return None


def _page_hit(item: Item, answer: Answer, k: int) -> bool | None:
    pages = [e for e in item.evidence if e.get("page") is not None]
    if not pages:
        return None
    for p in answer.passages[:k]:
        stem = Path(p.document.path).stem
        for e in pages:
            if stem == Path(e["doc"]).stem and p.chunk.page_start is not None \
                    and p.chunk.page_start <= e["page"] <= (p.chunk.page_end or p.chunk.page_start):
                return True
    return False


def answered_right(item: Item, answer: Answer) -> bool:
    """Answerable, answered (not declined), and the answer matches every answer pattern of the item."""
    return (item.answerable and not answer.abstained and bool(item.patterns)
            and all(re.search(pat, answer.text, re.IGNORECASE) for pat in item.patterns))


def score_item(item: Item, answer: Answer, latency_ms: float, k: int) -> ItemResult:
    correct = answered_right(item, answer)
    quotes = [e["quote"] for e in item.evidence if e.get("quote")]
    cited = correct and any(quote_found(q, c.passage.chunk.text) for c in answer.citations for q in quotes)
    return ItemResult(item, answer, _first_evidence_rank(item, answer), _page_hit(item, answer, k),
                      correct, cited, latency_ms)


def _pct(n: int, d: int) -> float | None:
    return None if d == 0 else 100.0 * n / d


def summarise(results: Sequence[ItemResult], k: int) -> dict:
    answerable = [r for r in results if r.item.answerable]
    with_evidence = [r for r in answerable if r.item.evidence]
    with_patterns = [r for r in answerable if r.item.patterns]
    unanswerable = [r for r in results if not r.item.answerable]
    paged = [r for r in results if r.page_hit is not None]
    latencies = sorted(r.latency_ms for r in results)

    def hit(r: ItemResult) -> bool:
        return r.recall_rank is not None and r.recall_rank <= k

    summary = {
        "items": len(results),
        f"recall@{k}": _pct(sum(map(hit, with_evidence)), len(with_evidence)),
        "mrr": (sum(1.0 / r.recall_rank for r in with_evidence if r.recall_rank) / len(with_evidence))
        if with_evidence else None,
        "answer_acc": _pct(sum(r.correct for r in with_patterns), len(with_patterns)),
        "cited": _pct(sum(r.cited for r in with_patterns), len(with_patterns)),
        "abstain_ok": _pct(sum(r.answer.abstained for r in unanswerable), len(unanswerable)),
        "false_abstain": _pct(sum(r.answer.abstained for r in answerable), len(answerable)),
        f"page_recall@{k}": _pct(sum(bool(r.page_hit) for r in paged), len(paged)),
        "latency_p50_ms": statistics.median(latencies) if latencies else None,
        "latency_p95_ms": latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))] if latencies else None,
    }
    by_type: dict[str, dict] = {}
    for t in sorted({r.item.type for r in results}):
        group = [r for r in results if r.item.type == t]
        ans = [r for r in group if r.item.answerable and r.item.patterns]
        ev = [r for r in group if r.item.answerable and r.item.evidence]
        by_type[t] = {
            "n": len(group),
            f"recall@{k}": _pct(sum(map(hit, ev)), len(ev)),
            "answer_acc": _pct(sum(r.correct for r in ans), len(ans)),
            "abstained": _pct(sum(r.answer.abstained for r in group), len(group)),
        }
    summary["by_type"] = by_type
    summary.update(generation_summary([r.answer for r in results]))
    return summary


def generation_summary(answers: Sequence[Answer]) -> dict:
    """For answers a language model was asked to write (`eval --llm`): the share of the sentences it wrote
    that the citation check dropped, and the shares of those answers shown as written, trimmed, replaced
    by the extractive answer (the check left nothing useful) or failed (the endpoint). Empty otherwise."""
    asked = [a.generation for a in answers if a.generation is not None and a.generation.outcome != "not asked"]
    if not any(a.generation is not None for a in answers):
        return {}
    written = sum(g.written for g in asked)
    outcomes = {o: _pct(sum(g.outcome == o for g in asked), len(asked)) for o in ("checked", "trimmed", "fallback",
                                                                                    "failed")}
    return {"llm_asked": len(asked), "llm_sentences": written,
            "llm_dropped": _pct(sum(len(g.dropped) for g in asked), written),
            **{f"llm_{o}": v for o, v in outcomes.items()}}


def run(groups: Iterable[list[Item]], ask: Ask, k: int = 5,
        on_item: Callable[[ItemResult], None] | None = None) -> list[ItemResult]:
    """Ask every item (dialog turns after their earlier turns) and score it."""
    import time

    results: list[ItemResult] = []
    for group in groups:
        history: list[Turn] = []
        for item in group:
            t0 = time.perf_counter()
            answer = ask(item.question, tuple(history))
            latency = (time.perf_counter() - t0) * 1000
            result = score_item(item, answer, latency, k)
            results.append(result)
            history.append(Turn(item.question, answer))
            if on_item:
                on_item(result)
    return results
