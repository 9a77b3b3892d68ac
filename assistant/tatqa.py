"""TAT-QA as training and held-out data for choosing the sentence (or table row) an answer quotes.

TAT-QA (../shared/eval/tatqa, see its README) holds 555 small contexts from companies' annual reports, one
table and a few paragraphs each, with 3,331 questions whose answers are spans, counts or sums worked out
from those paragraphs and rows. It has no retrieval step and no unanswerable questions, so it serves the
sentence chooser only: for each question every unit the answerer would consider (`ExtractiveAnswerer.
sentences`) is recorded with its feature values and a label, "does this unit state the answer?" (see
`unit_label` for the rule).

- `load_contexts(paths)`: the contexts of the data files, as frozen dataclasses;
- `passages_of(context)`: the context as the answerer sees it: one document, the table as one passage
  (rows on lines, cells split by tabs, so `split_units` labels each row with the header row's cells when
  the first row looks like one) and each paragraph as its own passage, all at rank 1 (TAT-QA has no
  retrieval order, so rank carries no signal there);
- `split_of(context)`: "train" or "test", fixed by a hash of the table's uid (about half each), so that a
  context's questions never land on both sides;
- `records(contexts, make_answerer)`: the `Records` (unit rows only) to fit the sentence weights on;
- `top1(records, weights)`: the held-out measure: the share of questions whose best-scored unit is one
  that states the answer.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

from . import config
from .types import Chunk, Document, Passage

if TYPE_CHECKING:  # the answerer pulls in the whole answering stack; only its type is needed here
    from .answer import ExtractiveAnswerer
    from .fitting import Records

DATA_DIR = config.PROJECT_DIR.parent / "shared" / "eval" / "tatqa"
DATA_FILES = (DATA_DIR / "tatqa_dataset_dev.json", DATA_DIR / "tatqa_dataset_test_gold.json")
TEST_SHARE = 0.5  # of the contexts, by a hash of the table's uid
TABLE_CHUNK = 0  # chunk number of the table's passage; paragraph passages are numbered by their `order`

Idf = Callable[[str], float]


# -- the data --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TatParagraph:
    uid: str
    order: int  # 1-based, as `rel_paragraphs` refers to it
    text: str


@dataclass(frozen=True)
class TatQuestion:
    uid: str
    question: str
    # A tuple of spans for "span" and "multi-span" answers; a number (or a numeral string) for
    # "arithmetic" and "count" ones.
    answer: tuple[str, ...] | float | int | str
    answer_type: str  # span, multi-span, arithmetic, count
    answer_from: str  # text, table, table-text
    rel_paragraphs: tuple[int, ...]  # `order`s of the paragraphs that hold the answer (none for "table")
    derivation: str  # the formula ("(44.1-56.7)/56.7", "1,496.5>1,202.9"), the counted items ("a##b"), or ""
    scale: str = ""  # "", thousand, million, billion, percent


@dataclass(frozen=True)
class TatContext:
    uid: str  # the table's uid: names the context
    table: tuple[tuple[str, ...], ...]  # rows of cells
    paragraphs: tuple[TatParagraph, ...]
    questions: tuple[TatQuestion, ...]


def _question(q: dict) -> TatQuestion:
    answer = q["answer"]
    if isinstance(answer, list):
        answer = tuple(str(a) for a in answer)
    return TatQuestion(uid=q["uid"], question=q["question"], answer=answer, answer_type=q["answer_type"],
                       answer_from=q["answer_from"],
                       rel_paragraphs=tuple(int(r) for r in q.get("rel_paragraphs") or ()),
                       derivation=str(q.get("derivation") or ""), scale=str(q.get("scale") or ""))


def context_of(raw: dict) -> TatContext:
    """One context of a TAT-QA file (a dict with `table`, `paragraphs` and `questions`)."""
    return TatContext(
        uid=raw["table"]["uid"],
        table=tuple(tuple(str(c) for c in row) for row in raw["table"]["table"]),
        paragraphs=tuple(sorted((TatParagraph(p["uid"], int(p["order"]), p["text"]) for p in raw["paragraphs"]),
                                key=lambda p: p.order)),
        questions=tuple(_question(q) for q in sorted(raw["questions"], key=lambda q: q.get("order", 0))),
    )


def load_contexts(paths: Iterable[Path | str] | Path | str = DATA_FILES) -> list[TatContext]:
    """The contexts of TAT-QA files (by default the dev and the test-with-gold files), in file order."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    out: list[TatContext] = []
    for path in paths:
        out.extend(context_of(raw) for raw in json.loads(Path(path).read_text(encoding="utf-8")))
    return out


def split_of(context: TatContext) -> str:
    """"train" or "test": fixed by a hash of the context's table uid, about half each."""
    h = int(hashlib.sha256(f"tatqa/{context.uid}".encode()).hexdigest(), 16) % 1000
    return "test" if h < TEST_SHARE * 1000 else "train"


# -- the context as passages -----------------------------------------------------------------------------


def document_of(context: TatContext) -> Document:
    return Document(doc_id=context.uid, path=f"tatqa/{context.uid}", title="", kind="report", organisation=None,
                    date=None, period=None, sha256="0" * 64, pages=None)


def _cell(text: str) -> str:
    return " ".join(text.split())  # a tab or a line break inside a cell would break the table's layout


def table_text(context: TatContext) -> str:
    """The table as `split_units` reads tables: one row a line, cells split by tabs."""
    return "\n".join("\t".join(_cell(c) for c in row) for row in context.table)


def _passage(document: Document, n: int, text: str) -> Passage:
    chunk = Chunk(chunk_id=f"{document.doc_id}:{n:05d}", doc_id=document.doc_id, text=text, page_start=None,
                  page_end=None, section_path=(), char_start=0, char_end=len(text))
    return Passage(chunk, document, 1.0, 1)


def passages_of(context: TatContext) -> list[Passage]:
    """The table (chunk number 0) then each paragraph (chunk number = its `order`), all rank 1, score 1."""
    document = document_of(context)
    passages = [_passage(document, TABLE_CHUNK, table_text(context))] if context.table else []
    passages += [_passage(document, p.order, p.text) for p in context.paragraphs]
    return passages


def place_of(passage: Passage) -> int:
    """The chunk number of one of `passages_of`'s passages: 0 for the table, else the paragraph's order."""
    return int(passage.chunk.chunk_id.rsplit(":", 1)[1])


# -- labels ----------------------------------------------------------------------------------------------

_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_FIGURE = re.compile(r"\d+(?:\.\d+)?")
_FORMULA = re.compile(r"[\d\s.,$%()\[\]+\-*/×÷<>=]+")  # a derivation that is only figures and operators
_CONSTANT = re.compile(r"(?<=[/*×÷])\s*\(?\s*(\d+)\s*\)?(?![\d.,])|(?<![\d.,])(\d+)\s*(?=[*×])")
CONSTANTS = frozenset({str(n) for n in range(13)} | {"100", "1000"})  # averages' divisors, percentages' 100
TRIVIAL = frozenset({"0", "1"})  # "(x / y - 1) * 100", "(0 + x) / 2": never evidence, wherever they stand
_YEAR = re.compile(r"(?<![\d.,])(?:19|20)\d{2}(?![\d.,])")
MIN_INSIDE = 20  # characters: a unit this long that lies wholly inside a (multi-sentence) span states it


def _norm(text: str) -> str:
    """Lower case, plain quotes, no $ or % signs, no thousands commas, single spaces."""
    text = text.lower().replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = _THOUSANDS.sub("", text.replace("$", " ").replace("%", " "))
    return " ".join(text.split())


def _canonical(figure: str) -> str:
    """"1,496.50" -> "1496.5", "100.0" -> "100"."""
    try:
        return format(Decimal(figure.replace(",", "")).normalize(), "f")
    except InvalidOperation:
        return figure


def figures_in(text: str) -> frozenset[str]:
    """The numbers a text states, canonical and unsigned ("$(1,234.0)" -> "1234")."""
    return frozenset(_canonical(f) for f in _FIGURE.findall(_norm(text)))


def derivation_figures(question: TatQuestion) -> frozenset[str]:
    """The figures an arithmetic derivation works from: the numbers of a derivation made only of figures
    and operators ("(44.1-56.7)/56.7", "1,496.5>1,202.9"), without the constants it applies (a whole
    number up to 12, or 100 or 1000, that divides or multiplies: "(a + b) / 2", "x * 100"; and 0 and 1
    anywhere: "(x / y - 1) * 100"). A derivation in words ("For COL4
    rows 3-5 find the largest…") and the counted items of a count ("a##b") give none."""
    d = question.derivation.strip()
    if not d or "##" in d or not _FORMULA.fullmatch(d):
        return frozenset()
    d = _THOUSANDS.sub("", d)
    constants = ({m.group(1) or m.group(2) for m in _CONSTANT.finditer(d)} & CONSTANTS) | TRIVIAL
    return frozenset(_canonical(f) for f in _FIGURE.findall(d) if f not in constants)


def answer_spans(question: TatQuestion) -> tuple[str, ...]:
    """The strings a unit that answers holds: the spans of a (multi-)span answer, the counted items of a
    count ("a##b" in its derivation); none for an arithmetic answer (it is worked out, not stated)."""
    if question.answer_type == "count":
        return tuple(s.strip() for s in question.derivation.split("##") if s.strip())
    if isinstance(question.answer, tuple):
        return tuple(s for s in question.answer if s.strip())
    return ()


_NUMERIC = re.compile(r"[-+(]*\s*\d+(?:\.\d+)?\s*[)]*")


def _holds(unit: str, unit_figures: frozenset[str], span: str) -> bool:
    """Whether the normalised unit holds the span: as a figure when the span is a number, else as words."""
    s = _norm(span)
    if not s:
        return False
    if _NUMERIC.fullmatch(s):
        return _canonical(_FIGURE.search(s).group()) in unit_figures
    if re.search(r"(?<!\w)" + re.escape(s) + r"(?!\w)", unit):
        return True
    return len(unit) >= MIN_INSIDE and unit in s  # one sentence of a span that runs over several


def is_year_header(unit_text: str) -> bool:
    """A unit of nothing but years and separators: a table's column header."""
    return bool(_YEAR.search(unit_text)) and not re.sub(r"[\s|;:,]", "", _YEAR.sub("", unit_text))


def unit_label(question: TatQuestion, unit_text: str, passage_is_table: bool, rel_paragraph: bool) -> bool:
    """Whether a unit (a sentence of a paragraph, or a table row) states the answer to `question`.

    `passage_is_table`: the unit is a row of the context's table; `rel_paragraph`: the unit is a sentence
    of one of the question's `rel_paragraphs` (ignored for table rows).

    The rule:
    1. Where it may come from: a table row only when the answer is from the "table" or "table-text"; a
       sentence only when the answer is from the "text" or "table-text" and its paragraph is relevant.
    2. What it must hold, compared after light normalisation (lower case, no $ or % signs, no thousands
       commas, numbers compared as numbers: "$1,496.50" is "1496.5", a sign or brackets ignored):
       - when the derivation is a formula ("(44.1-56.7)/56.7", "1,496.5>1,202.9"): one of its figures,
         leaving out the constants it applies (the 2 of an average, the 100 of a percentage). This covers
         every arithmetic answer, and span answers chosen by comparing figures ("which year was larger?":
         the row with the figures states it, not the header with the years);
       - otherwise one of the answer's strings (`answer_spans`: the spans, or the items a count counts),
         as whole words, or a figure when the span is a number. A sentence of 20 characters or more that
         lies wholly inside a span also holds it (a span that runs over several sentences).
    3. A table row of nothing but years ("2019 | 2018 | 2017") never states an answer: it is the table's
       column header (which `split_units` keeps as a row when its cells are figures), not the answer to
       "in which year…?" or "how many years…?".
    An arithmetic answer whose derivation is in words has no label (its question yields no group).
    """
    if passage_is_table:
        if question.answer_from not in ("table", "table-text") or is_year_header(unit_text):
            return False
    elif question.answer_from not in ("text", "table-text") or not rel_paragraph:
        return False
    unit = _norm(unit_text)
    unit_figures = figures_in(unit_text)
    figures = derivation_figures(question)
    if figures:
        return bool(figures & unit_figures)
    return any(_holds(unit, unit_figures, span) for span in answer_spans(question))


# -- records ---------------------------------------------------------------------------------------------


class TatIdf:
    """BM25's inverse document frequency over TAT-QA's paragraphs and table rows, each one document:
    log(1 + (N - df + 0.5) / (df + 0.5)) for a lexical token (`lexical.lexical_tokens`), 0 for an unknown one.
    """

    def __init__(self, contexts: Iterable[TatContext]):
        from .lexical import lexical_tokens

        df: Counter[str] = Counter()
        n = 0
        for context in contexts:
            texts = [p.text for p in context.paragraphs] + [" ".join(row) for row in context.table]
            for text in texts:
                df.update(set(lexical_tokens(text)))
                n += 1
        self.documents = n
        self._idf = {t: math.log(1.0 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}

    def __call__(self, token: str) -> float:
        return self._idf.get(token, 0.0)


def records(contexts: Sequence[TatContext], make_answerer: Callable[[Idf], ExtractiveAnswerer], *,
            idf: Idf | None = None, limit: int | None = None) -> Records:
    """The sentence chooser's training rows for the questions of `contexts` (only `unit_x`, `unit_y` and
    `unit_group` are filled; the group is the question's uid).

    `make_answerer(idf)` builds the answerer whose `sentences(passages, plan)` is recorded, e.g.
    `lambda idf: ExtractiveAnswerer(idf, tuning=tuning, embed=embedder.embed)`: it is given the idf, since
    the answerer weighs words by it, and is called once per context (cheap: the encoder is shared).
    `idf` defaults to `TatIdf(contexts)`; pass one built once over every context (`TatIdf(load_contexts())`)
    to score train and test with the same word weights. `limit` stops after that many questions (in the
    order of `contexts`), for a quick sample.

    Every question is planned against its own context's document alone. A question is recorded only
    when at least one of its units is labelled as stating the answer. Note that the answerer reads only
    its tuning's first `passages_considered` passages (the table, then the paragraphs in order): give it
    a tuning with at least 1 + the most paragraphs of a context, or later paragraphs are never seen.
    """
    from .fitting import UNIT_FEATURES, Records
    from .plan import CorpusView, make_plan
    from .query import analyse

    idf = idf or TatIdf(contexts)
    out = Records()
    asked = 0
    for context in contexts:
        # One answerer per context: it keeps the encoder's vectors per text, and texts recur only within
        # a context (its units, asked by each of its questions).
        answerer = make_answerer(idf)
        passages = passages_of(context)
        corpus = CorpusView(idf, (document_of(context),))
        for question in context.questions:
            if limit is not None and asked >= limit:
                return out
            asked += 1
            plan = make_plan(question.question, analyse(question.question), corpus)
            units = sorted(answerer.sentences(passages, plan),
                           key=lambda s: (s.unit.passage.chunk.chunk_id, s.unit.start))  # reading order
            labels = []
            for s in units:
                place = place_of(s.unit.passage)
                labels.append(int(unit_label(question, s.unit.text, place == TABLE_CHUNK,
                                             place in question.rel_paragraphs)))
            if not any(labels):
                continue
            for s, y in zip(units, labels):
                out.unit_x.append([float(s.values[n]) for n in UNIT_FEATURES])
                out.unit_y.append(y)
                out.unit_group.append(f"tatqa/{question.uid}")
    return out


def top1(recorded: Records, weights: Sequence[float]) -> float:
    """The share of question groups whose highest-scoring unit (the dot product of its features with
    `weights`, in `UNIT_FEATURES` order) is labelled as stating the answer. Ties go to the unit recorded
    first (the answerer's own order). 0 when there are no groups."""
    best: dict[str, tuple[float, int]] = {}
    for x, y, group in zip(recorded.unit_x, recorded.unit_y, recorded.unit_group):
        score = sum(w * v for w, v in zip(weights, x))
        if group not in best or score > best[group][0]:
            best[group] = (score, y)
    return sum(y for _, y in best.values()) / len(best) if best else 0.0
