"""Reading order from positions: columns first, then lines top to bottom.

A two-column resume (a sidebar beside the main column) is found by a
vertical gutter that no body text crosses, with real content on both
sides. Right-aligned dates or locations, a rail of section labels or a
rail of dates also leave such a gutter, but one side then holds only
dates, places and headings, and that is not a column. Text above the
columns (a name across the page) is read first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from recruiting.resumes.dates import RANGE, SINGLE
from recruiting.resumes.document import Cell, Line
from recruiting.resumes.vocabulary import heading_kind

MIN_GUTTER = 6.0  # points
_PLACE = re.compile(r"^[A-Z][\w .'’-]+,\s*[A-Z][\w .'-]+$|^(?:remote|hybrid|on-?site)$", re.I)


@dataclass
class Segment:
    text: str
    x0: float
    x1: float
    y: float  # baseline, from the bottom of the page
    size: float
    bold: bool


def lay_out(segments: list[Segment], width: float, page: int) -> tuple[list[Line], bool]:
    """The page's lines in reading order, and whether it has two columns."""
    split = _columns(segments, width) if len(segments) >= 8 else None
    if split is None:
        return _lines(segments, page, 0), False
    header, left, right = split
    # The sidebar first, then the main column, so that the main column runs on
    # into the next page (a role whose dates open page 2 stays with its title).
    sidebar, main = (left, right) if _chars(left) <= _chars(right) else (right, left)
    return (
        _lines(header, page, 0) + _lines(sidebar, page, 0) + _lines(main, page, 1),
        True,
    )


def _chars(segments: list[Segment]) -> int:
    return sum(len(s.text) for s in segments)


def _is_metadata(segment: Segment) -> bool:
    """Dates, places, section labels and bullets: what a rail beside text holds."""
    text = segment.text.strip(" •·|-–—")
    if not text:
        return True
    if RANGE.search(text) or (SINGLE.fullmatch(text) if len(text) < 16 else False):
        return True
    if _PLACE.match(text) and len(text) < 40:
        return True
    return heading_kind(text) is not None


def _columns(
    segments: list[Segment], width: float
) -> tuple[list[Segment], list[Segment], list[Segment]] | None:
    top = max(s.y for s in segments)
    bottom = min(s.y for s in segments)
    # The header band (name, contact line) may run across both columns.
    band = top - 0.12 * (top - bottom)
    body = [s for s in segments if s.y < band] or segments
    low, high = int(width * 0.15), int(width * 0.85)
    coverage = [0] * (int(width) + 2)
    for s in body:
        start, end = max(int(s.x0) + 1, 0), min(int(s.x1), int(width))
        for x in range(start, end + 1):
            coverage[x] += 1
    best: tuple[float, int, int] | None = None
    run_start = None
    for x in range(low, high + 1):
        if coverage[x] == 0:
            run_start = x if run_start is None else run_start
            continue
        if run_start is not None:
            best = _better(best, run_start, x - 1, body)
            run_start = None
    if run_start is not None:
        best = _better(best, run_start, high, body)
    if best is None:
        return None
    _, gap_start, gap_end = best
    crossing = [s for s in segments if s.x0 < gap_start and s.x1 > gap_end]
    cut = min((s.y for s in crossing), default=top + 1) - 0.1
    header = [s for s in segments if s.y >= cut]
    rest = [s for s in segments if s.y < cut]
    middle = (gap_start + gap_end) / 2
    left = [s for s in rest if (s.x0 + s.x1) / 2 < middle]
    right = [s for s in rest if (s.x0 + s.x1) / 2 >= middle]
    return header, left, right


def _better(
    best: tuple[float, int, int] | None, start: int, end: int, body: list[Segment]
) -> tuple[float, int, int] | None:
    if end - start + 1 < MIN_GUTTER:
        return best
    left = [s for s in body if s.x1 <= start + 1]
    right = [s for s in body if s.x0 >= end - 1]
    if len(left) < 4 or len(right) < 4:
        return best
    total = sum(len(s.text) for s in body)
    content_left = sum(len(s.text) for s in left if not _is_metadata(s))
    content_right = sum(len(s.text) for s in right if not _is_metadata(s))
    if min(content_left, content_right) < 0.1 * total:
        return best
    height = max(s.y for s in body) - min(s.y for s in body) or 1.0
    for side in (left, right):
        if (max(s.y for s in side) - min(s.y for s in side)) < 0.3 * height:
            return best
    score = min(content_left, content_right) / total
    if best is None or score > best[0]:
        return score, start, end
    return best


def _lines(segments: list[Segment], page: int, column: int) -> list[Line]:
    ordered = sorted(segments, key=lambda s: (-s.y, s.x0))
    lines: list[Line] = []
    group: list[Segment] = []
    for segment in ordered:
        if group and abs(group[0].y - segment.y) > 0.4 * max(group[0].size, segment.size, 1.0):
            lines.append(_line(group, page, column))
            group = []
        group.append(segment)
    if group:
        lines.append(_line(group, page, column))
    return lines


def _line(group: list[Segment], page: int, column: int) -> Line:
    group.sort(key=lambda s: s.x0)
    return Line(
        cells=[Cell(s.text, s.x0, s.x1) for s in group],
        page=page,
        size=max(s.size for s in group),
        bold=all(s.bold for s in group),
        column=column,
        x0=group[0].x0,
    )
