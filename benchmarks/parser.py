"""Resume parsing speed and memory, beside raw pdfium text extraction of the same files.

- ms per page of the whole parse (check, extract with positions, columns, sections,
  fields) against pypdfium2's plain ``get_text_range`` of the same pages, each file
  timed alternately so noise hits both alike (target: at most 4 x raw);
- the parser's import in a fresh interpreter (pdfium included) against
  ``import boto3`` plus one client;
- peak resident memory parsing the largest file, against a fresh interpreter that
  imports the same modules and reads the same file without parsing it.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from recruiting.resumes import parse_bytes

ROOT = Path(__file__).resolve().parents[1]
CORPORA = (ROOT.parent / "shared" / "resumes", ROOT / "tests" / "fixtures" / "resumes")
ROUNDS = 5
TARGET = 4.0
BASELINE_IMPORT = "import boto3; boto3.client('s3', region_name='us-east-1')"
PARSER_IMPORT = "import recruiting.resumes.parser, recruiting.resumes.pdf, pypdfium2"


def _pdfs() -> list[Path]:
    return sorted(p for corpus in CORPORA if corpus.is_dir() for p in corpus.rglob("*.pdf"))


def _raw(data: bytes) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        for page in pdf:
            page.get_textpage().get_text_range()
        return len(pdf)
    finally:
        pdf.close()


def _per_page() -> tuple[list[float], list[float]]:
    parse_ms: list[float] = []
    raw_ms: list[float] = []
    for path in _pdfs():
        data = path.read_bytes()
        pages = _raw(data)  # warm both paths once
        parse_bytes(data)
        parse_best, raw_best = float("inf"), float("inf")
        for _ in range(ROUNDS):
            started = time.perf_counter()
            _raw(data)
            raw_best = min(raw_best, time.perf_counter() - started)
            started = time.perf_counter()
            parse_bytes(data)
            parse_best = min(parse_best, time.perf_counter() - started)
        parse_ms.append(parse_best * 1000 / pages)
        raw_ms.append(raw_best * 1000 / pages)
    return parse_ms, raw_ms


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _fresh(code: str) -> float:
    env = {**os.environ, "AWS_DEFAULT_REGION": "us-east-1"}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    return time.perf_counter() - started


def _peak_rss_mb(code: str) -> float:
    """The child's own peak resident memory (VmHWM: unlike ru_maxrss it does not
    carry over a large parent's peak through fork and exec)."""
    script = (
        code + "\nprint(next(line.split()[1] for line in open('/proc/self/status')"
        " if line.startswith('VmHWM')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True
    ).stdout
    return int(out.split()[-1]) / 1024  # kB


def run() -> list[tuple[str, str, str, str, str]]:
    pdfs = _pdfs()
    if not pdfs:
        return [("resume parsing", "no corpus", "-", "-", "../shared/resumes missing")]
    parse_ms, raw_ms = _per_page()
    median_ratio = statistics.median(parse_ms) / statistics.median(raw_ms)
    p95_ratio = _p95(parse_ms) / _p95(raw_ms)
    for _ in range(2):  # warm the file cache
        _fresh(PARSER_IMPORT)
        _fresh(BASELINE_IMPORT)
    imports, baselines = [], []
    for _ in range(9):
        baselines.append(_fresh(BASELINE_IMPORT))
        imports.append(_fresh(PARSER_IMPORT))
    largest = max(pdfs, key=lambda p: p.stat().st_size)
    read = f"data = open({str(largest)!r}, 'rb').read()\n"
    setup = "from recruiting.resumes import parse_bytes\nimport recruiting.resumes.pdf\n"
    peak = _peak_rss_mb(setup + read + "parse_bytes(data)")
    idle = _peak_rss_mb(setup + read)

    def ok(ratio: float) -> str:
        return f"<= {TARGET} x raw {'OK' if ratio <= TARGET else 'OVER'}"

    n = len(pdfs)
    return [
        (
            f"parse ms/page, median of {n} PDFs",
            f"{statistics.median(parse_ms):.2f} ms",
            f"{statistics.median(raw_ms):.2f} ms raw",
            f"{median_ratio:.2f}",
            ok(median_ratio),
        ),
        (
            f"parse ms/page, p95 of {n} PDFs",
            f"{_p95(parse_ms):.2f} ms",
            f"{_p95(raw_ms):.2f} ms raw",
            f"{p95_ratio:.2f}",
            ok(p95_ratio),
        ),
        (
            "parser import (fresh interpreter, median of 9)",
            f"{statistics.median(imports) * 1000:.0f} ms",
            f"{statistics.median(baselines) * 1000:.0f} ms",
            f"{statistics.median(imports) / statistics.median(baselines):.2f}",
            "vs boto3+client; only the parser function pays it",
        ),
        (
            f"peak RSS parsing the largest file ({largest.stat().st_size // 1024} KB)",
            f"{peak:.0f} MB",
            f"{idle:.0f} MB idle",
            f"{peak / idle:.2f}",
            "well under the function's 1024 MB",
        ),
    ]


if __name__ == "__main__":
    for row in run():
        print(row)
