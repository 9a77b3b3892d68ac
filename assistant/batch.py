"""`boardroom ask --batch`: answer every item of a JSON Lines file, dialogs turn by turn, in input order."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from .errors import BoardroomError
from .jsonio import answer_dict
from .types import Filters, Turn


def answer_batch(assistant, path: Path, filters: Filters = Filters()) -> Iterator[dict]:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise BoardroomError(f"cannot read {path}: {exc.strerror or exc}") from exc
    for line_no, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BoardroomError(f"{path}:{line_no}: not JSON ({exc.msg})") from exc
        item_id = item.get("id", f"line{line_no}")
        if "turns" in item:
            history: list[Turn] = []
            out = []
            for turn in item["turns"]:
                answer = assistant.ask(turn["question"], tuple(history), filters)
                history.append(Turn(turn["question"], answer))
                out.append(answer_dict(answer))
            yield {"id": item_id, "turns": out}
        elif "question" in item:
            yield answer_dict(assistant.ask(item["question"], (), filters), item_id)
        else:
            raise BoardroomError(f"{path}:{line_no}: an item needs a \"question\" or \"turns\"")
