"""What extraction produces: lines of cells, in reading order.

A *cell* is a run of text with no wide gap in it; a *line* is the cells that
share a baseline within one column. Right-aligned dates and locations stay
their own cells, which is what lets the field rules tell "Lakeside Institute
of Technology" from "Seattle, WA" when a PDF puts them on one line.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Cell:
    text: str
    x0: float = 0.0
    x1: float = 0.0


@dataclass
class Line:
    cells: list[Cell]
    page: int = 0
    size: float = 0.0  # font size in points (0 when unknown)
    bold: bool = False
    column: int = 0  # 0 single or left/header, 1 right column
    x0: float = 0.0

    @property
    def text(self) -> str:
        return " ".join(c.text for c in self.cells)


@dataclass
class Document:
    kind: str  # pdf | docx | txt
    lines: list[Line] = field(default_factory=list)
    pages: int = 0
    links: list[str] = field(default_factory=list)  # link targets (PDF annotations, DOCX rels)
    flags: list[str] = field(default_factory=list)
    two_column: bool = False

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)
