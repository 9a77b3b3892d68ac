"""The one place Boardroom talks to a language model: an OpenAI-compatible chat endpoint on this machine.

Standard library only (`http.client`): no proxy taken from the environment and no redirect followed, so a
request goes to the configured address and nowhere else. An address that is not on this machine is refused
unless the user allows it (`--allow-remote`). The answer is streamed (server-sent events) so a chat can show
it as it is written; an endpoint that is down, silent for longer than the timeout, or that stops before the
answer is complete raises `LLMError` with one line saying which.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from . import config
from .errors import BoardroomError

TextSink = Callable[[str], None]  # receives the answer written so far, each time it grows


class LLMError(BoardroomError):
    """The model's endpoint could not give a complete answer (down, timed out, stopped, refused)."""


class LLMRefused(BoardroomError):
    """The model's address is not acceptable: malformed, or not on this machine without --allow-remote."""


@dataclass(frozen=True)
class LLMSettings:
    url: str  # the API's base address, e.g. http://127.0.0.1:8080/v1 (or its full /chat/completions address)
    model: str
    allow_remote: bool = False
    timeout: float = config.LLM_TIMEOUT
    max_tokens: int = config.LLM_MAX_TOKENS  # the longest answer asked for

    @property
    def where(self) -> str:
        """host:port, for messages."""
        parts = urlsplit(self.url)
        return parts.netloc or self.url


def is_local(host: str) -> bool:
    """Whether a host is this machine: "localhost" or a loopback address (127.0.0.1, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str, allow_remote: bool = False) -> None:
    """Raise LLMRefused unless `url` is an http(s) address on this machine (or remote ones are allowed)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise LLMRefused(f"not an http(s) address for the model: {url!r} (e.g. http://127.0.0.1:8080/v1)")
    try:
        parts.port  # noqa: B018 — raises on a malformed port
    except ValueError:
        raise LLMRefused(f"not a valid port in the model's address: {url!r}") from None
    if not allow_remote and not is_local(parts.hostname):
        raise LLMRefused(f"refusing to send the papers to {parts.hostname}: the model's address is not on this "
                         "machine (127.0.0.1, localhost or ::1); pass --allow-remote to allow it")


def llm_settings(url: str | None = None, model: str | None = None, *, use: bool | None = None,
                 allow_remote: bool = False, timeout: float | None = None,
                 environ: Mapping[str, str] = os.environ) -> LLMSettings | None:
    """The model to answer with, or None for Boardroom's own extractive answers.

    `use` True (`--llm`) requires an address and a model name, from the arguments or the environment
    (BOARDROOM_LLM_URL, BOARDROOM_LLM_MODEL); False (`--no-llm`) turns the model off; None uses it when the
    environment names both.
    """
    if use is False:
        return None
    url = url or environ.get(config.LLM_URL_ENV, "").strip()
    model = model or environ.get(config.LLM_MODEL_ENV, "").strip()
    if use is None and not (url and model):
        return None
    if not url:
        raise LLMRefused(f"--llm needs the model server's address: --llm-url URL or {config.LLM_URL_ENV} "
                         "(e.g. http://127.0.0.1:8080/v1 for llama.cpp, http://localhost:11434/v1 for Ollama)")
    if not model:
        raise LLMRefused(f"--llm needs the model's name: --llm-model NAME or {config.LLM_MODEL_ENV}")
    check_url(url, allow_remote)
    return LLMSettings(url.rstrip("/"), model, allow_remote, timeout or config.LLM_TIMEOUT)


class ChatClient:
    """Chat completions from one OpenAI-compatible endpoint, streamed."""

    def __init__(self, settings: LLMSettings):
        check_url(settings.url, settings.allow_remote)
        self.settings = settings

    def complete(self, messages: list[dict], on_text: TextSink | None = None) -> str:
        """The model's whole answer to `messages`; `on_text` sees it grow. Raises LLMError."""
        s = self.settings
        parts = urlsplit(s.url)
        path = parts.path.rstrip("/")
        path = path if path.endswith("/chat/completions") else f"{path}/chat/completions"
        body = json.dumps({"model": s.model, "messages": messages, "stream": True, "temperature": 0,
                           "max_tokens": s.max_tokens}).encode("utf-8")
        kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        conn = kind(parts.hostname, parts.port, timeout=s.timeout)
        reader = _StreamReader(on_text)
        try:
            conn.request("POST", path, body, {"Content-Type": "application/json", "Accept": "text/event-stream"})
            response = conn.getresponse()
            if response.status != 200:
                text = _error_text(response.read())
                if response.status == 404 and "model" not in text.lower():  # not an unknown model: a wrong path
                    text += f" (is {path} its chat address? the base address usually ends in /v1)"
                raise LLMError(f"the model server at {s.where} answered HTTP {response.status}: {text}")
            if "text/event-stream" not in (response.getheader("Content-Type") or ""):
                return reader.whole(response.read())  # a server that ignores "stream"
            return reader.read(response)
        except LLMError:
            raise
        except ConnectionRefusedError:
            raise LLMError(f"nothing is listening at {s.where} (is the model server running?)") from None
        except TimeoutError:
            if reader.text:
                raise LLMError(f"the model at {s.where} stopped sending after {len(reader.text)} characters "
                               f"(nothing more for {s.timeout:g} s)") from None
            raise LLMError(f"no answer from the model at {s.where} within {s.timeout:g} s") from None
        except (OSError, http.client.HTTPException) as exc:
            if reader.started:
                why = "" if isinstance(exc, _Unfinished) else f" ({_reason(exc)})"
                raise LLMError(f"the model at {s.where} stopped mid-answer, after {len(reader.text)} "
                               f"characters{why}") from None
            raise LLMError(f"could not reach the model at {s.where}: {_reason(exc)}") from None
        finally:
            conn.close()


class _Unfinished(OSError):
    """The stream ended before the model said it had finished."""


class _StreamReader:
    """Reads an OpenAI chat-completion stream: `data: {json}` lines, ended by `data: [DONE]`."""

    def __init__(self, on_text: TextSink | None):
        self.on_text = on_text
        self.text = ""
        self.started = False  # the server began its answer (status and headers received)

    def read(self, response) -> str:
        self.started = True
        finished = False
        while True:
            line = response.readline()
            if not line:
                break
            line = line.strip()
            if not line.startswith(b"data:"):
                continue  # blank separators, comments, "event:" lines
            payload = line[5:].strip()
            if payload == b"[DONE]":
                return self.text
            event = _json(payload)
            if "error" in event:
                raise LLMError(f"the model server reported an error: {_error_text(payload)}")
            for choice in event.get("choices") or ():
                piece = (choice.get("delta") or {}).get("content") or ""
                if piece:
                    self.text += piece
                    if self.on_text:
                        self.on_text(self.text)
                finished = finished or bool(choice.get("finish_reason"))
        if finished:  # some servers end the stream without [DONE]
            return self.text
        raise _Unfinished("the connection closed before the answer was complete")

    def whole(self, body: bytes) -> str:
        event = _json(body)
        if "error" in event:
            raise LLMError(f"the model server reported an error: {_error_text(body)}")
        try:
            self.text = event["choices"][0]["message"]["content"] or ""
        except (KeyError, IndexError, TypeError):
            raise LLMError("the model server's reply is not a chat completion") from None
        if self.on_text:
            self.on_text(self.text)
        return self.text


def _json(payload: bytes) -> dict:
    try:
        event = json.loads(payload)
    except ValueError:
        raise LLMError(f"the model server sent something that is not JSON: {payload[:80]!r}") from None
    return event if isinstance(event, dict) else {}


def _error_text(body: bytes) -> str:
    """The message of an error reply ({"error": {"message": …}} or {"error": "…"}), on one line."""
    try:
        error = json.loads(body).get("error")
        text = error.get("message") if isinstance(error, dict) else error
    except (ValueError, AttributeError):
        text = None
    text = str(text or body.decode("utf-8", "replace") or "no details")
    return " ".join(text.split())[:200]


def _reason(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
