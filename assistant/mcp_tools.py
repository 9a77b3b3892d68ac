"""The tools Boardroom offers a desktop assistant over the Model Context Protocol (`mcp_server.py` serves them).

Each tool is a `ToolSpec`: its name, the description the client's model reads, the JSON schemas of its
arguments and of its result, and `run(toolbox, arguments) -> dict`, which calls the library and returns a
JSON-ready dict. `TOOLS` lists them in the order clients show them: a new tool is one more entry there. The
register tools (decisions, actions, attendance, interests) return the same rows as the register commands'
`--json`, each with its citation. Every tool only reads: none writes or deletes a
file, and a document path outside the corpus is refused.

`Toolbox.call` checks the arguments against the tool's schema before it runs; a problem raises `ToolError`
(or the library's own `BoardroomError`) with one line the client's model can act on. Nothing here imports the
MCP SDK: the tools are plain functions of an open `Assistant`.
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import config
from .errors import BoardroomError
from .jsonio import citation_dict, document_dict, passage_dict
from .labels import pages_label
from .types import KINDS, Filters, Passage, Turn


class ToolError(BoardroomError):
    """A call refused before it ran: an unknown tool, a missing, unknown or ill-typed argument."""


@dataclass(frozen=True)
class ToolSpec:
    name: str
    title: str
    description: str
    arguments: Mapping[str, dict]  # argument name -> JSON schema
    result: dict  # JSON schema of the structured result
    run: Callable[[Toolbox, dict], dict]
    required: tuple[str, ...] = ()
    remembers: bool = False  # keeps state in memory between calls (ask's conversations); never on disk

    def input_schema(self) -> dict:
        schema: dict[str, Any] = {"type": "object", "properties": dict(self.arguments), "additionalProperties": False}
        if self.required:
            schema["required"] = list(self.required)
        return schema


class Conversations:
    """The turns of each conversation by id, in memory only: the most recent `turns_kept` turns of the
    `kept` most recently used conversations."""

    def __init__(self, kept: int = config.MCP_CONVERSATIONS, turns_kept: int = config.MCP_TURNS_KEPT):
        self.kept, self.turns_kept = kept, turns_kept
        self._turns: OrderedDict[str, list[Turn]] = OrderedDict()

    def history(self, conversation: str) -> tuple[Turn, ...]:
        return tuple(self._turns.get(conversation, ()))

    def add(self, conversation: str, turn: Turn) -> None:
        turns = self._turns.setdefault(conversation, [])
        turns.append(turn)
        del turns[:-self.turns_kept]
        self._turns.move_to_end(conversation)
        while len(self._turns) > self.kept:
            self._turns.popitem(last=False)

    @staticmethod
    def new_id() -> str:
        return uuid.uuid4().hex[:12]


@dataclass
class Toolbox:
    """The tools bound to one open assistant, with the conversations of `ask`. Not thread-safe: the server
    runs one call at a time."""

    assistant: Any  # assistant.Assistant (not imported: it pulls in the retrieval stack)
    tools: tuple[ToolSpec, ...] = ()
    conversations: Conversations = field(default_factory=Conversations)

    def __post_init__(self) -> None:
        self.tools = self.tools or TOOLS

    def spec(self, name: str) -> ToolSpec:
        for spec in self.tools:
            if spec.name == name:
                return spec
        raise ToolError(f"unknown tool {name!r}; the tools are: {', '.join(s.name for s in self.tools)}")

    def call(self, name: str, arguments: Mapping[str, Any] | None) -> dict:
        """The tool's result; a refused call raises ToolError with one line that starts with the tool's name."""
        spec = self.spec(name)
        arguments = dict(arguments or {})
        try:
            check_arguments(spec, arguments)
            reopen = getattr(self.assistant, "reopen_if_rebuilt", None)
            if reopen is not None:
                reopen()  # an index rebuilt since (e.g. by `boardroom index --watch`) is used at once
            return spec.run(self, arguments)
        except BoardroomError as exc:
            raise ToolError(f"{name}: {exc}") from exc


def check_arguments(spec: ToolSpec, arguments: Mapping[str, Any]) -> None:
    """Raise ToolError naming every problem of the arguments against the tool's schema, in one line."""
    from jsonschema import Draft202012Validator

    errors = sorted(Draft202012Validator(spec.input_schema()).iter_errors(arguments),
                    key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        raise ToolError("; ".join(_describe(spec, e) for e in errors))


def _describe(spec: ToolSpec, error) -> str:
    if error.validator == "additionalProperties" and not error.absolute_path:
        unknown = sorted(set(error.instance) - set(spec.arguments))
        takes = ", ".join(spec.arguments) or "no arguments"
        return f"unknown argument {', '.join(map(repr, unknown))} (it takes: {takes})"
    if error.validator == "required":
        return error.message.replace("is a required property", "is missing")
    where = ".".join(str(p) for p in error.absolute_path)
    return f"{where}: {error.message}" if where else error.message


# -- arguments shared by search and ask ---------------------------------------------------------------------

_STRINGS = {"type": "array", "items": {"type": "string", "minLength": 1}}
FILTER_ARGUMENTS: dict[str, dict] = {
    "organisations": {**_STRINGS, "description": "Only documents of these organisations (as `documents` lists "
                      "them; short forms such as 'Derbyshire ICB' match)."},
    "kinds": {"type": "array", "items": {"enum": list(KINDS)}, "description": "Only documents of these kinds."},
    "since": {"type": "string", "description": "Only documents dated on or after this day: YYYY-MM-DD, or the "
              "start of YYYY-MM or YYYY."},
    "until": {"type": "string", "description": "Only documents dated on or before this day: YYYY-MM-DD, or the "
              "end of YYYY-MM or YYYY."},
    "documents": {**_STRINGS, "description": "Only these documents: their paths as `documents` lists them "
                  "(relative to the corpus folder)."},
}


def _filters(toolbox: Toolbox, arguments: dict) -> Filters:
    from .filters import build_filters, parse_date

    dates = {}
    for name in ("since", "until"):
        try:
            dates[name] = parse_date(arguments.get(name, ""), end=name == "until")
        except ValueError as exc:
            raise ToolError(f"{name}: {exc}") from None
    assistant = toolbox.assistant
    return build_filters(assistant.documents(), assistant.corpus_dir, organisations=arguments.get("organisations", ()),
                         kinds=arguments.get("kinds", ()), paths=arguments.get("documents", ()), **dates)


def _text(arguments: dict, name: str) -> str:
    text = arguments[name].strip()
    if not text:
        raise ToolError(f"the {name} is blank")
    return text


# -- results --------------------------------------------------------------------------------------------------

def _place(passage: Passage) -> dict:
    """Where a passage sits: its section path and its pages as a label (None for formats without pages)."""
    chunk = passage.chunk
    pages = pages_label(chunk.page_start, chunk.page_end) if chunk.page_start is not None else None
    return {"section_path": list(chunk.section_path), "pages": pages}


def _passage(passage: Passage) -> dict:
    return {**passage_dict(passage), **_place(passage)}


_NULLABLE_STRING = {"type": ["string", "null"]}
_NULLABLE_INT = {"type": ["integer", "null"]}
_WHERE = {
    "document": {"type": "string", "description": "the document's title"},
    "path": {"type": "string", "description": "the document's path relative to the corpus folder"},
    "kind": {"type": "string"}, "organisation": _NULLABLE_STRING, "date": _NULLABLE_STRING,
    "section": {"type": "string", "description": "the section path as one label"},
    "section_path": {"type": "array", "items": {"type": "string"}},
    "pages": _NULLABLE_STRING, "page_start": _NULLABLE_INT, "page_end": _NULLABLE_INT,
    "text": {"type": "string", "description": "the whole passage"},
}
PASSAGE_SCHEMA = {"type": "object", "required": ["rank", "score", *_WHERE],
                  "properties": {"rank": {"type": "integer"}, "score": {"type": "number"}, **_WHERE}}
CITATION_SCHEMA = {"type": "object", "required": ["n", "quote", *_WHERE],
                   "properties": {"n": {"type": "integer", "description": "the [n] marker in the answer"},
                                  "quote": {"type": "string", "description": "the passage's words the answer "
                                            "relies on, verbatim ('…' between sentences)"}, **_WHERE}}
DOCUMENT_SCHEMA = {"type": "object", "required": ["doc_id", "title", "path", "kind", "date"],
                   "properties": {"doc_id": {"type": "string"}, "title": {"type": "string"},
                                  "path": {"type": "string"}, "kind": {"type": "string"},
                                  "organisation": _NULLABLE_STRING, "date": _NULLABLE_STRING,
                                  "period": _NULLABLE_STRING, "pages": _NULLABLE_INT}}


# -- the tools -----------------------------------------------------------------------------------------------

def _search(toolbox: Toolbox, arguments: dict) -> dict:
    query = _text(arguments, "query")
    k = int(arguments.get("k", config.MCP_SEARCH_K))
    passages = toolbox.assistant.search(query, k, _filters(toolbox, arguments))
    return {"query": query, "passages": [_passage(p) for p in passages]}


def _ask(toolbox: Toolbox, arguments: dict) -> dict:
    question = _text(arguments, "question")
    conversation = arguments.get("conversation") or toolbox.conversations.new_id()
    history = toolbox.conversations.history(conversation)
    answer = toolbox.assistant.ask(question, history, _filters(toolbox, arguments))
    toolbox.conversations.add(conversation, Turn(question, answer))
    closest = answer.passages[:config.MCP_CLOSEST_PASSAGES] if answer.abstained else ()
    return {
        "conversation": conversation, "earlier_turns": len(history), "question": question,
        "answer": answer.text, "abstained": answer.abstained,
        "citations": [{**citation_dict(c), **_place(c.passage)} for c in answer.citations],
        "closest_passages": [_passage(p) for p in closest],
    }


def _documents(toolbox: Toolbox, arguments: dict) -> dict:
    assistant = toolbox.assistant
    return {"corpus": str(assistant.corpus_dir.resolve()),
            "documents": [document_dict(d) for d in assistant.documents()]}


SEARCH = ToolSpec(
    name="search", title="Search the board papers",
    description="The passages of the board papers that best match a query, best first, each with its document "
                "(title and path), section, pages and full text. Use it to read around a topic; use `ask` for a "
                "cited answer.",
    arguments={
        "query": {"type": "string", "minLength": 1, "description": "What to look for, in words or as a question."},
        "k": {"type": "integer", "minimum": 1, "maximum": config.MCP_SEARCH_K_MAX, "default": config.MCP_SEARCH_K,
              "description": "How many passages."},
        **FILTER_ARGUMENTS,
    },
    required=("query",),
    result={"type": "object", "required": ["query", "passages"],
            "properties": {"query": {"type": "string"}, "passages": {"type": "array", "items": PASSAGE_SCHEMA}}},
    run=_search,
)

ASK = ToolSpec(
    name="ask", title="Ask the board papers",
    description="A short answer to a question, made only of the papers' own sentences, each marked [n] with a "
                "citation giving the document, section, pages and the exact quote. When the papers do not hold "
                "the answer, `abstained` is true and the closest passages come back, which are not an answer. "
                "Pass the returned `conversation` id with a follow-up ('And cancer?') to ask it in the same "
                "conversation.",
    arguments={
        "question": {"type": "string", "minLength": 1, "description": "The question."},
        "conversation": {"type": "string", "minLength": 1, "maxLength": 100,
                         "description": "The id of an earlier answer's conversation, for a follow-up; omit it "
                                        "to start a new conversation (its id comes back with the answer)."},
        **FILTER_ARGUMENTS,
    },
    required=("question",),
    result={"type": "object",
            "required": ["conversation", "earlier_turns", "question", "answer", "abstained", "citations",
                         "closest_passages"],
            "properties": {
                "conversation": {"type": "string"},
                "earlier_turns": {"type": "integer", "description": "turns of the conversation the question "
                                  "was read against"},
                "question": {"type": "string"},
                "answer": {"type": "string"},
                "abstained": {"type": "boolean", "description": "true when the papers do not say"},
                "citations": {"type": "array", "items": CITATION_SCHEMA},
                "closest_passages": {"type": "array", "items": PASSAGE_SCHEMA,
                                     "description": "only when abstained: the nearest passages, not an answer"},
            }},
    run=_ask,
    remembers=True,
)

DOCUMENTS = ToolSpec(
    name="documents", title="List the board papers",
    description="Every document Boardroom answers from, oldest first: title, path (relative to the corpus "
                "folder), kind, organisation, date of the meeting or letter, financial year and pages.",
    arguments={},
    result={"type": "object", "required": ["corpus", "documents"],
            "properties": {"corpus": {"type": "string", "description": "the corpus folder"},
                           "documents": {"type": "array", "items": DOCUMENT_SCHEMA}}},
    run=_documents,
)


# -- the registers --------------------------------------------------------------------------------------------
# Thin faces over `Assistant.registers()`: the same library calls and the same JSON rows (registers.views) as
# the `boardroom decisions/actions/attendance/interests --json` commands. Every row carries its citation.

REGISTER_CITATION_SCHEMA = {
    "type": "object", "required": ["document", "path", "section", "section_path", "pages", "quote"],
    "description": "where the row was read: the exact words of the paper at that place",
    "properties": {**{k: _WHERE[k] for k in ("document", "path", "kind", "date", "section", "section_path",
                                             "page_start", "page_end")},
                   "pages": {"type": "string", "description": "'p. 4', 'pp. 4–5', or 'no pages'"},
                   "char_start": {"type": "integer"}, "char_end": {"type": "integer"},
                   "quote": {"type": "string", "description": "the paper's text the row was read from, verbatim"}},
}
_CITED = {"citation": REGISTER_CITATION_SCHEMA}
NOTES_SCHEMA = {"type": "array", "description": "why a register a paper seems to hold came out empty",
                "items": {"type": "object", "required": ["path", "note"],
                          "properties": {"path": {"type": "string"}, "note": {"type": "string"}}}}
_STRING = {"type": "string"}
_ROW_STRINGS = {"type": "array", "items": _STRING}
DECISION_SCHEMA = {
    "type": "object", "required": ["date", "meeting", "item", "verb", "kind", "decision", "citation"],
    "properties": {"date": {**_NULLABLE_STRING, "description": "the meeting's date, YYYY-MM-DD"},
                   "meeting": _STRING, "item": {**_STRING, "description": "the minute item, '' when none"},
                   "verb": {**_STRING, "description": "approved, agreed, resolved, ratified, endorsed, noted, …"},
                   "kind": {"type": "string", "enum": ["decision", "noted"], "description": "'noted' when the "
                            "meeting only received or noted a paper"},
                   "decision": {**_STRING, "description": "the sentence that records it"},
                   "organisation": _NULLABLE_STRING, **_CITED},
}
_ACTION_STATUS = {"type": "string", "description": "open, complete or closed"}
ACTION_SCHEMA = {
    "type": "object", "required": ["reference", "action", "owner", "owners", "due", "status", "overdue", "citation",
                                   "history"],
    "properties": {
        "reference": _STRING, "raised_at": _STRING, "meeting": _STRING, "item": _STRING, "action": _STRING,
        "owner": {**_STRING, "description": "as the log writes it ('AB/PS')"},
        "owners": {**_ROW_STRINGS, "description": "each owner, initials resolved to names where the papers "
                                                  "define them"},
        "due": {**_NULLABLE_STRING, "description": "YYYY-MM-DD"}, "status": _ACTION_STATUS,
        "overdue": {"type": "boolean", "description": "open and due before `as_of`"},
        "update": {**_STRING, "description": "the latest log's update"}, **_CITED,
        "history": {"type": "array", "description": "every log that lists the action, oldest first",
                    "items": {"type": "object", "required": ["paper_date", "status", "citation"],
                              "properties": {"paper_date": _NULLABLE_STRING, "meeting": _STRING,
                                             "status": _ACTION_STATUS, "update": _STRING, **_CITED}}},
    },
}
_PEOPLE = {"type": "array", "items": {"type": "object", "required": ["person", "citation"],
                                      "properties": {"person": _STRING, "role": _STRING,
                                                     "represented_by": _ROW_STRINGS, **_CITED}}}
ATTENDANCE_SCHEMA = {
    "type": "object", "required": ["meeting", "date", "present", "apologies", "in attendance", "absent", "quorate"],
    "properties": {"meeting": _STRING, "date": _NULLABLE_STRING, "present": _PEOPLE, "apologies": _PEOPLE,
                   "in attendance": _PEOPLE, "absent": _PEOPLE,
                   "quorate": {"type": ["boolean", "null"], "description": "null when the minutes do not say"},
                   "quorum_citation": {"anyOf": [REGISTER_CITATION_SCHEMA, {"type": "null"}]}},
}
INTEREST_SCHEMA = {
    "type": "object", "required": ["person", "category", "interest", "register", "citation"],
    "properties": {"person": _STRING, "role": _STRING, "organisation": _STRING,
                   "category": {**_NULLABLE_STRING, "description": "the register's column; null for a nil return"},
                   "interest": {**_NULLABLE_STRING, "description": "null for 'nothing to declare'"},
                   "declared": {**_NULLABLE_STRING, "description": "YYYY-MM-DD"}, "period": _STRING,
                   "register": {**_STRING, "description": "the register's title, or the meeting it was declared at"},
                   **_CITED},
}


def _rows(name: str, schema: dict, **more: dict) -> dict:
    """The result schema of a register tool: its rows under `name`, and the notes."""
    return {"type": "object", "required": [name, *more, "notes"],
            "properties": {name: {"type": "array", "items": schema}, **more, "notes": NOTES_SCHEMA}}


def _register_result(registers, name: str, rows: list[dict], **more) -> dict:
    from .registers.views import notes_list

    return {name: rows, **more, "notes": notes_list(registers.notes())}


def _decisions(toolbox: Toolbox, arguments: dict) -> dict:
    from .registers.views import decision_dict

    filters = _filters(toolbox, arguments)
    registers = toolbox.assistant.registers()
    found = registers.decisions(filters.since, filters.until, filters.organisations,
                                noted=arguments.get("include_noted", False))
    return _register_result(registers, "decisions", [decision_dict(c) for c in found])


def _actions(toolbox: Toolbox, arguments: dict) -> dict:
    from .registers.views import action_dict

    owner = _text(arguments, "owner") if "owner" in arguments else None
    registers = toolbox.assistant.registers()
    found = registers.actions(arguments.get("open", False), arguments.get("overdue", False), owner)
    as_of = registers.as_of
    return _register_result(registers, "actions", [action_dict(r) for r in found],
                            as_of=as_of.isoformat() if as_of else None)


def _attendance(toolbox: Toolbox, arguments: dict) -> dict:
    from .registers.views import attendance_dict

    registers = toolbox.assistant.registers()
    return _register_result(registers, "meetings", [attendance_dict(m) for m in registers.attendance()])


def _interests(toolbox: Toolbox, arguments: dict) -> dict:
    from .registers.views import interest_dict

    name = _text(arguments, "name") if "name" in arguments else None
    registers = toolbox.assistant.registers()
    return _register_result(registers, "interests", [interest_dict(c) for c in registers.interests(name)])


DECISIONS = ToolSpec(
    name="decisions", title="The decisions register",
    description="What boards and committees approved, agreed, resolved, ratified or endorsed (and, with "
                "`include_noted`, the papers they only received or noted), read from their minutes and papers, "
                "oldest meeting first: the meeting, its date, the item, the verb, the kind and the sentence, each "
                "with its citation (document path, section, pages, exact quote).",
    arguments={
        "since": {"type": "string", "description": "Only decisions of meetings on or after this day: YYYY-MM-DD, "
                  "or the start of YYYY-MM or YYYY."},
        "until": {"type": "string", "description": "Only decisions of meetings on or before this day: "
                  "YYYY-MM-DD, or the end of YYYY-MM or YYYY."},
        "organisations": FILTER_ARGUMENTS["organisations"],
        "include_noted": {"type": "boolean", "default": False, "description": "Also the papers a meeting only "
                          "received or noted (kind 'noted'); by default only decisions (kind 'decision')."},
    },
    result=_rows("decisions", DECISION_SCHEMA),
    run=_decisions,
)

ACTIONS = ToolSpec(
    name="actions", title="The action logs",
    description="Every action of the action logs once, as its latest log has it (owner, due date, status, "
                "update), with its history across earlier logs, each with its citation. `overdue` is judged "
                "against `as_of`, the date of the latest paper.",
    arguments={
        "open": {"type": "boolean", "default": False, "description": "Only actions not complete or closed."},
        "overdue": {"type": "boolean", "default": False,
                    "description": "Only open actions due before the date of the latest paper."},
        "owner": {"type": "string", "minLength": 1, "description": "Only this person's actions: a name, or "
                  "initials the papers define ('HJ'). An owner no log names is an error."},
    },
    result=_rows("actions", ACTION_SCHEMA, as_of={**_NULLABLE_STRING, "description": "the date of the latest "
                                                  "paper, YYYY-MM-DD"}),
    run=_actions,
)

ATTENDANCE = ToolSpec(
    name="attendance", title="Attendance at meetings",
    description="Who was present, sent apologies, was in attendance or absent at each minuted meeting, and "
                "whether it was quorate, each person with their role and citation.",
    arguments={},
    result=_rows("meetings", ATTENDANCE_SCHEMA),
    run=_attendance,
)

INTERESTS = ToolSpec(
    name="interests", title="Declarations of interest",
    description="The registers of interests and the declarations made at meetings: person, role, category, "
                "the interest (null for 'nothing to declare'), when declared, each with its citation.",
    arguments={
        "name": {"type": "string", "minLength": 1, "description": "Only this person's declarations, across "
                 "registers: a name, or initials the papers define."},
    },
    result=_rows("interests", INTEREST_SCHEMA),
    run=_interests,
)

# The tools in the order clients list them.
TOOLS: tuple[ToolSpec, ...] = (ASK, SEARCH, DOCUMENTS, DECISIONS, ACTIONS, ATTENDANCE, INTERESTS)
