"""Detect a board paper's title, kind, organisation, date and financial year from its text.

Everything here reads conventions of NHS board papers, never file names: letters open with "Dear ..." and
close with "Yours sincerely"; meeting packs open with the board's name, "Meeting", its date and an agenda of
enclosures; minutes say "Minutes of"; organisations are named "<place> Integrated Care Board", "... NHS
Foundation Trust", "... Council". A `<file>.meta.toml` sidecar overrides any detected field.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from .. import config
from ..errors import ReaderError
from ..types import KINDS

_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}
_MONTH_RE = (r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
             r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
_DATE_WORDS = re.compile(rf"\b(\d{{1,2}})\s*(?:st|nd|rd|th)?\s+{_MONTH_RE}\.?,?\s+(\d{{4}})\b", re.I)
_DATE_US_WORDS = re.compile(rf"\b{_MONTH_RE}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)
_DATE_NUMERIC = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})\b")
_FIN_YEAR = re.compile(r"\b(20\d\d)\s*[/-]\s*(20\d\d|\d\d)\b")
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s*"

# "<Place words> Integrated Care Board", "... NHS Foundation Trust", "... Council" (possibly across lines).
_ORG_SUFFIXES = {
    "integrated care board": "ICB", "integrated care system": "ICS", "integrated care partnership": "ICP",
    "icb": "ICB", "ics": "ICS", "nhs foundation trust": "NHS Foundation Trust", "nhs trust": "NHS Trust",
    "county council": "County Council", "city council": "City Council", "council": "Council",
    "health board": "Health Board",
}
_NAME_WORD = r"(?:[A-Z][\w'’.]*(?:-(?:[a-z]+-)*[A-Z][\w'’]*)?)"
_CONNECTOR = r"(?:\s+(?:and|&|of|on|upon|the)\s+|\s+)"
_ORG = re.compile(
    rf"({_NAME_WORD}(?:{_CONNECTOR}{_NAME_WORD}){{0,7}}?)\s+"
    r"(Integrated\s+Care\s+Board|Integrated\s+Care\s+System|Integrated\s+Care\s+Partnership|"
    r"NHS\s+Foundation\s+Trust|NHS\s+Trust|County\s+Council|City\s+Council|Council|Health\s+Board|ICB|ICS)\b"
)
# Capitalised words that run into an organisation's name from a role line or a subject line above it
# ("Chief Executive\nNorth Cumbria Integrated Care Board", "Review of ... Integrated Care Board").
_LEADING_NOISE = re.compile(
    r"^(?:(?:The|NHS|ICB|ICS|Our|Your|Dear|Meeting|Minutes|Chief|Executive|Officer|Director|Chair|Chairman|"
    r"Vice|Deputy|Interim|Non-Executive|Member|Members|Board|Review|Report|Annual|Assessment|Letter|Re|"
    r"Subject|Update|Summary|Agenda|Item|Paper|Title|Presented|Prepared|Author|and|&|of|on|the|for|to|by)"
    r"[:,]?\s+)+"
)

_LETTER_OPENING = re.compile(r"^\s*Dear\s+\S.*$", re.M)
_LETTER_CLOSING = re.compile(r"\b(Yours\s+(?:sincerely|faithfully)|Kind\s+regards|Best\s+wishes)\b", re.I)
_MINUTES = re.compile(r"\bminutes\s+of\s+(?:the\s+)?", re.I)
_MEETING = re.compile(r"\bmeeting\b", re.I)
_ENCLOSURE_REF = re.compile(r"\b(?:Enc(?:losure)?\.?\s*(?:No\.?:?\s*)?\d+|Paper\s+[A-Z0-9]+)\b", re.I)
_COVER_SHEET = re.compile(r"^\s*(?:Report\s+to|Meeting\s+of|Title\s+of\s+(?:paper|report))\s*:", re.I | re.M)
_PLAN_TITLE = re.compile(r"\b(plan|strategy)\b", re.I)
_REPORT_TITLE = re.compile(r"\b(report|review|assessment|update|accounts)\b", re.I)

HEAD_CHARS = 4000


@dataclass(frozen=True)
class Metadata:
    title: str | None
    kind: str
    organisation: str | None
    date: dt.date | None
    period: str | None


def detect(text: str) -> Metadata:
    """Detect metadata from a document's cleaned text (the first pages carry almost all of it)."""
    head = text[:HEAD_CHARS]
    kind = detect_kind(text)
    title = detect_title(head, kind)
    date = detect_date(head, kind)
    period = detect_period(title, head, kind, date)
    return Metadata(title=title, kind=kind, organisation=detect_organisation(head), date=date, period=period)


def with_sidecar(meta: Metadata, path: Path) -> Metadata:
    """Apply `<file name>.meta.toml` next to the file, whose fields win over detection."""
    sidecar = path.with_name(path.name + config.SIDECAR_SUFFIX)
    if not sidecar.is_file():
        return meta
    try:
        data = tomllib.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ReaderError(str(sidecar), f"bad metadata sidecar ({' '.join(str(exc).split())[:100]})") from exc
    changes: dict = {}
    for key in ("title", "organisation", "period"):
        if key in data:
            changes[key] = str(data[key]) if data[key] is not None else None
    if "kind" in data:
        if data["kind"] not in KINDS:
            raise ReaderError(str(sidecar), f"kind must be one of {', '.join(KINDS)}")
        changes["kind"] = data["kind"]
    if "date" in data:
        changes["date"] = _sidecar_date(data["date"], str(sidecar))
        if "period" not in data and changes["date"] is not None:
            changes["period"] = financial_year(changes["date"])
    return replace(meta, **changes)


def _sidecar_date(value, where: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ReaderError(where, f"date must be YYYY-MM-DD, got {value!r}") from exc


# --- kind -----------------------------------------------------------------------------------------------

def detect_kind(text: str) -> str:
    head = text[:HEAD_CHARS]
    first_lines = "\n".join(_nonempty_lines(head)[:40])
    if _LETTER_OPENING.search(first_lines) and _LETTER_CLOSING.search(text[:60_000]):
        return "letter"
    if _is_meeting_pack(text, head):
        return "meeting pack"
    opening = " ".join(_nonempty_lines(head)[:8])
    if _MINUTES.search(opening) and _MEETING.search(opening):
        return "minutes"
    title = " ".join(_nonempty_lines(head)[:6])
    if _PLAN_TITLE.search(title):
        return "plan"
    if _REPORT_TITLE.search(title):
        return "report"
    return "other"


def _is_meeting_pack(text: str, head: str) -> bool:
    """An agenda naming several enclosures, or several papers each with its own cover sheet."""
    opening = " ".join(_nonempty_lines(head)[:12])
    enclosures = len(set(m.group(0).lower() for m in _ENCLOSURE_REF.finditer(head)))
    covers = len(_COVER_SHEET.findall(text))
    return bool(_MEETING.search(opening) or re.search(r"\bagenda\b", head, re.I)) and (enclosures >= 3 or covers >= 2)


# --- title ----------------------------------------------------------------------------------------------

def detect_title(head: str, kind: str) -> str | None:
    if kind == "letter":
        subject = _letter_subject(head)
        if subject:
            return subject
    blocks = [b for b in _blocks(head) if not is_date_line(b)]
    if not blocks:
        return None
    lines = [line for line in blocks[0].splitlines() if not is_date_line(line) and not _is_time_line(line)]
    title = " ".join(" ".join(lines).split())
    if len(blocks) > 1 and _short_title_line(blocks[1]) and len(title) < 80:
        title = f"{title} {blocks[1].strip()}"
    return _trim(title.lstrip("# ").strip(), 140) or None


def _letter_subject(head: str) -> str | None:
    """The first substantial line after the salutation that is not a date: the letter's subject."""
    match = _LETTER_OPENING.search(head)
    if not match:
        return None
    for line in head[match.end():].splitlines():
        line = line.strip().strip("#").strip()
        if not line or is_date_line(line):
            continue
        if len(line) <= 200:
            return _trim(line.rstrip("."), 140)
        return None
    return None


def _short_title_line(block: str) -> bool:
    line = block.strip()
    return "\n" not in line and 3 <= len(line) <= 60 and not line.endswith((".", ":", ";", ",")) and "=" not in line


# --- organisation ---------------------------------------------------------------------------------------

def detect_organisation(head: str) -> str | None:
    """The organisation the paper is by or about: the most mentioned name, favouring the opening."""
    names: list[tuple[str, int]] = []
    for match in _ORG.finditer(head):
        name = _organisation_name(match.group(1), match.group(2))
        if name:
            names.append((name, match.start()))
    if not names:
        return None
    keys = {_org_key(n) for n, _ in names}
    scores: Counter[str] = Counter()
    display: dict[str, str] = {}
    for name, start in names:
        name = _fold_to_known(name, keys)
        key = _org_key(name)
        display.setdefault(key, name)
        scores[key] += 1 + (2 if start < 1500 else 0)
    first_seen = list(display)  # ties go to the name mentioned first
    best = max(scores, key=lambda k: (scores[k], -first_seen.index(k)))
    return display[best]


def _organisation_name(words: str, suffix: str) -> str | None:
    words = _LEADING_NOISE.sub("", " ".join(words.replace("&", "and").split()) + " ").strip()
    suffix_norm = _ORG_SUFFIXES[" ".join(suffix.lower().split())]
    if not words or (suffix_norm in ("ICB", "ICS") and suffix.isupper() and len(words.split()) < 2):
        return None
    if words.isupper() and len(words) > 6:  # headings in capitals: make them read like names
        words = words.title().replace(" And ", " and ").replace(" On ", " on ").replace("-On-", "-on-")
    return f"{words} {suffix_norm}"


def _fold_to_known(name: str, keys: set[str]) -> str:
    """"ICB Chair Staffordshire and Stoke-on-Trent ICB" (a letterhead run-on) -> the known shorter name."""
    words = name.split()
    for i in range(1, len(words) - 1):
        shorter = " ".join(words[i:])
        if _org_key(shorter) in keys and len(words[i:]) >= 3:
            return shorter
    return name


def _org_key(name: str) -> str:
    return " ".join(re.sub(r"[-–]", " ", name.lower()).split())


# --- date and period ------------------------------------------------------------------------------------

def detect_date(head: str, kind: str) -> dt.date | None:
    """Letters: the letterhead date; meeting packs and minutes: the meeting date near the top.

    Other kinds only when a date line stands alone in the opening (a year alone is not a date).
    """
    lines = _nonempty_lines(head)
    if kind in ("letter", "meeting pack", "minutes"):
        window = "\n".join(lines[:40])
        standalone = [d for line in lines[:40] if is_date_line(line) for d in [parse_date(line)] if d]
        if standalone:
            return standalone[0]
        return parse_date(window)
    standalone = [d for line in lines[:20] if is_date_line(line) for d in [parse_date(line)] if d]
    return standalone[0] if standalone else None


def parse_date(text: str) -> dt.date | None:
    """The first full date in `text` ("17th October 2024", "October 17, 2024", "17/10/2024")."""
    found: list[tuple[int, dt.date]] = []
    for m in _DATE_WORDS.finditer(text):
        _add_date(found, m.start(), int(m.group(3)), _month(m.group(2)), int(m.group(1)))
    for m in _DATE_US_WORDS.finditer(text):
        _add_date(found, m.start(), int(m.group(3)), _month(m.group(1)), int(m.group(2)))
    for m in _DATE_NUMERIC.finditer(text):
        year = int(m.group(3)) + (2000 if len(m.group(3)) == 2 else 0)
        _add_date(found, m.start(), year, int(m.group(2)), int(m.group(1)))
    return min(found)[1] if found else None


def _add_date(found: list, at: int, year: int, month: int, day: int) -> None:
    try:
        found.append((at, dt.date(year, month, day)))
    except ValueError:
        pass


def _month(name: str) -> int:
    name = name.lower()
    return next(n for m, n in _MONTHS.items() if m.startswith(name[:3]))


def financial_year(date: dt.date) -> str:
    """NHS financial years run April to March: 17 October 2024 is in 2024/25, 31 March 2025 too."""
    start = date.year if date.month >= 4 else date.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def detect_period(title: str | None, head: str, kind: str, date: dt.date | None) -> str | None:
    """Meetings fall in the financial year of their date; other papers name the year they are about."""
    if kind in ("meeting pack", "minutes") and date:
        return financial_year(date)
    for source in (title or "", "\n".join(_nonempty_lines(head)[:12])):
        year = _explicit_financial_year(source)
        if year:
            return year
    return financial_year(date) if date else None


def _explicit_financial_year(text: str) -> str | None:
    for m in _FIN_YEAR.finditer(text):
        start, end = int(m.group(1)), m.group(2)
        end_year = int(end) if len(end) == 4 else 2000 + int(end)
        if end_year == start + 1:
            return f"{start}/{end_year % 100:02d}"
    return None


# --- small text helpers ---------------------------------------------------------------------------------

def _nonempty_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _blocks(text: str) -> list[str]:
    return [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]


def is_date_line(line: str) -> bool:
    """A line that is essentially a date, e.g. "31 July 2024" or "Thursday 26th September 2024"."""
    stripped = re.sub(rf"^{_WEEKDAY}", "", line.strip(), flags=re.I)
    stripped = re.sub(r"^(?:date(?:\s+of\s+meeting)?\s*:?\s*)", "", stripped, flags=re.I)
    for pattern in (_DATE_WORDS, _DATE_US_WORDS, _DATE_NUMERIC):
        m = pattern.match(stripped)
        if m and len(stripped) - m.end() <= 3:
            return True
    return False


def _is_time_line(line: str) -> bool:
    return bool(re.fullmatch(r"[\d.:\sapm–-]+", line.strip(), re.I)) and any(c.isdigit() for c in line)


def _trim(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:-–") + "…"
