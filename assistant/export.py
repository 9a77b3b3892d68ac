"""Briefing export: questions, their answers and a reference list, as Markdown for staff.

Shared by `boardroom brief` and the chat's export, so both write the same format.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from .labels import date_label, pages_label, section_label
from .types import Passage, Turn


def _reference(passage: Passage) -> str:
    doc, chunk = passage.document, passage.chunk
    parts = [f"*{doc.title}*", doc.kind, date_label(doc), section_label(chunk.section_path),
             pages_label(chunk.page_start, chunk.page_end, doc), f"`{doc.path}`"]
    return ", ".join(parts)


def briefing_markdown(turns: Sequence[Turn], title: str = "Briefing", when: dt.datetime | None = None) -> str:
    """One section per question; answer markers [n] are renumbered into one reference list for the brief."""
    when = when or dt.datetime.now()
    refs: dict[str, int] = {}  # chunk_id -> reference number in the briefing
    ref_passages: list[Passage] = []
    out = [f"# {title}", "", f"Prepared {when.strftime('%-d %B %Y %H:%M')} from the board papers by Boardroom.", ""]
    for i, turn in enumerate(turns, 1):
        answer = turn.answer
        out += [f"## {i}. {turn.question}", ""]
        if answer.abstained:
            out += ["*The papers don't say.* Closest passages, not an answer:", ""]
            for p in answer.passages[:3]:
                out.append(f"- {_reference(p)}")
            out.append("")
            continue
        text = answer.text
        mapping = {}
        for c in answer.citations:
            cid = c.passage.chunk.chunk_id
            if cid not in refs:
                refs[cid] = len(refs) + 1
                ref_passages.append(c.passage)
            mapping[c.n] = refs[cid]
        # Replace highest numbers first so [1] does not clobber [12].
        for n in sorted(mapping, reverse=True):
            text = text.replace(f"[{n}]", f"[^{mapping[n]}]")
        out += [text, ""]
        if answer.generation is not None:  # who wrote the answer, and what the citation check did
            out += [f"*{answer.generation.note}*", ""]
        for c in answer.citations:
            out.append(f"> [^{mapping[c.n]}] “{' '.join(c.quote.split())}”")
        out.append("")
    if ref_passages:
        out += ["## References", ""]
        for n, p in enumerate(ref_passages, 1):
            out.append(f"[^{n}]: {_reference(p)}")
        out.append("")
    return "\n".join(out)
