"""The question analysed once: a `QueryPlan` that retrieval and the answer composer both read.

It holds what the question names (years, dates, figures, acronyms, bodies), what it asks for (intent) and
whether it asks for a register (the action logs, attendance, decisions, interests: `register_query`),
its words weighted by rarity (concepts), its parts when it asks several things, the sides of a comparison,
which of its words name documents (a company, a trust, a year in a file name or title), and what the
conversation contributes (documents it was about, the chunks the last answer cited).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePath

from .concepts import Concepts, meta_words, words_of
from .intent import Intent, intent_of
from .query import QueryFacts, comparison_sides, distinguishing_keys, named_organisations, split_clauses
from .register_query import RegisterQuery, register_query
from .types import Document


@dataclass(frozen=True)
class Part:
    """One thing a multi-part question asks ("Who answered X", "when will it come to the Board")."""

    text: str
    concepts: Concepts
    intent: Intent


@dataclass(frozen=True)
class CorpusView:
    """What analysis needs to know of the corpus: word rarity, the documents and their bodies."""

    idf: Callable[[str], float]
    documents: tuple[Document, ...]

    @property
    def organisations(self) -> list[str]:
        return sorted({d.organisation for d in self.documents if d.organisation})


@dataclass(frozen=True)
class QueryPlan:
    query: str  # what is searched for: the question, resolved against the conversation and expanded
    asked: str  # the question as the user typed it
    facts: QueryFacts
    intent: Intent
    concepts: Concepts  # the query's words weighted by rarity in the corpus
    asked_concepts: Concepts  # the same, with the words the user did not type this turn weighing less
    parts: tuple[Part, ...]  # two or more when the question asks several things, else empty
    sides: tuple[Callable[[Document], bool], ...]  # one test per side of a comparison, else empty
    named_organisations: tuple[str, ...]
    organisation_keys: frozenset[str]  # the words that tell the named bodies from the papers' other bodies
    naming: Mapping[str, float]  # concepts that tell documents apart by their identity, with their weight
    near: tuple[str, ...] = ()  # chunks the last answer cited
    register: RegisterQuery | None = None  # the register the question asks about (actions, decisions, …), if any


@lru_cache(maxsize=4096)
def identity_words(doc: Document) -> frozenset[str]:
    """What a document is called and is about, as words: its file name, title, body, year and date."""
    stem = re.sub(r"[_\-.]+", " ", PurePath(doc.path).stem)
    years = " ".join(str(y) for y in {doc.date.year} if doc.date) if doc.date else ""
    return words_of(f"{stem} {years}") | meta_words(doc)


def identity_match(plan: QueryPlan, doc: Document) -> float:
    """The share of the question's document-naming words that this document's identity carries (0 when
    the question names no document: a missing name is neutral)."""
    total = sum(plan.naming.values())
    if not total:
        return 0.0
    held = plan.concepts.covered_by(identity_words(doc))
    return sum(w for key, w in plan.naming.items() if key in held) / total


def _naming(concepts: Concepts, documents: tuple[Document, ...]) -> dict[str, float]:
    """Concepts found in the identity of some documents but not all: words that pick documents out."""
    if len(documents) < 2:
        return {}
    identities = [identity_words(d) for d in documents]
    naming = {}
    for key, alts in concepts.alternatives.items():
        holders = sum(any(a <= ident for a in alts) for ident in identities)
        if 0 < holders < len(identities):
            naming[key] = concepts.weights[key]
    return naming


def make_plan(query: str, facts: QueryFacts, corpus: CorpusView, *, asked: str | None = None,
              near: tuple[str, ...] = ()) -> QueryPlan:
    """Analyse a (resolved, expanded) query once, against what the corpus holds; `asked` is the question as
    typed (its parts are the parts asked)."""
    asked = asked or query
    organisations = corpus.organisations
    concepts = Concepts.of(query, facts, corpus.idf)
    clauses = split_clauses(asked)
    named = tuple(named_organisations(facts, organisations))
    parts = tuple(Part(c, Concepts.of(c, facts, corpus.idf), intent_of(c, facts.acronyms)) for c in clauses) \
        if len(clauses) >= 2 else ()
    return QueryPlan(
        query=query,
        asked=asked,
        facts=facts,
        intent=intent_of(asked, facts.acronyms),
        concepts=concepts,
        asked_concepts=Concepts.of(asked, facts, corpus.idf),
        parts=parts,
        sides=tuple(comparison_sides(facts, organisations, named)),
        named_organisations=named,
        organisation_keys=distinguishing_keys(named, organisations),
        naming=_naming(concepts, corpus.documents),
        near=near,
        register=register_query(query, facts, concepts, corpus.idf),
    )
