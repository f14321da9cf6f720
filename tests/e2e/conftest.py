"""One `make run` for every end-to-end test: started once per test run, as a
person starts it, and stopped with Ctrl-C at the end."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from support import ROOT

BOARD_KEY = "e2e-board-key"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Running:
    base: str
    moto: str
    output: list[str]
    outbox: Path
    inbox: Path
    # A second origin that `make run` was told is a careers site (CORS allows it).
    embedding_origin: str
    embedding_port: int


@pytest.fixture(scope="session")
def running() -> Iterator[Running]:
    port = free_port()
    embedding_port = free_port()
    embedding_origin = f"http://127.0.0.1:{embedding_port}"
    outbox = Path(tempfile.mkdtemp(prefix="outbox-"))
    inbox = Path(tempfile.mkdtemp(prefix="inbox-"))
    env = {
        **os.environ,
        "PORT": str(port),
        "BOARD_API_KEY": BOARD_KEY,
        "MOTO_PORT": str(free_port()),
        "TICK_SECONDS": "1",
        "OUTREACH_OUTBOX_DIR": str(outbox),
        "OUTREACH_INBOX_DIR": str(inbox),
        "CAREERS_SITE_ORIGINS": embedding_origin,
    }
    env.pop("AWS_ENDPOINT_URL", None)
    process = subprocess.Popen(
        ["make", "--no-print-directory", "run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    output: list[str] = []
    moto = ""
    assert process.stdout is not None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        output.append(line)
        if line.startswith("moto (embedded AWS) at "):
            moto = line.split(" at ", 1)[1].strip()
        if line.startswith("serving the API"):
            break
    else:
        pytest.fail("make run did not start:\n" + "".join(output))
    assert moto, "".join(output)
    try:
        yield Running(
            f"http://127.0.0.1:{port}",
            moto,
            output,
            outbox,
            inbox,
            embedding_origin,
            embedding_port,
        )
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            rest, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise
        output.append(rest)
    # Ctrl-C stops everything cleanly
    assert "stopped" in rest, rest
