"""Answers and passages as plain JSON-ready dicts (the `--json` and `--batch` formats). Dates are ISO."""

from __future__ import annotations

from .labels import pages_label, read_by_ocr, section_label
from .types import Answer, Citation, Document, Generation, Passage


def document_dict(doc: Document) -> dict:
    return {"doc_id": doc.doc_id, "title": doc.title, "path": doc.path, "kind": doc.kind,
            "organisation": doc.organisation, "date": doc.date.isoformat() if doc.date else None,
            "period": doc.period, "pages": doc.pages}


def passage_dict(p: Passage) -> dict:
    doc, chunk = p.document, p.chunk
    return {"rank": p.rank, "score": round(p.score, 4), "document": doc.title, "path": doc.path,
            "kind": doc.kind, "organisation": doc.organisation,
            "date": doc.date.isoformat() if doc.date else None, "section": section_label(chunk.section_path),
            "page_start": chunk.page_start, "page_end": chunk.page_end,
            "pages": pages_label(chunk.page_start, chunk.page_end, doc),
            "read_by_ocr": read_by_ocr(doc, chunk.page_start, chunk.page_end),
            "char_start": chunk.char_start, "char_end": chunk.char_end, "text": chunk.text}


def citation_dict(c: Citation) -> dict:
    d = passage_dict(c.passage)
    return {"n": c.n, **{k: v for k, v in d.items() if k not in ("rank", "score")}, "quote": c.quote}


def answer_dict(answer: Answer, item_id: str | None = None) -> dict:
    out = {"id": item_id} if item_id is not None else {}
    out.update({
        "question": answer.question,
        "answer": answer.text,
        "abstained": answer.abstained,
        "citations": [citation_dict(c) for c in answer.citations],
        "passages": [passage_dict(p) for p in answer.passages],
        "timings_ms": {k: round(v, 2) for k, v in answer.timings.items()},
    })
    if answer.generation is not None:
        out["generation"] = generation_dict(answer.generation)
    return out


def generation_dict(g: Generation) -> dict:
    return {"model": g.model, "outcome": g.outcome, "note": g.note, "sentences_written": g.written,
            "dropped": [{"sentence": s, "why": why} for s, why in g.dropped], "draft": g.draft}
