"""Evaluation across corpora: every question set of ../shared/eval scored on its own papers, per corpus,
with a fixed train/test split, leave-one-corpus-out fitting, ablations and the naive baseline.

A corpus is a question file with the folder of papers it is about:
- `dev.jsonl` about the sample board papers (the project's `corpus/`);
- each sub-folder holding `questions.jsonl` and its papers in `corpus/` or `pdfs/`.
Each gets its own index under the cache folder (built once, then brought up to date like any other).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import config, evaluation
from .evaluation import Item
from .tuning import Tuning

TEST_SHARE = 0.5  # of each corpus's question groups held out from fitting the shipped weights


@dataclass(frozen=True)
class EvalCorpus:
    name: str
    questions: Path
    papers: Path
    index: Path

    def groups(self, split: str | None = None) -> list[list[Item]]:
        """The question groups (a dialog is one group), all or those of one split ("train" or "test")."""
        groups = evaluation.load_items(self.questions)
        return groups if split is None else [g for g in groups if split_of(self.name, g) == split]


def split_of(corpus: str, group: list[Item]) -> str:
    """The fixed split of a question group: a hash of the corpus name and the group's first id, so it never
    changes as code or weights change and needs no file to keep in step."""
    key = f"{corpus}/{group[0].dialog or group[0].id}".encode()
    return "test" if int(hashlib.sha256(key).hexdigest(), 16) % 1000 < TEST_SHARE * 1000 else "train"


def discover(eval_dir: Path, sample_corpus: Path | None = None, index_root: Path | None = None) -> list[EvalCorpus]:
    """The corpora of an evaluation folder laid out like ../shared/eval."""
    eval_dir = Path(eval_dir)
    index_root = Path(index_root or config.CACHE_DIR / "eval-index")
    found = []
    if (eval_dir / "dev.jsonl").is_file():
        found.append(EvalCorpus("board-papers", eval_dir / "dev.jsonl", Path(sample_corpus or config.DEFAULT_CORPUS),
                                index_root / "board-papers"))
    for sub in sorted(p for p in eval_dir.iterdir() if p.is_dir()):
        papers = next((sub / name for name in ("corpus", "pdfs") if (sub / name).is_dir()), None)
        if (sub / "questions.jsonl").is_file() and papers is not None:
            found.append(EvalCorpus(sub.name, sub / "questions.jsonl", papers, index_root / sub.name))
    return found


def open_assistant(corpus: EvalCorpus, tuning: Tuning, progress=None, llm=None):
    from .assistant import Assistant

    return Assistant.open(corpus.papers, corpus.index, tuning=tuning, progress=progress, llm=llm)


def score(assistant, groups: list[list[Item]], k: int = 5) -> tuple[dict, list[evaluation.ItemResult]]:
    results = evaluation.run(groups, assistant.ask, k=k)
    return evaluation.summarise(results, k), results


def with_tuning(assistant, tuning: Tuning):
    """The same opened index and encoder, ranked and answered with another tuning."""
    from .assistant import Assistant

    return Assistant(assistant.store, assistant.retriever.embedder, assistant.corpus_dir, assistant.index_dir,
                     tuning=tuning)


def collector(corpora: list[EvalCorpus], assistants: dict, split: str | None = None):
    """A function that records the fitting rows of these corpora (one split, or all) under a tuning: each
    corpus's questions on its own papers, and every other corpus's questions asked of its papers as
    unanswerable ones."""
    from .fitting import Records, collect

    def collect_with(tuning: Tuning) -> Records:
        records = Records()
        for c in corpora:
            assistant = with_tuning(assistants[c.name], tuning)
            records.extend(collect(assistant, c.groups(split), c.name))
            for other in corpora:
                if other.name != c.name:
                    records.extend(collect(assistant, other.groups(split), c.name, answerable_here=False))
        return records

    return collect_with


def leave_one_out(corpora: list[EvalCorpus], assistants: dict, base: Tuning, extra=None,
                  on_corpus: Callable[[str, dict], None] | None = None, k: int = 5) -> dict[str, dict]:
    """For each corpus: fit on every other corpus's questions (with `extra` records, e.g. TAT-QA's), score
    this one's. The honest estimate of quality on papers and questions nobody tuned for."""
    from .fitting import fit_tuning

    out = {}
    for held in corpora:
        others = [c for c in corpora if c.name != held.name]
        tuning = fit_tuning(collector(others, assistants), base, f"all corpora but {held.name}", extra)
        summary, _ = score(with_tuning(assistants[held.name], tuning), held.groups(), k)
        out[held.name] = summary
        if on_corpus:
            on_corpus(held.name, summary)
    return out


def baseline_summary(corpus_dir: Path, groups: list[list[Item]], embedder, k: int = 5) -> dict:
    """The naive hybrid baseline's retrieval figures on a question set (see `baseline.py`)."""
    from .baseline import build_baseline

    index = build_baseline(corpus_dir, config.CACHE_DIR / "baseline", embedder)
    summary = evaluation.summarise(evaluation.run(groups, index.ask, k=k), k)
    # it retrieves and never answers: answer figures would only say so
    return summary | dict.fromkeys(("answer_acc", "cited", "abstain_ok", "false_abstain"))


def ablations(assistant, groups: list[list[Item]], k: int = 5) -> dict[str, dict]:
    """Every metric with each weighted feature switched off in turn ("all" is nothing switched off)."""
    tuning = assistant.tuning
    features = sorted({name for group in ("ranking", "sentence", "abstain") for name in getattr(tuning, group)})
    out = {"all": score(assistant, groups, k)[0]}
    for name in features:
        out[name] = score(with_tuning(assistant, tuning.without(name)), groups, k)[0]
    return out


def fit_shipped(corpora: list[EvalCorpus], assistants: dict, base: Tuning,
                extra=None) -> tuple[Tuning, dict[str, dict]]:
    """The weights the package ships: fitted on the train split of every corpus (with the other corpora's
    train questions as unanswerable ones), and each corpus's test split scored with them."""
    from .fitting import fit_tuning

    note = "train split of " + ", ".join(c.name for c in corpora) + (" and TAT-QA" if extra else "")
    tuning = fit_tuning(collector(corpora, assistants, "train"), base, note, extra)
    held_out = {c.name: score(with_tuning(assistants[c.name], tuning), c.groups("test"))[0] for c in corpora}
    return tuning, held_out


def tatqa_records(eval_dir: Path, split: str, embedder, tuning: Tuning):
    """TAT-QA's labelled sentences of one split as sentence-chooser training rows (empty when absent)."""
    from .answer import ExtractiveAnswerer
    from .fitting import Records
    from .tatqa import TatIdf, load_contexts, records, split_of

    files = sorted(Path(eval_dir, "tatqa").glob("tatqa_dataset_*.json"))
    if not files:
        return Records()
    contexts = load_contexts(files)

    def make_answerer(idf):
        answerer = ExtractiveAnswerer(idf, tuning=tuning, embed=embedder.embed)
        answerer.measure_all = True
        return answerer

    return records([c for c in contexts if split_of(c) == split], make_answerer, idf=TatIdf(contexts))
