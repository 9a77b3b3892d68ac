"""The numbers printed on a PDF's pages, for citations of packs whose pages are numbered paper by paper.

A board pack binds many papers, each numbered from its own page 1, so the pack's tenth sheet may say "Page 3
of 7". Two sources, the first that has any: the page labels the PDF declares (what a viewer shows in its page
box), and the page numbers in the pages' headers and footers. A footer's "Page 3 of 7" is taken on its own;
a bare "Page 3" or a lone "3" only when the next or previous page continues the count, so that a figure that
happens to end a page is not taken for its number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_EDGE_LINES = 3  # lines at the top and at the bottom of a page where a page number is looked for
_MAX_NUMBER = 9999
_PAGE_OF = re.compile(r"\bpage\s+(\d{1,4})\s*(?:of|/)\s*(\d{1,4})\b", re.I)
_PAGE = re.compile(r"\bpage\s+(\d{1,4})\b", re.I)
_LONE = re.compile(r"^[\s\-–—|]*(\d{1,4})[\s\-–—|]*$")


def page_labels(declared: Sequence[str] | None, texts: Sequence[str]) -> tuple[str, ...]:
    """One label a page ("" where none is known), or () when no page's label differs from its position."""
    labels = list(declared) if declared else printed_numbers(texts)
    if len(labels) != len(texts) or all(label in ("", str(i)) for i, label in enumerate(labels, 1)):
        return ()
    return tuple(labels)


def declared_labels(reader) -> list[str] | None:
    """The labels a pypdf reader's document declares (/PageLabels), or None when it declares none."""
    try:
        if "/PageLabels" not in reader.trailer["/Root"]:
            return None
        return [str(label) for label in reader.page_labels]
    except Exception:  # a damaged label tree: fall back to the printed numbers
        return None


def printed_numbers(texts: Sequence[str]) -> list[str]:
    """The page number printed in each page's header or footer, "" where none is found."""
    found = [_candidate(text) for text in texts]
    labels = []
    for index, (number, explicit) in enumerate(found):
        if number is None:
            labels.append("")
            continue
        offset = index - number
        continued = any(
            0 <= other < len(found) and found[other][0] is not None and other - found[other][0] == offset
            for other in (index - 1, index + 1)
        )
        labels.append(str(number) if explicit or continued else "")
    return labels


def _candidate(text: str) -> tuple[int | None, bool]:
    """(number, explicit): the page's number from "Page X of Y" (explicit), "Page X" or a lone number."""
    lines = [line for line in text.split("\n") if line.strip()]
    edges = lines[-_EDGE_LINES:][::-1] + lines[:_EDGE_LINES]
    for line in edges:
        match = _PAGE_OF.search(line)
        if match and 1 <= int(match.group(1)) <= int(match.group(2)):
            return int(match.group(1)), True
    for pattern in (_PAGE, _LONE):
        for line in edges:
            match = pattern.search(line)
            if match and 0 < int(match.group(1)) <= _MAX_NUMBER:
                return int(match.group(1)), False
    return None, False
