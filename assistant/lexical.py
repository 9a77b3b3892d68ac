"""The one tokeniser of the lexical side: words as BM25, coverage and the citation check see them.

Stemmed English words without stopwords, with numbers and compounds kept whole ("£90.7m" -> "90.7", "90.7m").
No numpy here: the register commands and other light paths use it without loading the search machinery.
"""

from __future__ import annotations

import re
from typing import Any

# A "word" is a run of letters/digits joined by . , / - & ' (so "£90.7m", "2023/24", "4-hour", "A&E" stay
# one word); currency signs and surrounding punctuation fall away.
_WORD = re.compile(r"[^\W_]+(?:[.,/&'’\-][^\W_]+)*")
_PART = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)*|[^\W\d_]+")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_FY = re.compile(r"^(\d{4})[/-](\d{2}|\d{4})$")
# bm25s.stopwords.STOPWORDS_EN ("en"), copied so that query time need not import bm25s (and scipy); a test
# checks the copy against bm25s.
STOPWORDS_EN = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not",
    "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was",
    "will", "with",
))
_STEMMER: Any = None


def _stem_tools() -> tuple[Any, frozenset[str]]:
    global _STEMMER
    if _STEMMER is None:
        import Stemmer

        _STEMMER = Stemmer.Stemmer("english")
    return _STEMMER, STOPWORDS_EN


def lexical_tokens(text: str) -> list[str]:
    """Tokens for BM25: stemmed English words without stopwords, plus numbers and compounds kept whole.

    bm25s's default tokenizer splits "£90.7m" into "90", "7m" and drops "7", "4" and "A&E", so a query for
    "90.7" or "A&E" could never match. Here every word yields its parts and, when it has several, the whole
    compound (single letters alone are dropped): "£90.7m" -> "90.7", "90.7m"; "2023/24" or "2023-24" ->
    "2023", "24", "2023/24"; "4-hour" -> "4", "hour", "4-hour"; "A&E" -> "a&e"; "£1,234" -> "1234".
    """
    stemmer, stop = _stem_tools()
    out: list[str] = []
    words: list[str] = []
    for m in _WORD.finditer(text.lower()):
        word = m.group(0).replace("’", "'")
        if word.endswith("'s"):
            word = word[:-2]
        parts = _PART.findall(word)
        for p in parts:
            if p[0].isdigit():
                out.append(_THOUSANDS.sub("", p))
            elif len(p) > 1 and p not in stop:
                words.append(p)
        if len(parts) > 1:
            fy = _FY.match(word)
            if fy:
                a, b = fy.groups()
                word = f"{a}/{b[-2:]}"
            out.append(_THOUSANDS.sub("", word))
    out.extend(stemmer.stemWords(words))
    return out
