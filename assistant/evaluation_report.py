"""The `boardroom eval` report for a terminal: the headline metrics, per question type, and the misses."""

from __future__ import annotations

from .evaluation import ItemResult


def _fmt(v) -> str:
    if v is None:
        return "—"
    return f"{v:.1f}" if isinstance(v, float) else str(v)


def print_report(summary: dict, results: list[ItemResult] | None, k: int) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    head = Table(title=f"boardroom eval ({summary['items']} items)", show_header=False)
    head.add_column("metric")
    head.add_column("value", justify="right")
    for key in (f"recall@{k}", "mrr", "answer_acc", "cited", "abstain_ok", "false_abstain", f"page_recall@{k}",
                "latency_p50_ms", "latency_p95_ms"):
        value = summary[key]
        head.add_row(key, "—" if value is None else (f"{value:.3f}" if key == "mrr" else f"{value:.1f}"))
    if "llm_asked" in summary:
        head.add_row("local model asked", str(summary["llm_asked"]))
        head.add_row("sentences it wrote", str(summary["llm_sentences"]))
        for key, label in (("llm_dropped", "sentences dropped by the check %"), ("llm_checked", "answers shown as written %"),
                           ("llm_trimmed", "answers trimmed %"), ("llm_fallback", "fell back to extractive %"),
                           ("llm_failed", "endpoint failed %")):
            head.add_row(label, _fmt(summary[key]))
    console.print(head)
    by_type = Table(title="by question type")
    for col in ("type", "n", f"recall@{k}", "answer_acc", "abstained %"):
        by_type.add_column(col, justify="right" if col != "type" else "left")
    for t, row in summary["by_type"].items():
        by_type.add_row(t, str(row["n"]), _fmt(row[f"recall@{k}"]), _fmt(row["answer_acc"]), _fmt(row["abstained"]))
    console.print(by_type)
    if results is None:
        return
    for r in results:
        item = r.item
        missed_recall = item.answerable and item.evidence and (r.recall_rank is None or r.recall_rank > k)
        wrong = (item.answerable and item.patterns and not r.correct) or (not item.answerable and not r.answer.abstained)
        if not (missed_recall or wrong or r.page_hit is False):
            continue
        flags = []
        if missed_recall:
            flags.append(f"evidence rank {r.recall_rank or '>' + str(len(r.answer.passages))}")
        if r.page_hit is False:
            flags.append("page missed")
        if wrong:
            flags.append("abstained" if r.answer.abstained else "wrong answer")
        console.print(f"[bold]{item.id}[/] ({item.type}) {', '.join(flags)}: {item.question}")
        console.print(f"    answer: {' '.join(r.answer.text.split())[:300]}", style="dim", markup=False)
        for p in r.answer.passages[:3]:
            console.print(f"    {p.rank}. {p.document.title} › {' › '.join(p.chunk.section_path)}", style="dim",
                          markup=False)


COLUMNS = ("items", "recall@{k}", "mrr", "answer_acc", "cited", "abstain_ok", "false_abstain", "page_recall@{k}",
           "latency_p95_ms")


def print_table(title: str, rows: dict[str, dict], k: int) -> None:
    """One row per corpus (or per run), one column per metric."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    table.add_column("")
    columns = [c.format(k=k) for c in COLUMNS]
    if any("llm_dropped" in summary for summary in rows.values()):
        columns += ["llm_dropped", "llm_fallback"]
    for c in columns:
        table.add_column(c, justify="right")
    for name, summary in rows.items():
        table.add_row(name, *(("—" if summary.get(c) is None else f"{summary[c]:.3f}" if c == "mrr"
                               else _fmt(summary[c])) for c in columns))
    Console(width=160).print(table)
