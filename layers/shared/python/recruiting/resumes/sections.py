"""Cutting the lines into sections at their headings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from recruiting.resumes.document import Cell, Line
from recruiting.resumes.vocabulary import heading_kind

_INLINE = re.compile(r"^(?P<label>[^:：]{3,40})[:：]\s*(?P<rest>\S.*)$")


@dataclass
class Section:
    kind: str  # header | experience | education | skills | summary | contact | projects | other
    heading: str
    lines: list[Line] = field(default_factory=list)


def _caps_heading(line: Line) -> bool:
    text = line.text.strip(" :")
    letters = [c for c in text if c.isalpha()]
    return (
        len(line.cells) == 1
        and 4 <= len(letters) <= 40
        and all(c.isupper() for c in letters)
        and len(text.split()) <= 4
        and not any(c.isdigit() for c in text)
        and "@" not in text
    )


def _styled(line: Line, body_size: float) -> bool:
    text = line.text
    return line.bold or text.upper() == text or line.size > body_size + 0.5 or line.size == 0


def split_sections(lines: list[Line]) -> list[Section]:
    sizes = sorted(line.size for line in lines) or [0.0]
    body_size = sizes[len(sizes) // 2]
    # When a document styles its headings (bold, capitals, larger type), a heading
    # word in body type ("Volunteer" under a role) is content, not a heading.
    styled = sum(
        1 for line in lines if heading_kind(line.text) is not None and _styled(line, body_size)
    )
    sections = [Section("header", "")]
    seen_heading = False
    place = (0, 0)  # (page, column) of the previous line
    by_column: dict[int, str] = {}  # the section each column was last in
    for line in lines:
        text = line.text.strip()
        kind = heading_kind(text) if len(line.cells) <= 2 else None
        if kind is not None and styled >= 2 and not _styled(line, body_size):
            kind = None
        if (line.page, line.column) != place:
            # A new page runs on from where the last page ended (its main column);
            # within a page a column resumes its own section, and the top of the
            # first page's main column (name, contact lines) is the header.
            previous = sections[-1].kind
            by_column[place[1]] = previous
            new_page = line.page != place[0]
            place = (line.page, line.column)
            if kind is None and not new_page:
                default = "header" if line.page == 0 else previous
                sections.append(Section(by_column.get(line.column, default), ""))
        if kind is None and len(line.cells) == 2 and heading_kind(line.cells[0].text):
            # A rail label beside its first line ("Experience | Staff Engineer ... 2024").
            kind = None
        if kind is not None and (len(line.cells) == 1 or heading_kind(line.cells[-1].text)):
            sections.append(Section(kind, text))
            seen_heading = True
            continue
        first = line.cells[0].text.strip()
        rail = heading_kind(first) if len(line.cells) > 1 else None
        if rail is not None:
            sections.append(Section(rail, first))
            seen_heading = True
            rest = Line(cells=line.cells[1:], page=line.page, size=line.size, column=line.column)
            sections[-1].lines.append(rest)
            continue
        inline = _INLINE.match(text)
        if (
            inline
            and seen_heading
            and sections[-1].kind != "skills"
            and heading_kind(inline.group("label")) in ("skills", "other")
        ):
            label_kind = heading_kind(inline.group("label"))
            if sections[-1].kind != label_kind or label_kind == "other":
                sections.append(Section(label_kind or "other", inline.group("label")))
            sections[-1].lines.append(Line(cells=[Cell(text)], page=line.page, size=line.size))
            continue
        if seen_heading and _caps_heading(line) and line.bold:
            sections.append(Section("other", text))
            continue
        sections[-1].lines.append(line)
    return [s for s in sections if s.lines or s.kind != "header"]
