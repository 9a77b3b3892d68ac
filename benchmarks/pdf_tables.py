"""Tables in PDFs: reading time, and how the FinanceBench evidence quotes land in chunks, without and with them.

    python benchmarks/pdf_tables.py [--pdfs DIR] [--questions FILE] [--only STEM ...]

Every filing is read twice through the real reader and chunker, with `config.PDF_TABLES` off (pypdf's plain
text, as before tables were read) and on. For each evidence quote, the chunks of its filing are searched for
the chunk that holds most of it; a quote counts as
  found   when one chunk holds a contiguous run of at least 60% of its words (the eval README's rule),
  whole   when one chunk holds all its words in order,
  all     when one chunk holds at least 95% of its words, in any order (a table read with its columns puts
          its header row in one line, where the page's plain text may read it in another order),
and "page" when that best chunk also covers the quote's page. No embedding: reading and chunking only.
Prints Markdown tables: per-filing reading time in CPU seconds (the extra time is the tables' cost) and the quote counts.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FINANCEBENCH = ROOT.parent / "shared" / "eval" / "financebench"
WHOLE_BAG = 0.95


def _read(pdf: Path, tables: bool):
    from assistant import config
    from assistant.chunking import chunk_document
    from assistant.ingest import read_document

    config.PDF_TABLES = tables
    started = time.process_time()  # CPU seconds: the machine is shared, wall time would measure the others
    parsed = read_document(pdf, pdf.parent)
    seconds = time.process_time() - started
    return parsed, chunk_document(parsed), seconds


def _measure(quote: str, page: int, chunks) -> dict[str, bool]:
    from assistant.evaluation import tokens

    needle = tokens(quote)
    want = Counter(needle)
    best_run, best_bag, best = 0, 0.0, None
    for chunk in chunks:
        words = tokens(chunk.text)
        run = SequenceMatcher(None, needle, words, autojunk=False).find_longest_match(
            0, len(needle), 0, len(words)).size
        have = Counter(words)
        bag = sum(min(n, have[w]) for w, n in want.items()) / len(needle)
        if (run, bag) > (best_run, best_bag):
            best_run, best_bag, best = run, bag, chunk
    on_page = best is not None and best.page_start <= page <= best.page_end
    return {"found": best_run >= 0.6 * len(needle), "whole": best_run == len(needle),
            "all": best_bag >= WHOLE_BAG, "page": on_page}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdfs", type=Path, default=FINANCEBENCH / "pdfs")
    parser.add_argument("--questions", type=Path, default=FINANCEBENCH / "questions.jsonl")
    parser.add_argument("--only", nargs="*", help="file stems to read (default: every filing)")
    args = parser.parse_args()

    evidence: dict[str, list[dict]] = {}
    for line in args.questions.read_text(encoding="utf-8").splitlines():
        if line.strip():
            for item in json.loads(line)["evidence"]:
                evidence.setdefault(item["doc"], []).append(item)
    stems = sorted(p.stem for p in args.pdfs.glob("*.pdf") if not args.only or p.stem in args.only)

    _read(min(args.pdfs.glob("*.pdf"), key=lambda p: p.stat().st_size), True)  # imports and caches warmed
    totals = {mode: Counter() for mode in ("before", "after")}
    print("| filing | pages | read s before | read s after | extra | chunks before | chunks after |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for stem in stems:
        pdf = args.pdfs / f"{stem}.pdf"
        row = {}
        for mode, tables in (("before", False), ("after", True)):
            parsed, chunks, seconds = _read(pdf, tables)
            row[mode] = (seconds, len(chunks))
            totals[mode]["seconds"] += seconds
            totals[mode]["chunks"] += len(chunks)
            for item in evidence.get(stem, []):
                totals[mode]["quotes"] += 1
                for name, hit in _measure(item["quote"], item["page"], chunks).items():
                    totals[mode][name] += hit
        pages = parsed.document.pages
        totals["after"]["pages"] += pages
        (b, cb), (a, ca) = row["before"], row["after"]
        print(f"| {stem} | {pages} | {b:.1f} | {a:.1f} | {100 * (a - b) / b:+.0f}% | {cb} | {ca} |", flush=True)
    before, after = totals["before"], totals["after"]
    extra = after["seconds"] - before["seconds"]
    print(f"| all ({after['pages']} pages) | | {before['seconds']:.1f} | {after['seconds']:.1f} | "
          f"{100 * extra / before['seconds']:+.0f}% ({1000 * extra / after['pages']:.0f} ms a page) | "
          f"{before['chunks']} | {after['chunks']} |")
    print()
    print("| evidence quotes | before | after |")
    print("|---|---:|---:|")
    labels = {"found": "found in one chunk (>= 60% in order)", "whole": "whole in one chunk, in order",
              "all": f"whole in one chunk (>= {WHOLE_BAG:.0%} of words, any order)",
              "page": "best chunk covers the evidence page"}
    for name, label in labels.items():
        print(f"| {label} | {before[name]} / {before['quotes']} | {after[name]} / {after['quotes']} |")


if __name__ == "__main__":
    main()
