"""The structured profile a resume becomes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from recruiting.resumes.dates import month_index


@dataclass
class Link:
    url: str
    kind: str  # linkedin | github | portfolio | other


@dataclass
class Experience:
    title: str | None
    company: str | None
    start: str | None  # "YYYY-MM" or "YYYY"
    end: str | None  # None when current
    current: bool
    location: str | None = None
    confidence: float = 0.0


@dataclass
class Education:
    institution: str | None
    degree: str | None
    start: str | None
    end: str | None
    confidence: float = 0.0


@dataclass
class Profile:
    name: str | None = None
    email: str | None = None
    phone: str | None = None  # E.164 where the number is understood, else as written
    location: str | None = None
    links: list[Link] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    experience: list[Experience] = field(default_factory=list)
    education: list[Education] = field(default_factory=list)
    years_experience: float | None = None
    confidence: dict[str, float] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    text: str = ""
    pages: int = 0

    def to_json(self, *, with_text: bool = False) -> dict[str, Any]:
        data = asdict(self)
        data["experience"] = [
            {k: v for k, v in e.items() if k not in ("location", "confidence")}
            for e in data["experience"]
        ]
        data["education"] = [
            {k: v for k, v in e.items() if k != "confidence"} for e in data["education"]
        ]
        if not with_text:
            data.pop("text")
        return data

    @property
    def has_contact(self) -> bool:
        return bool(self.email or self.phone or any(k.kind == "linkedin" for k in self.links))


def years_of_experience(entries: list[Experience], as_of: date) -> float | None:
    """The union of the dated work intervals in years (overlaps counted once)."""
    today = as_of.year * 12 + as_of.month - 1
    intervals: list[tuple[int, int]] = []
    for entry in entries:
        if entry.start is None:
            continue
        start = month_index(entry.start, end=False)
        if entry.current or entry.end is None:
            end = today if entry.current else start
        else:
            end = month_index(entry.end, end=True)
        end = min(end, today)
        if end >= start:
            intervals.append((start, end + 1))  # whole months, end inclusive
    if not intervals:
        return None
    intervals.sort()
    total, (low, high) = 0, intervals[0]
    for start, end in intervals[1:]:
        if start > high:
            total += high - low
            low, high = start, end
        else:
            high = max(high, end)
    total += high - low
    return round(total / 12, 1)
