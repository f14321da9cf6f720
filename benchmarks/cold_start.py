"""Cold import of each handler in a fresh interpreter, against `import boto3`
plus one client (what any Python Lambda pays anyway)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

from recruiting import wiring

BASELINE = "import boto3; boto3.client('s3', region_name='us-east-1')"
RUNS = 15
TARGET = 1.3


def time_code(code: str, env: dict[str, str]) -> float:
    """Seconds a fresh interpreter takes to run ``code``."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    return time.perf_counter() - start


def run() -> list[tuple[str, str, str, str, str]]:
    env = {**os.environ, "AWS_DEFAULT_REGION": "us-east-1", "PYTHONDONTWRITEBYTECODE": "0"}
    # Warm the file cache and bytecode once, as a Lambda image would be.
    for function in wiring.FUNCTIONS:
        time_code(f"import {function.module}", env)
    time_code(BASELINE, env)
    rows = []
    for function in wiring.FUNCTIONS:
        handler_times, baseline_times = [], []
        for _ in range(RUNS):  # interleaved so drift hits both alike
            baseline_times.append(time_code(BASELINE, env))
            handler_times.append(time_code(f"import {function.module}", env))
        handler = statistics.median(handler_times)
        baseline = statistics.median(baseline_times)
        ratio = handler / baseline
        rows.append(
            (
                f"cold import {function.module} (median of {RUNS})",
                f"{handler * 1000:.0f} ms",
                f"{baseline * 1000:.0f} ms",
                f"{ratio:.2f}",
                f"<= {TARGET} x boto3+client {'OK' if ratio <= TARGET else 'OVER'}",
            )
        )
    return rows
