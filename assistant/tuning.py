"""Every weight and threshold of ranking and answering, in one frozen config loaded from a data file.

The numbers are not set by hand: `boardroom fit` fits them on the training split of every corpus in
../shared/eval and writes `tuning.json` beside this module, which the package ships. A run can load another
file (`--tuning FILE` on the CLI, `BOARDROOM_TUNING` in the environment, `Assistant.open(tuning=...)`), and
switch features off by name (`eval --ablate` does, one at a time).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

SHIPPED = Path(__file__).with_name("tuning.json")


def _frozen(mapping: Mapping[str, float] | None) -> Mapping[str, float]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class Tuning:
    """Feature weights of the passage ranker and the sentence chooser, and the abstention model.

    A score is the weighted sum of named feature values (see `features.py`); a feature missing from a
    weights mapping, or listed in `disabled`, counts zero.
    """

    ranking: Mapping[str, float] = field(default_factory=dict)  # passage feature -> weight
    sentence: Mapping[str, float] = field(default_factory=dict)  # answer-sentence feature -> weight
    abstain: Mapping[str, float] = field(default_factory=dict)  # answer feature -> weight of "supported"
    abstain_bias: float = 0.0
    abstain_threshold: float = 0.5  # answer when the fitted probability of support reaches this
    candidates: int = 100  # taken from each retriever
    pool: int = 80  # candidates scored with every feature (by fused rank), plus named documents' and neighbours
    passages_considered: int = 8  # passages whose sentences the answer may quote
    disabled: frozenset[str] = frozenset()
    fitted_on: str = ""  # what the weights were fitted on, for the record

    def __post_init__(self) -> None:
        for name in ("ranking", "sentence", "abstain"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))
        object.__setattr__(self, "disabled", frozenset(self.disabled))

    def weight(self, group: str, feature: str) -> float:
        if feature in self.disabled:
            return 0.0
        return float(getattr(self, group).get(feature, 0.0))

    def without(self, *features: str) -> "Tuning":
        """The same config with these features switched off."""
        return replace(self, disabled=self.disabled | set(features))

    def to_json(self) -> str:
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data |= {name: dict(data[name]) for name in ("ranking", "sentence", "abstain")}
        data["disabled"] = sorted(self.disabled)
        return json.dumps(data, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_file(cls, path: Path) -> "Tuning":
        from .errors import BoardroomError

        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise BoardroomError(f"cannot read the tuning file {path}: {exc}") from exc
        known = set(cls.__dataclass_fields__)
        unknown = set(data) - known
        if unknown:
            raise BoardroomError(f"unknown setting in {path}: {', '.join(sorted(unknown))}")
        return cls(**data)


def load_tuning(path: Path | str | None = None) -> Tuning:
    """The tuning in `path`, else in $BOARDROOM_TUNING, else the shipped one (defaults if none is shipped)."""
    chosen = path or os.environ.get("BOARDROOM_TUNING")
    if chosen:
        return Tuning.from_file(Path(chosen))
    return Tuning.from_file(SHIPPED) if SHIPPED.exists() else Tuning()
