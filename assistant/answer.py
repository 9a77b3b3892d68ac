"""The answer composer: a short answer built from the papers' own sentences, each with its citation.

No language model: the composer picks the sentences and table rows that carry what the question asks,
so it cannot invent a figure. When nothing retrieved supports an answer it says so plainly and hands
back the closest passages, marked as not an answer. Any other answerer (a local LLM later) plugs in
behind the same `Answerer` protocol.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol

from .concepts import Concepts, meta_words, passage_words, title_words, words_of
from .intent import Intent, cues, kinds_missing
from .plan import CorpusView, QueryPlan, identity_words, make_plan
from .query import analyse, period_end
from .sentence_features import (
    ABSTAIN_FEATURES,
    SENTENCE_FEATURES,
    AnswerView,
    UnitView,
    figures_missing,
    rank_prior,
)
from .sentences import Unit, split_units
from .tuning import Tuning, load_tuning
from .types import Answer, Citation, Document, Passage

NOT_FOUND = "The papers don't say."
PARTS_NOT_FOUND = "Not found in the papers:"  # opens the line naming the parts of a question left unanswered


class Answerer(Protocol):
    def compose(self, question: str, passages: list[Passage], plan: QueryPlan,
                on_text: Callable[[str], None] | None = None) -> Answer:
        """The answer to `question` from the ranked `passages`; an answerer that writes its answer piece by
        piece shows the text so far to `on_text` as it grows."""
        ...


MAX_SENTENCES_SHOWN = 5  # an answer is one to five sentences (or a list)
CLAUSE_MIN_SUPPORT = 0.3  # a part of a question adds its best sentence only when that sentence carries this much
SIDE_SHARE = 0.4  # the other side of a comparison joins the answer at this share of the best score
TITLE_WORDS_NAMING = 2  # distinctive title words a question must use to name a kind of paper
QUALIFIER_MAX = 100  # characters: a sentence this short right after the best one joins it
NEIGHBOUR_SHARE = 0.5  # a neighbouring sentence joins the answer at half the best sentence's score
SIMILARITY_SHORTLIST = 16  # units compared with the question by the encoder (the likeliest by word support)
SIMILARITY_CHARS = 300  # of a unit's text: enough to judge what it is about
_LIST_ITEM = re.compile(r"\s*(?:[-*•▪●◦]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s")


def _key(s: "Scored") -> tuple[str, int]:
    return s.unit.passage.chunk.chunk_id, s.unit.start


def _unique(items: list["Scored"]) -> list["Scored"]:
    seen: set[tuple[str, int]] = set()
    return [s for s in items if not (_key(s) in seen or seen.add(_key(s)))]


@dataclass
class Scored:
    unit: Unit
    index: int  # the unit's place among its passage's units
    score: float
    support: float  # weighted share of the question's topic words this unit (or its document) carries
    covered: frozenset[str]
    similarity: float = 0.0
    values: dict | None = None  # feature -> value, for fitting and explaining
    lead: str = ""  # the sentence introducing the list this unit is an item of


Embed = Callable[[list[str]], "object"]  # texts -> unit vectors (rows)


class ExtractiveAnswerer:
    """Answers from the passages' own sentences; abstains when none carries what was asked.

    A question's words are weighted by rarity in the corpus (idf). Words a passage's document already
    answers at the level of its metadata (the body, the year, the title) count as covered for every
    sentence of that document, so the choice among its sentences turns on the topic words. Sentences are
    scored, and the answer judged supported, by the fitted weights of the `Tuning` in force.
    """

    def __init__(self, idf: Callable[[str], float] | None = None, *, documents: list[Document] | None = None,
                 tuning: Tuning | None = None, embed: Embed | None = None, max_sentences: int = 4,
                 max_list_items: int = 8):
        self.documents = documents or []
        self.idf = idf or (lambda token: 1.0)
        self.tuning = tuning or load_tuning()
        self.embed = embed
        self._vectors: dict[str, object] = {}  # text -> encoder vector, for the similarity feature
        self.measure_all = False  # compute every feature even when its weight is zero (for fitting)
        self.max_sentences = max_sentences
        self.max_list_items = max_list_items

    def compose(self, question: str, passages: list[Passage], plan: QueryPlan | None = None,
                on_text: Callable[[str], None] | None = None) -> Answer:
        """The cited answer (`on_text` is not used: the answer is complete at once)."""
        plan = plan or make_plan(question, analyse(question), CorpusView(self.idf, tuple(self.documents)))
        chosen, view = self.decide(passages, plan)
        if view is None or not self.supported(view):
            return Answer(question, NOT_FOUND, (), tuple(passages), True)
        answer = self._render(question, chosen, passages, plan.intent)
        unanswered = self._unanswered_parts(plan, chosen)
        if unanswered:  # say which part the papers leave open rather than drop it silently
            note = "; ".join(f"“{p.text}”" for p in unanswered)
            answer = replace(answer, text=f"{answer.text}\n{PARTS_NOT_FOUND} {note}.")
        return answer

    def _unanswered_parts(self, plan: QueryPlan, chosen: list[Scored]) -> list:
        """The parts of a multi-part question that no quoted sentence carries enough of."""
        said = frozenset().union(*(words_of(s.unit.text) | meta_words(s.unit.passage.document) for s in chosen))
        return [part for part in plan.parts if part.concepts.share(part.concepts.covered_by(said)) < CLAUSE_MIN_SUPPORT]

    def _considered(self, passages: list[Passage], plan: QueryPlan) -> tuple[list[Passage], Concepts]:
        """The passages an answer may quote, and the question's concepts weighed among them."""
        considered = passages[: self.tuning.passages_considered]
        return considered, plan.asked_concepts.discounted([passage_words(p) for p in considered])

    def sentences(self, passages: list[Passage], plan: QueryPlan) -> list[Scored]:
        """Every sentence of the passages considered, scored, best first (before the anchor rules)."""
        considered, concepts = self._considered(passages, plan)
        return self._score_units(plan.asked, concepts, plan.intent, considered)

    def decide(self, passages: list[Passage], plan: QueryPlan) -> tuple[list[Scored], AnswerView | None]:
        """The sentences an answer would quote, and what the abstention model judges them by (None when a
        rule rules an answer out: the question's named paper or year is not in the papers, no sentence is
        about the body, year and day it names, or a who-question's named role is not in the answer)."""
        facts, intent = plan.facts, plan.intent
        considered, concepts = self._considered(passages, plan)
        if not self._named_documents_cover(facts):
            return [], None
        # Only sentences from passages about the body, year and day the question names can support it.
        scored = [s for s in self._score_units(plan.asked, concepts, intent, considered)
                  if self._anchors_hold(plan, s)]
        if not scored:
            return [], None
        chosen = self._choose(scored, intent)
        # Each part of the question and each side of a comparison keeps its sentence; the best sentence's
        # companions give way first when the answer would run past its length.
        essential = _unique([chosen[0], *self._part_answers(plan, considered, chosen[0])])
        essential = _unique([*essential, *self._missing_sides(plan, scored, essential)])
        limit = self.max_list_items if intent.wants_list else MAX_SENTENCES_SHOWN
        keys = {_key(e) for e in essential}
        extra = [c for c in chosen[1:] if _key(c) not in keys]
        chosen = (essential + extra)[:max(limit, len(essential))]
        chosen.sort(key=lambda s: (s.unit.passage.rank, s.unit.start))  # passages in rank order, then reading order
        # Judged on the best sentence with the sentences that answer the question's other parts or sides,
        # not on loose companions: unrelated sentences must not add up to support.
        covered = set().union(*(s.covered for s in essential))
        if plan.intent.wants_person:
            # "Who is the Chief Nursing Officer?" is not answered by the Chief Executive Officer's name: the
            # role or body a who-question names, as written, must be in the answer or be what its paper is
            # ("Who is LYPFT's Lead Governor?" from LYPFT_Annual_Report.md).
            papers = set().union(*(identity_words(s.unit.passage.document) for s in essential))
            if not concepts.names_met(covered | concepts.covered_by(papers)):
                return chosen, None
        return chosen, self._answer_view(plan, concepts, essential, covered)

    def _answer_view(self, plan: QueryPlan, concepts: Concepts, essential: list[Scored],
                     covered: set[str]) -> AnswerView:
        texts = [s.unit.text for s in essential]
        return AnswerView(concepts.share(covered), plan.asked_concepts.share(covered),
                          max(s.similarity for s in essential), figures_missing(plan.facts.numbers, texts),
                          kinds_missing(texts, plan.intent, self.idf))

    def supported(self, view: AnswerView) -> bool:
        t = self.tuning
        z = t.abstain_bias + sum(t.weight("abstain", name) * f(view) for name, f in ABSTAIN_FEATURES.items())
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0))) >= t.abstain_threshold

    def _named_documents_cover(self, facts) -> bool:
        """A question that names a kind of paper by its title ("NHS England's annual assessment … in
        2022/23") and a year is answered only if the papers hold such a paper for that year: another
        year's assessment, or a plan that mentions the year, is not what was asked for."""
        if not facts.periods or not self.documents:
            return True
        asked = words_of(facts.text)
        named = [d for d in self.documents if len(title_words(d) & asked) >= TITLE_WORDS_NAMING]
        return not named or any(d.period in facts.periods for d in named)

    def _part_answers(self, plan: QueryPlan, considered: list[Passage], best: Scored) -> list[Scored]:
        """A question of several parts ("What is the SBAF, and how many strategic risks does it contain?")
        gets a sentence for each part, scored with that part's own words and cue. A part whose best
        sentence is already taken gets its next best one that carries what the part asks for (a person
        for "who answered?")."""
        if not plan.parts:
            return []
        words = [passage_words(p) for p in considered]
        taken = {_key(best)}
        added: list[Scored] = []
        for part in plan.parts:
            concepts = part.concepts.discounted(words)
            rescored = [s for s in self._score_units(plan.asked, concepts, part.intent, considered)
                        if self._anchors_hold(plan, s)]
            if not rescored or rescored[0].support < CLAUSE_MIN_SUPPORT:
                continue
            if _key(rescored[0]) in taken and part.intent.asks_for_something:
                fresh = [s for s in rescored if _key(s) not in taken and cues(s.unit.text, part.intent, self.idf) > 0
                         and s.support >= CLAUSE_MIN_SUPPORT / 2]
                rescored = fresh[:1] or rescored
            taken.add(_key(rescored[0]))
            added.append(rescored[0])
        return added

    def _missing_sides(self, plan: QueryPlan, scored: list[Scored], chosen: list[Scored]) -> list[Scored]:
        """A comparison names two years or two bodies: each side gets its best sentence, from a document
        of that year or body, when the first choice covered only one side."""
        added: list[Scored] = []
        floor = scored[0].score * SIDE_SHARE
        for side in plan.sides:
            if any(side(c.unit.passage.document) for c in chosen + added):
                continue
            best = next((s for s in scored if side(s.unit.passage.document) and s.score >= floor), None)
            if best is not None:
                added.append(best)
        return added

    def _similarities(self, question: str, found: list, shortlist: list[int]) -> list[float]:
        """Encoder similarity of the question to the shortlisted units (their first SIMILARITY_CHARS
        characters); every other unit gets the shortlist's lowest. Vectors are kept per text, so the parts
        of a question and the answer after it cost nothing more."""
        if self.embed is None or not shortlist or not (self.measure_all or self._uses_similarity()):
            return [0.0] * len(found)
        texts = [found[i][0].text[:SIMILARITY_CHARS] for i in shortlist]
        if len(self._vectors) > 4096:
            self._vectors.clear()
        todo = list(dict.fromkeys(t for t in [question, *texts] if t not in self._vectors))
        if todo:
            self._vectors.update(zip(todo, self.embed(todo)))
        q = self._vectors[question]
        sims = {i: float(self._vectors[t] @ q) for i, t in zip(shortlist, texts)}
        floor = min(sims.values())
        return [sims.get(i, floor) for i in range(len(found))]

    def _uses_similarity(self) -> bool:
        return bool(self.tuning.weight("sentence", "similarity") or self.tuning.weight("abstain", "similarity"))

    def _score_units(self, question: str, concepts: Concepts, intent: Intent,
                     passages: list[Passage]) -> list[Scored]:
        """Every unit of the passages scored for `concepts` and `intent` (the question, or one part of it);
        similarity is always to the whole `question` as asked."""
        if not concepts.total:
            return []
        found: list[tuple[Unit, int, float, frozenset[str], float, str]] = []
        for passage in passages:
            meta = meta_words(passage.document)
            path = words_of(" ".join(passage.chunk.section_path)) - meta
            lead = ""  # the sentence that introduces a list ("At ICB level as at 2 April:"): context of its items
            for index, unit in enumerate(split_units(passage)):
                lead = lead if _LIST_ITEM.match(unit.raw) else ""
                covered = concepts.covered_by(words_of(unit.text) | meta)
                in_path = concepts.covered_by(path | words_of(lead)) - covered
                support = concepts.share(covered, half=in_path)
                found.append((unit, index, support, covered | in_path, cues(unit.text, intent, self.idf), lead))
                if unit.text.rstrip().endswith(":"):
                    lead = unit.text
        # Only the likeliest units are compared with the question by the encoder (it is the costly part).
        shortlist = sorted(range(len(found)), key=lambda i: -(found[i][2] * rank_prior(found[i][0].passage.rank)
                                                              + found[i][4]))[:SIMILARITY_SHORTLIST]
        similarities = self._similarities(question, found, shortlist)
        weights = {name: self.tuning.weight("sentence", name) for name in SENTENCE_FEATURES}
        out: list[Scored] = []
        for (unit, index, support, covered, cue, lead), similarity in zip(found, similarities):
            values = {name: f(UnitView(unit, support, similarity, cue)) for name, f in SENTENCE_FEATURES.items()}
            score = sum(weights[n] * v for n, v in values.items())
            out.append(Scored(unit, index, score, support, covered, similarity, values, lead))
        out.sort(key=lambda s: s.score, reverse=True)
        return out

    def _anchors_hold(self, plan: QueryPlan, candidate: Scored) -> bool:
        """The question names a body, a year or a day: the supporting passage must be about it."""
        facts = plan.facts
        doc = candidate.unit.passage.document
        # The sentence itself, its list's lead-in or its item's heading must say so when the document is about
        # something else.
        text = " ".join((candidate.unit.text, candidate.lead, *candidate.unit.passage.chunk.section_path))
        if plan.named_organisations and doc.organisation and doc.organisation not in plan.named_organisations:
            if not any(k in text.lower() for k in plan.organisation_keys):
                return False
        if facts.periods and doc.period not in facts.periods:
            # Another year's document supports a year only by looking back on it: the year named in the
            # sentence, and over by the time of writing (a 2023/24 letter's "2024/25 plan" reports nothing
            # of 2024/25).
            named = {p for p in re.findall(r"20\d{2}/\d{2}", text.replace("-", "/")) if p in facts.periods}
            if not any(doc.date is None or doc.date >= period_end(p) for p in named):
                return False
        if facts.dates:
            # A named day (a meeting's, a letter's) is the document's own, or one it looks back on.
            days = set(analyse(text).dates)
            if doc.date not in facts.dates and not any(doc.date is None or doc.date >= d
                                                       for d in days & set(facts.dates)):
                return False
        return True

    # -- choice and rendering ----------------------------------------------------------------------------
    def _choose(self, scored: list[Scored], intent: Intent) -> list[Scored]:
        """The best sentence, then others that add what it lacks, and the best one's close neighbours.

        A neighbour (the sentence just before or after a chosen one in the same passage) is kept on a
        lower bar: "financial performance was £59.8m deficit" usually sits beside "the ICB's position".
        """
        best = scored[0]
        limit = self.max_list_items if intent.wants_list else self.max_sentences
        floor = best.score * (0.55 if intent.wants_list else 0.7)
        neighbour_floor = best.score * NEIGHBOUR_SHARE
        chosen = [best]
        covered = set(best.covered)
        seen = {best.unit.text.lower()}

        def beside(s: Scored) -> bool:
            return any(c.unit.passage is s.unit.passage and abs(c.index - s.index) == 1 for c in chosen)

        def qualifies_best(s: Scored) -> bool:
            """A short sentence right after the best one, in its paragraph, usually qualifies it ("Out of
            Area Placements remain an area of challenged delivery.")."""
            unit = s.unit
            return (unit.passage is best.unit.passage and s.index == best.index + 1 and not unit.is_row
                    and len(unit.text) <= QUALIFIER_MAX and "\n" not in unit.passage.chunk.text[best.unit.end:unit.start])

        for s in scored[1:]:
            if len(chosen) >= limit:
                break
            if s.unit.text.lower() in seen or (s.score < min(floor, neighbour_floor) and not qualifies_best(s)):
                continue
            adds = s.covered - covered
            if s.score >= floor and (adds or intent.wants_list or s.score >= best.score * 0.85) \
                    or (beside(s) and s.score >= neighbour_floor) or qualifies_best(s):
                chosen.append(s)
                covered |= s.covered
                seen.add(s.unit.text.lower())
        return chosen

    def _render(self, question: str, chosen: list[Scored], passages: list[Passage], intent: Intent) -> Answer:
        numbers: dict[str, int] = {}
        citations: list[Citation] = []
        quotes: dict[int, list[str]] = {}
        lines = []
        for s in chosen:
            cid = s.unit.passage.chunk.chunk_id
            if cid not in numbers:
                numbers[cid] = len(numbers) + 1
                quotes[numbers[cid]] = []
            n = numbers[cid]
            quotes[n].append(s.unit.raw.strip())
            sentence = s.unit.text.rstrip()
            if not sentence.endswith((".", "!", "?")) and not s.unit.is_row:
                sentence = sentence.rstrip(",;: ") + "."  # a sentence cut at a line's end reads as one
            lines.append(f"{sentence} [{n}]")
        by_id = {p.chunk.chunk_id: p for p in passages}
        for cid, n in numbers.items():
            citations.append(Citation(n, by_id[cid], " … ".join(quotes[n])))
        text = "\n".join(f"- {line}" for line in lines) if intent.wants_list and len(lines) > 1 else " ".join(lines)
        return Answer(question, text, tuple(citations), tuple(passages), False)
