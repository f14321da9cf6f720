"""What search knows about a person, built from their partition."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from recruiting.search.text import terms
from recruiting.storage.items import (
    ApplicationItem,
    CandidateItem,
    MembershipItem,
    ParsedResumeItem,
)

EDUCATION_LEVELS = ("none", "secondary", "associate", "bachelor", "master", "doctorate")
_LEVEL_WORDS = (
    ("doctorate", re.compile(r"\b(ph\.?d|doctor|doctorate|dphil)\b", re.I)),
    ("master", re.compile(r"\b(master|m\.?sc|m\.?s|mba|m\.?eng|m\.?a)\b", re.I)),
    ("bachelor", re.compile(r"\b(bachelor|b\.?sc|b\.?s|b\.?a|b\.?eng|licence)\b", re.I)),
    ("associate", re.compile(r"\b(associate|a\.?a|a\.?s)\b", re.I)),
    ("secondary", re.compile(r"\b(high school|secondary|a-levels?|abitur|baccalaureat)\b", re.I)),
)


@dataclass
class SearchDocument:
    candidate_id: str
    name: str
    location: str | None
    years_experience: float
    education_level: str
    tags: list[str] = field(default_factory=list)
    pools: list[str] = field(default_factory=list)
    stages: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)


def education_level(degrees: list[str]) -> str:
    best = 0
    for degree in degrees:
        for level, pattern in _LEVEL_WORDS:
            if pattern.search(degree):
                best = max(best, EDUCATION_LEVELS.index(level))
                break
    return EDUCATION_LEVELS[best]


def years_of_experience(spans: list[tuple[date, date]]) -> float:
    """The union of work intervals in years (overlapping jobs count once)."""
    total = 0
    last_end: date | None = None
    for start, end in sorted(spans):
        if end <= start:
            continue
        if last_end is not None and start < last_end:
            if end > last_end:
                total += (end - last_end).days
                last_end = end
            continue
        total += (end - start).days
        last_end = end
    return round(total / 365.25, 1)


def _month(value: Any, default_month: int) -> date | None:
    if not isinstance(value, dict) or not value.get("year"):
        return None
    return date(int(value["year"]), int(value.get("month") or default_month), 1)


def build(items: list[Any], texts: list[str], today: date) -> SearchDocument | None:
    """A person's search document from their partition and document texts."""
    person = next((i for i in items if isinstance(i, CandidateItem)), None)
    if person is None:
        return None
    applications = [i for i in items if isinstance(i, ApplicationItem)]
    words: list[str] = [person.first_name, person.last_name, person.location or "", *texts]
    spans: list[tuple[date, date]] = []
    degrees: list[str] = []
    tags: set[str] = set()
    stages: set[str] = set()
    for application in applications:
        tags.update(str(t) for t in application.tags or [])
        if application.status == "active":
            stages.add(application.stage)
        answers = application.answers.as_dict() if application.answers else {}
        words += [v for v in answers.values() if isinstance(v, str)]
        for job in application.employments or []:
            job = dict(job)
            words += [str(job.get("title") or ""), str(job.get("company_name") or "")]
            start = _month(job.get("start_date"), 1)
            end = today if job.get("current") else _month(job.get("end_date"), 12)
            if start and end:
                spans.append((start, end))
        for school in application.educations or []:
            school = dict(school)
            degree = str(school.get("degree") or "")
            degrees.append(degree)
            words += [degree, str(school.get("school") or ""), str(school.get("discipline") or "")]
    parsed_years: list[float] = []
    for parsed in (i for i in items if isinstance(i, ParsedResumeItem)):
        profile = dict(parsed.profile or {})
        words += [str(s) for s in profile.get("skills") or []]
        for job in profile.get("experience") or []:
            words += [str(job.get("title") or ""), str(job.get("company") or "")]
        for school in profile.get("education") or []:
            degrees.append(str(school.get("degree") or ""))
            words += [str(school.get("degree") or ""), str(school.get("institution") or "")]
        if profile.get("years_experience") is not None:
            parsed_years.append(float(profile["years_experience"]))
    years = years_of_experience(spans)
    if not spans and parsed_years:
        years = max(parsed_years)  # what the person typed wins; the resume fills the gap
    return SearchDocument(
        candidate_id=person.candidate_id,
        name=f"{person.first_name} {person.last_name}",
        location=person.location,
        years_experience=years,
        education_level=education_level(degrees),
        tags=sorted(tags),
        pools=sorted(i.pool_id for i in items if isinstance(i, MembershipItem)),
        stages=sorted(stages),
        terms=terms(" ".join(words)),
    )
