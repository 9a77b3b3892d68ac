"""The one library call both faces use: `Assistant.open(corpus, index).ask(question, history) -> Answer`.

It wires the pieces in the one direction data flows: the conversation resolves a follow-up into a query,
retrieval ranks passages for it, the answerer composes the cited answer.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import config
from .aliases import Aliases
from .answer import Answerer, ExtractiveAnswerer
from .conversation import resolve
from .people import person_names
from .plan import CorpusView, QueryPlan, make_plan
from .query import analyse, numeral_variants
from .lexical import lexical_tokens
from .tuning import Tuning, load_tuning
from .types import Answer, Chunk, Document, Filters, Passage, Section, Turn

if TYPE_CHECKING:
    from .llm_client import LLMSettings

# progress(stage, done, total): stage is e.g. "Reading", "Embedding", "Loading model".
Progress = Callable[[str, int, int], None]

PASSAGES_RETURNED = 10  # the ranked list every answer carries (and shows as closest passages)
COMMON_FORM_IDF = 2.5  # short forms found in more than about one passage in twelve are not expanded


class Assistant:
    def __init__(self, store, embedder, corpus_dir: Path, index_dir: Path, answerer: Answerer | None = None,
                 tuning: Tuning | None = None, llm: LLMSettings | None = None):
        self.embedder = embedder
        self.corpus_dir = corpus_dir
        self.index_dir = index_dir
        self.tuning = tuning or load_tuning()
        self.llm = llm  # the local model that writes answers (checked before they are shown), if any
        self._given_answerer = answerer
        self._use(store)

    def _use(self, store) -> None:
        """Point everything that reads the index at `store`."""
        from .retrieval import Retriever

        self.store = store
        self._registers = None  # read on first use (registers())
        self._register_answerer = None  # answers questions of the registers (made on first such question)
        self.retriever = Retriever(store, self.embedder, self.tuning)
        self.aliases = Aliases(store.definitions())  # found per document at index time
        self.corpus = CorpusView(store.idf, tuple(store.documents()))
        self.extractive = ExtractiveAnswerer(store.idf, documents=store.documents(), tuning=self.tuning,
                                             embed=self.embedder.embed)
        self.answerer = self._given_answerer or (self._llm_answerer(self.llm) if self.llm else self.extractive)

    def reopen_if_rebuilt(self) -> bool:
        """Open the index again when a build (e.g. `boardroom index --watch`) has switched it since it was
        opened; True when it did. Cheap when nothing changed: one small file is read. The store opened before
        is left to whoever still holds it (it stays readable until they let it go)."""
        from .store import IndexStore, read_current

        live = read_current(self.index_dir)
        if live is None or live == self.store.build_dir:
            return False
        self._use(IndexStore.open(self.index_dir))
        return True

    def _llm_answerer(self, llm: LLMSettings) -> Answerer:
        from .llm_answer import LLMAnswerer
        from .llm_client import ChatClient

        return LLMAnswerer(self.extractive, ChatClient(llm))

    @classmethod
    def open(cls, corpus_dir: Path | None = None, index_dir: Path | None = None, *,
             update: bool = True, progress: Progress | None = None, tuning: Tuning | None = None,
             llm: LLMSettings | None = None) -> "Assistant":
        """Load the index and the encoder. With `update`, first bring the index up to date with the corpus
        (building it when missing; incremental, and nothing is read when no file changed), so papers added
        to the corpus are found; without it, open the index as it is. With `llm`, answers are written by that
        local model and checked before they are shown (see llm_answer.py)."""
        from .embedding import load_embedder
        from .store import IndexStore

        corpus_dir = Path(corpus_dir or config.DEFAULT_CORPUS)
        index_dir = Path(index_dir or config.DEFAULT_INDEX)
        if progress:
            progress("Loading model", 0, 1)
        embedder = load_embedder()
        if update:
            from .indexer import update_index

            update_index(corpus_dir, index_dir, embedder=embedder, progress=progress)
        store = IndexStore.open(index_dir)
        if progress:
            progress("Ready", 1, 1)
        return cls(store, embedder, corpus_dir, index_dir, tuning=tuning, llm=llm)

    def ask(self, question: str, history: Sequence[Turn] = (), filters: Filters = Filters(),
            on_text: Callable[[str], None] | None = None) -> Answer:
        """Answer a question (a follow-up is resolved against `history`), honouring `filters`. A question of
        the registers ("What actions does HJ own?") is answered from them when they hold what it asks for;
        otherwise from the ranked passages. An answer a local model writes is shown to `on_text` as it grows,
        before it is checked."""
        t0 = time.perf_counter()
        passages, plan = self.retrieve(question, history, filters)
        t1 = time.perf_counter()
        answer = self._from_registers(question, plan, filters, passages)
        t2 = time.perf_counter()
        if answer is None:
            answer = self.answerer.compose(question, passages, plan, on_text)
        t3 = time.perf_counter()
        timings = {"retrieve": (t1 - t0) * 1000, "registers": (t2 - t1) * 1000, "compose": (t3 - t2) * 1000,
                   "total": (t3 - t0) * 1000}
        return replace(answer, timings=timings)

    def _from_registers(self, question: str, plan: QueryPlan, filters: Filters,
                        passages: list[Passage]) -> Answer | None:
        """The registers' answer when the question asks for one and they hold it; None otherwise (also for
        an index built before registers existed)."""
        if plan.register is None:
            return None
        from .errors import IndexMismatch

        try:
            return self.register_answerer().answer(question, plan, filters, passages)
        except IndexMismatch:
            return None

    def register_answerer(self):
        """Answers from the registers of the opened index, cited like answers (made once). Raises
        IndexMismatch for an index built before registers existed."""
        if self._register_answerer is None:
            from .register_answer import RegisterAnswerer

            self._register_answerer = RegisterAnswerer(self.registers(), self.store.chunks_of)
        return self._register_answerer

    def register_sections(self, registers: Sequence[str]) -> list[Turn]:
        """A briefing's register sections, each as a turn whose answer cites its entries: the open actions,
        recent decisions, the latest meeting's attendance, the declarations of interest."""
        answerer = self.register_answerer()
        return [Turn(answer.question, answer) for answer in (answerer.section(r) for r in registers)]

    def retrieve(self, question: str, history: Sequence[Turn] = (), filters: Filters = Filters(),
                 k: int = PASSAGES_RETURNED) -> tuple[list[Passage], QueryPlan]:
        """The ranked passages for a question in its conversation, and the question's analysis."""
        plan = self.plan(question, history)
        return self.retriever.search(plan, k, filters), plan

    def plan(self, question: str, history: Sequence[Turn] = ()) -> QueryPlan:
        """The question analysed once, in its conversation, against this corpus."""
        resolved = resolve(question, history, lambda text: person_names(text, self.store.idf))
        query = self._expand(resolved.query)  # "Peter Axon" also finds the minutes' "PA stated…"
        # The figures asked about are the ones the user's words hold, not the other spellings the expansion
        # added ("four-hour" is searched as "4" too, but an answer need not hold a "4").
        facts = replace(analyse(f"{query} {resolved.framing}".strip()), numbers=analyse(resolved.query).numbers,
                        aliases=tuple(self.aliases.pairs(resolved.query)))
        return make_plan(query, facts, self.corpus, asked=question, near=resolved.near)

    def search(self, query: str, k: int = 10, filters: Filters = Filters()) -> list[Passage]:
        return self.retriever.search(self.plan(query), k, filters)

    def explain(self, query: str, k: int = 10, filters: Filters = Filters()):
        """The k best candidates with each ranking feature's value and its weighted contribution."""
        return self.retriever.rank(self.plan(query), filters)[:k]

    def _expand(self, query: str) -> str:
        """The query with the other forms of the names, short forms and small numbers it uses ("Peter
        Axon" also finds the minutes' "PA stated…", "month 5" the report's "month five"), leaving out
        short forms so common in the corpus ("ICB") that searching for their long form only adds noise."""
        expanded = self.aliases.expand(query, keep=lambda short: max(
            (self.store.idf(t) for t in lexical_tokens(short)), default=0.0) >= COMMON_FORM_IDF)
        numerals = [n for n in numeral_variants(query) if n not in expanded.lower().split()]
        return f"{expanded} ({' '.join(numerals)})" if numerals else expanded

    def documents(self) -> list[Document]:
        """Every indexed document, oldest first (undated last)."""
        return sorted(self.store.documents(), key=lambda d: (d.date is None, d.date or 0, d.title))

    def document_text(self, doc_id: str) -> str:
        return self.store.document_text(doc_id)

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        return self.store.chunks_of(doc_id)

    def sections_of(self, doc_id: str) -> list[Section]:
        return self.store.sections(doc_id)

    def registers(self):
        """The decisions, actions, attendance and interests registers stored in the opened index (read once;
        no model is involved). Raises IndexMismatch for an index built before registers existed."""
        if self._registers is None:
            from .registers.views import Registers

            self._registers = Registers.from_store(self.store)
        return self._registers

    def changes(self, old_path: str, new_path: str):
        """What changed between two papers of the same kind (paths relative to the corpus), each change cited."""
        from .registers.changes import compare_stored

        return compare_stored(self.store, old_path, new_path)

    def organisations(self) -> list[str]:
        return sorted({d.organisation for d in self.store.documents() if d.organisation})

