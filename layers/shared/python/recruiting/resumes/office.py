"""DOCX and plain text into lines.

DOCX is read with the standard library's zipfile and defusedxml (no DTDs,
no entities), in document order: the page header first (where contact
lines often live), then the body with its tables and text boxes, then the
footer. A text box appears twice in Word's XML (the drawing and a VML
fallback); only the drawing is read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from recruiting.resumes.document import Cell, Document, Line
from recruiting.resumes.errors import UnreadableDocument
from recruiting.resumes.safety import MAX_TEXT_CHARS, open_docx, read_member

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_HYPERLINK_TYPE = "relationships/hyperlink"
_CELL_GAP = re.compile(r"\t+| {3,}")
_RULE = re.compile(r"\s*[=\-_~*#+─━═]{3,}\s*")


def extract_docx(data: bytes) -> Document:
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    archive = open_docx(data)
    document = Document(kind="docx", pages=1)
    names = archive.namelist()
    parts = [
        *sorted(n for n in names if re.fullmatch(r"word/header\d*\.xml", n)),
        "word/document.xml",
        *sorted(n for n in names if re.fullmatch(r"word/footer\d*\.xml", n)),
    ]
    for name in parts:
        raw = read_member(archive, name)
        if raw is None:
            if name == "word/document.xml":
                raise UnreadableDocument("file_corrupt", "has no word/document.xml")
            continue
        try:
            root = ElementTree.fromstring(raw)
        except DefusedXmlException:
            raise UnreadableDocument(
                "xml_entities", f"{name} declares a DTD or entities (refused)"
            ) from None
        except ElementTree.ParseError as error:
            raise UnreadableDocument(
                "file_corrupt", f"{name} is not well-formed: {error}"
            ) from None
        document.lines.extend(_blocks(root))
        if sum(len(line.text) for line in document.lines) > MAX_TEXT_CHARS:
            document.flags.append("truncated")
            break
    rels = read_member(archive, "word/_rels/document.xml.rels")
    if rels:
        try:
            for rel in ElementTree.fromstring(rels).iter(REL):
                if rel.get("Type", "").endswith(_HYPERLINK_TYPE) and rel.get("Target"):
                    document.links.append(rel.get("Target", ""))
        except (DefusedXmlException, ElementTree.ParseError):
            document.flags.append("bad_relationships")
    return document


def _blocks(element: Any) -> Iterator[Line]:
    for child in element:
        tag = child.tag
        if tag == MC_FALLBACK:
            continue
        if tag == f"{W}p":
            yield from _paragraph(child)
        elif tag == f"{W}tbl":
            yield from _table(child)
        else:
            yield from _blocks(child)


def _paragraph(paragraph: Any) -> Iterator[Line]:
    """One paragraph: its lines (split at breaks, cells at tabs), then its text boxes."""
    pieces: list[str] = []
    nested: list[Any] = []
    bold_chars = 0
    chars = 0
    size = 0.0
    style = paragraph.find(f"{W}pPr/{W}pStyle")
    heading_style = style is not None and "heading" in (style.get(f"{W}val") or "").lower()

    def walk(node: Any) -> None:
        nonlocal bold_chars, chars, size
        for child in node:
            tag = child.tag
            if tag == MC_FALLBACK:
                continue
            if tag == f"{W}txbxContent":
                nested.append(child)
            elif tag == f"{W}r":
                props = child.find(f"{W}rPr")
                bold = props is not None and props.find(f"{W}b") is not None
                if props is not None and (sz := props.find(f"{W}sz")) is not None:
                    size = max(size, _half_points(sz.get(f"{W}val")))
                for part in child:
                    if part.tag == f"{W}t" and part.text:
                        pieces.append(part.text)
                        chars += len(part.text)
                        bold_chars += len(part.text) if bold else 0
                    elif part.tag == f"{W}tab":
                        pieces.append("\t")
                    elif part.tag in (f"{W}br", f"{W}cr"):
                        pieces.append("\n")
                    elif part.tag != f"{W}rPr":
                        walk(part)
            elif tag != f"{W}pPr":
                walk(child)

    walk(paragraph)
    bold = heading_style or (chars > 0 and bold_chars >= 0.8 * chars)
    for text in "".join(pieces).split("\n"):
        cells = [Cell(c.strip()) for c in _CELL_GAP.split(text) if c.strip()]
        if cells:
            yield Line(cells=cells, size=size, bold=bold)
    for box in nested:
        yield from _blocks(box)


def _table(table: Any) -> Iterator[Line]:
    """A row's first lines side by side as one line; the rest of each cell after it."""
    for row in table.findall(f"{W}tr"):
        cells = [list(_blocks(cell)) for cell in row.findall(f"{W}tc")]
        first = [lines[0] for lines in cells if lines]
        if first:
            yield Line(
                cells=[c for line in first for c in line.cells],
                size=max(line.size for line in first),
                bold=all(line.bold for line in first),
            )
        for lines in cells:
            yield from lines[1:]


def _half_points(value: str | None) -> float:
    try:
        return int(value or 0) / 2
    except ValueError:
        return 0.0


def extract_text(data: bytes) -> Document:
    """Plain text; cells are split at tabs or runs of three spaces."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = data.decode("latin-1")
    document = Document(kind="txt", pages=1)
    if len(text) > MAX_TEXT_CHARS:
        text = text[:MAX_TEXT_CHARS]
        document.flags.append("truncated")
    for raw_line in text.splitlines():
        if _RULE.fullmatch(raw_line):
            continue  # ===== or ----- under a heading
        cells = [Cell(c.strip()) for c in _CELL_GAP.split(raw_line) if c.strip()]
        if cells:
            document.lines.append(Line(cells=cells, x0=len(raw_line) - len(raw_line.lstrip())))
    return document
