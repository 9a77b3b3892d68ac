"""The tools Boardroom offers a desktop assistant over the Model Context Protocol (`mcp_server.py` serves them).

Each tool is a `ToolSpec`: its name, the description the client's model reads, the JSON schemas of its
arguments and of its result, and `run(toolbox, arguments) -> dict`, which calls the library and returns a
JSON-ready dict. `TOOLS` lists them in the order clients show them: a new tool (the registers of decisions,
actions, attendance and interests) is one more entry there. Every tool only reads: none writes or deletes a
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

# The tools in the order clients list them. Register tools (decisions, actions, attendance, interests) are
# added here as further ToolSpec entries once the library offers those registers.
TOOLS: tuple[ToolSpec, ...] = (ASK, SEARCH, DOCUMENTS)
