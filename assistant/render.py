"""Terminal and Markdown renderings of answers and passages for the CLI (rich)."""

from __future__ import annotations

from collections.abc import Sequence

from .labels import passage_meta
from .types import Answer, Passage


def answer_markdown(answer: Answer) -> str:
    lines = [f"**Q:** {answer.question}", ""]
    note = [f"*{answer.generation.note}*", ""] if answer.generation else []
    if answer.abstained:
        lines += ["**The papers don't say.** Closest passages (not an answer):", ""]
        for p in answer.passages[:5]:
            lines.append(f"- *{p.document.title}* — {passage_meta(p)}: “{_snippet(p.chunk.text)}”")
        return "\n".join([*lines, "", *note]).rstrip() + "\n"
    lines += [answer.text, "", *note, "**Sources**", ""]
    for c in answer.citations:
        lines.append(f"{c.n}. *{c.passage.document.title}* — {passage_meta(c.passage)}  ")
        lines.append(f"   “{' '.join(c.quote.split())}”")
    return "\n".join(lines) + "\n"


def _snippet(text: str, limit: int = 220) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"


def print_answer(console, answer: Answer) -> None:
    from rich.markdown import Markdown
    from rich.panel import Panel
    from rich.text import Text

    if answer.abstained:
        console.print(Panel(Text("The papers don't say.", style="bold yellow"), title=answer.question,
                            title_align="left", border_style="yellow"))
        print_generation_note(console, answer)
        console.print(Text("Closest passages (not an answer):", style="dim"))
        print_passages(console, answer.passages[:5], show_text=True, dim=True)
        return
    console.print(Panel(Markdown(answer.text), title=answer.question, title_align="left", border_style="cyan"))
    print_generation_note(console, answer)
    for c in answer.citations:
        head = Text(f"[{c.n}] ", style="bold cyan")
        head.append(c.passage.document.title, style="bold")
        head.append(f" — {passage_meta(c.passage)}", style="dim")
        console.print(head)
        console.print(Text(f"    “{_snippet(c.quote, 300)}”", style="italic"))


NOTE_STYLES = {"checked": "green", "trimmed": "yellow", "fallback": "yellow", "failed": "red", "not asked": "dim"}


def print_generation_note(console, answer: Answer) -> None:
    """The one line saying what became of the local model's answer (nothing when no model was asked)."""
    from rich.text import Text

    g = answer.generation
    if g is not None:
        console.print(Text(g.note, style=NOTE_STYLES.get(g.outcome, "")))


def print_passages(console, passages: Sequence[Passage], show_text: bool = True, dim: bool = False) -> None:
    from rich.text import Text

    for p in passages:
        head = Text(f"{p.rank:>2}. ", style="bold")
        head.append(p.document.title, style="bold")
        head.append(f" — {passage_meta(p)}  score {p.score:.3f}", style="dim")
        console.print(head)
        if show_text:
            console.print(Text(f"    {_snippet(p.chunk.text, 400)}", style="dim" if dim else ""))


def print_explained(console, ranked: Sequence, tuning) -> None:
    """`search --explain`: each passage with every weighted feature's value × weight = contribution."""
    from rich.table import Table

    for n, scored in enumerate(ranked, 1):
        c = scored.candidate
        where = " › ".join(c.chunk.section_path) or "—"
        console.print(f"[bold]{n}. {c.document.title}[/] › {where}  score {scored.score:.3f}", highlight=False)
        table = Table(show_header=True, box=None, padding=(0, 2))
        for col in ("feature", "value", "weight", "contribution"):
            table.add_column(col, justify="left" if col == "feature" else "right")
        for name, value in sorted(scored.values.items(), key=lambda kv: -abs(kv[1] * tuning.weight("ranking", kv[0]))):
            w = tuning.weight("ranking", name)
            table.add_row(name, f"{value:.3f}", f"{w:+.3f}", f"{w * value:+.3f}")
        console.print(table)
        console.print(f"   {_snippet(c.chunk.text)}", style="dim", markup=False, highlight=False)
