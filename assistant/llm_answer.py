"""An answerer that lets a local language model write the answer, and checks it before it is shown.

Boardroom decides first, with its own extractive answerer, whether the papers answer the question: when it
abstains the model is not asked, whatever the model might have said. Otherwise the top passages go to the
model as numbered sources with the rule that every sentence ends with the number of its source, and the
answer is checked sentence by sentence (`citation_check.py`): a sentence that cites no source, a source that
was not sent, or a figure, date or name its source does not hold is dropped. When nothing useful is left,
or the model's endpoint fails, the extractive answer is shown instead. The `Generation` on the answer says
which of these happened, in one line the user sees.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from . import config
from .answer import PARTS_NOT_FOUND, ExtractiveAnswerer
from .citation_check import CheckedSentence, CheckResult, check_answer
from .labels import passage_meta
from .llm_client import ChatClient, LLMError
from .markers import strip_markers
from .plan import QueryPlan
from .query import analyse
from .sentences import split_units
from .lexical import lexical_tokens
from .types import Answer, Citation, Generation, Passage

SYSTEM_PROMPT = """You answer questions about board papers. Use only the numbered sources you are given.
Rules:
- Answer in one to four short sentences.
- End every sentence with the number of the source it comes from in square brackets, for example [1].
- Copy figures, dates and names exactly as the source writes them.
- Never add anything the sources do not say."""


def source_text(passage: Passage, chars: int = config.LLM_PASSAGE_CHARS) -> str:
    """A passage as the model sees it (and as the check reads it): a header line saying which paper, body,
    date and item it comes from, then its text."""
    doc, chunk = passage.document, passage.chunk
    about = " · ".join(x for x in (doc.organisation, doc.period) if x)
    head = f"{doc.title}" + (f" ({about})" if about else "") + f" — {passage_meta(passage)}"
    body = f"{chunk.table_header}\n{chunk.text}" if chunk.table_header else chunk.text
    if len(body) > chars:
        body = body[:chars].rsplit(" ", 1)[0] + " …"
    return f"{head}\n{body.strip()}"


def prompt(question: str, sources: dict[int, str]) -> list[dict]:
    """The chat messages: the rules, then the numbered sources and the question."""
    listed = "\n\n".join(f"[{n}] {text}" for n, text in sources.items())
    return [{"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": f"Sources:\n\n{listed}\n\nQuestion: {question}\n"
                                        "Answer with a source number in square brackets after every sentence."}]


class LLMAnswerer:
    """Answers written by a local model, checked against their sources; the extractive answer otherwise."""

    def __init__(self, extractive: ExtractiveAnswerer, client: ChatClient, passages: int = config.LLM_PASSAGES):
        self.extractive = extractive
        self.client = client
        self.passages = passages

    @property
    def model(self) -> str:
        return self.client.settings.model

    def compose(self, question: str, passages: list[Passage], plan: QueryPlan | None = None,
                on_text: Callable[[str], None] | None = None) -> Answer:
        own = self.extractive.compose(question, passages, plan)
        if own.abstained:  # Boardroom's own decision: the papers do not answer this, so nobody writes an answer
            return replace(own, generation=Generation(
                self.model, "not asked", "The papers don't answer this, so the local model was not asked."))
        sent = self.sources(passages, own)
        sources = {n: source_text(p) for n, p in enumerate(sent, 1)}
        try:
            draft = self.client.complete(prompt(question, sources), on_text)
        except LLMError as exc:
            return replace(own, generation=Generation(
                self.model, "failed", f"The local model failed: {exc}. This is Boardroom's own answer."))
        result = check_answer(draft, sources)
        dropped = tuple((s.text, s.problem) for s in result.dropped)
        written = len(result.sentences)
        if not useful(result.kept, question):
            why = "none of its sentences passed" if not result.kept else "what passed does not answer the question"
            return replace(own, generation=Generation(
                self.model, "fallback", f"The local model's answer failed the citation check ({why}); "
                f"this is Boardroom's own answer.", written, dropped, draft))
        answer = self.render(question, result, sent, passages)
        parts = [line for line in own.text.splitlines() if line.startswith(PARTS_NOT_FOUND)]
        if parts:  # the parts of the question Boardroom found no answer to are still said
            answer = replace(answer, text="\n".join([answer.text, *parts]))
        outcome = "trimmed" if dropped else "checked"
        return replace(answer, generation=Generation(self.model, outcome, self._note(outcome, written, len(dropped)),
                                                     written, dropped, draft))

    def _note(self, outcome: str, written: int, dropped: int) -> str:
        if outcome == "trimmed":
            return (f"Written by the local model {self.model}; the citation check dropped {dropped} of its {written} "
                    "sentences (no valid source, or a figure, date or name not in the source cited).")
        return f"Written by the local model {self.model}; every sentence checked against the source it cites."

    def sources(self, passages: list[Passage], own: Answer) -> list[Passage]:
        """The top passages, and any passage the extractive answer quotes that is not among them."""
        sent = list(passages[: self.passages])
        ids = {p.chunk.chunk_id for p in sent}
        sent += [c.passage for c in own.citations if c.passage.chunk.chunk_id not in ids]
        return sent

    @staticmethod
    def render(question: str, result: CheckResult, sent: list[Passage], passages: list[Passage]) -> Answer:
        """The sentences that passed, their markers renumbered in order of first use, each citation quoting
        the passage's sentences that best match what was written from it."""
        numbers: dict[int, int] = {}  # number sent -> number shown
        quoted: dict[int, list] = {}
        lines = []
        for s in result.kept:
            shown = []
            for n in s.cites:
                numbers.setdefault(n, len(numbers) + 1)
                shown.append(numbers[n])
                quoted.setdefault(n, []).append(best_unit(s, sent[n - 1]))
            lines.append(f"{_ended(s.claim)} " + " ".join(f"[{n}]" for n in shown))
        citations = []
        for n, shown in numbers.items():
            units = sorted({u.start: u for u in quoted[n] if u is not None}.values(), key=lambda u: u.start)
            quote = " … ".join(u.raw.strip() for u in units) or sent[n - 1].chunk.text.strip()
            citations.append(Citation(shown, sent[n - 1], quote))
        return Answer(question, " ".join(lines), tuple(citations), tuple(passages), False)


QUOTE_MIN_SHARED = 2  # words a passage's sentence shares with the model's sentence to be quoted for it


def best_unit(sentence: CheckedSentence, passage: Passage):
    """The passage's sentence or table row sharing the most words (figures included) with what the model
    wrote from it; None when none shares more than a word (another source of the sentence holds it)."""
    words = set(lexical_tokens(sentence.claim))
    scored = [(len(words & set(lexical_tokens(u.text))), -u.start, u) for u in split_units(passage)]
    best = max(scored, default=None, key=lambda t: t[:2])
    return best[2] if best and best[0] >= min(QUOTE_MIN_SHARED, len(words)) else None


def useful(kept: list[CheckedSentence], question: str) -> bool:
    """Whether the sentences that passed say something about the question: one of them uses a word of it
    ("The papers do not say [1]." passes the check but answers nothing)."""
    asked = set(lexical_tokens(" ".join(analyse(question).terms)))
    return any(asked & set(lexical_tokens(strip_markers(s.claim))) for s in kept)


def _ended(text: str) -> str:
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", ":")) else text.rstrip(",;: ") + "."
