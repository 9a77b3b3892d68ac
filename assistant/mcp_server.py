"""`boardroom mcp`: Boardroom as a Model Context Protocol server over stdio, for desktop assistants (Claude
Desktop, IDEs) that start it as a subprocess and call its tools.

Built on the official SDK's low-level `Server`: the tools, their schemas and annotations come from
`mcp_tools.TOOLS`, and each call is checked and run by `mcp_tools.Toolbox` in a worker thread, one at a time.
The result goes back as structured content with the same JSON as text; a refused or failed call comes back
as an error result of one line, and the server goes on serving. The index and the model load in a background
thread once the transport is up, so the client's handshake is answered at once; a call made before they are
ready waits for them. The SDK points stray output to stdout at stderr while it serves, so only the protocol
reaches stdout; this module's own messages go to stderr too, which clients keep in their logs.
"""

from __future__ import annotations

import concurrent.futures
import json
import sys
import threading
import traceback
from collections.abc import Awaitable, Callable
from pathlib import Path

from .errors import BoardroomError
from .mcp_tools import TOOLS, Toolbox, ToolSpec

Progress = Callable[[str, int, int], None]

SERVER_NAME = "boardroom"
LOAD_POLL_SECONDS = 0.25  # how often a call waiting for the index checks on the loading
INSTRUCTIONS = (
    "Boardroom answers questions about a set of board papers (meeting packs, minutes, letters, plans, reports) "
    "on this machine. Use `ask` for a question: its answer is made only of the papers' sentences, each marked "
    "[n] with a citation (document, section, pages, exact quote); keep those references when you pass the "
    "answer on. When `abstained` is true the papers do not say: tell the user so rather than guessing. Pass "
    "the returned `conversation` id with follow-up questions. Use `search` to read passages around a topic and "
    "`documents` to see which papers there are. The registers read from the papers at index time answer "
    "governance questions directly: `decisions` (what was approved, agreed or noted, and when), `actions` "
    "(the action logs: owners, due dates, open and overdue actions), `attendance` (who was at each meeting) "
    "and `interests` (declarations of interest); every row comes with its citation. Every tool only reads."
)


def _log(message: str) -> None:
    print(f"boardroom mcp: {message}", file=sys.stderr, flush=True)


class _Loader:
    """Opens the toolbox once, in a daemon thread (so a slow index build never holds up the exit), and hands
    it, or the error that stopped it, to every call that waits for it. While it loads, the stage it is at
    (e.g. "Embedding 40/120") goes to stderr when it changes and to waiting callers that asked for progress."""

    def __init__(self, open_toolbox: Callable[[Progress], Toolbox]):
        self._open = open_toolbox
        self._future: concurrent.futures.Future[Toolbox] = concurrent.futures.Future()
        self.stage, self._stage_name = "Starting", ""
        self.updates = 0  # how many times the stage changed: the progress figure clients see rise

    def start(self) -> None:
        threading.Thread(target=self._run, name="boardroom-load", daemon=True).start()

    def _progress(self, stage: str, done: int, total: int) -> None:
        if stage != self._stage_name and done < total:  # a stage begins ("Ready" is logged apart)
            _log(f"{stage.lower()}…")
        self._stage_name = stage
        self.stage = f"{stage} {done}/{total}" if total > 1 else stage
        self.updates += 1

    def _run(self) -> None:
        try:
            toolbox = self._open(self._progress)
        except BaseException as exc:  # noqa: BLE001  (handed to every call, which reports it as its error)
            _log(f"cannot open the papers: {exc}")
            self._future.set_exception(exc)
        else:
            _log(f"ready: {len(toolbox.assistant.documents())} documents")
            self._future.set_result(toolbox)

    async def toolbox(self, report: Callable[[float, str], Awaitable[None]]) -> Toolbox:
        """The toolbox once loaded, reporting the loading stage while it waits."""
        import anyio

        reported = 0
        while not self._future.done():
            if self.updates != reported:
                reported = self.updates
                await report(reported, f"Boardroom is loading its index: {self.stage}")
            await anyio.sleep(LOAD_POLL_SECONDS)
        try:
            return self._future.result()
        except BoardroomError as exc:
            raise BoardroomError(f"Boardroom could not open the papers: {exc}") from exc


def _tool(spec: ToolSpec):
    import mcp_types as types

    return types.Tool(
        name=spec.name, title=spec.title, description=spec.description, input_schema=spec.input_schema(),
        output_schema=spec.result,
        annotations=types.ToolAnnotations(title=spec.title, read_only_hint=True, destructive_hint=False,
                                          idempotent_hint=not spec.remembers, open_world_hint=False),
    )


def build_server(loader: _Loader):
    """The SDK's low-level server listing the tools and running their calls through the loader's toolbox."""
    import anyio
    import anyio.to_thread
    import mcp_types as types
    from mcp.server.lowlevel import Server
    from mcp.shared.exceptions import MCPError

    from . import __version__

    listed = [_tool(spec) for spec in TOOLS]
    names = [spec.name for spec in TOOLS]
    one_at_a_time = anyio.Lock()

    async def list_tools(ctx, params) -> types.ListToolsResult:
        return types.ListToolsResult(tools=listed)

    async def call_tool(ctx, params: types.CallToolRequestParams) -> types.CallToolResult:
        if params.name not in names:
            raise MCPError(types.INVALID_PARAMS, f"unknown tool {params.name!r}; the tools are: {', '.join(names)}")
        try:
            toolbox = await loader.toolbox(lambda n, stage: ctx.session.report_progress(n, None, stage))
            async with one_at_a_time:
                result = await anyio.to_thread.run_sync(toolbox.call, params.name, params.arguments)
        except BoardroomError as exc:  # a refused call, or papers that could not be opened
            return _error(str(exc))
        except Exception as exc:  # noqa: BLE001  (a bug: one line to the client, the traceback to the log)
            traceback.print_exc(file=sys.stderr)
            return _error(f"{params.name} failed: {type(exc).__name__}: {exc}")
        text = json.dumps(result, ensure_ascii=False)
        return types.CallToolResult(content=[types.TextContent(type="text", text=text)], structured_content=result)

    return Server(SERVER_NAME, version=__version__, title="Boardroom",
                  description="Cited answers from board papers, offline", instructions=INSTRUCTIONS,
                  on_list_tools=list_tools, on_call_tool=call_tool)


def _error(message: str):
    import mcp_types as types

    return types.CallToolResult(content=[types.TextContent(type="text", text=message)], is_error=True)


def serve(corpus_dir: Path, index_dir: Path, tuning=None) -> None:
    """Serve the papers of `corpus_dir` (index in `index_dir`, brought up to date first) over stdin/stdout
    until the client closes stdin."""
    import anyio

    from .store import read_current

    if not Path(corpus_dir).is_dir() and read_current(index_dir) is None:
        raise BoardroomError(f"no corpus folder at {corpus_dir} and no index at {index_dir}")

    def open_toolbox(progress: Progress) -> Toolbox:
        from .assistant import Assistant

        return Toolbox(Assistant.open(corpus_dir, index_dir, progress=progress, tuning=tuning))

    anyio.run(_serve, _Loader(open_toolbox), corpus_dir)


async def _serve(loader: _Loader, corpus_dir: Path) -> None:
    from mcp.server.stdio import stdio_server

    server = build_server(loader)
    async with stdio_server() as (read_stream, write_stream):
        _log(f"serving {Path(corpus_dir).resolve()} over stdio; loading the index")
        loader.start()  # inside the transport: whatever the loading prints cannot reach the protocol's stdout
        await server.run(read_stream, write_stream, server.create_initialization_options())
