"""Questions of the registers answered from them, cited like every other answer.

The question's analysis (`plan.register`, see register_query.py) says which register it asks about and how
to narrow it. Here the names and initials it holds are looked up among that register's people, its entries
are narrowed (people, dates, open or overdue, the organisation and the filters, the topic), and each entry
becomes a line of the answer whose citation is the passage of the index holding the span the entry was read
from, quoting exactly that span. When no entry matches there is no register answer (None): the question
goes to ordinary retrieval, so a register never makes an answer worse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from . import config
from .concepts import Concepts, words_of
from .filters import admits
from .labels import day_label
from .plan import QueryPlan
from .query import period_of, same_organisation
from .register_query import RegisterQuery
from .registers.model import Source
from .registers.views import Registers, iso_date
from .types import Answer, Chunk, Citation, Document, Filters, Passage

STATUS_TITLES = {"open": "open", "overdue": "overdue", "done": "completed or closed"}
ATTENDANCE_TITLES = {"quorum": "Quorum", "apologies": "Apologies", "present": "Present", "in attendance": "In attendance",
                     "absent": "Absent"}


@dataclass(frozen=True)
class Line:
    """One entry as a line of the answer, under its heading (a meeting, a person), with where it was read."""

    text: str
    source: Source
    document: Document
    heading: str = ""


@dataclass(frozen=True)
class Scope:
    """What a register is narrowed to, besides people: papers, dates and topic."""

    filters: Filters = Filters()
    organisations: tuple[str, ...] = ()  # bodies the question names
    dates: tuple[dt.date, ...] = ()  # days the question names
    months: tuple[int, ...] = ()  # months it names, of the years it names or of any year
    periods: tuple[str, ...] = ()  # financial years
    years: tuple[int, ...] = ()
    span: tuple[dt.date, dt.date] | None = None  # a range of days (a briefing's "recent decisions")
    topic: Concepts = Concepts({}, {})

    @classmethod
    def of(cls, plan: QueryPlan, rq: RegisterQuery, filters: Filters, topic: Concepts) -> Scope:
        facts = plan.facts
        return cls(filters, plan.named_organisations, facts.dates, rq.months, facts.periods, tuple(facts.years),
                   topic=topic)

    def admits(self, document: Document) -> bool:
        named = self.organisations
        return admits(self.filters, document) and (not named or any(same_organisation(document.organisation, o)
                                                                     for o in named))

    def when(self, day: dt.date | None) -> bool:
        """Whether a date is within what the question names: a day, a month (of a year, or of any year when
        it names none), a financial year, a year, a range. Everything passes when it names no time."""
        if not (self.dates or self.months or self.periods or self.years or self.span):
            return True
        if day is None:
            return False
        if self.span:
            return self.span[0] <= day <= self.span[1]
        if self.dates:
            return day in self.dates
        if self.months:
            return day.month in self.months and (not self.years or day.year in self.years)
        if self.periods:
            return period_of(day.year, day.month) in self.periods
        return day.year in self.years

    def about(self, text: str) -> bool:
        """Whether an entry's words carry enough of the question's topic (always, when it has none)."""
        if not self.topic.total:
            return True
        return self.topic.share(self.topic.covered_by(words_of(text))) >= config.REGISTER_TOPIC_SHARE


class RegisterAnswerer:
    """Answers the questions `plan.register` recognises from the registers of one index."""

    def __init__(self, registers: Registers, chunks_of: Callable[[str], list[Chunk]]):
        self.registers = registers
        self._chunks_of = chunks_of
        self._chunks: dict[str, list[Chunk]] = {}

    def answer(self, question: str, plan: QueryPlan, filters: Filters = Filters(),
               retrieved: Sequence[Passage] = ()) -> Answer | None:
        """The register's answer to the question, or None when it asks no register or none of its entries
        match; `retrieved` (the ordinary ranked passages) follow the cited ones in the answer's passages."""
        rq = plan.register
        if rq is None:
            return None
        people = self._people(rq)
        scope = Scope.of(plan, rq, filters, rq.topic_without([*people, *plan.named_organisations]))
        title, lines = getattr(self, f"_{rq.register}")(rq, people, scope)
        return self._render(question, title, lines, retrieved) if lines else None

    def section(self, register: str) -> Answer:
        """A briefing's section on a register, cited like an answer: the open actions, the decisions of the
        weeks up to the latest one (`config.BRIEF_DECISION_DAYS`), the latest minuted meeting's
        attendance, or every declaration of interest. Says so when the register holds none."""
        scope, rq = Scope(), RegisterQuery(register)
        if register == "actions":
            rq, heading = RegisterQuery(register, statuses=("open",)), "Open actions"
        elif register == "decisions":  # up to the latest decision recorded
            end = max((iso_date(c.entry.meeting.date) or c.document.date or dt.date.min
                       for c in self.registers.decisions()), default=dt.date.min)
            start = end - dt.timedelta(days=config.BRIEF_DECISION_DAYS)
            scope = Scope(span=(start, end))
            heading = f"Decisions from {start.strftime('%-d %b %Y')} to {end.strftime('%-d %b %Y')}"
        elif register == "attendance":
            rq, heading = RegisterQuery(register, latest=True), "Attendance at the latest minuted meeting"
        else:
            heading = "Declarations of interest"
        title, lines = getattr(self, f"_{register}")(rq, [], scope)
        answer = self._render(heading, title, lines, (), limit=len(lines)) if lines else None
        return answer or Answer(heading, f"None in the papers' {register} register.", (), (), False)

    # -- people -------------------------------------------------------------------------------------------
    def _people(self, rq: RegisterQuery) -> list[str]:
        """The names and initials of the question that name someone in the register asked about, initials
        first: "HJ" is shown as "Heather Johnstone (HJ)" whether or not the search also spelt the name out."""
        known = self._register_people(rq.register)
        return [who for who in (*rq.initials, *rq.names) if any(self.registers.is_person(p, who) for p in known)]

    def _register_people(self, register: str) -> set[str]:
        r = self.registers
        if register == "actions":
            return {name for a in r.actions() for name in (*a.latest.owners, *a.latest.owner.replace("&", "/").split("/"))}
        if register == "attendance":
            return {p.person for m in r.attendance() for p in m.people}
        if register == "interests":
            return {c.entry.person for c in r.interests()}
        return set()  # a decision is the meeting's, not a person's: names stay words of the topic

    def _who(self, people: list[str]) -> str:
        """"HJ (Heather Johnstone)": each person as the question named them, with the name the papers give."""
        out: dict[str, str] = {}  # the person's full name -> how they are shown
        for who in people:
            full = self.registers.definitions.get(who) or who
            if not any(self.registers.is_person(known, who) for known in out):
                out[full] = f"{full} ({who})" if full != who else who
        return " and ".join(out.values())

    # -- the registers ------------------------------------------------------------------------------------
    def _actions(self, rq: RegisterQuery, people: list[str], scope: Scope) -> tuple[str, list[Line]]:
        lines = []
        for r in self.registers.actions():
            a = r.latest
            status = "overdue" if r.overdue else ("open" if a.status == "open" else "done")
            if rq.statuses and not (status in rq.statuses or "open" in rq.statuses and r.overdue):
                continue
            if people and not any(self.registers.owned_by(a, who) for who in people):
                continue
            day = iso_date(a.due) if rq.due else (iso_date(a.raised_at) or iso_date(a.meeting.date))
            if not (scope.admits(r.document) and scope.when(day)
                    and scope.about(" ".join((a.reference, a.item, a.text, a.update)))):
                continue
            lines.append(Line(_action_line(a, r.overdue), a.source, r.document))
        status = " ".join(STATUS_TITLES[s] for s in rq.statuses)
        owned = f" owned by {self._who(people)}" if people else ""
        as_of = self.registers.as_of
        when = f" (as at {as_of.strftime('%-d %b %Y')}, the date of the latest paper)" if as_of and rq.statuses else ""
        return _counted(len(lines), f"{status} action".strip()) + f"{owned}{when}:", lines

    def _attendance(self, rq: RegisterQuery, people: list[str], scope: Scope) -> tuple[str, list[Line]]:
        meetings = [m for m in self.registers.attendance()
                    if scope.admits(m.document) and scope.when(iso_date(m.meeting.date) or m.document.date)
                    and scope.about(f"{m.meeting.name} {m.document.title}")]
        by_meeting = [(m, self._attendance_lines(m, rq, people)) for m in meetings]
        by_meeting = [(m, lines) for m, lines in by_meeting if lines]
        if rq.latest:  # the last meeting that records what was asked
            by_meeting = _latest(by_meeting, lambda pair: pair[0].meeting.date)
        lines = [line for _, meeting_lines in by_meeting for line in meeting_lines]
        what = "Attendance" if people else " and ".join(ATTENDANCE_TITLES[s] for s in rq.statuses) or "Attendance"
        whose = f" of {self._who(people)}" if people else ""
        return f"{what}{whose}, as the minutes record it:", lines

    def _attendance_lines(self, m, rq: RegisterQuery, people: list[str]) -> list[Line]:
        """One meeting's quorum and attendees as the question asks for them. A named person's attendance is
        shown whatever it was: "Did X attend?" is answered by "apologies"."""
        heading = f"{m.meeting.name} ({day_label(m.meeting.date)})"
        lines = []
        if "quorum" in rq.statuses and m.quorate is not None:
            lines.append(Line(f"quorate: {'yes' if m.quorate.quorate else 'no'}", m.quorate.source, m.document, heading))
        if rq.statuses == ("quorum",) and not people:
            return lines
        statuses = () if people else tuple(s for s in rq.statuses if s != "quorum")
        for p in m.people:
            if statuses and p.status not in statuses:
                continue
            if people and not any(self.registers.is_person(name, who) for who in people
                                  for name in (p.person, *p.represented_by)):
                continue
            lines.append(Line(_attendee_line(p), p.source, m.document, heading))
        return lines

    def _decisions(self, rq: RegisterQuery, people: list[str], scope: Scope) -> tuple[str, list[Line]]:
        found = [c for c in self.registers.decisions(noted=rq.noted)
                 if scope.admits(c.document) and scope.when(iso_date(c.entry.meeting.date) or c.document.date)
                 and scope.about(f"{c.entry.item} {c.entry.text} {c.entry.meeting.name}")]
        found = _latest(found, lambda c: c.entry.meeting.date) if rq.latest else found
        lines = [Line(f"{c.entry.item}: {c.entry.text}" if c.entry.item else c.entry.text, c.entry.source,
                      c.document, f"{c.entry.meeting.name} ({day_label(c.entry.meeting.date)})") for c in found]
        what = ("decision or paper noted", "decisions and papers noted") if rq.noted else ("decision", "decisions")
        return _counted(len(lines), *what) + ":", lines

    def _interests(self, rq: RegisterQuery, people: list[str], scope: Scope) -> tuple[str, list[Line]]:
        lines = []
        for c in self.registers.interests():
            i = c.entry
            if people and not any(self.registers.is_person(i.person, who) for who in people):
                continue
            if not i.interest and scope.topic.total:  # "nothing to declare" says nothing about a topic
                continue
            if not (scope.admits(c.document) and scope.when(iso_date(i.declared) or c.document.date)
                    and scope.about(f"{i.category} {i.interest}")):
                continue
            lines.append(Line(_interest_line(i), i.source, c.document,
                              ", ".join(x for x in (i.person, i.role) if x)))
        whose = f" of {self._who(people)}" if people else ""
        return _counted(len(lines), "declaration") + f" of interest{whose}:", lines

    # -- the answer ---------------------------------------------------------------------------------------
    def _render(self, question: str, title: str, lines: list[Line], retrieved: Sequence[Passage],
                limit: int = config.REGISTER_ANSWER_ROWS) -> Answer | None:
        """The first `limit` lines under their headings, each with the [n] of the passage holding it;
        passages are the cited ones first, then the retrieved ones."""
        shown, left = lines[:limit], len(lines) - limit
        numbers: dict[str, int] = {}
        cited: dict[int, tuple[Chunk, Document, list[str]]] = {}
        text = [title]
        heading = None
        for line in shown:
            chunk = self._chunk_of(line.source)
            if chunk is None:
                continue  # an entry is shown only with its citation
            n = numbers.setdefault(chunk.chunk_id, len(numbers) + 1)
            quotes = cited.setdefault(n, (chunk, line.document, []))[2]
            quote = _quote(chunk, line.source)
            if quote not in quotes:
                quotes.append(quote)
            if line.heading != heading:
                heading = line.heading
                text += ["", f"**{heading}**"] if heading else []
            text.append(f"- {line.text} [{n}]")
        if not numbers:
            return None
        if left > 0:
            text.append(f"- … and {left} more in the register.")
        top = max((p.score for p in retrieved), default=1.0)
        passages = [Passage(chunk, document, top, 0) for chunk, document, _ in cited.values()]
        passages += [p for p in retrieved if p.chunk.chunk_id not in numbers]
        passages = [replace(p, rank=i) for i, p in enumerate(passages[:max(len(cited), len(retrieved))], 1)]
        by_id = {p.chunk.chunk_id: p for p in passages}
        citations = tuple(Citation(n, by_id[chunk.chunk_id], " … ".join(quotes)) for n, (chunk, _, quotes) in cited.items())
        return Answer(question, "\n".join(text), citations, tuple(passages), False)

    def _chunk_of(self, source: Source) -> Chunk | None:
        """The passage where the span an entry was read from begins (its reference, its first words), or the
        one holding most of it when only a few characters of it fall in the first."""
        if source.doc_id not in self._chunks:
            self._chunks[source.doc_id] = self._chunks_of(source.doc_id)

        def overlap(c: Chunk) -> int:
            return min(c.char_end, source.char_end) - max(c.char_start, source.char_start)

        holding = [c for c in self._chunks[source.doc_id] if overlap(c) > 0]
        if not holding:
            return None
        first = min(holding, key=lambda c: c.char_start)
        enough = min(config.REGISTER_QUOTE_CHARS, source.char_end - source.char_start)
        return first if overlap(first) >= enough else max(holding, key=overlap)


def _action_line(a, overdue: bool) -> str:
    owner = a.owner + (f" ({', '.join(a.owners)})" if a.owners and list(a.owners) != [a.owner] else "")
    details = [f"owner {owner}" if owner else "no owner",
               f"raised {day_label(a.raised_at)}" if a.raised_at else "",
               f"due {day_label(a.due)}" if a.due else "no due date",
               "overdue" if overdue else a.status]
    return f"{a.reference + ': ' if a.reference else ''}{a.text} — {'; '.join(d for d in details if d)}"


def _attendee_line(p) -> str:
    role = f", {p.role}" if p.role else ""
    by = f"; represented by {', '.join(p.represented_by)}" if p.represented_by else ""
    return f"{p.person}{role}: {p.status}{by}"


def _interest_line(i) -> str:
    if not i.interest:
        return "nothing to declare"
    period = f" ({i.period})" if i.period and i.period not in i.interest else ""
    declared = f", declared {day_label(i.declared)}" if i.declared else ""
    return f"{i.category}: {i.interest}{period}{declared}" if i.category else f"{i.interest}{period}{declared}"


def _quote(chunk: Chunk, source: Source) -> str:
    """Exactly the part of the entry's span that lies in the passage."""
    start, end = max(chunk.char_start, source.char_start), min(chunk.char_end, source.char_end)
    return chunk.text[start - chunk.char_start:end - chunk.char_start].strip()


def _counted(n: int, noun: str, nouns: str | None = None) -> str:
    return f"{n} {noun if n == 1 else nouns or noun + 's'}"


def _latest(items: list, date_of: Callable) -> list:
    """The items of the latest date (the last meeting)."""
    dates = [date_of(i) for i in items if date_of(i)]
    return [i for i in items if date_of(i) == max(dates)] if dates else items
