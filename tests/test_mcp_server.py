"""`boardroom mcp` driven as a desktop assistant drives it: the real server started as a subprocess on the
sample corpus (with the session's real index) and spoken to through the MCP SDK's own stdio client.

One server serves the whole module; a blocking portal runs the client's event loop in a thread, so the
tests stay plain functions.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
from contextlib import asynccontextmanager

import pytest
from conftest import CORPUS

from assistant import config
from assistant.ingest import read_document

pytestmark = pytest.mark.slow


def _server_command(corpus, index) -> list[str]:
    return [sys.executable, "-m", "assistant.cli", "mcp", "--corpus", str(corpus), "--index", str(index)]


@asynccontextmanager
async def _session(index):
    from mcp import ClientSession
    from mcp.client.stdio import StdioServerParameters, stdio_client

    command, *args = _server_command(CORPUS, index)
    params = StdioServerParameters(command=command, args=args, env=dict(os.environ))
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        yield session


class Client:
    """The SDK's client session, called from synchronous tests through the portal."""

    def __init__(self, portal, session):
        self.portal, self.session = portal, session

    def tools(self):
        return self.portal.call(self.session.list_tools).tools

    def raw(self, name: str, arguments: dict):
        return self.portal.call(self.session.call_tool, name, arguments)

    def call(self, name: str, arguments: dict) -> dict:
        result = self.raw(name, arguments)
        assert not result.is_error, result.content[0].text
        return result.structured_content

    def error(self, name: str, arguments: dict) -> str:
        result = self.raw(name, arguments)
        assert result.is_error, result.structured_content
        assert result.structured_content is None
        (content,) = result.content
        return content.text


@pytest.fixture(scope="module")
def client(sample_index):
    from anyio.from_thread import start_blocking_portal

    with start_blocking_portal() as portal, portal.wrap_async_context_manager(_session(sample_index)) as session:
        yield Client(portal, session)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@functools.cache
def _corpus_text(path: str) -> str:
    """The file's text as Boardroom's reader gives it (markup and layout cleaned), spaces collapsed."""
    return _flat(read_document(CORPUS / path, CORPUS).text)


REGISTER_TOOLS = ("decisions", "actions", "attendance", "interests")
POSTED_PACK = "2024-10-17_ssot-icb_board-meeting-pack.txt"


def test_lists_the_read_only_tools_with_strict_schemas(client):
    tools = {t.name: t for t in client.tools()}
    assert set(tools) == {"ask", "search", "documents", *REGISTER_TOOLS}
    for tool in tools.values():
        assert tool.annotations.read_only_hint is True and tool.annotations.destructive_hint is False
        assert tool.input_schema["additionalProperties"] is False and tool.description
        assert tool.output_schema["type"] == "object"
    assert tools["search"].input_schema["required"] == ["query"]
    assert tools["ask"].input_schema["required"] == ["question"]
    assert {"conversation", "organisations", "kinds", "since", "until", "documents"} <= set(
        tools["ask"].input_schema["properties"])
    assert set(tools["decisions"].input_schema["properties"]) == {"since", "until", "organisations", "include_noted"}
    assert set(tools["actions"].input_schema["properties"]) == {"open", "overdue", "owner"}
    assert tools["attendance"].input_schema["properties"] == {}
    assert set(tools["interests"].input_schema["properties"]) == {"name"}


def test_documents_are_the_corpus_files_with_their_metadata(client):
    result = client.call("documents", {})
    files = sorted(p.name for p in CORPUS.iterdir() if p.suffix in config.SUPPORTED_SUFFIXES)
    assert sorted(d["path"] for d in result["documents"]) == files
    by_path = {d["path"]: d for d in result["documents"]}
    letter = by_path["2024-07-31_ssot-icb_nhse-annual-assessment-2023-24.txt"]
    assert letter["kind"] == "letter" and letter["date"] == "2024-07-31" and letter["period"] == "2023/24"
    assert letter["organisation"] == "Staffordshire and Stoke-on-Trent ICB"


def test_search_returns_ranked_passages_of_real_files(client):
    result = client.call("search", {"query": "virtual ward utilisation", "k": 3})
    passages = result["passages"]
    assert [p["rank"] for p in passages] == [1, 2, 3]
    assert passages[0]["score"] >= passages[-1]["score"]
    assert "virtual ward" in passages[0]["text"].lower()
    for p in passages:
        assert _flat(p["text"]) in _corpus_text(p["path"])  # the passage is the file's own words
        assert p["section"] and p["section_path"] and p["document"]


def test_search_filters_by_document_kind_and_date(client):
    path = "2024-10-17_ssot-icb_board-meeting-pack.txt"
    passages = client.call("search", {"query": "deficit", "k": 4, "documents": [path]})["passages"]
    assert len(passages) == 4 and {p["path"] for p in passages} == {path}
    absolute = client.call("search", {"query": "deficit", "k": 4, "documents": [str(CORPUS / path)]})["passages"]
    assert [p["text"] for p in absolute] == [p["text"] for p in passages]
    letters = client.call("search", {"query": "deficit", "kinds": ["letter"], "since": "2025"})["passages"]
    assert letters and all(p["kind"] == "letter" and p["date"] >= "2025-01-01" for p in letters)


def test_ask_answers_with_citations_quoting_the_corpus(client):
    result = client.call("ask", {"question": "What was the Staffordshire and Stoke-on-Trent system's reported "
                                             "financial position for 2023/24?"})
    assert result["abstained"] is False and "90.7m" in result["answer"]
    assert result["citations"] and result["closest_passages"] == []
    for cite in result["citations"]:
        assert f"[{cite['n']}]" in result["answer"]
        assert (CORPUS / cite["path"]).is_file()
        for part in cite["quote"].split(" … "):
            assert _flat(part) in _corpus_text(cite["path"]), part
    assert any("90.7m" in c["quote"] for c in result["citations"])


def test_a_follow_up_is_read_in_its_conversation(client):
    first = client.call("ask", {"question": "What did NHS England say about elective recovery in Derbyshire in "
                                            "2023/24?"})
    assert first["earlier_turns"] == 0 and not first["abstained"]
    follow = client.call("ask", {"question": "And cancer?", "conversation": first["conversation"]})
    assert follow["conversation"] == first["conversation"] and follow["earlier_turns"] == 1
    assert "62-day" in follow["answer"]
    assert {c["path"] for c in follow["citations"]} == {"2024-07-31_derbyshire-icb_nhse-annual-assessment-2023-24.txt"}
    alone = client.call("ask", {"question": "And cancer?"})
    assert alone["conversation"] != first["conversation"] and alone["earlier_turns"] == 0


def test_a_question_the_papers_do_not_answer_abstains_with_the_closest_passages(client):
    result = client.call("ask", {"question": "Who won the staff bake-off competition?"})
    assert result["abstained"] is True and result["citations"] == []
    assert 0 < len(result["closest_passages"]) <= config.MCP_CLOSEST_PASSAGES


def _quoted(citation: dict) -> None:
    """The citation's quote is the cited file's own words, at a real place in it."""
    assert citation["quote"].strip() and citation["section_path"] and citation["section"]
    assert _flat(citation["quote"]) in _corpus_text(citation["path"]), citation["quote"]


def test_decisions_of_one_day_and_of_an_organisation_quote_their_papers(client):
    result = client.call("decisions", {"since": "2024-09-26", "until": "2024-09-26"})
    found = result["decisions"]
    assert found and {d["date"] for d in found} == {"2024-09-26"}
    assert any("AGREED as an accurate record" in d["decision"] and d["item"].startswith("5.") for d in found)
    for d in found:
        _quoted(d["citation"])
        assert d["verb"].lower() in d["citation"]["quote"].lower()
    assert {d["kind"] for d in found} == {"decision"}  # papers only received or noted are left out by default
    with_noted = client.call("decisions", {"since": "2024-09-26", "until": "2024-09-26", "include_noted": True})
    noted = [d for d in with_noted["decisions"] if d["kind"] == "noted"]
    assert len(with_noted["decisions"]) == len(found) + len(noted) and any(d["item"].startswith("3.") for d in noted)
    ssot = client.call("decisions", {"organisations": ["Staffordshire and Stoke-on-Trent ICB"]})["decisions"]
    assert len(ssot) > len(found) and {d["organisation"] for d in ssot} == {"Staffordshire and Stoke-on-Trent ICB"}
    assert client.call("decisions", {"organisations": ["Derbyshire ICB"]})["decisions"] == []  # its papers are letters


def test_actions_of_an_owner_by_initials_quote_their_action_log(client):
    result = client.call("actions", {"owner": "HJ"})
    assert result["as_of"] == max(d["date"] for d in client.call("documents", {})["documents"] if d["date"])
    found = result["actions"]
    assert {a["reference"] for a in found} >= {"2023-24/001", "2024-24/001"}
    assert all("Heather Johnstone" in a["owners"] for a in found)
    for a in found:
        _quoted(a["citation"])
        assert a["citation"]["path"] == POSTED_PACK and a["history"][-1]["citation"] == a["citation"]
        for h in a["history"]:
            _quoted(h["citation"])
    everyone = client.call("actions", {})["actions"]
    opened = client.call("actions", {"open": True})["actions"]
    assert len(everyone) > len(opened) > 0 and {a["status"] for a in opened} == {"open"}
    overdue = client.call("actions", {"overdue": True})["actions"]
    assert all(a["overdue"] and a["status"] == "open" and a["due"] < result["as_of"] for a in overdue)


def test_attendance_lists_the_people_at_each_meeting(client):
    meetings = client.call("attendance", {})["meetings"]
    by_name = {m["meeting"]: m for m in meetings}
    board = by_name["Minutes of meeting held on 26th September 2024"]
    assert board["date"] == "2024-09-26" and len(board["present"]) >= 10 and board["apologies"]
    assert "David Pearson" in {p["person"] for p in board["present"]}
    for p in board["present"] + board["apologies"]:
        _quoted(p["citation"])
        assert p["person"].split()[-1] in p["citation"]["quote"]
    quorum = [m for m in meetings if m["quorate"] is not None]
    assert quorum and all(m["quorum_citation"] for m in quorum)
    for m in quorum:
        _quoted(m["quorum_citation"])


def test_interests_of_one_person_across_registers(client):
    everyone = client.call("interests", {})["interests"]
    found = client.call("interests", {"name": "Heather Johnstone"})["interests"]
    assert 0 < len(found) < len(everyone)
    assert {i["person"] for i in found} == {"Heather Johnstone"}
    for i in found:
        _quoted(i["citation"])
    assert client.call("interests", {"name": "Nobody Atall"})["interests"] == []


@pytest.mark.parametrize(("tool", "arguments", "message"), [
    ("search", {"query": "deficit", "limit": 3},
     "search: unknown argument 'limit' (it takes: query, k, organisations, kinds, since, until, documents)"),
    ("documents", {"path": "/etc"}, "documents: unknown argument 'path' (it takes: no arguments)"),
    ("ask", {"question": "deficit?", "documents": ["../../etc/passwd"]}, "outside the corpus"),
    ("search", {"query": "deficit", "documents": ["/etc/passwd"]}, "outside the corpus"),
    ("search", {"query": "deficit", "documents": ["missing.pdf"]}, "no such document in the index: missing.pdf"),
    ("search", {}, "search: 'query' is missing"),
    ("search", {"query": "deficit", "k": "five"}, "search: k: 'five' is not of type 'integer'"),
    ("search", {"query": "deficit", "k": 0}, "search: k: 0 is less than the minimum of 1"),
    ("ask", {"question": "   "}, "ask: the question is blank"),
    ("ask", {"question": "deficit?", "kinds": ["memo"]}, "ask: kinds.0: 'memo' is not one of"),
    ("ask", {"question": "deficit?", "since": "last year"}, "ask: since: not a date: 'last year'"),
    ("ask", {"question": "deficit?", "since": "2025", "until": "2024"}, "is after the end date"),
    ("ask", {"question": "deficit?", "organisations": ["Acme Widgets Ltd"]},
     "no document of the organisation 'Acme Widgets Ltd'"),
    ("actions", {"owner": "Zed Zebra"}, "actions: no action in the logs is owned by 'Zed Zebra'"),
    ("actions", {"open": "yes"}, "actions: open: 'yes' is not of type 'boolean'"),
    ("decisions", {"since": "last year"}, "decisions: since: not a date: 'last year'"),
    ("decisions", {"organisations": ["Acme Widgets Ltd"]}, "decisions: no document of the organisation 'Acme"),
    ("attendance", {"meeting": "board"}, "attendance: unknown argument 'meeting' (it takes: no arguments)"),
    ("interests", {"name": "   "}, "interests: the name is blank"),
])
def test_bad_calls_get_one_clear_line_and_the_server_goes_on(client, tool, arguments, message):
    text = client.error(tool, arguments)
    assert message in text and "\n" not in text and "Traceback" not in text
    assert client.call("documents", {})["documents"]  # still serving


def test_an_unknown_tool_is_a_protocol_error(client):
    from mcp.shared.exceptions import MCPError

    with pytest.raises(MCPError, match="unknown tool 'delete'; the tools are: ask, search, documents, "
                                         "decisions, actions, attendance, interests"):
        client.raw("delete", {"path": "corpus"})


def test_a_missing_corpus_and_index_is_one_line_and_exit_1(tmp_path):
    result = subprocess.run(_server_command(tmp_path / "none", tmp_path / "no-index"), capture_output=True,
                            text=True, timeout=60, stdin=subprocess.DEVNULL, check=False)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.strip() == f"boardroom: no corpus folder at {tmp_path / 'none'} and no index at " \
                                    f"{tmp_path / 'no-index'}"
