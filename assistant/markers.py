"""Citation markers in an answer's text: "[1]", "[1, 2]". Pure, and cheap to import (the chat uses it)."""

from __future__ import annotations

import re

# "[1]" or "[1, 2]" (also "[1; 2]"), but not a Markdown link's text "[1](...)".
MARKER = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\](?!\()")


def marker_numbers(match: re.Match[str]) -> list[int]:
    """The source numbers of one marker: "[1, 2]" -> [1, 2]."""
    return [int(n) for n in re.split(r"\s*[,;]\s*", match.group(1))]


def cited_numbers(text: str) -> list[int]:
    """Every source number a text cites, in order of first use."""
    return list(dict.fromkeys(n for m in MARKER.finditer(text) for n in marker_numbers(m)))


def strip_markers(text: str) -> str:
    """The text without its markers, with the spaces they leave before punctuation closed up."""
    bare = MARKER.sub("", text)
    return re.sub(r"\s+([.,;:!?)])", r"\1", re.sub(r"[ \t]{2,}", " ", bare)).strip()
