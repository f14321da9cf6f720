"""Dates and date ranges as resumes write them, as ``YYYY-MM`` or ``YYYY``."""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
    "dec": 12, "december": 12,
    # German, French and Spanish months that are not the English ones
    "januar": 1, "janvier": 1, "enero": 1, "februar": 2, "février": 2, "fevrier": 2,
    "febrero": 2, "märz": 3, "maerz": 3, "mars": 3, "marzo": 3, "avril": 4, "abril": 4,
    "mai": 5, "mayo": 5, "juni": 6, "juin": 6, "junio": 6, "juli": 7, "juillet": 7,
    "julio": 7, "août": 8, "aout": 8, "agosto": 8, "septembre": 9, "septiembre": 9,
    "oktober": 10, "octobre": 10, "octubre": 10, "novembre": 11, "noviembre": 11,
    "dezember": 12, "décembre": 12, "decembre": 12, "diciembre": 12,
    # seasons, as students write them ("Summer 2022")
    "spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 12,
}  # fmt: skip
PRESENT = (
    "present|current|currently|now|today|ongoing|date|heute|aktuell|jetzt|"
    "aujourd'hui|aujourd’hui|actuel|actualidad|presente"
)
_MONTH_NAME = "|".join(sorted(MONTHS, key=len, reverse=True))
_YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
# One date: "Jan 2020", "January, 2020", "Sept. 2021", "01/2019", "03.2019", "2019-03", "2019".
_DATE = (
    rf"(?:(?:{_MONTH_NAME})\.?,?\s*(?:'\d\d|{_YEAR})"
    rf"|(?:0?[1-9]|1[0-2])\s*[/.]\s*{_YEAR}"
    rf"|{_YEAR}\s*[-/.]\s*(?:0[1-9]|1[0-2])(?!\d)"
    rf"|{_YEAR}"
    r"|(?:" + _MONTH_NAME + r")\.?\s+20XX|20XX)"
)
_DASH = r"\s*(?:[–—‒―−‐‑\u00ad-]+|to|till|until|bis|à|a|au)\s*"
RANGE = re.compile(
    rf"(?<![\w/.])(?P<start>{_DATE}){_DASH}(?P<end>{_DATE}|{PRESENT})(?![\w/])", re.IGNORECASE
)
SINGLE = re.compile(rf"(?<![\w/.])(?P<date>{_DATE})(?![\w/])", re.IGNORECASE)
_PRESENT_RE = re.compile(rf"^(?:{PRESENT})$", re.IGNORECASE)


def parse_date(text: str) -> str | None:
    """``YYYY-MM`` or ``YYYY`` for one written date; None when unknown (``20XX``)."""
    value = text.strip().lower().replace(",", " ")
    if "xx" in value:
        return None
    match = re.fullmatch(rf"({_MONTH_NAME})\.?\s*('\d\d|\d{{4}})", value)
    if match:
        year = match.group(2)
        year = f"20{year[1:]}" if year.startswith("'") else year
        return f"{year}-{MONTHS[match.group(1)]:02d}"
    match = re.fullmatch(r"(\d{1,2})\s*[/.]\s*(\d{4})", value)
    if match:
        return f"{match.group(2)}-{int(match.group(1)):02d}"
    match = re.fullmatch(r"(\d{4})\s*[-/.]\s*(\d{2})", value)
    if match:
        return f"{match.group(1)}-{match.group(2)}"
    match = re.fullmatch(r"\d{4}", value)
    return value if match else None


@dataclass(frozen=True)
class DateRange:
    start: str | None
    end: str | None
    current: bool
    span: tuple[int, int]  # where in the text it was found

    @property
    def known(self) -> bool:
        return self.start is not None or self.end is not None or self.current


def find_range(text: str) -> DateRange | None:
    """The first date range in ``text`` ("Jan 2020 – Present"), or None."""
    match = RANGE.search(text)
    if match is None:
        return None
    end_text = match.group("end")
    current = bool(_PRESENT_RE.match(end_text.strip()))
    return DateRange(
        start=parse_date(match.group("start")),
        end=None if current else parse_date(end_text),
        current=current,
        span=match.span(),
    )


def find_single(text: str) -> DateRange | None:
    """A lone date ("December 2024", "2020") read as an end date."""
    match = SINGLE.search(text)
    if match is None:
        return None
    return DateRange(
        start=None, end=parse_date(match.group("date")), current=False, span=match.span()
    )


def month_index(value: str, *, end: bool) -> int:
    """Months since year 0; a year alone is January as a start, December as an end."""
    year, _, month = value.partition("-")
    return int(year) * 12 + (int(month) if month else (12 if end else 1)) - 1
