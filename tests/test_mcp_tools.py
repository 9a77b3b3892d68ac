"""The MCP tools as plain functions: argument checking, conversations in memory, and the seam for new tools
(the server itself is driven through the SDK's client in test_mcp_server.py)."""

from __future__ import annotations

import pytest

from assistant.mcp_tools import (
    TOOLS,
    Conversations,
    Toolbox,
    ToolError,
    ToolSpec,
    check_arguments,
)
from assistant.types import Answer, Turn

SEARCH = next(t for t in TOOLS if t.name == "search")


def _turn(n: int) -> Turn:
    return Turn(f"q{n}", Answer(f"q{n}", "", (), (), True))


def test_conversations_keep_the_recent_turns_of_the_recent_conversations():
    convs = Conversations(kept=2, turns_kept=3)
    for n in range(5):
        convs.add("a", _turn(n))
    assert [t.question for t in convs.history("a")] == ["q2", "q3", "q4"]
    convs.add("b", _turn(0))
    convs.add("a", _turn(5))  # "a" used last, so "b" is the least recently used
    convs.add("c", _turn(0))
    assert convs.history("b") == () and len(convs.history("a")) == 3 and len(convs.history("c")) == 1
    assert convs.new_id() != convs.new_id()


@pytest.mark.parametrize(("arguments", "message"), [
    ({"query": "x", "top": 3, "filter": 1}, "unknown argument 'filter', 'top' (it takes: query, k,"),
    ({"k": 3}, "'query' is missing"),
    ({"query": 3}, "query: 3 is not of type 'string'"),
    ({"query": "x", "k": 51}, "k: 51 is greater than the maximum of 50"),
    ({"query": "x", "documents": "a.pdf"}, "documents: 'a.pdf' is not of type 'array'"),
])
def test_bad_arguments_are_named_in_one_line(arguments, message):
    with pytest.raises(ToolError) as caught:
        check_arguments(SEARCH, arguments)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_good_arguments_pass():
    check_arguments(SEARCH, {"query": "deficit", "k": 5, "kinds": ["letter"], "since": "2024"})


def test_a_new_tool_is_one_more_spec_and_errors_name_it():
    calls = []
    echo = ToolSpec(name="echo", title="Echo", description="Says it back.",
                    arguments={"word": {"type": "string"}}, required=("word",),
                    result={"type": "object"}, run=lambda box, args: calls.append(args) or {"word": args["word"]})
    box = Toolbox(assistant=None, tools=(*TOOLS, echo))
    assert box.call("echo", {"word": "hello"}) == {"word": "hello"} and calls == [{"word": "hello"}]
    with pytest.raises(ToolError, match="^echo: unknown argument 'loud'"):
        box.call("echo", {"word": "hi", "loud": True})
    with pytest.raises(ToolError, match="unknown tool 'shout'; the tools are: ask, search, documents, decisions, actions, "
                                      "attendance, interests, echo"):
        box.call("shout", {})
    assert Toolbox(assistant=None).tools == TOOLS
