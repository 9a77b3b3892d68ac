"""Short forms the papers define, so a question can use either form.

Board papers define their short forms once, "Peter Axon (PA)", "Continuing Health Care (CHC)", then use
them everywhere: minutes say "PA stated…" where a member asks about Peter Axon, and a question may say
"CHC" of a passage that spells it out. The definitions are read from the corpus itself: an upper-case
short form in brackets whose letters are the initials of the capitalised words just before it.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

_DEFINED = re.compile(r"\(\s*([A-Z][A-Za-z&\-]{1,7})\s*\)")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*|&")
_SKIPPABLE = frozenset({"and", "of", "the", "for", "in", "to", "with", "on", "&", "at"})
_LOOKBACK = 12  # words


def _initials_match(words: list[str], short: str) -> str | None:
    """The shortest run of trailing words whose capitalised initials spell `short`, or None."""
    letters = [c for c in short if c.isupper()]
    picked: list[str] = []
    i = len(letters) - 1
    for word in reversed(words):
        if i < 0:
            break
        if word.lower() in _SKIPPABLE:
            picked.append(word)
            continue
        parts = [p for p in re.split(r"[-’']", word) if p]
        head = word[0]
        if not head.isupper():
            return None
        # "Stoke-on-Trent" may stand for S, or for S O T; try the whole-word initial first.
        if head.upper() == letters[i]:
            picked.append(word)
            i -= 1
            continue
        caps = [p[0] for p in parts if p[0].isupper()]
        if len(caps) > 1 and i - len(caps) + 1 >= 0 and [c.upper() for c in caps] == letters[i - len(caps) + 1:i + 1]:
            picked.append(word)
            i -= len(caps)
            continue
        return None
    if i >= 0:
        return None
    while picked and picked[-1].lower() in _SKIPPABLE:  # no leading "and"/"the"
        picked.pop()
    return " ".join(reversed(picked)) if picked else None


def find_definitions(texts: Iterable[str]) -> dict[str, str]:
    """short form -> its most frequent long form, over all texts."""
    seen: dict[str, Counter] = defaultdict(Counter)
    for text in texts:
        for m in _DEFINED.finditer(text):
            short = m.group(1)
            core = "".join(c for c in short if c.isupper())  # "PSm" and "PE-J" are used as PS and PEJ
            if len(core) < 2:
                continue
            before = _WORD.findall(text[max(0, m.start() - 160): m.start()])[-_LOOKBACK:]
            long = _initials_match(before, core)
            if long and len(long.split()) >= 2:
                seen[short][long] += 1
                if core != short:
                    seen[core][long] += 1
    return {short: forms.most_common(1)[0][0] for short, forms in seen.items()}


class Aliases:
    """Expands a query with the other forms of every short or long form it uses."""

    def __init__(self, definitions: dict[str, str]):
        self.short_to_long = definitions
        self.long_to_shorts: dict[str, list[str]] = defaultdict(list)
        for short, long in sorted(definitions.items()):
            self.long_to_shorts[long.lower()].append(short)
        longs = sorted(self.long_to_shorts, key=len, reverse=True)
        self._long_pattern = (re.compile(r"\b(" + "|".join(re.escape(k) for k in longs) + r")\b", re.IGNORECASE)
                              if longs else None)

    def pairs(self, query: str) -> list[tuple[str, tuple[str, ...]]]:
        """(long form, its short forms) for every defined form the query uses."""
        found: dict[str, tuple[str, ...]] = {}
        for word in set(re.findall(r"\b[A-Z][A-Za-z&\-]{1,7}\b", query)):
            if word in self.short_to_long:
                long = self.short_to_long[word]
                found[long] = tuple(self.long_to_shorts[long.lower()])
        if self._long_pattern:
            for m in self._long_pattern.finditer(query):
                shorts = tuple(self.long_to_shorts[m.group(1).lower()])
                found[self.short_to_long[shorts[0]]] = shorts
        return sorted(found.items())

    def expand(self, query: str, keep: Callable[[str], bool] = lambda short: True) -> str:
        """The query with the other forms appended, for definitions whose short form `keep` accepts."""
        lowered = query.lower()
        extra = []
        for long, shorts in self.pairs(query):
            if not keep(shorts[0]):
                continue
            extra += [form for form in (long, *shorts)
                      if not re.search(rf"(?<![\w-]){re.escape(form.lower())}(?![\w-])", lowered)]
        return f"{query} ({'; '.join(dict.fromkeys(extra))})" if extra else query
