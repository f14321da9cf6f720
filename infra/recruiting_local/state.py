"""Where a running `make run` is: its moto endpoint and physical resource names,
written to .local-state/runner.json for `python -m recruiting_local.show`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

STATE = Path(".local-state") / "runner.json"


def save(data: dict[str, Any]) -> None:
    STATE.parent.mkdir(exist_ok=True)
    STATE.write_text(json.dumps(data, indent=2))


def load() -> dict[str, Any]:
    if not STATE.exists():
        raise SystemExit("no running `make run` found (.local-state/runner.json is missing)")
    data: dict[str, Any] = json.loads(STATE.read_text())
    return data
