"""People in the papers: names told apart from titles and bodies by how rare their words are.

"Heather Johnstone" is two capitalised words the corpus seldom uses; "Chief Nursing Officer" and "Primary
Care Network" are capitalised words it uses all the time. Minutes also name speakers by their initials.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .lexical import lexical_tokens

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


# -- names in lists of members, attendance and registers -------------------------------------------------

_HONORIFIC = re.compile(r"^(?:(?:Dr|Mr|Mrs|Ms|Miss|Mx|Prof(?:essor)?|Cllr|Councillor|Sir|Dame|Rev)\.?\s+)+")
_INITIALS_IN_BRACKETS = re.compile(r"\s*,?\s*\(([A-Z][A-Za-z\-]{0,5})\)\s*,?\s*")
_NAME_TOKEN = re.compile(r"[A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?|[A-Z]\.?")
# Words that begin the role written after a person's name ("Megan Nurse Non-Executive Director").
ROLE_WORDS = frozenset("""
acting assistant associate board chair chairman chairperson chief clerk clinical company consultant councillor
deputy designate director executive governor head independent interim lay lead manager medical member
non-executive officer partner participant president principal programme representative secretary senior
treasurer trustee vice
""".split())
_OWNER_SPLIT = re.compile(r"\s*(?:/|,|&|\band\b|;)\s*")
_INITIALS = re.compile(r"^[A-Z][A-Za-z]?(?:-?[A-Z][a-z]?){1,4}$")


def name_and_role(text: str) -> tuple[str, str]:
    """A member line's person and role: "Dr Jack Aw (JA) Primary Care Partner Member, ..." -> ("Jack Aw",
    "Primary Care Partner Member, ..."); "Megan Nurse Non-Executive Director, ICB" -> ("Megan Nurse",
    "Non-Executive Director, ICB"); ("", text) when the line does not start with a name."""
    text = " ".join(text.split()).strip(" ,;:-–•")
    body = _HONORIFIC.sub("", text)
    initials = _INITIALS_IN_BRACKETS.search(body[:60])
    if initials and _is_name(body[:initials.start()]):
        return body[:initials.start()].strip(" ,"), body[initials.end():].strip(" ,")
    comma = body.find(",")
    if 0 < comma <= 40 and _is_name(body[:comma]):
        return body[:comma].strip(), body[comma + 1:].strip()
    words = body.split()
    taken: list[str] = []
    for word in words:
        bare = word.strip(",;:")
        if not _NAME_TOKEN.fullmatch(bare) or (len(taken) >= 2 and bare.lower() in ROLE_WORDS):
            break
        taken.append(bare)
        if word.endswith((",", ";", ":")) or len(taken) == 3:
            break
    if len(taken) < 2 or taken[0].lower() in ROLE_WORDS:
        return "", text
    # A third word is a surname part only when the next word begins the role ("Mary Ann Smith Director").
    rest = words[len(taken):]
    if len(taken) == 3 and not (rest and rest[0].strip(",").lower() in ROLE_WORDS):
        taken, rest = taken[:2], words[2:]
    return " ".join(taken), " ".join(rest).strip(" ,")


def _is_name(text: str) -> bool:
    words = text.strip(" ,").split()
    return 2 <= len(words) <= 4 and all(_NAME_TOKEN.fullmatch(w.strip(",")) and w.strip(",").lower() not in ROLE_WORDS
                                        for w in words)


def is_initials(token: str) -> bool:
    """"HJ", "PE-J", "JHo", "PSm": how minutes and action logs name people."""
    return bool(_INITIALS.fullmatch(token)) and sum(c.isupper() for c in token) >= 2


def owners(text: str, definitions: dict[str, str]) -> tuple[str, ...]:
    """The people an owner cell names ("AB/PS", "HJ and PEJ", "Paul Brown"), initials resolved to the names
    the papers define ("Heather Johnstone (HJ)"); initials nobody defines stay as written."""
    out = []
    for part in _OWNER_SPLIT.split(text.strip()):
        part = part.strip(" .")
        if not part:
            continue
        if is_initials(part):
            core = "".join(c for c in part if c.isupper())
            out.append(definitions.get(part) or definitions.get(core) or part)
        else:
            out.append(name_and_role(part)[0] or part)
    return tuple(dict.fromkeys(out))
