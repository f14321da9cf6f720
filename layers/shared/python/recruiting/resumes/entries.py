"""Experience, education and skills out of their sections.

An experience entry is anchored on its date range; the lines that name the
title and the employer sit just before or just after it, and the document's
first entry says which (a company line above "Title · 2020 – 2022", or a
title line below "Company  2020 – 2022"). Entries without dates fall back to
the lines between bullet lists. Parts of a line are told apart by words
(titles, employers, schools, degrees) and by shape (places, dates).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from recruiting.resumes.contact import LOCATION, US_STATES, is_place
from recruiting.resumes.dates import DateRange, find_range, find_single
from recruiting.resumes.document import Line
from recruiting.resumes.profile import Education, Experience
from recruiting.resumes.vocabulary import COMPANY_WORDS, DEGREE, INSTITUTION, TITLE_WORDS

BULLET = re.compile(r"^\s*[•·▪◦●■□‣⁃∙*➢➤►✓✔–-]\s*")
_STRONG = re.compile(r"\s+(?:[|·•—–]|-{1,2})\s+|\s*[|·•]\s*")
_AT = re.compile(r"\s+(?:at|@)\s+")
_PARENS = re.compile(r"\(\s*\)|\[\s*\]")
MAX_HEADER_WORDS = 10


@dataclass
class _Row:
    line: Line
    text: str
    bullet: bool
    dates: DateRange | None

    @property
    def rest(self) -> str:
        """The text without its date range."""
        if self.dates is None:
            return self.text
        start, end = self.dates.span
        before, after = self.text[:start], self.text[end:]
        if before.rstrip().endswith(("(", "[")) and after.lstrip().startswith((")", "]")):
            after = ""  # "Title, Company (2019 - 2021) Led the ..." : the rest is description
        return _clean(before + " " + after)


def _clean(text: str) -> str:
    text = _PARENS.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip(" ,|·•—–-:;")
    while text.endswith(")") and text.count("(") < text.count(")"):
        text = text[:-1].rstrip()
    while text.startswith("(") and text.count("(") > text.count(")"):
        text = text[1:].lstrip()
    return text.strip(" ,|·•—–-:;(")


def _rows(lines: list[Line]) -> list[_Row]:
    rows: list[_Row] = []
    for line in lines:
        text = " | ".join(c.text.strip() for c in line.cells if c.text.strip())
        bullet = bool(BULLET.match(text)) and not re.match(r"^\s*[–-]\s*\d", text)
        if bullet:
            text = BULLET.sub("", text)
        row = _Row(line, text, bullet, find_range(text))
        previous = rows[-1] if rows else None
        if previous is not None and _continues(previous, row):
            previous.text = f"{previous.text} {row.text}"
            continue
        rows.append(row)
    return rows


_CONNECTOR = re.compile(
    r"\b(?:of|de|du|des|la|le|and|for|in|the|at|&|für|der|und|di|del|y|et)$", re.IGNORECASE
)


def _continues(previous: _Row, row: _Row) -> bool:
    """A line wrapped from the one before ("appliquées", "Lyon" after "... de")."""
    if row.bullet or row.dates is not None or previous.dates is not None or not row.text:
        return False
    return row.text[0].islower() or bool(_CONNECTOR.search(previous.text))


def _headerish(row: _Row) -> bool:
    """Could this line name a title or an employer (not a sentence of description)?"""
    rest = row.rest
    if row.bullet or not rest:
        return False
    words = [w for w in rest.split() if any(c.isalnum() for c in w)]
    limit = MAX_HEADER_WORDS + (3 if _STRONG.search(rest) else 0)
    if len(words) > limit and row.dates is None:
        return False
    if rest[0].islower() or (rest.endswith((".", ";")) and row.dates is None):
        return False
    return not (len(words) > 6 and row.dates is None and _title_score(rest) == 0 and not _org(rest))


def _words(text: str) -> list[str]:
    return [w.strip(".,()&").lower() for w in text.split()]


def _title_score(text: str) -> int:
    return sum(1 for w in _words(text) if w in TITLE_WORDS)


def _org(text: str) -> bool:
    return any(w in COMPANY_WORDS for w in _words(text)) or bool(INSTITUTION.search(text))


def _parts(text: str) -> list[str]:
    """A header line's parts, places dropped: "Title · Company, City, ST · Team"."""
    parts = [p for p in (_clean(p) for p in _STRONG.split(text)) if p]
    kept = []
    for index, part in enumerate(parts):
        if is_place(part) or (index and index == len(parts) - 1 and _loose_place(part)):
            continue
        # "Meridian Labs, Chicago, IL" -> "Meridian Labs"
        pieces = [p.strip() for p in part.split(",")]
        for cut in range(1, len(pieces)):
            if is_place(", ".join(pieces[cut:])):
                part = ", ".join(pieces[:cut])
                break
        kept.append(part)
    return kept


def _without_places(text: str) -> str:
    """The line as written, less its place parts: "Acme – Springfield, IL" -> "Acme"."""
    pieces = re.split(f"({_STRONG.pattern})", text)
    kept: list[str] = []
    for index in range(0, len(pieces), 2):
        part = _parts(pieces[index])
        if index and index == len(pieces) - 1 and part and _loose_place(part[0]):
            continue
        if part:
            if kept:
                kept.append(pieces[index - 1])
            kept.append(part[0])
    return _clean("".join(kept))


def _line_title_score(text: str) -> int:
    return max((_title_score(p) for p in _parts(text)), default=0)


def _split_lines(texts: list[str]) -> tuple[str | None, str | None]:
    """Title and company from two or more header lines: the title is one line, the
    employer another, each written out in full ("Vice President, Private Credit")."""
    scores = [_line_title_score(t) for t in texts]
    title_index = max(range(len(texts)), key=lambda i: (scores[i], -i))
    others = [i for i in range(len(texts)) if i != title_index]
    company_index = next((i for i in others if _org(texts[i])), others[0])
    if scores[title_index] == 0 and _org(texts[title_index]) and not _org(texts[company_index]):
        title_index, company_index = company_index, title_index
    title_parts = _parts(texts[title_index])
    title = title_parts[0] if len(title_parts) > 1 and _title_score(title_parts[0]) else None
    title = title or _without_places(texts[title_index]) or _clean(texts[title_index])
    return title, _without_places(texts[company_index]) or None


def _loose_place(part: str) -> bool:
    """ "Seoul, S.Korea" after an employer: a place-shaped last part with no job words."""
    return (
        LOCATION.fullmatch(part) is not None
        and not _title_score(part)
        and not _org(part)
        and len(part) < 40
    )


def _split_title_company(texts: list[str]) -> tuple[str | None, str | None, list[str]]:
    """(title, company, leftovers) from the header texts of one entry."""
    parts: list[str] = []
    for text in texts:
        found = _parts(text)
        if len(found) == 1 and _AT.search(found[0]):
            head, _, tail = _AT.split(found[0], maxsplit=1)[0], None, _AT.split(found[0], 1)[1]
            if _title_score(head):
                found = [head, tail]
        if len(found) == 1 and "," in found[0]:
            pieces = [p.strip() for p in found[0].split(",") if p.strip()]
            pieces = [p for p in pieces if not is_place(p) and p not in US_STATES]
            if len(pieces) >= 2 and any(_title_score(p) for p in pieces):
                found = pieces
        parts.extend(found)
    if not parts:
        return None, None, []
    scored = sorted(range(len(parts)), key=lambda i: (-_title_score(parts[i]), _org(parts[i]), i))
    title_index = scored[0] if _title_score(parts[scored[0]]) else None
    if title_index is None:
        if len(parts) == 1:
            return None, parts[0], []
        # No title words: the first part is the title unless it names an organisation.
        title_index = 1 if _org(parts[0]) and not _org(parts[1]) else 0
    title = parts[title_index]
    others = [p for i, p in enumerate(parts) if i != title_index]
    company = next((p for p in others if _org(p)), others[0] if others else None)
    leftovers = [p for p in others if p is not company]
    return title, company, leftovers


def parse_experience(lines: list[Line]) -> list[Experience]:
    rows = _rows(lines)
    anchors = [i for i, row in enumerate(rows) if row.dates is not None]
    if not anchors:
        return _dateless(rows)
    entries: list[Experience] = []
    taken: set[int] = set()
    # Orientation: does the first entry put a line above its dates?
    first = anchors[0]
    above = first > 0 and _headerish(rows[first - 1]) and not rows[first - 1].dates
    banner: str | None = None
    for n, anchor in enumerate(anchors):
        row = rows[anchor]
        header = [anchor]
        limit = anchors[n - 1] if n else -1
        i = anchor - 1
        while above and i > limit and i not in taken and _headerish(rows[i]) and anchor - i <= 2:
            header.insert(0, i)
            i -= 1
        next_anchor = anchors[n + 1] if n + 1 < len(anchors) else len(rows)
        j = anchor + 1
        date_only = not row.rest
        while j < next_anchor and j - anchor <= 2:
            candidate = rows[j]
            if j + 1 == next_anchor and above and not date_only:
                break  # the next entry's line above its dates
            allowed = date_only and not above and j == anchor + 1 and bool(candidate.text)
            if not (_headerish(candidate) or allowed):
                break
            if not date_only and len(header) >= 2:
                break
            header.append(j)
            j += 1
            if date_only and len(header) >= 2 and (not above or len(header) >= 3):
                break
        taken.update(header)
        # A line left with only a place ("Jan 2022 – Present · Springfield, IL") names nobody.
        texts = [rows[k].rest for k in header if rows[k].rest and _parts(rows[k].rest)]
        single = len(texts) == 1
        if single:
            title, company, _ = _split_title_company(texts)
            if banner and not (company and _org(company)):
                title, company = _clean(_without_places(texts[0])), banner
        elif texts:
            title, company = _split_lines(texts)
        else:
            title = company = None
        # An employer's line above its first role heads the roles that follow it.
        first_text = rows[header[0]].rest
        if not single and header[0] < anchor and company and company in first_text:
            banner = company
        elif not single or (company and company != banner):
            banner = None
        dates = row.dates
        assert dates is not None
        confidence = 0.4 + 0.2 * bool(title) + 0.2 * bool(company) + 0.15 * bool(dates.start)
        entries.append(
            Experience(
                title=title,
                company=company,
                start=dates.start,
                end=dates.end,
                current=dates.current,
                confidence=round(confidence, 2),
            )
        )
    return [e for e in entries if e.title or e.company]


def _dateless(rows: list[_Row]) -> list[Experience]:
    """Entries without dates: each run of header lines before a description."""
    entries: list[Experience] = []
    group: list[str] = []
    for row in [*rows, None]:
        if row is not None and _headerish(row) and len(group) < 2:
            group.append(row.text)
            continue
        if group:
            title, company, _ = _split_title_company(group)
            if title or company:
                entries.append(Experience(title, company, None, None, False, confidence=0.5))
            group = []
    return entries


def parse_education(lines: list[Line]) -> list[Education]:
    entries: list[Education] = []
    current: Education | None = None
    for row in _rows(lines):
        if row.bullet or re.match(
            r"^(?:gpa|relevant|coursework|courses|minor|major|thesis|"
            r"honou?rs|dean|activities|awards|incoming)\b",
            row.text,
            re.I,
        ):
            continue
        dates = row.dates or find_single(row.text)
        rest = row.rest if row.dates else _drop_single_date(row.text, dates)
        institution, degree = _school_and_degree(rest)
        if institution is None and degree is None:
            if current is not None and dates is not None and current.end is None:
                _date(current, dates)
            continue
        if current is None or (institution and current.institution) or (degree and current.degree):
            current = Education(None, None, None, None)
            entries.append(current)
        current.institution = current.institution or institution
        current.degree = current.degree or degree
        if dates is not None and current.end is None and current.start is None:
            _date(current, dates)
    for entry in entries:
        entry.confidence = round(0.4 + 0.3 * bool(entry.institution) + 0.3 * bool(entry.degree), 2)
    return entries


def _date(entry: Education, dates: DateRange) -> None:
    entry.start, entry.end = dates.start, dates.end


def _drop_single_date(text: str, dates: DateRange | None) -> str:
    if dates is None:
        return text
    start, end = dates.span
    return _clean(text[:start] + " " + text[end:])


def _school_and_degree(text: str) -> tuple[str | None, str | None]:
    institution: str | None = None
    degree: str | None = None
    for chunk in _parts(text):
        has_school = bool(INSTITUTION.search(chunk))
        has_degree = bool(DEGREE.search(chunk)) and _degree_like(chunk)
        if has_school and has_degree:
            pieces = [p.strip() for p in chunk.split(",")]
            school = [p for p in pieces if INSTITUTION.search(p)]
            rest = [p for p in pieces if not INSTITUTION.search(p)]
            institution = institution or school[0]
            degree = degree or ", ".join(rest) or None
        elif has_school:
            institution = institution or chunk
        elif has_degree:
            degree = degree or chunk
    return institution, degree


def _degree_like(text: str) -> bool:
    """A degree, not a state or a word that merely starts like one ("MA" in "Boston, MA")."""
    match = DEGREE.search(text)
    if match is None:
        return False
    token = match.group().strip()
    if len(token) <= 3 and "." not in token and not text.startswith(token):
        return False
    return not is_place(text)


SKILL_SPLIT = re.compile(r"\s*(?:[,;|•·▪●]|\s{2,}|\band\b(?=\s+[A-Z]))\s*")
_SKIP_LABEL = re.compile(
    r"^(?:interests?|hobbies|languages? spoken|spoken languages?|language|certifications?|"
    r"awards?|references?)\s*[:：]",
    re.I,
)
_SPOKEN = re.compile(
    r"^(?:fluent|native|conversational|proficient|basic|intermediate|bilingual)\b", re.I
)


def parse_skills(lines: list[Line]) -> list[str]:
    skills: list[str] = []
    seen: set[str] = set()
    for line in lines:
        text = BULLET.sub("", line.text.strip())
        if _SKIP_LABEL.match(text):
            continue
        text = re.sub(r"^[^:：]{2,40}[:：]\s*", "", text)
        cells = [BULLET.sub("", c.text).strip() for c in line.cells]
        pieces = SKILL_SPLIT.split(text)
        if len(pieces) == 1 and len(cells) > 1:
            pieces = cells
        if len(pieces) == 1 and len(text.split()) > 5:
            continue  # a sentence, not a list
        for piece in pieces:
            skill = piece.strip(" .:-–")
            skill = re.sub(r"^(?:and|&)\s+", "", skill)
            if not skill or len(skill) > 40 or len(skill.split()) > 4 or _SPOKEN.match(skill):
                continue
            key = skill.casefold()
            if key not in seen:
                seen.add(key)
                skills.append(skill)
    return skills
