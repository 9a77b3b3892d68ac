"""What a question names: periods, dates, organisations, figures, acronyms and content words.

Pure text analysis, no I/O. Retrieval uses it to prefer the right documents; the answer stage uses it to
find sentences that carry what was asked and to check a candidate answer is about the right body and year.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .types import Document

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], 1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9

# Words of organisation names that do not tell one body from another.
GENERIC_ORG_WORDS = frozenset("""
and the of for in on nhs icb ics icp integrated care board system partnership trust foundation university
hospitals hospital council county city health social england services service commissioning group ccg
""".split())

STOPWORDS = frozenset("""
a about above after again against all am an and any are as at be because been before being below between
both but by can could did do does doing down during each few for from further had has have having he her
here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not
now of off on once only or other our ours ourselves out over own same she should so some such than that the
their theirs them themselves then there these they this those through to too under until up very was we
were what when where which while who whom why will with would you your yours yourself yourselves
tell give say said says according did does do much many also there whats what's
stand stands part play played role describe described explain explained compare compared mention mentioned
happened happen anything something kind sort type contain contains include includes comprise
""".split())

_PERIOD = re.compile(r"\b(20\d{2})\s*[/\-–]\s*(20)?(\d{2})\b")
_DAY_MONTH_YEAR = re.compile(
    r"\b(\d{1,2})\s*(?:st|nd|rd|th)?\s+(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?,?\s+(20\d{2})\b",
    re.IGNORECASE)
_MONTH_YEAR = re.compile(r"\b(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?,?\s+(20\d{2})\b",
                         re.IGNORECASE)
_YEAR = re.compile(r"\b(20\d{2})\b")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9&]{1,}[a-z]?\b")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*|\d[\d,]*(?:\.\d+)?%?")


def period_of(year: int, month: int) -> str:
    """The NHS financial year (April to March) a month falls in, e.g. 2024-10 -> "2024/25"."""
    start = year if month >= 4 else year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def period_end(period: str) -> dt.date:
    """The last day of an NHS financial year: "2023/24" -> 31 March 2024."""
    return dt.date(int(period[:4]) + 1, 3, 31)


def normalise_period(text: str) -> list[str]:
    out = []
    for m in _PERIOD.finditer(text):
        start, end = int(m.group(1)), int(m.group(3))
        if (start + 1) % 100 == end:
            out.append(f"{start}/{end:02d}")
    return out


@lru_cache(maxsize=16384)
def org_keys(organisation: str) -> frozenset[str]:
    """The distinctive words of an organisation's name: 'Derby and Derbyshire ICB' -> {derby, derbyshire}."""
    words = re.findall(r"[a-z]+", organisation.lower())
    return frozenset(w for w in words if w not in GENERIC_ORG_WORDS and len(w) > 2)


def same_organisation(organisation: str | None, wanted: str) -> bool:
    """Whether a document's organisation is the one a user named: every distinctive word of the name is
    the organisation's ("Derbyshire ICB" is "Derby and Derbyshire ICB"; "Leeds Teaching Hospitals" is not
    "Leeds and York Partnership NHS Foundation Trust")."""
    if not organisation:
        return False
    wanted_keys = org_keys(wanted)
    return organisation.lower() == wanted.lower() or bool(wanted_keys) and wanted_keys <= org_keys(organisation)


@dataclass(frozen=True)
class QueryFacts:
    text: str
    periods: tuple[str, ...]
    dates: tuple[dt.date, ...]  # full dates named
    months: tuple[tuple[int, int], ...]  # (year, month) named, with or without a day
    years: tuple[int, ...]
    numbers: tuple[str, ...]
    acronyms: tuple[str, ...]
    terms: tuple[str, ...]  # lower-cased content words, stopwords removed
    # (long form, short forms) the papers define and the question uses: "Peter Axon" / ("PA",).
    aliases: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def org_words(self) -> frozenset[str]:
        return frozenset(t.rstrip("'’s") for t in self.terms) | frozenset(self.terms)


@lru_cache(maxsize=8192)
def analyse(question: str) -> QueryFacts:
    dates, months = [], []
    for m in _DAY_MONTH_YEAR.finditer(question):
        month = MONTHS[m.group(2).lower()]
        try:
            dates.append(dt.date(int(m.group(3)), month, int(m.group(1))))
        except ValueError:
            pass
    for m in _MONTH_YEAR.finditer(question):
        months.append((int(m.group(2)), MONTHS[m.group(1).lower()]))
    months.extend((d.year, d.month) for d in dates)
    periods = normalise_period(question)
    years = sorted({int(y) for y in _YEAR.findall(question)})
    # Figures are what is left once periods and dates are taken out ("24" of "2023/24" is no figure).
    rest = _DAY_MONTH_YEAR.sub(" ", _PERIOD.sub(" ", question))
    numbers = [n.rstrip(",") for n in _NUMBER.findall(rest) if not _YEAR.fullmatch(n)]
    acronyms = [a for a in _ACRONYM.findall(question) if a.upper() not in {"I", "A"}]
    terms = [w.lower() for w in _WORD.findall(question)]
    terms = [t for t in terms if t not in STOPWORDS and len(t) > 1]
    return QueryFacts(question, tuple(dict.fromkeys(periods)), tuple(dict.fromkeys(dates)),
                      tuple(dict.fromkeys(months)), tuple(years), tuple(dict.fromkeys(numbers)),
                      tuple(dict.fromkeys(acronyms)), tuple(dict.fromkeys(terms)))


_NUMBER_WORDS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
                 "fifteen sixteen seventeen eighteen nineteen twenty").split()
_SMALL_NUMBER = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r"|\d{1,2})\b", re.IGNORECASE)


def spelled_numbers(text: str) -> list[tuple[str, str]]:
    """Each small number of a text with its other spelling, as (written, other): "month 5" -> ("5", "five"),
    "eight strategic risks" -> ("eight", "8"). Periods and dates are left alone."""
    rest = _DAY_MONTH_YEAR.sub(" ", _PERIOD.sub(" ", text))
    out = []
    for m in _SMALL_NUMBER.finditer(rest):
        token = m.group(1).lower()
        if token.isdigit():
            if int(token) < len(_NUMBER_WORDS):
                out.append((token, _NUMBER_WORDS[int(token)]))
        else:
            out.append((token, str(_NUMBER_WORDS.index(token))))
    return out


def numeral_variants(text: str) -> list[str]:
    """The other spelling of each small number in a text: "month 5" is "month five" in the papers, and
    "eight strategic risks" is "8 strategic risks". Periods and dates are left alone."""
    return list(dict.fromkeys(other for _, other in spelled_numbers(text)))


# "each trust", "both boards", "the two companies": a question about every body of the papers, unnamed.
_EVERY_BODY = re.compile(
    r"\b(?:each|both|every|all|the\s+(?:two|three|four))\s+(?:of\s+the\s+)?(?:[a-z]+\s+)?"
    r"(?:trusts?|boards?|icbs?|icss?|councils?|compan(?:y|ies)|organi[sz]ations?|bod(?:y|ies)|systems?)\b",
    re.IGNORECASE)
MAX_UNNAMED_SIDES = 4  # "each trust" of papers from more bodies than this compares nothing in particular


def comparison_sides(facts: QueryFacts, organisations: list[str],
                     named: Sequence[str]) -> list[Callable[[Document], bool]]:
    """The sides of a comparison the question draws: one test per named year when it names two or more,
    one per named body likewise, one per body of the papers when it asks about each of them ("each
    trust") and names none. Empty when the question compares nothing."""
    sides: list[Callable[[Document], bool]] = []
    if len(facts.periods) >= 2:
        sides += [lambda d, p=p: d.period == p for p in facts.periods]
    # Spellings of one body ("Derby and Derbyshire ICB", "NHS Derby and Derbyshire ICB") are one side.
    bodies: dict[frozenset[str], set[str]] = {}
    for o in named:
        bodies.setdefault(org_keys(o), set()).add(o)
    if len(bodies) >= 2:
        sides += [lambda d, names=frozenset(names): d.organisation in names for names in bodies.values()]
    elif _EVERY_BODY.search(facts.text) and 2 <= len(organisations) <= MAX_UNNAMED_SIDES:
        sides += [lambda d, o=o: d.organisation == o for o in organisations]
    return sides


def named_organisations(facts: QueryFacts, organisations: list[str]) -> list[str]:
    """The known organisations whose distinctive words the question uses (e.g. 'Derbyshire'). A body whose
    words the question uses only as part of another's name is not named: "Leeds and York Partnership"
    names that trust, not also "Leeds Teaching Hospitals", with which it shares "Leeds"."""
    words = set()
    for t in facts.terms:
        words.add(t)
        words.add(re.sub(r"['’]s$", "", t))
        words.update(p for p in re.split(r"[-']", t) if p)
    acronyms = {(a[:-1] if a[-1].islower() else a).lower() for a in facts.acronyms}  # "ICBs" is "ICB"
    # an organisation called by its initials ("LTHT") is named by all its words
    used = {o: org_keys(o) if org_acronyms(o) & acronyms else org_keys(o) & words for o in organisations}
    return [o for o in organisations if used[o] and not any(used[o] < other for other in used.values())]


_ACRONYM_SKIPPED = frozenset({"and", "of", "the", "for", "nhs", "&"})


@lru_cache(maxsize=4096)
def org_acronyms(organisation: str) -> frozenset[str]:
    """The initials an organisation is called by, lower-cased: "Leeds Teaching Hospitals NHS Trust" -> "ltht",
    "Leeds and York Partnership NHS Foundation Trust" -> "lypft", "Derby and Derbyshire ICB" -> "ddicb" (a
    short form in the name is kept whole). Empty for a name of one word."""
    words = [w for w in re.findall(r"[A-Za-z&]+", organisation) if w.lower() not in _ACRONYM_SKIPPED]
    if len(words) < 2:
        return frozenset()
    short = "".join(w if w.isupper() and len(w) > 1 else w[0] for w in words).lower()
    return frozenset({short, "".join(w[0] for w in words).lower()})


def distinguishing_keys(named: Sequence[str], organisations: Sequence[str]) -> frozenset[str]:
    """The words of the named bodies' names that no other body of the papers has in its own ("teaching" for
    Leeds Teaching Hospitals beside Leeds and York Partnership); all their words when none is distinctive."""
    keys = frozenset().union(*(org_keys(o) for o in named))
    others = frozenset().union(*(org_keys(o) for o in organisations if o not in named))
    return (keys - others) or keys


_CLAUSE_BREAK = re.compile(
    r"[?.;]\s+|,?\s+and\s+(?=(?:what|who|whom|when|where|which|how|why|is|are|was|were|does|did)\b)",
    re.IGNORECASE)
_INTERROGATIVE = re.compile(r"(?:^|,)\s*(?:what|who|whom|when|where|which|how|why|is|are|was|were|does|did|do|has|have"
                            r"|can|will|compare|list|name)\b", re.IGNORECASE)


def split_clauses(question: str) -> list[str]:
    """The parts of a question that each ask something: "Who answered X, and when will it come to the
    Board?" -> ["Who answered X", "when will it come to the Board"]; statements that set the scene are
    left out (they frame every part)."""
    parts = [p.strip(" ,?") for p in _CLAUSE_BREAK.split(question) if p and p.strip(" ,?")]
    return [p for p in parts if _INTERROGATIVE.search(p)]


def holds_token(text: str, token: str) -> bool:
    """Whether a text holds a figure or acronym of the question as written: "5" is in "$5m" but not in "15"
    or "5.5"; "ICB" is not in "ICBs"."""
    tail = r"(?![\d,]|\.\d)" if token[:1].isdigit() else r"(?![\w]|\.\d)"
    return re.search(r"(?<![\w.])" + re.escape(token) + tail, text) is not None
