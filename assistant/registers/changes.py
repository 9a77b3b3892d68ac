"""What changed between two papers of the same kind: two years' assessment letters, two months' finance
reports, two versions of a risk register.

Sections are matched by their headings (numbering and punctuation aside, then by shared words); within a
matched pair, sentences are matched by the words they share, so a sentence only in the new paper is
"added" and one only in the old "removed". Figures (money, percentages, counts with a unit) are paired by
the words around them, both cited: a figure that changed within a sentence that stayed, or a figure of the
old paper whose nearest counterpart in the new one (same kind of figure, same words around it) differs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..labels import date_label
from ..query import STOPWORDS
from ..sentences import sentence_spans
from ..types import Document, ParsedDocument
from .layout import Context, lines
from .model import Source

SAME_HEADING = 0.5  # share of heading words two sections must share to be the same section
SAME_SENTENCE = 0.55  # share of words two sentences must share to be the same sentence (perhaps reworded)
SAME_FIGURE = 0.2  # weighted share of context words two figures must share to be the same measure
CONTEXT_WORDS = 8  # words either side of a figure that say what it measures
MIN_SENTENCE_CHARS = 25
SUBJECT_WORDS = 3  # words of each subject a "respectively" list pairs with its figure

_FIGURE = re.compile(r"(?<![\w.])(?:[£$€]\s?\d[\d,]*(?:\.\d+)?\s?(?:bn|billion|m|million|k)?\b|"
                     r"\d[\d,]*(?:\.\d+)?\s?%|"
                     r"\d[\d,]*(?:\.\d+)?\s(?:days?|weeks?|hours?|minutes?|months?|beds?|patients?|people|staff|"
                     r"posts?|practices|places)\b)", re.IGNORECASE)
_WORD = re.compile(r"[a-z][a-z'’\-]+")
_NUMBERING = re.compile(r"^\s*(?:section|part|chapter|appendix)?\s*[\divx]+(?:\.\d+)*\s*[:.)\-–]?\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Sentence:
    text: str
    source: Source


@dataclass(frozen=True)
class FigureChange:
    label: str  # the words the two figures share: what was measured
    old: str
    new: str
    old_sentence: str
    new_sentence: str
    old_source: Source
    new_source: Source


@dataclass(frozen=True)
class SectionChange:
    heading: str
    old_heading: str
    new_heading: str
    only_in: str = ""  # "old" or "new" when the section is in one paper only
    figures: tuple[FigureChange, ...] = ()
    added: tuple[Sentence, ...] = ()
    removed: tuple[Sentence, ...] = ()


@dataclass(frozen=True)
class Changes:
    old: Document
    new: Document
    sections: tuple[SectionChange, ...] = field(default=())


def compare(old: ParsedDocument, new: ParsedDocument) -> Changes:
    a, b = _sections(Context(old)), _sections(Context(new))
    pairs, only_old, only_new = _match_sections(a, b)
    out = []
    for (ha, sa), (hb, sb) in pairs:
        figures, added, removed = _compare_sentences(sa, sb)
        if figures or added or removed:
            out.append(SectionChange(hb, ha, hb, "", tuple(figures), tuple(added), tuple(removed)))
    out += [SectionChange(h, h, "", "old") for h, _ in only_old]
    out += [SectionChange(h, "", h, "new") for h, _ in only_new]
    return Changes(old.document, new.document, tuple(out))


def compare_papers(corpus_dir: Path, index_dir: Path, old_path: str, new_path: str, *, update: bool = True,
                   progress=None) -> Changes:
    """Compare two papers of the index by their paths relative to the corpus (as `boardroom docs` lists them)."""
    from ..store import IndexStore

    if update:
        from ..indexer import update_index

        update_index(Path(corpus_dir), Path(index_dir), progress=progress)
    store = IndexStore.open(index_dir, model=None, dim=None)
    try:
        return compare_stored(store, old_path, new_path)
    finally:
        store.close()


def compare_stored(store, old_path: str, new_path: str) -> Changes:
    """Compare two papers of an open index (`IndexStore`) by their paths relative to the corpus."""
    from ..errors import BoardroomError

    by_path = {d.path: d for d in store.documents()}
    parsed = []
    for path in (old_path, new_path):
        if path not in by_path:
            raise BoardroomError(f"no such document in the index: {path} (see `boardroom docs`)")
        doc = by_path[path]
        parsed.append(ParsedDocument(doc, store.document_text(doc.doc_id), tuple(store.sections(doc.doc_id)),
                                     store.page_offsets(doc.doc_id)))
    if parsed[0].document.kind != parsed[1].document.kind:
        raise BoardroomError(f"{old_path} is a {parsed[0].document.kind} and {new_path} a {parsed[1].document.kind}: "
                             "compare two papers of the same kind")
    return compare(parsed[0], parsed[1])


# -- sections ------------------------------------------------------------------------------------------------

def _sections(ctx: Context) -> list[tuple[str, list[Sentence]]]:
    """(heading, sentences) for each top-level heading of the paper, in order; the opening is "(opening)"."""
    depth = _grouping_depth(ctx.parsed)
    groups: dict[str, list[Sentence]] = {}
    for start, end, is_row in _paragraphs(ctx.text):
        section = ctx.section_at(start)
        path = section.path if section else ()
        heading = path[depth] if len(path) > depth else "(opening)"
        bucket = groups.setdefault(heading, [])
        body = ctx.text[start:end]
        for i, j in sentence_spans(body) if not is_row else [(0, len(body))]:
            text = " ".join(body[i:j].split())
            if len(text) >= MIN_SENTENCE_CHARS and _plain(text) != _plain(heading):
                bucket.append(Sentence(text, ctx.source(start + i, start + j)))
    return [(h, s) for h, s in groups.items() if s]


def _plain(text: str) -> str:
    return " ".join(text.replace("#", " ").replace("*", " ").split()).rstrip("…").lower()


_CONTINUES = re.compile(r"^\s*[a-z0-9£$€(%&]")


def _paragraphs(text: str) -> list[tuple[int, int, bool]]:
    """Lines joined into paragraphs where a sentence runs on across a line or page break ("deficits of £14.9m
    and" / "£17.8m respectively"); table rows stay alone. (start, end, is_row)."""
    out: list[tuple[int, int, bool]] = []
    for line in lines(text):
        if not line.text.strip():
            continue
        if line.is_row:
            out.append((line.start, line.end, True))
            continue
        if out and not out[-1][2] and _CONTINUES.match(line.text) and \
                not text[out[-1][0]:out[-1][1]].rstrip().endswith((".", "!", "?", ":")):
            out[-1] = (out[-1][0], line.end, False)
            continue
        out.append((line.start, line.end, False))
    return out


def _grouping_depth(parsed: ParsedDocument) -> int:
    """The shallowest level of the section paths at which the paper has several headings."""
    for depth in range(3):
        if len({s.path[depth] for s in parsed.sections if len(s.path) > depth}) >= 2:
            return depth
    return 0


def _heading_key(heading: str) -> set[str]:
    return {w for w in _WORD.findall(_NUMBERING.sub("", heading.lower())) if w not in STOPWORDS}


def _match_sections(a, b):
    pairs, used = [], set()
    for ha, sa in a:
        key = _heading_key(ha)
        best, score = None, 0.0
        for j, (hb, _) in enumerate(b):
            if j in used:
                continue
            other = _heading_key(hb)
            s = 1.0 if ha == hb else (len(key & other) / len(key | other) if key | other else 0.0)
            if s > score:
                best, score = j, s
        if best is not None and score >= SAME_HEADING:
            used.add(best)
            pairs.append(((ha, sa), b[best]))
    matched_a = {p[0][0] for p in pairs}
    return pairs, [x for x in a if x[0] not in matched_a], [x for j, x in enumerate(b) if j not in used]


# -- sentences and figures -------------------------------------------------------------------------------------

def _words(text: str) -> set[str]:
    return {_stem(w) for w in _WORD.findall(_FIGURE.sub(" ", text.lower())) if w not in STOPWORDS}


def _stem(word: str) -> str:
    word = word.rstrip("'’").removesuffix("'s").removesuffix("’s")
    return word[:-1] if len(word) > 4 and word.endswith("s") else word


def _similarity(x: set[str], y: set[str]) -> float:
    return len(x & y) / len(x | y) if x | y else 0.0


def _compare_sentences(old: list[Sentence], new: list[Sentence]):
    old_words = [_words(s.text) for s in old]
    new_words = [_words(s.text) for s in new]
    pairs: dict[int, int] = {}
    scored = sorted(((_similarity(x, y), i, j) for i, x in enumerate(old_words) for j, y in enumerate(new_words)),
                    reverse=True)
    taken = set()
    for score, i, j in scored:
        if score < SAME_SENTENCE:
            break
        if i not in pairs and j not in taken:
            pairs[i] = j
            taken.add(j)
    removed = [s for i, s in enumerate(old) if i not in pairs]
    added = [s for j, s in enumerate(new) if j not in taken]
    figures = _figure_changes(old, new, pairs)
    return figures, added, removed


@dataclass(frozen=True)
class _Figure:
    value: str
    kind: str
    context: dict[str, float]
    sentence: Sentence
    index: int  # which sentence


def _figures(sentences: list[Sentence]) -> list[_Figure]:
    out = []
    for n, s in enumerate(sentences):
        found = list(_FIGURE.finditer(s.text))
        contexts = [_context(s.text, m.start(), m.end()) for m in found]
        contexts = _respectively(s.text, found, contexts)
        for m, context in zip(found, contexts):
            out.append(_Figure(m.group(0).strip(), _kind(m.group(0)), context, s, n))
    return out


def _respectively(text: str, found: list, contexts: list[dict[str, float]]) -> list[dict[str, float]]:
    """"The ICB and the system reported deficits of £14.9m and £17.8m respectively": the k-th figure is the
    k-th subject's, so each figure's context takes its own subject's words and loses the others'."""
    if "respectively" not in text.lower() or len(found) < 2:
        return contexts
    head = text[:found[0].start()]
    head = re.split(r"[,;:]", head)[-1]
    parts = [p for p in re.split(r"\s+and\s+|,\s*", head) if p.strip()]
    if len(parts) != len(found):
        return contexts
    # a subject's own words: the last one runs on into the verb and its object, which all figures share
    words = [{_stem(w) for w in [w for w in _WORD.findall(p.lower()) if w not in STOPWORDS][:SUBJECT_WORDS]} for p in parts]
    out = []
    for k, context in enumerate(contexts):
        others = set().union(*(w for i, w in enumerate(words) if i != k)) - words[k]
        out.append({**{w: v for w, v in context.items() if w not in others}, **dict.fromkeys(words[k], 1.0)})
    return out


def _kind(value: str) -> str:
    if value[0] in "£$€":
        return "money"
    if value.rstrip().endswith("%"):
        return "percent"
    return value.split()[-1].lower().rstrip("s")


def _context(text: str, start: int, end: int) -> dict[str, float]:
    """The words around a figure, nearer ones weighing more; other figures are skipped."""
    before = [w for w in _WORD.findall(_FIGURE.sub(" ", text[:start].lower())) if w not in STOPWORDS][-CONTEXT_WORDS:]
    after = [w for w in _WORD.findall(_FIGURE.sub(" ", text[end:].lower())) if w not in STOPWORDS][:CONTEXT_WORDS]
    weights: dict[str, float] = {}
    for distance, word in enumerate(reversed(before), 1):
        weights[_stem(word)] = max(weights.get(_stem(word), 0.0), 1.0 / distance ** 0.5)
    for distance, word in enumerate(after, 1):
        weights[_stem(word)] = max(weights.get(_stem(word), 0.0), 1.0 / distance ** 0.5)
    return weights


def _context_score(x: dict[str, float], y: dict[str, float]) -> float:
    shared = sum(min(x[w], y[w]) for w in x.keys() & y.keys())
    total = sum(max(x.get(w, 0.0), y.get(w, 0.0)) for w in x.keys() | y.keys())
    return shared / total if total else 0.0


def _figure_changes(old: list[Sentence], new: list[Sentence], pairs: dict[int, int]) -> list[FigureChange]:
    a, b = _figures(old), _figures(new)
    scored = []
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            if x.kind != y.kind:
                continue
            score = _context_score(x.context, y.context) + (0.5 if pairs.get(x.index) == y.index else 0.0)
            scored.append((score, i, j))
    scored.sort(key=lambda t: (-t[0], t[1], t[2]))
    used_a, used_b, out = set(), set(), []
    for score, i, j in scored:
        if score < SAME_FIGURE or i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        x, y = a[i], b[j]
        if _number(x.value) != _number(y.value):
            shared = sorted(x.context.keys() & y.context.keys(), key=lambda w: -min(x.context[w], y.context[w]))
            out.append(FigureChange(" ".join(shared[:4]) or x.kind, x.value, y.value, x.sentence.text, y.sentence.text,
                                    x.sentence.source, y.sentence.source))
    return out


def _number(value: str) -> str:
    unit = ("bn" if re.search(r"bn|billion", value, re.IGNORECASE)
            else "m" if re.search(r"m\b|million", value, re.IGNORECASE) else "")
    return re.sub(r"[^\d.]", "", value.lower().replace("million", "m").replace("billion", "bn")) + unit


# -- JSON ----------------------------------------------------------------------------------------------------

def changes_dict(changes: Changes) -> dict:
    from .views import citation_dict

    def doc(d: Document) -> dict:
        return {"title": d.title, "path": d.path, "date": d.date.isoformat() if d.date else None,
                "date_label": date_label(d)}

    return {"old": doc(changes.old), "new": doc(changes.new), "sections": [{
        "heading": s.heading, "old_heading": s.old_heading, "new_heading": s.new_heading, "only_in": s.only_in or None,
        "figures": [{"measure": f.label, "old": f.old, "new": f.new,
                     "old_citation": citation_dict(f.old_source, changes.old),
                     "new_citation": citation_dict(f.new_source, changes.new)} for f in s.figures],
        "added": [{"text": x.text, "citation": citation_dict(x.source, changes.new)} for x in s.added],
        "removed": [{"text": x.text, "citation": citation_dict(x.source, changes.old)} for x in s.removed],
    } for s in changes.sections]}
