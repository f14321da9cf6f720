"""Field-level evaluation of the resume parser against hand-labelled resumes.

Every ``X.truth.json`` beside an ``X.pdf``/``X.docx``/``X.txt`` under the corpus
directories is a labelled resume; its fields are scored by precision, recall and F1
(per field, micro-averaged, and split by layout), as /work/shared/resumes/README.md
describes. A truth file with a ``"document"`` key labels that file instead, a path
relative to /work/shared/resumes (DOCUMENTS_ROOT); the held-out truth in
tests/fixtures/resumes/heldout is written that way and is also scored on its own, as the
"held-out" split. Files without a truth file are parsed too: they must not crash, must be
quick, and the email found must be one a person can see in the file's text.

    .venv/bin/python -m benchmarks.parser_eval [--json] [--corpus DIR ...] [--reference YYYY-MM]

It is a report: the exit status is 0 whatever the figures. ``summary()`` returns them.
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import json
import re
import sys
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[1]
# Relative corpus directories are resolved against the repository root, not the cwd.
# Corpora are searched recursively, so tests/fixtures/resumes brings in HELD_OUT as well.
DEFAULT_CORPORA = (Path("../shared/resumes/offlinecv"), Path("tests/fixtures/resumes"))
# A truth file's "document" is a path relative to this directory.
DOCUMENTS_ROOT = Path("../shared/resumes")
# Truth labelled without looking at the parser's output, scored apart as HELD_OUT_SPLIT.
HELD_OUT = Path("tests/fixtures/resumes/heldout")
HELD_OUT_SPLIT = "held-out"
DOCUMENT_SUFFIXES = frozenset({".pdf", ".docx", ".txt"})
TRUTH_SUFFIX = ".truth.json"
# "Present" ends at this month (inclusive) when counting years of experience.
REFERENCE = "2026-11"
YEARS_TOLERANCE = 0.5
LAYOUTS = ("single-column", "two-column")
SPLITS = ("all", *LAYOUTS, HELD_OUT_SPLIT)
TWO_COLUMN_MARKERS = ("two-column", "sidebar", "label-rail")
CONTACT_FIELDS = ("name", "email", "phone", "location")
JOB_FIELDS = ("experience.title", "experience.company", "experience.start", "experience.end")
SCHOOL_FIELDS = ("education.institution", "education.degree")
FIELDS = (*CONTACT_FIELDS, "links", "skills", *JOB_FIELDS, *SCHOOL_FIELDS)
# Exhaustive one-to-one alignment up to this many entries a side; greedy above it.
EXHAUSTIVE_LIMIT = 7
# Matching dates only break ties between entries whose words overlap equally.
DATE_BONUS = 0.05

T = TypeVar("T")
U = TypeVar("U")
Link = tuple[str, str | None]


# --- counts ---------------------------------------------------------------------------


@dataclass
class Counts:
    """True positives, false positives and false negatives; support is tp + fn."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        denominator = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denominator if denominator else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "p": _rounded(self.precision),
            "r": _rounded(self.recall),
            "f1": _rounded(self.f1),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "support": self.support,
        }


def _rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def total(counts: Iterable[Counts]) -> Counts:
    """Micro-average: the counts summed."""
    summed = Counts()
    for item in counts:
        summed.add(item)
    return summed


def empty_scores() -> dict[str, Counts]:
    return {name: Counts() for name in FIELDS}


# --- normalisation --------------------------------------------------------------------


def _nfkc_fold(value: str) -> str:
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value).casefold())


def _is_edge(char: str) -> bool:
    return char.isspace() or unicodedata.category(char).startswith("P")


def normalise_text(value: object) -> str | None:
    """NFKC, casefold, whitespace collapsed, surrounding punctuation stripped; None if empty."""
    if not isinstance(value, str):
        return None
    text = " ".join(_nfkc_fold(value).split())
    start, stop = 0, len(text)
    while start < stop and _is_edge(text[start]):
        start += 1
    while stop > start and _is_edge(text[stop - 1]):
        stop -= 1
    return text[start:stop] or None


def normalise_skill(value: object) -> str | None:
    """Case- and whitespace-insensitive only: "C#" and "C" stay apart."""
    if not isinstance(value, str):
        return None
    return " ".join(_nfkc_fold(value).split()) or None


def normalise_phone(value: object) -> str | None:
    """The digits alone, without the leading 1 of an 11-digit NANP number."""
    if not isinstance(value, str):
        return None
    digits = "".join(
        str(digit) for char in value if (digit := unicodedata.decimal(char, None)) is not None
    )
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits or None


def phones_equal(truth: str, pred: str) -> bool:
    """The last ten digits when both have ten or more (national number), else all of them."""
    if len(truth) >= 10 and len(pred) >= 10:
        return truth[-10:] == pred[-10:]
    return truth == pred


_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*://")


def normalise_url(value: object) -> str | None:
    """Lowercase, without scheme, leading "www." or trailing "/"."""
    if not isinstance(value, str):
        return None
    url = _SCHEME.sub("", unicodedata.normalize("NFKC", value).strip().lower())
    url = url.removeprefix("www.").rstrip("/")
    return url or None


def normalise_kind(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return value.strip().casefold() or None


_PRED_DATE = re.compile(r"^\s*(\d{4})(?:-(\d{1,2}))?")


def normalise_pred_date(value: object) -> str | None:
    """A predicted "YYYY-MM" or "YYYY" (anything after it, such as a day, is dropped)."""
    if not isinstance(value, str):
        return None
    match = _PRED_DATE.match(value)
    if match is None:
        return None
    year, month = match.group(1), match.group(2)
    if month is not None and 1 <= int(month) <= 12:
        return f"{year}-{int(month):02d}"
    return year


def dates_equal(truth: str, pred: str) -> bool:
    """At the truth's precision: truth "2020" matches "2020" and "2020-07"."""
    return pred == truth or (len(truth) == 4 and pred[:5] == f"{truth}-")


# --- truth dates ----------------------------------------------------------------------

_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("january", "januar", "janvier"),
    2: ("february", "februar", "février"),
    3: ("march", "märz", "maerz", "mars"),
    4: ("april", "avril"),
    5: ("may", "mai"),
    6: ("june", "juni", "juin"),
    7: ("july", "juli", "juillet"),
    8: ("august", "août"),
    9: ("september", "septembre"),
    10: ("october", "oktober", "octobre"),
    11: ("november", "novembre"),
    12: ("december", "dezember", "décembre"),
}
_MONTH_ABBREVIATIONS = {"mär": 3, "okt": 10, "dez": 12, "déc": 12}


def month_number(word: str) -> int | None:
    """A month name, full or abbreviated (three letters or more, one month only)."""
    word = word.casefold().rstrip(".")
    if word in _MONTH_ABBREVIATIONS:
        return _MONTH_ABBREVIATIONS[word]
    if len(word) < 3:
        return None
    found = {
        number
        for number, names in _MONTH_NAMES.items()
        if any(name.startswith(word) for name in names)
    }
    return found.pop() if len(found) == 1 else None


_YEAR = r"(?:\d{4}|\d{2}xx)"
_DATE_POINT = re.compile(
    rf"(?P<iso>(?<!\d)(?P<iso_year>\d{{4}})-(?P<iso_month>\d{{1,2}})(?!\d))"
    rf"|(?P<numeric>(?<!\d)(?P<num_month>\d{{1,2}})[/.](?P<num_year>{_YEAR})(?![\dx]))"
    rf"|(?P<named>(?P<month>[^\W\d_]{{3,}})\.?,?\s*(?P<named_year>{_YEAR})(?![\dx]))"
    rf"|(?P<year>(?<![\dx])(?P<bare_year>{_YEAR})(?![\dx]))"
    r"|(?P<now>\b(?:present|current|now|today|ongoing|heute|aujourd['\u2019]hui)\b)"
)
CURRENT = "current"
UNKNOWN = "unknown"


def _point(year: str, month: int | None) -> str:
    if "x" in year:
        return UNKNOWN
    return f"{year}-{month:02d}" if month is not None and 1 <= month <= 12 else year


def date_points(text: str) -> list[str]:
    """Each date in a truth "dates" string: "YYYY-MM", "YYYY", CURRENT or UNKNOWN (20XX)."""
    points: list[str] = []
    for match in _DATE_POINT.finditer(_nfkc_fold(text)):
        if match.group("iso"):
            points.append(_point(match["iso_year"], int(match["iso_month"])))
        elif match.group("numeric"):
            points.append(_point(match["num_year"], int(match["num_month"])))
        elif match.group("named"):
            points.append(_point(match["named_year"], month_number(match["month"])))
        elif match.group("year"):
            points.append(_point(match["bare_year"], None))
        else:
            points.append(CURRENT)
    return points


@dataclass(frozen=True)
class TruthDates:
    """A truth entry's dates. An unknown part (20XX, or no start given) is not scored."""

    start: str | None
    end: str | None
    current: bool = False
    start_known: bool = True
    end_known: bool = True


def parse_dates(text: object) -> TruthDates | None:
    """Truth dates: "Jul 2023 - Present" is 2023-07 to None, current. None without dates.

    A single date is read as the end (a graduation, a one-off), its start unknown.
    """
    if not isinstance(text, str):
        return None
    points = date_points(text)
    if not points:
        return None
    if len(points) == 1:
        first, last = UNKNOWN, points[0]
    else:
        first, last = points[0], points[1]
    start_known = first not in (UNKNOWN, CURRENT)
    current = last == CURRENT
    end_known = last != UNKNOWN
    return TruthDates(
        start=first if start_known else None,
        end=last if end_known and not current else None,
        current=current,
        start_known=start_known,
        end_known=end_known,
    )


# --- truth and prediction -------------------------------------------------------------


@dataclass(frozen=True)
class TruthJob:
    title: str | None
    company: str | None
    dates: TruthDates | None = None


@dataclass(frozen=True)
class PredJob:
    title: str | None
    company: str | None
    start: str | None = None
    end: str | None = None


@dataclass(frozen=True)
class School:
    institution: str | None
    degree: str | None


@dataclass(frozen=True)
class Truth:
    layout: str
    contact: dict[str, str | None]
    links: list[Link] | None  # None: the truth file does not label links
    skills: set[str]
    jobs: list[TruthJob]
    schools: list[School]


@dataclass(frozen=True)
class Prediction:
    contact: dict[str, str | None]
    links: list[Link]
    skills: set[str]
    jobs: list[PredJob]
    schools: list[School]
    years: float | None


def _mappings(value: object) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _links(value: object) -> list[Link]:
    return [
        (url, normalise_kind(item.get("kind")))
        for item in _mappings(value)
        if (url := normalise_url(item.get("url"))) is not None
    ]


def _skills(value: object) -> set[str]:
    items = value if isinstance(value, list) else []
    return {skill for item in items if (skill := normalise_skill(item)) is not None}


def _schools(value: object) -> list[School]:
    return [
        School(normalise_text(item.get("institution")), normalise_text(item.get("degree")))
        for item in _mappings(value)
    ]


def layout_of(truth: Mapping[str, Any], stem: str) -> str:
    """The declared layout, else two-column when the file name says so."""
    declared = truth.get("layout")
    if declared in LAYOUTS:
        return str(declared)
    lowered = stem.casefold()
    return "two-column" if any(mark in lowered for mark in TWO_COLUMN_MARKERS) else "single-column"


def truth_from_json(data: Mapping[str, Any], stem: str = "") -> Truth:
    """A truth file, normalised. A missing contact key or section means "none" (as an empty
    one does); only the optional "links" means "not labelled" when missing."""
    given = data.get("contact")
    contact: Mapping[str, Any] = given if isinstance(given, Mapping) else {}
    return Truth(
        layout=layout_of(data, stem),
        contact={
            "name": normalise_text(contact.get("full_name", contact.get("name"))),
            "email": normalise_text(contact.get("email")),
            "phone": normalise_phone(contact.get("phone")),
            "location": normalise_text(contact.get("location")),
        },
        links=_links(data["links"]) if isinstance(data.get("links"), list) else None,
        skills=_skills(data.get("skills")),
        jobs=[
            TruthJob(
                normalise_text(item.get("title")),
                normalise_text(item.get("company")),
                parse_dates(item.get("dates")),
            )
            for item in _mappings(data.get("experience"))
        ],
        schools=_schools(data.get("education")),
    )


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def prediction_from_json(data: Mapping[str, Any]) -> Prediction:
    """The parser's ``profile.to_json()``, normalised; anything malformed counts as missing."""
    return Prediction(
        contact={
            "name": normalise_text(data.get("name")),
            "email": normalise_text(data.get("email")),
            "phone": normalise_phone(data.get("phone")),
            "location": normalise_text(data.get("location")),
        },
        links=_links(data.get("links")),
        skills=_skills(data.get("skills")),
        jobs=[
            PredJob(
                normalise_text(item.get("title")),
                normalise_text(item.get("company")),
                normalise_pred_date(item.get("start")),
                normalise_pred_date(item.get("end")),
            )
            for item in _mappings(data.get("experience"))
        ],
        schools=_schools(data.get("education")),
        years=_number(data.get("years_experience")),
    )


# --- scoring --------------------------------------------------------------------------


def score_scalar(
    truth: str | None,
    pred: str | None,
    equal: Callable[[str, str], bool] = str.__eq__,
) -> Counts:
    """Equal: TP. Different: FP, and FN when there is a truth. Missing: FN. Unwanted: FP."""
    if truth is None:
        return Counts(fp=int(pred is not None))
    if pred is None:
        return Counts(fn=1)
    if equal(truth, pred):
        return Counts(tp=1)
    return Counts(fp=1, fn=1)


def score_set(truth: Iterable[str], pred: Iterable[str]) -> Counts:
    expected, found = set(truth), set(pred)
    return Counts(tp=len(expected & found), fp=len(found - expected), fn=len(expected - found))


def score_links(truth: Sequence[Link], pred: Sequence[Link]) -> Counts:
    """Normalised urls whose kind matches (a truth link without a kind matches any kind)."""
    found = set(pred)
    tp = fn = 0
    for url, kind in set(truth):
        match = next((p for p in sorted(found, key=str) if _link_matches(url, kind, p)), None)
        if match is None:
            fn += 1
        else:
            found.discard(match)
            tp += 1
    return Counts(tp=tp, fp=len(found), fn=fn)


def _link_matches(url: str, kind: str | None, pred: Link) -> bool:
    return pred[0] == url and (kind is None or pred[1] == kind)


def tokens(*values: str | None) -> set[str]:
    return {word for value in values if value for word in re.findall(r"\w+", value)}


def overlap(first: set[str], second: set[str]) -> float:
    """Jaccard overlap of two token sets (0 when either is empty)."""
    union = first | second
    return len(first & second) / len(union) if first and second else 0.0


def job_similarity(truth: TruthJob, pred: PredJob) -> float:
    """Title+company token overlap; matching dates add a little, to break ties."""
    similarity = overlap(tokens(truth.title, truth.company), tokens(pred.title, pred.company))
    dates = truth.dates
    if dates is not None:
        for expected, found in ((dates.start, pred.start), (dates.end, pred.end)):
            if expected is not None and found is not None and dates_equal(expected, found):
                similarity += DATE_BONUS
    return similarity


def school_similarity(truth: School, pred: School) -> float:
    """Institution+degree token overlap."""
    return overlap(tokens(truth.institution, truth.degree), tokens(pred.institution, pred.degree))


def align(
    truth: Sequence[T], pred: Sequence[U], similarity: Callable[[T, U], float]
) -> list[tuple[int, int]]:
    """One-to-one (truth index, pred index) pairs maximising total similarity.

    Exhaustive up to EXHAUSTIVE_LIMIT entries a side, greedy beyond; pairs with no
    similarity at all are left unmatched. Ties keep the listed order.
    """
    matrix = [[similarity(t, p) for p in pred] for t in truth]
    if max(len(truth), len(pred)) <= EXHAUSTIVE_LIMIT:
        pairs = _best_assignment(matrix, len(truth), len(pred))
    else:
        pairs = _greedy_assignment(matrix)
    return sorted((i, j) for i, j in pairs if matrix[i][j] > 0)


def _best_assignment(matrix: list[list[float]], rows: int, columns: int) -> list[tuple[int, int]]:
    best: list[tuple[int, int]] = []
    best_total = -1.0
    if rows <= columns:
        candidates: Iterable[list[tuple[int, int]]] = (
            list(enumerate(chosen)) for chosen in itertools.permutations(range(columns), rows)
        )
    else:
        candidates = (
            [(i, j) for j, i in enumerate(chosen)]
            for chosen in itertools.permutations(range(rows), columns)
        )
    for pairs in candidates:
        value = sum(matrix[i][j] for i, j in pairs)
        if value > best_total + 1e-9:
            best, best_total = pairs, value
    return best


def _greedy_assignment(matrix: list[list[float]]) -> list[tuple[int, int]]:
    ranked = sorted(
        ((value, i, j) for i, row in enumerate(matrix) for j, value in enumerate(row)),
        key=lambda item: (-item[0], item[1], item[2]),
    )
    used_rows: set[int] = set()
    used_columns: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for _, i, j in ranked:
        if i not in used_rows and j not in used_columns:
            pairs.append((i, j))
            used_rows.add(i)
            used_columns.add(j)
    return pairs


def _truth_job_parts(job: TruthJob) -> dict[str, tuple[bool, str | None]]:
    """Each experience part: (scored?, normalised truth value)."""
    dates = job.dates
    if dates is None:
        dates = TruthDates(None, None, start_known=False, end_known=False)
    return {
        "experience.title": (True, job.title),
        "experience.company": (True, job.company),
        "experience.start": (dates.start_known, dates.start),
        "experience.end": (dates.end_known, dates.end),
    }


def _pred_job_parts(job: PredJob) -> dict[str, str | None]:
    return {
        "experience.title": job.title,
        "experience.company": job.company,
        "experience.start": job.start,
        "experience.end": job.end,
    }


def _job_equality(name: str) -> Callable[[str, str], bool]:
    return dates_equal if name in ("experience.start", "experience.end") else str.__eq__


def score_jobs(truth: Sequence[TruthJob], pred: Sequence[PredJob]) -> dict[str, Counts]:
    """Experience entries aligned one-to-one, then each part scored as a scalar."""
    scores = {name: Counts() for name in JOB_FIELDS}
    pairs = align(truth, pred, job_similarity)
    for i, j in pairs:
        found = _pred_job_parts(pred[j])
        for name, (scored, expected) in _truth_job_parts(truth[i]).items():
            if scored:
                scores[name].add(score_scalar(expected, found[name], _job_equality(name)))
    matched_truth = {i for i, _ in pairs}
    matched_pred = {j for _, j in pairs}
    for i in sorted(set(range(len(truth))) - matched_truth):
        for name, (scored, expected) in _truth_job_parts(truth[i]).items():
            if scored:
                scores[name].add(score_scalar(expected, None))
    for j in sorted(set(range(len(pred))) - matched_pred):
        for name, value in _pred_job_parts(pred[j]).items():
            scores[name].add(score_scalar(None, value))
    return scores


def score_schools(truth: Sequence[School], pred: Sequence[School]) -> dict[str, Counts]:
    """Education entries aligned one-to-one, then institution and degree scored as scalars."""
    scores = {name: Counts() for name in SCHOOL_FIELDS}
    pairs = align(truth, pred, school_similarity)
    for i, j in pairs:
        scores["education.institution"].add(score_scalar(truth[i].institution, pred[j].institution))
        scores["education.degree"].add(score_scalar(truth[i].degree, pred[j].degree))
    for i in sorted(set(range(len(truth))) - {i for i, _ in pairs}):
        scores["education.institution"].add(score_scalar(truth[i].institution, None))
        scores["education.degree"].add(score_scalar(truth[i].degree, None))
    for j in sorted(set(range(len(pred))) - {j for _, j in pairs}):
        scores["education.institution"].add(score_scalar(None, pred[j].institution))
        scores["education.degree"].add(score_scalar(None, pred[j].degree))
    return scores


def score_resume(truth: Truth, pred: Prediction) -> dict[str, Counts]:
    """Every field's counts for one resume (links only when the truth labels them)."""
    scores = empty_scores()
    for name in CONTACT_FIELDS:
        equal = phones_equal if name == "phone" else str.__eq__
        scores[name] = score_scalar(truth.contact[name], pred.contact[name], equal)
    if truth.links is not None:
        scores["links"] = score_links(truth.links, pred.links)
    scores["skills"] = score_set(truth.skills, pred.skills)
    scores.update(score_jobs(truth.jobs, pred.jobs))
    scores.update(score_schools(truth.schools, pred.schools))
    return scores


def score_documents(
    truth: Mapping[str, Any], predicted: Mapping[str, Any], stem: str = ""
) -> dict[str, Counts]:
    """A truth file's JSON against a ``profile.to_json()`` dict."""
    return score_resume(truth_from_json(truth, stem), prediction_from_json(predicted))


# --- years of experience --------------------------------------------------------------


def month_index(value: str, *, end: bool = False) -> int:
    """Months since year 0: "YYYY-MM" as given; a bare year is January, or December at an end."""
    year, _, month = value.partition("-")
    return int(year) * 12 + (int(month) - 1 if month else 11 if end else 0)


def job_interval(dates: TruthDates | None, reference: int) -> tuple[int, int] | None:
    """(first month, last month) inclusive; current jobs end at the reference month."""
    if dates is None or dates.start is None:
        return None
    if dates.current:
        stop = reference
    elif dates.end is not None:
        stop = month_index(dates.end, end=True)
    else:
        return None
    start = month_index(dates.start)
    return (start, stop) if stop >= start else None


def union_years(intervals: Iterable[tuple[int, int]]) -> float:
    """Years covered by the union of inclusive month intervals (overlaps count once)."""
    months = 0
    current: tuple[int, int] | None = None
    for start, stop in sorted(intervals):
        if current is not None and start <= current[1] + 1:
            current = (current[0], max(current[1], stop))
            continue
        if current is not None:
            months += current[1] - current[0] + 1
        current = (start, stop)
    if current is not None:
        months += current[1] - current[0] + 1
    return months / 12


def truth_years(jobs: Sequence[TruthJob], reference: int) -> float | None:
    """Years of experience by the truth's dates; None when no entry has usable dates."""
    intervals = [span for job in jobs if (span := job_interval(job.dates, reference))]
    return union_years(intervals) if intervals else None


def years_within(truth: float, pred: float | None, tolerance: float = YEARS_TOLERANCE) -> bool:
    return pred is not None and abs(pred - truth) <= tolerance + 1e-9


def parse_reference(value: str) -> int:
    """A "YYYY-MM" month as a month index."""
    if not re.fullmatch(r"\d{4}-\d{2}", value) or not 1 <= int(value[5:]) <= 12:
        raise ValueError(f"reference month must be YYYY-MM, not {value!r}")
    return month_index(value)


# --- documents ------------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    path: Path
    label: str  # corpus directory name / path inside it, or the truth's "document"
    truth: Path | None
    held_out: bool = False  # the truth file is under the held-out directory


@dataclass(frozen=True)
class Discovery:
    documents: list[Document]
    orphans: list[Path]  # truth files whose resume is missing
    clashes: list[dict[str, str]]  # "document" truth files naming an already-labelled resume


def resolve_path(path: Path | str) -> Path:
    """Absolute, with a relative path taken from the repository root."""
    chosen = Path(path)
    return (chosen if chosen.is_absolute() else ROOT / chosen).resolve()


def resolve_corpora(corpora: Sequence[Path | str] | None) -> list[Path]:
    chosen = DEFAULT_CORPORA if corpora is None else [Path(item) for item in corpora]
    return [resolve_path(path) for path in chosen]


def truth_path(document: Path) -> Path:
    return document.with_name(document.stem + TRUTH_SUFFIX)


def declared_document(truth: Path) -> str | None:
    """The truth file's "document" (relative to the documents root); None when it has none."""
    try:
        data = json.loads(truth.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # reported when the truth is read for scoring, or as an orphan
    name = data.get("document") if isinstance(data, Mapping) else None
    return name.strip() if isinstance(name, str) and name.strip() else None


def _under(path: Path | None, directory: Path) -> bool:
    return path is not None and path.resolve().is_relative_to(directory)


def discover(
    corpora: Sequence[Path],
    documents_root: Path | None = None,
    held_out: Path | None = None,
) -> Discovery:
    """Every resume file under the corpora, each with its truth file if it has one.

    A truth file with a "document" key labels that file (under ``documents_root``), which
    need not be in a corpus; one naming a resume already labelled beside it is a clash.
    A resume found twice (overlapping corpora, or a corpus and a "document") is listed once.
    """
    root = resolve_path(DOCUMENTS_ROOT if documents_root is None else documents_root)
    held = resolve_path(HELD_OUT if held_out is None else held_out)
    paths = [
        (corpus, path)
        for corpus in corpora
        if corpus.is_dir()
        for path in sorted(corpus.rglob("*"))
    ]
    truths = {path for _, path in paths if path.name.endswith(TRUTH_SUFFIX)}
    declared = {
        truth: name for truth in sorted(truths) if (name := declared_document(truth)) is not None
    }
    found: dict[Path, Document] = {}
    for corpus, path in paths:
        if not path.is_file() or path.suffix.casefold() not in DOCUMENT_SUFFIXES:
            continue
        sibling = truth_path(path)
        truth = sibling if sibling in truths and sibling not in declared else None
        label = f"{corpus.name}/{path.relative_to(corpus).as_posix()}"
        found.setdefault(path.resolve(), Document(path, label, truth, _under(truth, held)))
    clashes: list[dict[str, str]] = []
    for truth, name in declared.items():
        target = (root / name).resolve()
        if not target.is_file():
            continue
        current = found.get(target)
        if current is not None and current.truth is not None:
            clashes.append(
                {"file": str(truth), "error": f"{name} is already labelled by {current.truth}"}
            )
            continue
        label = current.label if current is not None else Path(name).as_posix()
        found[target] = Document(target, label, truth, _under(truth, held))
    documents = list(found.values())
    paired = {doc.truth for doc in documents if doc.truth is not None}
    orphans = truths - paired - {Path(clash["file"]) for clash in clashes}
    return Discovery(documents, sorted(orphans), clashes)


def extract_text(path: Path) -> str:
    """The file's text, read independently of the parser (to check what it reports)."""
    suffix = path.suffix.casefold()
    if suffix == ".pdf":
        return _pdf_text(path)
    if suffix == ".docx":
        return _docx_text(path)
    return path.read_bytes().decode("utf-8-sig", errors="replace")


def _pdf_text(path: Path) -> str:
    import pypdfium2

    document = pypdfium2.PdfDocument(path)
    try:
        pages: list[str] = []
        for index in range(len(document)):
            page = document[index]
            text_page = page.get_textpage()
            pages.append(text_page.get_text_range())
            text_page.close()
            page.close()
        return "\n".join(pages)
    finally:
        document.close()


_DOCX_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml")


def _docx_text(path: Path) -> str:
    from defusedxml import ElementTree

    parts: list[str] = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if not _DOCX_PARTS.fullmatch(name):
                continue
            for element in ElementTree.fromstring(archive.read(name)).iter():
                tag = str(element.tag).rsplit("}", 1)[-1]
                if tag == "t" and element.text:
                    parts.append(element.text)
                elif tag in ("p", "br", "cr"):
                    parts.append("\n")
                elif tag == "tab":
                    parts.append("\t")
    return "".join(parts)


def email_in_text(email: str, text: str) -> bool:
    """Case-insensitive, ignoring whitespace (letter-spaced or wrapped text)."""
    compact = "".join(_nfkc_fold(text).split())
    return "".join(_nfkc_fold(email).split()) in compact


def email_visible(path: Path, email: str) -> bool:
    """Whether the email is in the file's own text (False when that text cannot be read)."""
    try:
        return email_in_text(email, extract_text(path))
    except Exception:
        return False


# --- running the parser ---------------------------------------------------------------


@dataclass(frozen=True)
class Parser:
    """``parse`` gives a path's ``profile.to_json()``; ``unreadable`` is its rejection."""

    parse: Callable[[Path], Mapping[str, Any]]
    unreadable: type[BaseException]


def load_parser() -> Parser:
    """The real parser, imported only when an evaluation runs (it may not exist yet)."""
    resumes = importlib.import_module("recruiting.resumes")
    missing = [name for name in ("parse_file", "UnreadableDocument") if not hasattr(resumes, name)]
    if missing:
        raise ImportError(f"recruiting.resumes has no {', '.join(missing)}")

    def parse(path: Path) -> Mapping[str, Any]:
        data = resumes.parse_file(path).to_json()
        return data if isinstance(data, Mapping) else {}

    return Parser(parse=parse, unreadable=resumes.UnreadableDocument)


@dataclass(frozen=True)
class Outcome:
    data: Mapping[str, Any] | None
    ms: float
    crash: str | None = None  # any exception but the parser's rejection
    rejected: str | None = None  # the rejection's rule


def run_parser(parser: Parser, path: Path) -> Outcome:
    started = time.perf_counter()
    try:
        data = parser.parse(path)
    except parser.unreadable as exc:
        rule = getattr(exc, "rule", None)
        return Outcome(None, _ms(started), rejected=str(rule or type(exc).__name__))
    except Exception as exc:
        return Outcome(None, _ms(started), crash=f"{type(exc).__name__}: {exc}")
    return Outcome(data, _ms(started))


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


# --- the evaluation -------------------------------------------------------------------


@dataclass
class ResumeResult:
    label: str
    layout: str
    scores: dict[str, Counts]
    outcome: Outcome
    truth_years: float | None
    pred_years: float | None
    held_out: bool = False

    def as_dict(self) -> dict[str, Any]:
        micro = total(self.scores.values())
        return {
            "file": self.label,
            "layout": self.layout,
            "held_out": self.held_out,
            **micro.as_dict(),
            "parse_ms": round(self.outcome.ms, 1),
            "crash": self.outcome.crash,
            "rejected": self.outcome.rejected,
            "years_truth": _rounded(self.truth_years, 2),
            "years_pred": _rounded(self.pred_years, 2),
        }


def evaluate_labelled(
    document: Document, truth_data: Mapping[str, Any], parser: Parser, reference: int
) -> ResumeResult:
    truth = truth_from_json(truth_data, document.path.stem)
    outcome = run_parser(parser, document.path)
    pred = prediction_from_json(outcome.data or {})
    return ResumeResult(
        label=document.label,
        layout=truth.layout,
        scores=score_resume(truth, pred),
        outcome=outcome,
        truth_years=truth_years(truth.jobs, reference),
        pred_years=pred.years,
        held_out=document.held_out,
    )


def layout_summary(results: Sequence[ResumeResult]) -> dict[str, Any]:
    fields = {name: total(r.scores[name] for r in results) for name in FIELDS}
    return {
        "resumes": len(results),
        "fields": {name: counts.as_dict() for name, counts in fields.items()},
        "micro": total(fields.values()).as_dict(),
    }


def split_summaries(results: Sequence[ResumeResult]) -> dict[str, Any]:
    """Every labelled resume, each layout, and the held-out resumes (of either layout)."""
    return {
        "all": layout_summary(results),
        **{name: layout_summary([r for r in results if r.layout == name]) for name in LAYOUTS},
        HELD_OUT_SPLIT: layout_summary([r for r in results if r.held_out]),
    }


def years_summary(results: Sequence[ResumeResult]) -> dict[str, Any]:
    """Share of resumes with dated truth whose predicted years are within the tolerance."""
    eligible = [(r.truth_years, r.pred_years) for r in results if r.truth_years is not None]
    within = sum(years_within(truth, pred) for truth, pred in eligible if truth is not None)
    return {
        "tolerance": YEARS_TOLERANCE,
        "eligible": len(eligible),
        "within": within,
        "share": _rounded(within / len(eligible)) if eligible else None,
    }


def unlabelled_summary(documents: Sequence[Document], parser: Parser) -> dict[str, Any]:
    crashes: list[dict[str, str]] = []
    rejected: list[dict[str, str]] = []
    emails_missing: list[dict[str, str]] = []
    slowest: tuple[float, str] | None = None
    predicted = found = 0
    for document in documents:
        outcome = run_parser(parser, document.path)
        if slowest is None or outcome.ms > slowest[0]:
            slowest = (outcome.ms, document.label)
        if outcome.crash is not None:
            crashes.append({"file": document.label, "error": outcome.crash})
        if outcome.rejected is not None:
            rejected.append({"file": document.label, "rule": outcome.rejected})
        email = outcome.data.get("email") if outcome.data is not None else None
        if not isinstance(email, str) or not email.strip():
            continue
        predicted += 1
        if email_visible(document.path, email):
            found += 1
        else:
            emails_missing.append({"file": document.label, "email": email})
    return {
        "count": len(documents),
        "crashes": crashes,
        "rejected": rejected,
        "max_parse_ms": round(slowest[0], 1) if slowest else None,
        "slowest": slowest[1] if slowest else None,
        "emails_predicted": predicted,
        "emails_in_text": found,
        "emails_not_in_text": emails_missing,
    }


def summary(
    corpora: Sequence[Path | str] | None = None,
    *,
    reference: str = REFERENCE,
    parser: Parser | None = None,
    documents_root: Path | str | None = None,
    held_out: Path | str | None = None,
) -> dict[str, Any]:
    """Every figure of the evaluation as one JSON-ready dict.

    ``corpora`` default to DEFAULT_CORPORA, ``documents_root`` (where a truth's "document"
    is) to DOCUMENTS_ROOT and ``held_out`` to HELD_OUT, relative ones resolved against the
    repository root; ``parser`` defaults to ``recruiting.resumes`` (imported here, not at
    load time).
    """
    month = parse_reference(reference)
    directories = resolve_corpora(corpora)
    root = resolve_path(DOCUMENTS_ROOT if documents_root is None else documents_root)
    held = resolve_path(HELD_OUT if held_out is None else held_out)
    found = discover(directories, root, held)
    documents = found.documents
    parser = parser or load_parser()
    results: list[ResumeResult] = []
    truth_errors: list[dict[str, str]] = list(found.clashes)
    for document in documents:
        if document.truth is None:
            continue
        try:
            data = json.loads(document.truth.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            truth_errors.append({"file": document.label, "error": f"{type(exc).__name__}: {exc}"})
            continue
        results.append(evaluate_labelled(document, data, parser, month))
    labelled_ms = [r.outcome.ms for r in results]
    return {
        "reference": reference,
        "corpora": [{"path": str(path), "exists": path.is_dir()} for path in directories],
        "documents_root": str(root),
        "held_out": {"path": str(held), "exists": held.is_dir()},
        "labelled": len(results),
        "layouts": split_summaries(results),
        "resumes": [r.as_dict() for r in results],
        "labelled_max_parse_ms": round(max(labelled_ms), 1) if labelled_ms else None,
        "labelled_crashes": [
            {"file": r.label, "error": r.outcome.crash} for r in results if r.outcome.crash
        ],
        "years_experience": years_summary(results),
        "unlabelled": unlabelled_summary([d for d in documents if d.truth is None], parser),
        "truth_errors": truth_errors,
        "truth_without_document": [str(path) for path in found.orphans],
    }


# --- the report -----------------------------------------------------------------------


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _row(cells: Mapping[str, Any]) -> str:
    return (
        f"{_figure(cells['p']):>5} {_figure(cells['r']):>5} {_figure(cells['f1']):>5} "
        f"{cells['support']:>4}"
    )


def render_fields(report: Mapping[str, Any]) -> list[str]:
    layouts = report["layouts"]
    names = SPLITS
    width = max(len(name) for name in (*FIELDS, "micro"))
    group = 22
    titles = [f"{name} ({layouts[name]['resumes']})" for name in names]
    heading = " " * width + "".join(f"  {title:^{group}}" for title in titles)
    columns = " " * width + "".join(f"  {'P':>5} {'R':>5} {'F1':>5} {'n':>4}" for _ in names)
    lines = [heading.rstrip(), columns]
    for name in FIELDS:
        cells = "".join(f"  {_row(layouts[layout]['fields'][name])}" for layout in names)
        lines.append(f"{name.ljust(width)}{cells}")
    micro = "".join(f"  {_row(layouts[layout]['micro'])}" for layout in names)
    lines.append(f"{'micro'.ljust(width)}{micro}")
    return lines


def render_resumes(report: Mapping[str, Any]) -> list[str]:
    rows = report["resumes"]
    if not rows:
        return ["(no labelled resumes)"]
    width = max(len(row["file"]) for row in rows)
    lines = [
        f"{'resume'.ljust(width)}  {'layout':<13} {'P':>5} {'R':>5} {'F1':>5} "
        f"{'yrs':>5} {'pred':>5} {'ms':>7}  note"
    ]
    for row in rows:
        note = row["crash"] or (f"rejected: {row['rejected']}" if row["rejected"] else "")
        if row["held_out"]:
            note = f"held-out {note}"
        years = "" if row["years_truth"] is None else f"{row['years_truth']:.1f}"
        pred = "" if row["years_pred"] is None else f"{row['years_pred']:.1f}"
        lines.append(
            f"{row['file'].ljust(width)}  {row['layout']:<13} {_figure(row['p']):>5} "
            f"{_figure(row['r']):>5} {_figure(row['f1']):>5} {years:>5} {pred:>5} "
            f"{row['parse_ms']:>7.1f}  {note}".rstrip()
        )
    return lines


def render_unlabelled(report: Mapping[str, Any]) -> list[str]:
    unlabelled = report["unlabelled"]
    ms = unlabelled["max_parse_ms"]
    lines = [
        f"unlabelled files: {unlabelled['count']}, crashes: {len(unlabelled['crashes'])}, "
        f"rejected: {len(unlabelled['rejected'])}, "
        f"max parse: {'-' if ms is None else f'{ms:.1f} ms'}"
        + (f" ({unlabelled['slowest']})" if unlabelled["slowest"] else ""),
        f"emails in the file's text: {unlabelled['emails_in_text']} "
        f"of {unlabelled['emails_predicted']} predicted",
    ]
    lines += [f"  crash     {item['file']}: {item['error']}" for item in unlabelled["crashes"]]
    lines += [f"  rejected  {item['file']}: {item['rule']}" for item in unlabelled["rejected"]]
    lines += [
        f"  not seen  {item['file']}: {item['email']}" for item in unlabelled["emails_not_in_text"]
    ]
    return lines


def render_text(report: Mapping[str, Any]) -> str:
    years = report["years_experience"]
    held = report["held_out"]
    share = years["share"]
    lines = [
        f"Resume parser, field by field: {report['labelled']} labelled resumes "
        f"(reference month {report['reference']})",
        *(f"  corpus {c['path']}{'' if c['exists'] else ' (missing)'}" for c in report["corpora"]),
        f"  held-out truth {held['path']}{'' if held['exists'] else ' (missing)'}",
        "",
        *render_fields(report),
        "",
        *render_resumes(report),
        "",
        f"years of experience within {years['tolerance']}: {years['within']} of "
        f"{years['eligible']} dated resumes" + ("" if share is None else f" ({share:.0%})"),
    ]
    if report["labelled_max_parse_ms"] is not None:
        lines.append(f"labelled max parse: {report['labelled_max_parse_ms']:.1f} ms")
    lines += ["", *render_unlabelled(report)]
    lines += [f"bad truth file {item['file']}: {item['error']}" for item in report["truth_errors"]]
    lines += [f"truth without a resume: {path}" for path in report["truth_without_document"]]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    options = argparse.ArgumentParser(prog="python -m benchmarks.parser_eval", description=__doc__)
    options.add_argument("--json", action="store_true", help="print one JSON object")
    options.add_argument(
        "--corpus",
        action="extend",
        nargs="+",
        metavar="DIR",
        help="corpus directories (relative ones from the repository root); "
        "default: " + ", ".join(str(path) for path in DEFAULT_CORPORA),
    )
    options.add_argument("--reference", default=REFERENCE, help="month 'Present' ends, YYYY-MM")
    args = options.parse_args(argv)
    try:
        report = summary(args.corpus, reference=args.reference)
    except ImportError as exc:
        print(f"parser unavailable: {exc}", file=sys.stderr)
        return 0
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else render_text(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
