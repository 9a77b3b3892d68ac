"""People in the papers: names told apart from titles and bodies by how rare their words are.

"Heather Johnstone" is two capitalised words the corpus seldom uses; "Chief Nursing Officer" and "Primary
Care Network" are capitalised words it uses all the time. Minutes also name speakers by their initials.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .store import lexical_tokens

# Minutes attribute statements to speakers by initials: "PS stated ...", "HJ advised ...".
_SPEAKER = re.compile(r"(?:^|\b)[A-Z]{2,4}\s+(?:stated|advised|said|confirmed|responded|explained|noted|added|"
                      r"agreed|reported|highlighted|assured|informed|replied|gave|presented)\b")


_TITLE_PAIR = re.compile(r"\b(?:(?:Dr|Mr|Mrs|Ms|Miss|Prof|Cllr|Sir|Dame)\.?\s+)?"
                         r"([A-Z][a-z]+(?:-[A-Z][a-z]+)?)\s+([A-Z][a-z'’]+(?:-[A-Z][a-z]+)?)\b")
RARE_IDF = 4.0  # a word in fewer than about 2% of passages


def names_person(text: str, idf: Callable[[str], float]) -> bool:
    """A person's name: two adjacent capitalised words that are both rare in the corpus ("Heather
    Johnstone"), unlike titles and bodies made of common words ("Chief Nursing Officer"); or a speaker's
    initials in minutes ("PS stated")."""
    if _SPEAKER.search(text):
        return True
    for first, last in _TITLE_PAIR.findall(text):
        if all(idf(t) >= RARE_IDF for w in (first, last) for t in lexical_tokens(w)[:1]):
            return True
    return False


def person_names(text: str, idf: Callable[[str], float]) -> list[str]:
    """The names of people in a text, in order of appearance ("Jack Aw", "Heather Johnstone")."""
    names = []
    for m in _TITLE_PAIR.finditer(text):
        if all(idf(t) >= RARE_IDF for w in m.groups() for t in lexical_tokens(w)[:1]):
            names.append(f"{m.group(1)} {m.group(2)}")
    return list(dict.fromkeys(names))
