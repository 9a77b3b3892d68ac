"""The command line: a thin face over the library. Heavy imports stay inside the command functions.

Each command lives in its own `_cmd_*` function; library errors become one line on stderr and exit 1.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import config
from .errors import BoardroomError


def _add_dirs(p: argparse.ArgumentParser) -> None:
    p.add_argument("--corpus", type=Path, default=config.DEFAULT_CORPUS, help="folder of board papers (default: %(default)s)")
    p.add_argument("--index", type=Path, default=config.DEFAULT_INDEX, help="folder of the built index (default: %(default)s)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="boardroom",
        description="Ask questions of board papers; every claim cites its document, item and page.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("chat", help="open the chat (the default when no command is given)")
    _add_dirs(p)
    _add_llm(p)
    p.set_defaults(func=_cmd_chat)

    p = sub.add_parser("docs", help="list the documents of the corpus")
    _add_dirs(p)
    p.add_argument("--json", action="store_true", help="print JSON (dates ISO)")
    p.set_defaults(func=_cmd_docs)

    p = sub.add_parser("index", help="build or update the index (only new or changed files are read)")
    _add_dirs(p)
    p.add_argument("--watch", action="store_true",
                   help="then keep it up to date as papers are added, changed or removed, a line per change (Ctrl+C stops)")
    p.set_defaults(func=_cmd_index)

    p = sub.add_parser("ask", help="answer a question with numbered sources")
    _add_dirs(p)
    p.add_argument("question", nargs="?", help="the question (omit with --batch)")
    p.add_argument("--batch", type=Path, metavar="FILE.jsonl",
                   help="answer every item of a JSON Lines file (dev.jsonl format); one JSON line out per item")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print the answer as JSON")
    fmt.add_argument("--markdown", action="store_true", help="print the answer as Markdown")
    _add_filters(p)
    _add_tuning(p)
    _add_llm(p)
    p.set_defaults(func=_cmd_ask)

    p = sub.add_parser("search", help="print the ranked passages for a query")
    _add_dirs(p)
    p.add_argument("query")
    p.add_argument("--k", type=int, default=10, help="how many passages (default: %(default)s)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--explain", action="store_true", help="print each ranking feature's value and contribution")
    _add_filters(p)
    _add_tuning(p)
    p.set_defaults(func=_cmd_search)

    p = sub.add_parser("brief", help="write a Markdown briefing answering a file of questions (one a line), "
                       "with register sections if asked")
    _add_dirs(p)
    p.add_argument("questions", type=Path, nargs="?", help="text file, one question per line (blank lines and "
                   "# comments skipped); may be left out with --registers")
    p.add_argument("-o", "--output", type=Path, required=True, help="the briefing to write (Markdown)")
    p.add_argument("--title", default="Briefing")
    p.add_argument("--registers", type=_register_names, default=(), metavar="LIST",
                   help="sections after the answers, comma-separated: actions (the open ones), decisions (of the "
                   f"{config.BRIEF_DECISION_DAYS} days up to the latest one), attendance (the latest minuted "
                   "meeting), interests")
    p.set_defaults(func=_cmd_brief)

    p = sub.add_parser("eval", help="score answers and retrieval on a question file with verified evidence")
    _add_dirs(p)
    p.add_argument("file", type=Path, help="JSON Lines in the format of ../shared/eval/dev.jsonl, or a folder laid "
                   "out like ../shared/eval: every corpus in it is scored on its own papers")
    p.add_argument("--k", type=int, default=5, help="passages counted for recall (default: %(default)s)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--show-misses", action="store_true", help="list the items missed, with what was returned")
    p.add_argument("--baseline", action="store_true", help="also score the naive hybrid baseline (fixed chunks, "
                   "BM25 + MiniLM, reciprocal-rank fusion)")
    p.add_argument("--ablate", action="store_true", help="score again with each weighted feature switched off")
    p.add_argument("--loco", action="store_true", help="with a folder: fit on all corpora but one, score that one")
    p.add_argument("--index-root", type=Path, help="with a folder: where each corpus's index is kept "
                   "(default: the cache folder)")
    _add_tuning(p)
    _add_llm(p, for_eval=True)
    p.set_defaults(func=_cmd_eval)

    p = sub.add_parser("fit", help="fit the ranking, sentence and abstention weights on the evaluation corpora")
    p.add_argument("eval_dir", type=Path, help="a folder laid out like ../shared/eval")
    p.add_argument("-o", "--output", type=Path, help="the tuning file to write (default: the one the package ships)")
    p.add_argument("--corpus", type=Path, default=config.DEFAULT_CORPUS, help="the sample papers dev.jsonl is about")
    p.add_argument("--index-root", type=Path, help="where each corpus's index is kept (default: the cache folder)")
    p.set_defaults(func=_cmd_fit)

    p = sub.add_parser("mcp", help="serve the papers to a desktop assistant: a Model Context Protocol server on "
                       "stdin/stdout (tools: ask, search, documents; read-only)")
    _add_dirs(p)
    _add_tuning(p)
    p.set_defaults(func=_cmd_mcp)

    p = sub.add_parser("decisions", help="the decisions register: what boards and committees approved, agreed, noted")
    _add_dirs(p)
    p.add_argument("--since", type=_start_date, help="only decisions of meetings on or after YYYY-MM-DD (or YYYY-MM, YYYY)")
    p.add_argument("--until", type=_end_date, help="only decisions of meetings on or before YYYY-MM-DD (or YYYY-MM, YYYY)")
    p.add_argument("--org", action="append", default=[], help="only papers of this organisation (repeatable)")
    p.add_argument("--all", action="store_true", help="also the papers a meeting only received or noted")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_cmd_decisions)

    p = sub.add_parser("actions", help="the action logs across meetings, with each action's history")
    _add_dirs(p)
    p.add_argument("--open", action="store_true", help="only actions not complete or closed")
    p.add_argument("--overdue", action="store_true", help="only open actions due before the date of the latest paper")
    p.add_argument("--owner", metavar="NAME", help="only actions of this person (name or initials)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_cmd_actions)

    p = sub.add_parser("attendance", help="who was present, sent apologies or attended each meeting")
    _add_dirs(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_cmd_attendance)

    p = sub.add_parser("interests", help="declarations of interest; with NAME, one person's across registers")
    _add_dirs(p)
    p.add_argument("name", nargs="?", help="a person's name (or initials the papers define)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_cmd_interests)

    p = sub.add_parser("changes", help="what changed between two papers of the same kind")
    _add_dirs(p)
    p.add_argument("old", help="the earlier paper (path as `boardroom docs` lists it)")
    p.add_argument("new", help="the later paper")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_cmd_changes)

    return parser


def _add_tuning(p: argparse.ArgumentParser) -> None:
    p.add_argument("--tuning", type=Path, help="weights and thresholds to use (default: $BOARDROOM_TUNING, else the "
                   "fitted ones the package ships)")


def _add_llm(p: argparse.ArgumentParser, for_eval: bool = False) -> None:
    g = p.add_argument_group("local language model (optional; its answers are checked against their sources)")
    if for_eval:
        g.add_argument("--llm", action="store_true", help="score the answers a local model writes (address and "
                       f"name from --llm-url/--llm-model or ${config.LLM_URL_ENV}/${config.LLM_MODEL_ENV}), with "
                       "the share of sentences the citation check dropped")
    else:
        use = g.add_mutually_exclusive_group()
        use.add_argument("--llm", action="store_true", help="let a local model write the answers (on by default "
                         f"when ${config.LLM_URL_ENV} and ${config.LLM_MODEL_ENV} are set)")
        use.add_argument("--no-llm", action="store_true", help="Boardroom's own extractive answers only")
    g.add_argument("--llm-url", metavar="URL", help="the model server's OpenAI-compatible address on this machine, "
                   "e.g. http://127.0.0.1:8080/v1 (llama.cpp) or http://localhost:11434/v1 (Ollama)")
    g.add_argument("--llm-model", metavar="NAME", help="the model's name on that server")
    g.add_argument("--llm-timeout", type=float, metavar="SECONDS", help="how long to wait for the model to start "
                   f"or to go on writing (default: {config.LLM_TIMEOUT:g})")
    g.add_argument("--allow-remote", action="store_true", help="allow a model address that is not this machine "
                   "(the question and the passages are sent to it)")


def _llm(args: argparse.Namespace):
    """The local model chosen by the arguments and the environment, or None; a bad address fails here."""
    from .llm_client import llm_settings

    if getattr(args, "no_llm", False):
        return None
    asked = args.llm or bool(args.llm_url or args.llm_model)
    # eval uses a model only when told to (its figures stay comparable); ask and chat also when the
    # environment names one
    use = True if asked else (False if args.command == "eval" else None)
    return llm_settings(args.llm_url, args.llm_model, use=use, allow_remote=args.allow_remote,
                        timeout=args.llm_timeout)


def _add_filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--org", action="append", default=[], help="only documents of this organisation (repeatable)")
    p.add_argument("--kind", action="append", default=[],
                   help="only this kind: meeting pack, minutes, letter, plan, report, other")
    p.add_argument("--since", type=_start_date, help="only documents dated on or after YYYY-MM-DD (or from the "
                   "start of YYYY-MM, YYYY)")
    p.add_argument("--until", type=_end_date, help="only documents dated on or before YYYY-MM-DD (or to the end "
                   "of YYYY-MM, YYYY)")
    p.add_argument("--doc", action="append", default=[], help="only this document (path relative to the corpus; repeatable)")


def _start_date(value: str, end: bool = False):
    from .filters import parse_date

    try:
        return parse_date(value, end=end)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _end_date(value: str):
    return _start_date(value, end=True)


def _filters(args: argparse.Namespace, assistant):
    from .filters import build_filters

    return build_filters(assistant.documents(), assistant.corpus_dir, organisations=args.org, kinds=args.kind,
                         since=args.since, until=args.until, paths=args.doc)


def _open(args: argparse.Namespace):
    """The assistant on --corpus/--index, building the index first (with a progress bar) when missing."""
    from .assistant import Assistant
    from .progress import ProgressBar
    from .tuning import load_tuning

    tuning = load_tuning(getattr(args, "tuning", None))
    llm = _llm(args) if hasattr(args, "llm") else None
    with ProgressBar() as bar:
        return Assistant.open(args.corpus, args.index, progress=bar.update, tuning=tuning, llm=llm)


def _cmd_ask(args: argparse.Namespace) -> int:
    import json

    if args.batch is None and not args.question:
        raise BoardroomError("give a question, or --batch FILE.jsonl")
    assistant = _open(args)
    filters = _filters(args, assistant)
    if args.batch is not None:
        from .batch import answer_batch

        for line in answer_batch(assistant, args.batch, filters):
            print(json.dumps(line, ensure_ascii=False), flush=True)
        return 0
    answer = _ask_one(assistant, args.question, filters)
    if args.json:
        from .jsonio import answer_dict

        print(json.dumps(answer_dict(answer), ensure_ascii=False, indent=2))
    elif args.markdown:
        from .render import answer_markdown

        print(answer_markdown(answer))
    else:
        from rich.console import Console

        from .render import print_answer

        print_answer(Console(), answer)
    return 0


def _ask_one(assistant, question: str, filters):
    """One answer; while a local model writes it, a spinner on a terminal says so."""
    if assistant.llm is None or not sys.stderr.isatty():
        return assistant.ask(question, filters=filters)
    from rich.console import Console

    with Console(stderr=True).status(f"The local model {assistant.llm.model} is writing the answer…"):
        return assistant.ask(question, filters=filters)


def _cmd_search(args: argparse.Namespace) -> int:
    import json

    assistant = _open(args)
    if args.explain:
        from rich.console import Console

        from .render import print_explained

        print_explained(Console(), assistant.explain(args.query, args.k, _filters(args, assistant)), assistant.tuning)
        return 0
    passages = assistant.search(args.query, args.k, _filters(args, assistant))
    if args.json:
        from .jsonio import passage_dict

        print(json.dumps([passage_dict(p) for p in passages], ensure_ascii=False, indent=2))
    else:
        from rich.console import Console

        from .render import print_passages

        if not passages:
            print("No passages match (check the filters).")
        print_passages(Console(), passages)
    return 0


def _register_names(value: str) -> tuple[str, ...]:
    from .register_query import REGISTERS

    names = tuple(dict.fromkeys(n.strip().lower() for n in value.split(",") if n.strip()))
    unknown = [n for n in names if n not in REGISTERS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown register {', '.join(unknown) or repr(value)}; choose from: "
                                         f"{', '.join(REGISTERS)}")
    return names


def _cmd_brief(args: argparse.Namespace) -> int:
    from .export import briefing_markdown
    from .types import Turn

    if args.questions is None and not args.registers:
        raise BoardroomError("give a file of questions, or --registers (or both)")
    questions = _brief_questions(args.questions) if args.questions is not None else []
    assistant = _open(args)
    turns: list[Turn] = []
    for q in questions:
        turns.append(Turn(q, assistant.ask(q, tuple(turns))))
    sections = assistant.register_sections(args.registers) if args.registers else []
    args.output.write_text(briefing_markdown([*turns, *sections], args.title), encoding="utf-8")
    answered = sum(not t.answer.abstained for t in turns)
    parts = [f"{len(turns)} questions, {answered} answered from the papers"] if questions else []
    parts += [f"register sections: {', '.join(args.registers)}"] if sections else []
    print(f"Wrote {args.output}: {'; '.join(parts)}.")
    return 0


def _brief_questions(path: Path) -> list[str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise BoardroomError(f"cannot read {path}: {exc.strerror or exc}") from exc
    questions = [q.strip() for q in lines if q.strip() and not q.lstrip().startswith("#")]
    if not questions:
        raise BoardroomError(f"{path} holds no questions")
    return questions


def _cmd_eval(args: argparse.Namespace) -> int:
    import json

    from . import evaluation
    from .evaluation_report import print_report, print_table

    if args.llm and (args.loco or args.ablate):
        raise BoardroomError("--llm scores the answers a model writes; --loco and --ablate refit and switch off "
                             "Boardroom's own weights: run them without --llm")
    if args.file.is_dir():
        return _eval_suite(args)
    if not args.file.is_file():
        raise BoardroomError(f"no such file: {args.file}")
    if args.loco:
        raise BoardroomError("--loco needs a folder of corpora (e.g. ../shared/eval)")
    assistant = _open(args)
    groups = evaluation.load_items(args.file)
    results = evaluation.run(groups, assistant.ask, k=args.k)
    summary = evaluation.summarise(results, args.k)
    extra = _extra_runs(args, assistant, args.corpus, groups)
    if args.json:
        print(json.dumps({"boardroom": summary, **extra} if extra else summary, indent=2))
        return 0
    print_report(summary, results if args.show_misses else None, args.k)
    for title, rows in extra.items():
        print_table(title, rows if title != "baseline" else {"boardroom": summary, "baseline": rows}, args.k)
    return 0


def _extra_runs(args: argparse.Namespace, assistant, corpus_dir: Path, groups) -> dict:
    from . import evaluation_suite as suite

    extra = {}
    if args.baseline:
        extra["baseline"] = suite.baseline_summary(corpus_dir, groups, assistant.retriever.embedder, args.k)
    if args.ablate:
        extra["ablation"] = suite.ablations(assistant, groups, args.k)
    return extra


def _eval_suite(args: argparse.Namespace) -> int:
    """Every corpus of an evaluation folder: its figures, the baseline's, ablations, leave-one-corpus-out."""
    import json

    from . import evaluation_suite as suite
    from .evaluation_report import print_table
    from .tuning import Tuning, load_tuning

    tuning = load_tuning(args.tuning)
    corpora, assistants = _open_corpora(args.file, args, tuning, _llm(args))
    report: dict[str, dict] = {"per corpus": {c.name: suite.score(assistants[c.name], c.groups(), args.k)[0]
                                              for c in corpora}}
    if args.baseline:
        embedder = next(iter(assistants.values())).retriever.embedder
        report["baseline"] = {c.name: suite.baseline_summary(c.papers, c.groups(), embedder, args.k) for c in corpora}
    if args.loco:
        embedder = next(iter(assistants.values())).retriever.embedder
        extra = suite.tatqa_records(args.file, "train", embedder, Tuning())
        report["leave-one-corpus-out"] = suite.leave_one_out(corpora, assistants, Tuning(), extra, k=args.k)
    if args.ablate:
        for c in corpora:
            report[f"ablation: {c.name}"] = suite.ablations(assistants[c.name], c.groups(), args.k)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for title, rows in report.items():
            print_table(title, rows, args.k)
    return 0


def _open_corpora(eval_dir: Path, args: argparse.Namespace, tuning, llm=None):
    """The corpora of an evaluation folder, each opened on its own index (built with a progress bar), their
    answers written by `llm` when given."""
    from . import evaluation_suite as suite
    from .progress import ProgressBar

    corpora = suite.discover(eval_dir, args.corpus, args.index_root)
    if not corpora:
        raise BoardroomError(f"no question sets in {eval_dir} (dev.jsonl, or folders with questions.jsonl)")
    assistants = {}
    for c in corpora:
        with ProgressBar() as bar:
            assistants[c.name] = suite.open_assistant(c, tuning, progress=bar.update, llm=llm)
    return corpora, assistants


def _cmd_fit(args: argparse.Namespace) -> int:
    from . import evaluation_suite as suite
    from .evaluation_report import print_table
    from .tuning import SHIPPED, Tuning

    base = Tuning()  # fitting starts from no weights at all: the ranking is then plain fused retrieval
    corpora, assistants = _open_corpora(args.eval_dir, args, base)
    embedder = next(iter(assistants.values())).retriever.embedder
    extra = suite.tatqa_records(args.eval_dir, "train", embedder, base)
    tuning, held_out = suite.fit_shipped(corpora, assistants, base, extra)
    output = args.output or SHIPPED
    output.write_text(tuning.to_json(), encoding="utf-8")
    print(f"Wrote {output} ({tuning.fitted_on}).")
    print_table("test split, scored with the new weights", held_out, 5)
    return 0


def _cmd_chat(args: argparse.Namespace) -> int:
    from .tui import (
        make_app,  # textual only; the index and model load inside the app, in a worker
    )

    make_app(args.corpus, args.index, llm=_llm(args)).run()
    return 0


def _cmd_mcp(args: argparse.Namespace) -> int:
    from .mcp_server import serve
    from .tuning import load_tuning

    serve(args.corpus, args.index, load_tuning(args.tuning))
    return 0


def _cmd_docs(args: argparse.Namespace) -> int:
    """List the corpus as read now (no index needed); files that cannot be read are listed as problems.

    Exit 0 when every file was read, 1 when some could not be (they are still listed), so scripts notice.
    """
    import json

    from .chunking import chunk_document
    from .ingest import scan_corpus
    from .labels import page_list

    scan = scan_corpus(args.corpus)
    rows = []
    for parsed in scan.documents:
        doc = parsed.document
        rows.append({
            "path": doc.path, "doc_id": doc.doc_id, "title": doc.title, "kind": doc.kind,
            "organisation": doc.organisation, "date": doc.date.isoformat() if doc.date else None,
            "period": doc.period, "pages": doc.pages, "sections": len(parsed.sections),
            "chunks": len(chunk_document(parsed)), "ocr_pages": list(doc.ocr_pages),
            "page_labels": list(doc.page_labels), "warnings": list(parsed.problems), "problem": None,
        })
    problems = [{"path": e.path, "reason": e.reason} for e in scan.problems]
    if args.json:
        # one list: read documents, then files that could not be read (every field null but "problem")
        empty = dict.fromkeys(rows[0] if rows else ["path", "doc_id", "title", "kind", "organisation", "date",
                                                     "period", "pages", "sections", "chunks", "ocr_pages",
                                                     "page_labels", "warnings"])
        failed = [{**empty, "path": p["path"], "ocr_pages": [], "page_labels": [], "warnings": [],
                   "problem": p["reason"]} for p in problems]
        print(json.dumps(rows + failed, indent=2, ensure_ascii=False))
        return 1 if problems else 0

    from rich import box
    from rich.console import Console
    from rich.table import Table

    # Wide enough to read when printed to a file or a pipe (rich falls back to 80 columns there).
    console = Console(width=None if sys.stdout.isatty() else 160)
    table = Table(title=f"{len(rows)} documents in {args.corpus}", box=box.SIMPLE_HEAD, show_lines=False)
    for name in ("title", "kind", "organisation", "date", "period", "pages", "sections", "chunks"):
        numeric = name in ("pages", "sections", "chunks")
        table.add_column(name, style="bold" if name == "title" else "", justify="right" if numeric else "left",
                         no_wrap=name != "title", overflow="fold" if name == "title" else "ellipsis",
                         ratio=3 if name == "title" else None)
    for row in rows:
        table.add_row(row["title"], row["kind"], row["organisation"] or "—", row["date"] or "—",
                      row["period"] or "—", str(row["pages"] or "—"), str(row["sections"]), str(row["chunks"]))
    console.print(table)
    for row in rows:
        if row["ocr_pages"]:
            console.print(f"[cyan]OCR[/] {row['path']}: {page_list(row['ocr_pages'])} read by OCR", highlight=False)
        for warning in row["warnings"]:
            console.print(f"[yellow]warning[/] {row['path']}: {warning}", highlight=False)
    for problem in problems:
        console.print(f"[red]skipped[/] {problem['path']}: {problem['reason']}", highlight=False)
    return 1 if problems else 0


def _cmd_index(args: argparse.Namespace) -> int:
    """Build or update the index with a progress bar; skipped files are listed but do not fail the run."""
    from .indexer import build_index
    from .progress import ProgressBar

    if args.watch:
        return _watch_index(args)
    with ProgressBar() as bar:
        report = build_index(args.corpus, args.index, progress=bar.update)
    _print_report(report)
    return 0


def _print_report(report) -> None:
    if report.full_rebuild_reason:
        print(report.full_rebuild_reason)
    print(summary_line(report))
    for path, reason in report.skipped:
        print(f"  {path}: {reason}")


def _watch_index(args: argparse.Namespace) -> int:
    """`index --watch`: the usual report for the first build, then a line per paper added, changed, removed or
    skipped; Ctrl+C stops with one line (a build it interrupts leaves the previous index in place)."""
    from .progress import ProgressBar
    from .watch import watch_index

    bar = ProgressBar(transient=True)
    skipped: dict[str, str] | None = None

    def progress():
        nonlocal bar
        bar = ProgressBar(transient=True)
        return bar.update

    def on_build(report) -> None:
        nonlocal skipped
        bar.close()
        if skipped is None:
            _print_report(report)
            print(f"Watching {args.corpus} for changes (Ctrl+C stops).", flush=True)
        else:
            for line in change_lines(report, skipped):
                print(f"{time.strftime('%H:%M:%S')} {line}", flush=True)
        skipped = dict(report.skipped)

    try:
        watch_index(args.corpus, args.index, on_build, progress=progress)
    except KeyboardInterrupt:
        bar.close()
        print(f"Stopped watching {args.corpus}.", flush=True)
    return 0


def change_lines(report, skipped_before: dict[str, str]) -> list[str]:
    """One line per corpus file a build added, changed, removed or (newly) skipped, in path order."""
    now = dict(report.skipped)
    lines = [(path, f"{what} {path}") for what, paths in (("added", report.added), ("changed", report.changed),
                                                           ("removed", report.removed)) for path in paths
             if path not in now]  # a paper that can no longer be read is reported as skipped, with why
    lines += [(path, f"skipped {path}: {reason}") for path, reason in now.items() if skipped_before.get(path) != reason]
    gone = set(skipped_before) - set(now) - set(report.added) - set(report.changed)
    lines += [(path, f"removed {path}") for path in gone]
    return [line for _, line in sorted(lines)]


def summary_line(report) -> str:
    """One line for a BuildReport: documents by change, chunks, embeddings reused from the cache, time."""
    reused = (f", {report.embeddings_reused} of {report.embeddings_reused + report.embeddings_computed} "
              "embeddings reused" if report.chunks_embedded else "")
    return (
        f"Indexed {report.documents} documents ({len(report.added)} new, {len(report.changed)} changed, "
        f"{len(report.removed)} removed, {len(report.unchanged)} unchanged), {report.chunks_total} chunks "
        f"({report.chunks_embedded} embedded{reused}) in {report.seconds:.1f} s; {len(report.skipped)} skipped"
        + (":" if report.skipped else ".")
    )


def _registers(args: argparse.Namespace):
    """The registers of --index, brought up to date with --corpus first (no model is loaded for that unless
    a paper is new or changed)."""
    from .progress import ProgressBar
    from .registers.views import open_registers

    with ProgressBar() as bar:
        return open_registers(args.corpus, args.index, progress=bar.update)


def _print_json(data) -> None:
    import json

    print(json.dumps(data, ensure_ascii=False, indent=2))


def _cmd_decisions(args: argparse.Namespace) -> int:
    from .filters import build_filters
    from .registers import views
    from .render_registers import print_decisions

    registers = _registers(args)
    filters = build_filters(list(registers.documents.values()), args.corpus, organisations=args.org,
                            since=args.since, until=args.until)  # an unknown organisation is an error
    found = registers.decisions(filters.since, filters.until, filters.organisations, noted=args.all)
    if args.json:
        _print_json([views.decision_dict(c) for c in found])
    else:
        noted = 0 if args.all else len(registers.decisions(filters.since, filters.until, filters.organisations,
                                                            noted=True)) - len(found)
        print_decisions(_console(), found, registers.notes(), noted_left_out=noted)
    return 0


def _cmd_actions(args: argparse.Namespace) -> int:
    from .registers import views
    from .render_registers import print_actions

    registers = _registers(args)
    found = registers.actions(args.open, args.overdue, args.owner)
    if args.json:
        _print_json([views.action_dict(r) for r in found])
    else:
        print_actions(_console(), found, registers.as_of, registers.notes())
    return 0


def _cmd_attendance(args: argparse.Namespace) -> int:
    from .registers import views
    from .render_registers import print_attendance

    registers = _registers(args)
    found = registers.attendance()
    if args.json:
        _print_json([views.attendance_dict(m) for m in found])
    else:
        print_attendance(_console(), found, registers.notes())
    return 0


def _cmd_interests(args: argparse.Namespace) -> int:
    from .registers import views
    from .render_registers import print_interests

    registers = _registers(args)
    found = registers.interests(args.name)
    if args.json:
        _print_json([views.interest_dict(c) for c in found])
    else:
        print_interests(_console(), found, args.name, registers.notes())
    return 0


def _cmd_changes(args: argparse.Namespace) -> int:
    from .registers.changes import changes_dict, compare_papers
    from .render_registers import print_changes

    from .progress import ProgressBar

    with ProgressBar() as bar:
        result = compare_papers(args.corpus, args.index, args.old, args.new, progress=bar.update)
    if args.json:
        _print_json(changes_dict(result))
    else:
        print_changes(_console(), result)
    return 0


def _console():
    from rich.console import Console

    # Wide enough to read when printed to a file or a pipe (rich falls back to 80 columns there).
    return Console(width=None if sys.stdout.isatty() else 160, highlight=False)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["chat", *(argv or sys.argv[1:])])
    try:
        return int(args.func(args) or 0)
    except BoardroomError as exc:
        print(f"boardroom: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("boardroom: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
