"""Reading order for text laid out a line per paragraph, as PDF-to-text conversions write it.

Such a file has a blank line after every printed line, so a sentence is cut into several "paragraphs"; where
the page had two columns, the lines of both come interleaved in the order of their height on the page ("can"
/ "within 18 weeks" / "be impacted by"). Quoting a sentence then means quoting a fragment of it.

The text itself is left as it is (offsets, pages and quotes keep pointing into it); what this module finds
is which line continues which: each column is followed as a chain of lines. Which chain a line continues is
judged by how well its first word follows the chain's last word, by a word-pair model learnt from the
document's own lines (the pairs inside a printed line are in reading order whatever the layout): "can be"
is common, "can within" is not. A dynamic programme keeps the best assignment of every line to one of two
chains, so one-column text stays one chain and two-column text becomes two. Table rows and Markdown headings
end both chains; page numbers and running heads stand outside them.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from .. import config

_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
_SENTENCE_END = re.compile(r"[.!?:;][\"'”’)\]*_\s]*$")
_PAGE_NUMBER = re.compile(r"^\s*(page\s+)?\d{1,4}(\s+of\s+\d{1,4})?\s*$", re.I)
END = "</s>"  # the "word" before a sentence's first word


TEXT, FURNITURE, FIXED = "text", "furniture", "fixed"


@dataclass(frozen=True)
class _Line:
    text: str
    first: str  # first word ("" when it has none)
    last: str  # last word, or END after a sentence's end
    kind: str  # TEXT; FURNITURE (page numbers and running heads, outside the chains); FIXED (table rows and
    # Markdown headings: both chains end there)


def continuations(text: str) -> tuple[tuple[int, int], ...]:
    """(where a line starts, where the line continuing its last sentence starts) for each line of `text`
    cut mid-sentence, when `text` is laid out a line per paragraph; () for text in ordinary paragraphs."""
    blocks = _line_blocks(text)
    if not _line_per_paragraph([b for _, b in blocks]):
        return ()
    furniture = _furniture([b for _, b in blocks])
    lines = [_line(b, b in furniture) for _, b in blocks]
    model = _PairModel([line for line in lines if line.kind == TEXT])
    links = []
    for run, two in _runs(lines, model):
        chains = _assign([lines[i] for i in run], model) if two else [0] * len(run)
        last: dict[int, int] = {}
        for i, chain in zip(run, chains):
            before = last.get(chain)
            if before is not None and lines[before].last != END:
                links.append((blocks[before][0], blocks[i][0]))
            last[chain] = i
    return tuple(links)


def _line_blocks(text: str) -> list[tuple[int, str]]:
    """(offset, text) of each paragraph that is not blank, stripped."""
    out = []
    for match in re.finditer(r"(?:[^\n]|\n(?!\s*\n))+", text):
        block = match.group()
        if block.strip():
            out.append((match.start() + len(block) - len(block.lstrip()), block.strip()))
    return out


def _line_per_paragraph(blocks: list[str]) -> bool:
    """Most of the paragraphs are one line, and most of those stop mid-sentence."""
    singles = [b for b in blocks if "\n" not in b]
    if len(singles) < config.REFLOW_MIN_LINES or len(singles) < config.REFLOW_SINGLE_SHARE * len(blocks):
        return False
    cut = sum(not _SENTENCE_END.search(b) for b in singles)
    return cut >= config.REFLOW_CUT_SHARE * len(singles)


def _furniture(blocks: list[str]) -> set[str]:
    """Lines that are page furniture: page numbers, and short lines repeated as running heads."""
    counts = Counter(blocks)
    return {b for b, n in counts.items()
            if _PAGE_NUMBER.match(b) or (n >= config.REFLOW_RUNNING_HEAD_REPEATS and len(b.split()) <= 6)}


def _line(block: str, furniture: bool) -> _Line:
    words = _WORD.findall(block)
    if furniture:
        kind = FURNITURE
    elif "\t" in block or block.startswith(("#", "|")):
        kind = FIXED
    else:
        kind = TEXT
    last = END if _SENTENCE_END.search(block) or not words else words[-1]
    return _Line(block, words[0] if words else "", last, kind)


def _segments(lines: list[_Line]) -> list[list[int]]:
    """The indexes of the chained lines between fixed lines."""
    out: list[list[int]] = [[]]
    for i, line in enumerate(lines):
        if line.kind == FIXED:
            out.append([])
        elif line.kind != FURNITURE:
            out[-1].append(i)
    return [s for s in out if s]


def _runs(lines: list[_Line], model: "_PairModel") -> list[tuple[list[int], bool]]:
    """The chained lines cut into runs of one layout: (indexes, whether it is two columns)."""
    out: list[tuple[list[int], bool]] = []
    for segment in _segments(lines):
        layout = _two_columns([lines[i] for i in segment], model)
        for k, (i, two) in enumerate(zip(segment, layout)):
            if k and layout[k - 1] == two:
                out[-1][0].append(i)
            else:
                out.append(([i], two))
    return out


def _two_columns(lines: list[_Line], model: "_PairModel") -> list[bool]:
    """Whether each line is laid out in two columns, by the likelier of two layouts over the whole run
    (Viterbi; the layout changes rarely). One column: a line follows the line before. Two columns: it
    follows the line before (when the other column had a gap: STAY) or the one before that."""
    stay, change = math.log1p(-config.REFLOW_LAYOUT_CHANGE), math.log(config.REFLOW_LAYOUT_CHANGE)
    score = [0.0, -math.log(2)]  # one column, two columns
    back: list[tuple[int, int]] = []
    for i in range(1, len(lines)):
        after_one = model.logp(lines[i - 1].last, lines[i].first)
        after_two = model.logp(lines[i - 2].last, lines[i].first) if i >= 2 else after_one
        emit = (after_one, _logsumexp(STAY + after_one, SWITCH + after_two))
        new, pointers = [0.0, 0.0], [0, 0]
        for state in (0, 1):
            options = [score[prev] + (stay if prev == state else change) for prev in (0, 1)]
            pointers[state] = max((0, 1), key=lambda prev: options[prev])
            new[state] = options[pointers[state]] + emit[state]
        score = new
        back.append((pointers[0], pointers[1]))
    state = max((0, 1), key=lambda k: score[k])
    layout = [state]
    for pointers in reversed(back):
        state = pointers[state]
        layout.append(state)
    return [bool(k) for k in reversed(layout)]


# In two columns, a line is in the other column than the line before, but for a gap in that column.
STAY, SWITCH = math.log(0.25), math.log(0.75)


def _logsumexp(a: float, b: float) -> float:
    top = max(a, b)
    return top + math.log(math.exp(a - top) + math.exp(b - top))


class _PairModel:
    """log P(next word | previous word) from the pairs inside the document's lines, smoothed towards how often
    the word is seen at all; a sentence's first word follows END. The case of the next word's first letter
    counts too: after a sentence's end it is rarely small, inside a sentence it is usually small (how rarely
    and how usually is counted in the document's lines too)."""

    def __init__(self, lines: list[_Line]):
        self.pairs: Counter[tuple[str, str]] = Counter()
        self.left: Counter[str] = Counter()
        self.words: Counter[str] = Counter()
        cases: Counter[tuple[bool, bool]] = Counter()  # (after a sentence's end, starts with a capital)
        for line in lines:
            tokens = _tokens(line.text)
            self.words.update(t.lower() for t in tokens if t != END)
            for a, b in zip(tokens, tokens[1:]):
                if b != END and b[0].isalpha():
                    self.pairs[a.lower(), b.lower()] += 1
                    self.left[a.lower()] += 1
                    cases[a == END, b[0].isupper()] += 1
        self.total = sum(self.words.values()) + len(self.words) + 1
        self.case = {(end, upper): math.log((cases[end, upper] + 1) / (cases[end, True] + cases[end, False] + 2))
                     for end in (True, False) for upper in (True, False)}

    def logp(self, previous: str, word: str) -> float:
        """`previous` as a line's `last`, `word` as a line's `first` (with its case)."""
        if not word:
            return self.case[previous == END, True]
        key = word.lower()
        unigram = (self.words[key] + 1) / self.total
        strength = config.REFLOW_SMOOTHING
        pair = math.log((self.pairs[previous.lower(), key] + strength * unigram) / (self.left[previous.lower()] + strength))
        return pair + (self.case[previous == END, word[0].isupper()] if word[0].isalpha() else 0.0)


def _tokens(text: str) -> list[str]:
    """The line's words with END after each sentence's end. What came before its first word is not known."""
    out: list[str] = []
    for piece in re.split(r"(?<=[.!?])\s+", text):
        out.extend(_WORD.findall(piece))
        if _SENTENCE_END.search(piece):
            out.append(END)
    return out


def _assign(lines: list[_Line], model: _PairModel) -> list[int]:
    """Each line's chain (0 or 1), by the best total log-probability of every line following the last line
    of its chain. A state is (the other chain's last line or -1, the current line's chain); the other chain
    is closed after REFLOW_SPAN lines without a line of its own."""
    span = config.REFLOW_SPAN
    states: dict[tuple[int, int], float] = {(-1, 0): 0.0}
    history: list[dict[tuple[int, int], tuple[int, int] | None]] = [{(-1, 0): None}]

    def follows(prev: int, i: int) -> float:
        if prev < 0:
            return model.logp(END, lines[i].first)
        return model.logp(lines[prev].last, lines[i].first)

    for i in range(1, len(lines)):
        new: dict[tuple[int, int], float] = {}
        back: dict[tuple[int, int], tuple[int, int] | None] = {}
        for (other, chain), score in states.items():
            moves = (((other, chain), STAY + follows(i - 1, i)),  # the same chain as line i-1
                     ((i - 1, 1 - chain), SWITCH + follows(other, i)))  # the other chain
            for (o, c), gain in moves:
                if o >= 0 and i - o > span:
                    o = -1
                total = score + gain
                if total > new.get((o, c), -math.inf):
                    new[(o, c)] = total
                    back[(o, c)] = (other, chain)
        states = new
        history.append(back)
    state = max(states, key=states.get)
    chains = [0] * len(lines)
    for i in range(len(lines) - 1, -1, -1):
        chains[i] = state[1]
        state = history[i][state] if i else state
    return chains
