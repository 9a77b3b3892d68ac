"""Detect a board paper's title, kind, organisation, date and financial year from its text.

Everything here reads conventions of the documents, never file names: letters open with "Dear ..." and
close with "Yours sincerely"; meeting packs open with the board's name, "Meeting", its date and an agenda of
enclosures; minutes say "Minutes of"; organisations are named "<place> Integrated Care Board", "... NHS
Foundation Trust", "... Council"; an annual report's title page names the body, "Annual Report and
Accounts" and the year. Filings with the US Securities and Exchange Commission name the registrant above
"(Exact name of registrant as specified in its charter)", the form and the period; earnings releases name
the company in their headline or dateline ("PepsiCo, Inc. (NASDAQ: PEP) today reported ..."). A missing
field stays None. A `<file>.meta.toml` sidecar overrides any detected field.
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
# "1 April 2024 to 31 March 2025": the span a report covers, not the date it was written.
_DATE_RANGE = re.compile(
    rf"(\d{{1,2}})\s*(?:st|nd|rd|th)?\s+{_MONTH_RE}\.?,?\s+(\d{{4}})\s+(?:to|until|–|-)\s+"
    rf"(\d{{1,2}})\s*(?:st|nd|rd|th)?\s+{_MONTH_RE}\.?,?\s+(\d{{4}})\b", re.I)
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
_NOISE_WORDS = (
    "The", "NHS", "ICB", "ICS", "Our", "Your", "Dear", "Meeting", "Minutes", "Chief", "Executive", "Officer",
    "Director", "Chair", "Chairman", "Vice", "Deputy", "Interim", "Non-Executive", "Member", "Members", "Board",
    "Review", "Report", "Annual", "Assessment", "Letter", "Re", "Subject", "Update", "Summary", "Agenda", "Item",
    "Paper", "Title", "Presented", "Prepared", "Author")
_CONNECTOR_WORDS = ("and", "&", "of", "on", "the", "for", "to", "by")
_LEADING_NOISE = re.compile(rf"^(?:(?:{'|'.join(map(re.escape, _NOISE_WORDS + _CONNECTOR_WORDS))})[:,]?\s+)+")
# Words of a role or letterhead that can run into a name ("Peter Axon ICB Chair Staffordshire ... ICB").
_RUN_ON_WORDS = frozenset(w.lower() for w in _NOISE_WORDS if w != "The")

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
    filing = detect_filing(text)
    if filing:
        return filing
    head = text[:HEAD_CHARS]
    kind = detect_kind(text)
    title = detect_title(head, kind)
    date = detect_date(head, kind)
    period = detect_period(title, head, kind, date)
    organisation = detect_organisation(head)
    if kind == "report":
        title = annual_report_title(head, organisation, period) or title
    return Metadata(title=title, kind=kind, organisation=organisation, date=date, period=period)


def with_declared(meta: Metadata, title: str | None, date: dt.date | None) -> Metadata:
    """The title and date a file declares itself (an e-mail's Subject and Date) win over detected ones."""
    changes: dict = {}
    if title:
        changes["title"] = title
    if date is not None:
        changes["date"] = date
        changes["period"] = meta.period or financial_year(date)
    return replace(meta, **changes)


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


# "Annual Report and Accounts" standing alone on a title page, not "Annual Report of the Audit Committee".
_ANNUAL_REPORT = re.compile(
    r"^annual\s+report(?:\s+and\s+(?:financial\s+)?accounts)?(?!\s*(?:of|on|for|from|to|by)\b)[ \t]*"
    r"(?:\d{4}\S*[ \t]*)?$", re.I | re.M)


def annual_report_title(head: str, organisation: str | None, period: str | None) -> str | None:
    """"<Body> Annual Report and Accounts 2024/25" when the title page says so and names the body.

    Title pages set the body's name, "Annual Report (and Accounts)" and the year on separate lines (often
    around a logo), which the block-based title would cut short.
    """
    opening = "\n".join(_nonempty_lines(head)[:12])
    match = _ANNUAL_REPORT.search(opening)
    if not match or not organisation or _org_key(organisation) not in {_org_key(n) for n, _ in _names(opening)}:
        return None
    words = " ".join(re.sub(r"\d{4}\S*", "", match.group(0)).split()).title().replace(" And ", " and ")
    return " ".join(part for part in (organisation, words, period) if part)


# --- organisation ---------------------------------------------------------------------------------------

def detect_organisation(head: str) -> str | None:
    """The organisation the paper is by or about: the most mentioned name, favouring the opening."""
    names = _names(head)
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


def _names(text: str) -> list[tuple[str, int]]:
    """Every organisation's name in `text`, with where it starts."""
    found = ((_organisation_name(m.group(1), m.group(2)), m.start()) for m in _ORG.finditer(text))
    return [(name, start) for name, start in found if name]


def _organisation_name(words: str, suffix: str) -> str | None:
    words = _LEADING_NOISE.sub("", " ".join(words.replace("&", "and").split()) + " ").strip()
    suffix_norm = _ORG_SUFFIXES[" ".join(suffix.lower().split())]
    if not words or (suffix_norm in ("ICB", "ICS") and suffix.isupper() and len(words.split()) < 2):
        return None
    if words.isupper() and len(words) > 6:  # headings in capitals: make them read like names
        words = words.title().replace(" And ", " and ").replace(" On ", " on ").replace("-On-", "-on-")
    return f"{words} {suffix_norm}"


def _fold_to_known(name: str, keys: set[str]) -> str:
    """"ICB Chair Staffordshire and Stoke-on-Trent ICB" (a letterhead run-on) -> the known shorter name.

    Only words of a role or letterhead are dropped: "Leeds and York Partnership NHS Foundation Trust" keeps
    its "Leeds and" although a line break elsewhere leaves "York Partnership NHS Foundation Trust".
    """
    words = name.split()
    for i in range(1, len(words) - 1):
        shorter = " ".join(words[i:])
        run_on = any(w.lower() in _RUN_ON_WORDS for w in words[:i])
        if run_on and _org_key(shorter) in keys and len(words[i:]) >= 3:
            return shorter
    return name


def _org_key(name: str) -> str:
    return " ".join(re.sub(r"[-–]", " ", name.lower()).split())


# --- date and period ------------------------------------------------------------------------------------

def detect_date(head: str, kind: str) -> dt.date | None:
    """Letters: the letterhead date; meeting packs and minutes: the meeting date near the top.

    Other kinds only when a date line stands alone in the opening (a year alone is not a date), and never
    the ends of the span a report covers ("1 April 2024 / to / 31 March 2025").
    """
    lines = _nonempty_lines(head)
    if kind in ("letter", "meeting pack", "minutes"):
        window = "\n".join(lines[:40])
        standalone = [d for line in lines[:40] if is_date_line(line) for d in [parse_date(line)] if d]
        if standalone:
            return standalone[0]
        return parse_date(window)
    opening = _nonempty_lines(_DATE_RANGE.sub(" ", "\n".join(lines[:20])))
    standalone = [d for line in opening if is_date_line(line) for d in [parse_date(line)] if d]
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
    """"2024/25", "2024-2025", or the span "1 April 2024 to 31 March 2025" -> "2024/25"."""
    for m in _FIN_YEAR.finditer(text):
        start, end = int(m.group(1)), m.group(2)
        end_year = int(end) if len(end) == 4 else 2000 + int(end)
        if end_year == start + 1:
            return f"{start}/{end_year % 100:02d}"
    for m in _DATE_RANGE.finditer(text):
        first = (int(m.group(1)), _month(m.group(2)), int(m.group(3)))
        last = (int(m.group(4)), _month(m.group(5)), int(m.group(6)))
        if first[:2] == (1, 4) and last[:2] == (31, 3) and last[2] == first[2] + 1:
            return financial_year(dt.date(first[2], 4, 1))
    return None


# --- SEC filings and earnings releases -------------------------------------------------------------

_SEC_HEADER = re.compile(r"SECURITIES\s+AND\s+EXCHANGE\s+COMMISSION", re.I)
_SEC_FORM = re.compile(r"\bFORM\s+(\d{1,2}-[A-Z]{1,2})\b", re.I)
_REGISTRANT = re.compile(r"\(\s*Exact\s+name\s+of\s+(?:the\s+)?registrant", re.I)
# No \b before "for": extraction glues it to the line before ("... ACT OF 1934For the fiscal year ended").
_PERIOD_ENDED = re.compile(
    r"(?<![a-z])for\s+the\s+(fiscal\s+year|quarterly\s+period|(?:fiscal\s+)?quarter|year)\s+ended\b", re.I)
_REPORT_DATE = re.compile(r"\bDate\s+of\s+report\b[^:\n]*:?", re.I)
_COVER_END = re.compile(r"Securities\s+registered\s+pursuant", re.I)
# A line that can be (part of) a company's name: capitalised words, "&" and a few small words, no figures.
_NAME_LINE = re.compile(r"^(?:[a-z]?[A-Z&]|\d+[A-Za-z])[\w.,&'’-]*(?:\s+(?:[A-Z&][\w.,&'’-]*|and|of|the|plc))*$")
# Cover-page captions that can sit right above the name: never part of it.
_COVER_LABEL = re.compile(r"^(?:or|and)$|\b(?:commission|file|number|pursuant|transition)\b", re.I)
_CORPORATE_SUFFIX = re.compile(
    r"\b(?:Inc|Incorporated|Corporation|Corp|Company|Co|Ltd|Limited|plc|LLC|L\.P|N\.V|S\.A|AG|SE)\.?$", re.I)
# A company's name on one line: "PepsiCo, Inc.", "Johnson & Johnson", "eBay Inc.".
_COMPANY = r"((?:[a-z]?[A-Z&]|\d+[A-Za-z])[\w.&'’-]*(?:,?[ \t]+(?:[A-Z&][\w.&'’-]*|and|of|the|plc))*)"
# The dateline of a press release: "<Company> (NYSE: XYZ) today announced ...".
_DATELINE = re.compile(
    _COMPANY + r"\s*\((?i:\s*(?:NYSE|NASDAQ|AMEX|ASX|LSE|TSX|OTC\w*)\b)[^)\n]{0,40}\)\s+today\b")
# A headline whose subject is the company: "Amcor reports fiscal 2023 results ...".
_RESULTS_HEADLINE = re.compile(
    _COMPANY + r"\s+(?i:reports|reported|announces|announced|posts|delivers)\s+(?i:.*\b(?:results|earnings)\b)")
_RESULTS = re.compile(r"\btoday\s+(?:announced|reported)\b.{0,60}\bresults\b", re.I | re.S)
_EPS = re.compile(r"\b(?:EPS|earnings\s+per\s+share)\b", re.I)


def detect_filing(text: str) -> Metadata | None:
    """Metadata of an SEC filing or an earnings release, or None for any other document."""
    head = text[:HEAD_CHARS]
    if _SEC_HEADER.search(head[:600]):
        return _sec_filing(text, head)
    return _press_release(text, head)


def _sec_filing(text: str, head: str) -> Metadata | None:
    """A 10-K, 10-Q or 8-K cover page: registrant, form and the period it covers (or the event's date)."""
    form = _SEC_FORM.search(head)
    registrant = _registrant(text, head)
    if not form and not registrant:
        return None
    cover = _cover(head)
    date = _date_after(_REPORT_DATE, cover)
    if date:
        phrase = f"dated {_us_date(date)}"
    else:
        phrase, date = _period_ended(cover)
        phrase = f"for the {phrase} ended {_us_date(date)}" if date else None
    title = " ".join(p for p in (registrant, form and f"Form {form.group(1).upper()}", phrase) if p)
    return Metadata(title=title, kind="report", organisation=registrant, date=date,
                    period=_fiscal_year_to_march(phrase, date))


def _registrant(text: str, head: str) -> str | None:
    """The registrant's name: above "(Exact name of registrant ...)", else the cover's company-name line."""
    marker = _REGISTRANT.search(head)
    name = (marker and _name_before(head, marker.start())) or _corporate_line(head)
    return _document_spelling(name, text) if name else None


def _cover(head: str) -> str:
    """A filing's cover: its opening up to the table of registered securities."""
    end = _COVER_END.search(head)
    return head[:end.start()] if end else head[:2000]


def _name_before(head: str, at: int) -> str | None:
    """The name-like line(s) right above `at` (and before it on its line): names can wrap or break."""
    lines = head[:at].split("\n")
    parts = [lines.pop().strip()] if lines[-1].strip() else []
    while lines and len(parts) < 3:
        line = lines.pop().strip()
        if not line and not parts:
            continue
        if not _NAME_LINE.match(line) or _COVER_LABEL.search(line):
            break
        parts.insert(0, line)
    name = " ".join(" ".join(parts).split())
    return name if parts and _NAME_LINE.match(name) else None


def _corporate_line(head: str) -> str | None:
    """A cover without the registrant caption: its first line that reads "<NAME> CORPORATION", "... Inc."."""
    for line in _nonempty_lines(_cover(head)):
        if len(line) <= 80 and _NAME_LINE.match(line) and _CORPORATE_SUFFIX.search(line):
            return line
    return None


def _document_spelling(name: str, text: str) -> str:
    """A name in capitals as the document spells it elsewhere ("BEST BUY CO., INC." -> "Best Buy Co., Inc."),
    also mending spaces that text extraction lost or added ("MGM R ESORTS"); else simply capitalised."""
    if not name.isupper():
        return name
    spaced = r"\s*".join(re.escape(c) for c in name if not c.isspace())
    for m in re.finditer(rf"(?<!\w){spaced}(?!\w)", text, re.I):
        found = " ".join(m.group(0).split())
        if not found.isupper() and found[0].isupper():
            return found
    return _capitalise(name)


def _capitalise(name: str) -> str:
    """"GENERAL MILLS, INC." -> "General Mills, Inc.", keeping initials ("L.P.") and small words."""
    words = []
    for i, word in enumerate(name.split()):
        if re.fullmatch(r"(?:[A-Z]\.)+,?", word):
            words.append(word)
        elif i and word.lower() in ("and", "of", "the"):
            words.append(word.lower())
        else:
            words.append(word[:1] + word[1:].lower())
    return " ".join(words)


def _period_ended(cover: str) -> tuple[str | None, dt.date | None]:
    """("fiscal year", 28 January 2023) from "For the fiscal year ended January 28, 2023"."""
    match = _PERIOD_ENDED.search(cover)
    if not match:
        return None, None
    return " ".join(match.group(1).lower().split()), _date_after(match, cover)


def _date_after(pattern: re.Pattern | re.Match | None, text: str) -> dt.date | None:
    """The first date within a short reach after `pattern` or a match ("Date of report ...: May 20, 2022").

    The reach spans a second column on the way ("For the quarterly period ended Commission file\nMarch 31").
    """
    match = pattern.search(text) if isinstance(pattern, re.Pattern) else pattern
    return parse_date(text[match.end():match.end() + 60]) if match else None


def _fiscal_year_to_march(phrase: str | None, date: dt.date | None) -> str | None:
    """A fiscal year that ends on 31 March is a financial year in this project's sense; others have none."""
    if phrase and "year" in phrase and date and (date.month, date.day) == (3, 31):
        return financial_year(date)
    return None


def _us_date(date: dt.date) -> str:
    """As a US filing writes it: "July 29, 2023"."""
    return f"{date:%B} {date.day}, {date.year}"


def _press_release(text: str, head: str) -> Metadata | None:
    """An earnings (or other) press release: the company of its dateline or headline, its date and headline."""
    dateline = _DATELINE.search(head)
    headline = _results_headline(head)
    if not dateline and not headline:
        return None
    company = dateline.group(1) if dateline else headline.group(1)
    date = _release_date(head, dateline)
    before_dateline = head[:dateline.start()] if dateline else head
    title = _headline(before_dateline, company) or _release_title(company, date, bool(_RESULTS.search(head)))
    return Metadata(title=title, kind="report", organisation=company, date=date,
                    period=_explicit_financial_year(title))


def _results_headline(head: str) -> re.Match | None:
    """An opening line "<Company> reports ... results" in a release that reports earnings per share."""
    lines = _nonempty_lines(head)
    return _RESULTS_HEADLINE.match(lines[0]) if lines and _EPS.search(head) else None


def _release_date(head: str, dateline: re.Match | None) -> dt.date | None:
    """The date on the dateline before the company's name, else a date heading the release."""
    if dateline:
        line_start = head.rfind("\n", 0, dateline.start()) + 1
        date = parse_date(head[line_start:dateline.start()])
        if date:
            return date
    return parse_date("\n".join(_nonempty_lines(head)[:3]))


def _headline(head: str, company: str) -> str | None:
    """The headline: the first of the opening lines that starts with the company's name, with the short
    lines that continue it (not a bullet, a figure or a label)."""
    lines = _nonempty_lines(head)[:6]
    first_word = re.sub(r"^the\s+", "", company, flags=re.I).split()[0].rstrip(",")
    opens = re.compile(rf"(?:the\s+)?{re.escape(first_word)}\b", re.I)
    start = next((i for i, line in enumerate(lines) if opens.match(line)), None)
    if start is None:
        return None
    title = lines[start]
    for line in lines[start + 1:start + 3]:
        if re.search(r"[$%€£•:]|^\W", line) or len(title) + len(line) >= 100:
            break
        title = f"{title} {line}"
    return _trim(title, 140)


def _release_title(company: str, date: dt.date | None, results: bool) -> str:
    """"Johnson & Johnson earnings release, January 24, 2023" for a release without a headline."""
    what = "earnings release" if results else "press release"
    return f"{company} {what}, {_us_date(date)}" if date else f"{company} {what}"


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
