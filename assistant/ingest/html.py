"""Web page (.html, .htm) reader (Beautiful Soup over lxml): the page's text in document order.

`<h1>`–`<h6>` become declared headings of their level, tables tab-separated rows with the header row first
(as every reader gives tables), and paragraphs, list items and other blocks are separated by blank lines.
What is not the page's content is dropped: scripts, styles, navigation, forms, embedded frames, hidden
elements, and the site's own header and footer bars.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from ..errors import ReaderError
from .raw import RawText, TextBuilder, read_bytes
from .text import decode, table_text

_DROP = ("script", "style", "noscript", "template", "nav", "form", "button", "select", "textarea", "iframe",
         "svg", "canvas", "object", "embed", "head")
_DROP_ROLES = ("navigation", "banner", "contentinfo", "search")
_HEADING = re.compile(r"^h([1-6])$")
# Elements that start a new block of text; anything else (spans, links, emphasis) is inline.
_BLOCKS = frozenset((
    "p", "div", "section", "article", "main", "aside", "blockquote", "pre", "address", "figure", "figcaption",
    "ul", "ol", "li", "dl", "dt", "dd", "table", "caption", "hr", "br", "header", "footer", "body", "html",
    "h1", "h2", "h3", "h4", "h5", "h6", "fieldset", "details", "summary",
))


def read_html(path: Path) -> RawText:
    """Read a web page into text with its declared headings; ReaderError for empty, binary or textless files."""
    raw = html_to_raw(decode(read_bytes(path), str(path)))
    if not raw.text.strip():
        raise ReaderError(str(path), "no text in the web page")
    return raw


def html_to_raw(markup: str) -> RawText:
    """The text and headings of an HTML document or fragment (also an e-mail's HTML body); headings None
    when the markup declares none."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "lxml")
    _drop_chrome(soup)
    walker = _Walker()
    walker.walk(soup)
    walker.flush()
    raw = walker.builder.raw()
    return raw if raw.headings else replace(raw, headings=None)  # no declared headings: infer from layout


def _drop_chrome(soup) -> None:
    for element in soup.find_all(_DROP):
        element.decompose()
    for element in soup.find_all(attrs={"role": list(_DROP_ROLES)}):
        element.decompose()
    for element in soup.find_all(attrs={"aria-hidden": "true"}):
        element.decompose()
    for element in soup.find_all(attrs={"hidden": True}):
        element.decompose()
    for element in soup.find_all(("header", "footer")):
        if element.find_parent(("article", "main", "section")) is None:
            element.decompose()  # the site's bars, not an article's own header


class _Walker:
    """Walks the tree in document order, collecting inline text into blocks."""

    def __init__(self) -> None:
        self.builder = TextBuilder()
        self.inline: list[str] = []

    def flush(self, heading_level: int | None = None) -> None:
        text = "\n".join(" ".join(line.split()) for line in "".join(self.inline).split("\n"))
        self.inline = []
        self.builder.add(text.strip("\n"), heading_level)

    def walk(self, element) -> None:
        from bs4.element import NavigableString, PreformattedString, Tag

        for child in element.children:
            if isinstance(child, PreformattedString):  # comments, the doctype, processing instructions
                continue
            if isinstance(child, NavigableString):
                self.inline.append(str(child))
            elif isinstance(child, Tag):
                self._tag(child)

    def _tag(self, tag) -> None:
        name = tag.name.lower()
        heading = _HEADING.match(name)
        if name not in _BLOCKS:
            self.walk(tag)
        elif name == "br":
            self.inline.append("\n")
        elif name == "table":
            self.flush()
            self.builder.add(table_text(_rows(tag)))
        elif heading:
            self.flush()
            self.walk(tag)
            self.flush(heading_level=int(heading.group(1)))
        else:
            self.flush()
            self.walk(tag)
            self.flush()


def _rows(table) -> list[list[str]]:
    """The table's rows (not those of tables nested in its cells, whose text stays in the cell)."""
    rows = []
    for row in table.find_all("tr"):
        if row.find_parent("table") is not table:
            continue
        cells = [cell for cell in row.find_all(("th", "td")) if cell.find_parent("tr") is row]
        rows.append([cell.get_text(" ") for cell in cells])
    caption = table.find("caption")
    return ([[caption.get_text(" ")]] if caption else []) + rows
