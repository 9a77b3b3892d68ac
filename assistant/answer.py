"""The answer composer: a short answer built from the papers' own sentences, each with its citation.

No language model: the composer picks the sentences and table rows that carry what the question asks,
so it cannot invent a figure. When nothing retrieved supports an answer it says so plainly and hands
back the closest passages, marked as not an answer. Any other answerer (a local LLM later) plugs in
behind the same `Answerer` protocol.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from .query import QueryFacts, analyse, named_organisations, org_keys
from .types import Answer, Citation, Passage

NOT_FOUND = "The papers don't say."


class Answerer(Protocol):
    def compose(self, question: str, passages: list[Passage], facts: QueryFacts | None = None) -> Answer: ...


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer  # PyStemmer: C, imports in milliseconds

    return Stemmer.Stemmer("english")


_WORD = re.compile(r"[a-z0-9][a-z0-9'’\-]*(?:\.\d+)?", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z0-9£“\"(])")
_ABBREV = re.compile(r"\b(?:e\.g|i\.e|etc|Dr|Mr|Mrs|Ms|Prof|No|vs|St|approx|Cllr|Rev)\.$", re.IGNORECASE)
_NUMBERISH = re.compile(r"£\s?\d|\d+(?:\.\d+)?\s?(?:%|m\b|bn\b|k\b|million|billion)|\b\d[\d,]{2,}\b|\b\d+(?:\.\d+)?\b")
_DATEISH = re.compile(
    r"\b(?:\d{1,2}\s*(?:st|nd|rd|th)?\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+20\d{2}"
    r"|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b(?:q[1-4]|quarter)\b|\bby (?:the end of )?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*",
    re.IGNORECASE)
_NAMEISH = re.compile(r"\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+)+\b|\b[A-Z]{2,4}\b")
_MARKUP = re.compile(r"\*\*|__|^\s*(?:[-*•]|\d+[.)])\s+")


def stem_terms(text: str) -> set[str]:
    words = [w.lower().strip("'’-") for w in _WORD.findall(text)]
    return set(_stemmer().stemWords([w for w in words if w]))


@dataclass(frozen=True)
class Unit:
    """A sentence or table row of a passage, with its place inside the chunk text."""

    passage: Passage
    start: int
    end: int
    text: str  # as shown: header cells joined to a table row, markup removed
    is_row: bool

    @property
    def raw(self) -> str:
        return self.passage.chunk.text[self.start:self.end]


def split_units(passage: Passage) -> list[Unit]:
    """Sentences of prose lines and whole table rows (a row shown with its header row's cells)."""
    text = passage.chunk.text
    units: list[Unit] = []
    header: list[str] | None = None
    pos = 0
    for line in text.splitlines(keepends=True):
        start, body = pos, line.rstrip("\n")
        pos += len(line)
        if not body.strip():
            header = None
            continue
        if "\t" in body:
            cells = [c.strip() for c in body.split("\t")]
            if header is None:
                header = cells
                units.append(Unit(passage, start, start + len(body), _clean(" | ".join(c for c in cells if c)), True))
            else:
                units.append(Unit(passage, start, start + len(body), _clean(_row_with_header(cells, header)), True))
            continue
        header = None
        offset = 0
        for piece in _sentences(body):
            i = body.find(piece, offset)
            offset = i + len(piece)
            shown = _clean(piece)
            if len(shown) > 3:
                units.append(Unit(passage, start + i, start + i + len(piece), shown, False))
    return units


def _sentences(line: str) -> list[str]:
    parts, buf = [], ""
    for piece in _SENTENCE_END.split(line):
        buf = f"{buf} {piece}" if buf else piece
        if not _ABBREV.search(buf.rstrip()):
            parts.append(buf)
            buf = ""
    if buf:
        parts.append(buf)
    return [p.strip() for p in parts if p.strip()]


def _row_with_header(cells: list[str], header: list[str]) -> str:
    pairs = []
    for i, cell in enumerate(cells):
        if not cell:
            continue
        name = header[i] if i < len(header) else ""
        pairs.append(f"{name}: {cell}" if name and name != cell and i > 0 else cell)
    return "; ".join(pairs)


def _clean(text: str) -> str:
    return " ".join(_MARKUP.sub("", text).split())


# -- scoring ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Intent:
    wants_number: bool
    wants_person: bool
    wants_date: bool
    wants_list: bool


def intent_of(question: str) -> Intent:
    q = question.lower()
    return Intent(
        wants_number=bool(re.search(r"\bhow (much|many)\b|\bwhat (was|is|were) the .*(position|figure|rate|score|"
                                    r"spend|deficit|surplus|number|total|percentage|performance|baseline|target)|"
                                    r"\bpercent|\bscore\b|\bby what\b|\bhow .* change", q)),
        wants_person=bool(re.search(r"^\s*(who|whom)\b|\bwho (is|was|chairs|answered|asked)\b|\bby whom\b", q)),
        wants_date=bool(re.search(r"^\s*when\b|\bwhat date\b|\bby when\b|\bwhen (is|was|did|will)\b", q)),
        wants_list=bool(re.search(r"\bwhat (are|were) the\b.*\b(actions|risks|priorities|ps|areas|objectives)\b|"
                                  r"\blist\b|\bwhich .* (actions|risks)\b|\bwhat actions\b|\b(three|four|five|six|seven|eight)\b", q)),
    )


@dataclass
class Scored:
    unit: Unit
    score: float
    covered: frozenset[str]


class ExtractiveAnswerer:
    """Answers from the passages' own sentences; abstains when none carries what was asked."""

    def __init__(self, organisations: list[str] | None = None, *, passages_considered: int = 6,
                 min_support: float = 0.42, max_sentences: int = 4, max_list_items: int = 8):
        self.organisations = organisations or []
        self.passages_considered = passages_considered
        self.min_support = min_support
        self.max_sentences = max_sentences
        self.max_list_items = max_list_items

    def compose(self, question: str, passages: list[Passage], facts: QueryFacts | None = None) -> Answer:
        facts = facts or analyse(question)
        intent = intent_of(question)
        scored = self._score_units(question, facts, intent, passages[: self.passages_considered])
        if not scored or scored[0].score < self.min_support or not self._anchors_hold(facts, scored[0]):
            return Answer(question, NOT_FOUND, (), tuple(passages), True)
        chosen = self._choose(scored, intent)
        return self._render(question, chosen, passages, intent)

    # -- support --------------------------------------------------------------------------------------
    def _score_units(self, question: str, facts: QueryFacts, intent: Intent, passages: list[Passage]) -> list[Scored]:
        terms = stem_terms(" ".join(facts.terms))
        if not terms:
            return []
        # Figures and acronyms are what a board paper's answer turns on: they weigh double.
        weights = dict.fromkeys(terms, 1.0)
        for token in (*facts.acronyms, *facts.numbers):
            weights.update(dict.fromkeys(stem_terms(token) & terms, 2.0))
        total = sum(weights.values())
        out: list[Scored] = []
        for passage in passages:
            context = stem_terms(" ".join(passage.chunk.section_path) + " " + passage.document.title)
            rank_factor = 1.0 / (1.0 + 0.12 * (passage.rank - 1))
            for unit in split_units(passage):
                words = stem_terms(unit.text)
                covered = frozenset(t for t in terms if t in words)
                in_context = frozenset(t for t in terms if t in context) - covered
                coverage = (sum(weights[t] for t in covered) + 0.5 * sum(weights[t] for t in in_context)) / total
                cue = 0.0
                if intent.wants_number and _NUMBERISH.search(unit.text):
                    cue += 0.15
                if intent.wants_person and _NAMEISH.search(unit.text):
                    cue += 0.1
                if intent.wants_date and _DATEISH.search(unit.text):
                    cue += 0.15
                brevity = 0.0 if len(unit.text) < 400 else -0.1
                score = (coverage + cue + brevity) * (0.6 + 0.4 * rank_factor)
                out.append(Scored(unit, score, covered | in_context))
        out.sort(key=lambda s: s.score, reverse=True)
        return out

    def _anchors_hold(self, facts: QueryFacts, best: Scored) -> bool:
        """The question names a body or a year: the supporting passage must be about it."""
        doc = best.unit.passage.document
        text = best.unit.passage.chunk.text + " " + " ".join(best.unit.passage.chunk.section_path)
        named = named_organisations(facts, self.organisations)
        if named and doc.organisation:
            keys = set().union(*(org_keys(o) for o in named))
            if not (org_keys(doc.organisation) & keys) and not any(k in text.lower() for k in keys):
                return False
        if facts.periods:
            mentioned = set(facts.periods)
            doc_periods = {doc.period} if doc.period else set()
            text_periods = set(re.findall(r"20\d{2}/\d{2}", text.replace("-", "/")))
            if not (mentioned & (doc_periods | text_periods)):
                return False
        return True

    # -- choice and rendering ----------------------------------------------------------------------------
    def _choose(self, scored: list[Scored], intent: Intent) -> list[Scored]:
        best = scored[0]
        limit = self.max_list_items if intent.wants_list else self.max_sentences
        floor = best.score * (0.55 if intent.wants_list else 0.7)
        chosen = [best]
        covered = set(best.covered)
        seen = {best.unit.text.lower()}
        for s in scored[1:]:
            if len(chosen) >= limit or s.score < floor:
                break
            if s.unit.text.lower() in seen:
                continue
            adds = s.covered - covered
            if adds or intent.wants_list or s.score >= best.score * 0.85:
                chosen.append(s)
                covered |= s.covered
                seen.add(s.unit.text.lower())
        # Reading order within a passage, passages in rank order.
        chosen.sort(key=lambda s: (s.unit.passage.rank, s.unit.start))
        return chosen

    def _render(self, question: str, chosen: list[Scored], passages: list[Passage], intent: Intent) -> Answer:
        numbers: dict[str, int] = {}
        citations: list[Citation] = []
        quotes: dict[int, list[str]] = {}
        lines = []
        for s in chosen:
            cid = s.unit.passage.chunk.chunk_id
            if cid not in numbers:
                numbers[cid] = len(numbers) + 1
                quotes[numbers[cid]] = []
            n = numbers[cid]
            quotes[n].append(s.unit.raw.strip())
            sentence = s.unit.text.rstrip()
            if not sentence.endswith((".", "!", "?")) and not s.unit.is_row:
                sentence += "."
            lines.append(f"{sentence} [{n}]")
        by_id = {p.chunk.chunk_id: p for p in passages}
        for cid, n in numbers.items():
            citations.append(Citation(n, by_id[cid], " … ".join(quotes[n])))
        text = "\n".join(f"- {line}" for line in lines) if intent.wants_list and len(lines) > 1 else " ".join(lines)
        return Answer(question, text, tuple(citations), tuple(passages), False)
