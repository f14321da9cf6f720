"""PDF text with positions, through pdfium (pypdfium2).

pdfium gives characters in content-stream order with boxes; words are cut at
the spaces it generates, and one call per word edge gives their positions,
which keeps extraction close to pdfium's own speed. ``layout`` then finds
columns and orders the cells. Imported only by the parser, never by the API
handlers: pdfium is a 9 MB native library.
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from recruiting.resumes.document import Document
from recruiting.resumes.errors import UnreadableDocument
from recruiting.resumes.layout import Segment, lay_out
from recruiting.resumes.safety import MAX_PAGES, MAX_TEXT_CHARS, check_pdf_streams

_WORD = re.compile(r"[^\s\ufffe\uffff]+")
_BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
_FORCE_BOLD = 0x40000
# pdfium reports a drawn hyphen as a soft hyphen (U+00AD), Word writes "-\u00ad\u2010"
_HYPHENS = re.compile("[-\u00ad\u2010\u2011]+")
MIN_TEXT_PER_PAGE = 40  # fewer visible characters than this: the page is an image


def extract_pdf(data: bytes) -> Document:
    check_pdf_streams(data)
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        message = str(error)
        if "password" in message.lower():
            raise UnreadableDocument("file_encrypted", "is password-protected") from None
        raise UnreadableDocument("file_corrupt", f"is not a readable PDF ({message})") from None
    try:
        pages = len(pdf)
        if pages == 0:
            raise UnreadableDocument("file_corrupt", "has no pages")
        if pages > MAX_PAGES:
            raise UnreadableDocument(
                "too_many_pages", f"has {pages} pages; a resume has at most {MAX_PAGES}"
            )
        document = Document(kind="pdf", pages=pages)
        chars = 0
        images = 0
        for number in range(pages):
            page = pdf[number]
            try:
                textpage = page.get_textpage()
                segments = _segments(textpage)
                chars += sum(len(s.text) for s in segments)
                images += _image_count(page)
                document.links.extend(_links(pdf, page))
                lines, two_column = lay_out(segments, page.get_width(), number)
                document.lines.extend(lines)
                document.two_column = document.two_column or two_column
                textpage.close()
            finally:
                page.close()
            if chars > MAX_TEXT_CHARS:
                document.flags.append("truncated")
                break
        if chars < MIN_TEXT_PER_PAGE * pages:
            document.flags.append("needs_ocr" if images or chars == 0 else "little_text")
        return document
    finally:
        pdf.close()


def _segments(textpage: Any) -> list[Segment]:
    handle = textpage.raw
    count = raw.FPDFText_CountChars(handle)
    if count <= 0:
        return []
    text = textpage.get_text_range()
    if len(text) != count:  # characters outside the BMP: read them one by one
        text = "".join(chr(raw.FPDFText_GetUnicode(handle, i) or 32) for i in range(count))
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    x, y = ctypes.c_double(), ctypes.c_double()
    matrix = raw.FS_MATRIX()
    words: list[_Word] = []
    for match in _WORD.finditer(text):
        first, last = match.start(), match.end() - 1
        raw.FPDFText_GetCharBox(handle, first, left, right, bottom, top)
        x0 = left.value
        raw.FPDFText_GetCharOrigin(handle, first, x, y)
        baseline = y.value
        size = raw.FPDFText_GetFontSize(handle, first)
        if size < 3:  # a unit font scaled by the text matrix (Word's PDFs)
            raw.FPDFText_GetMatrix(handle, first, matrix)
            size = size * (abs(matrix.d) or abs(matrix.a)) or (top.value - bottom.value)
        if last != first:
            raw.FPDFText_GetCharBox(handle, last, left, right, bottom, top)
        x1 = right.value
        newline = "\n" in text[words[-1].end : first] if words else True
        words.append(_Word(match.group(), first, match.end(), x0, x1, baseline, size, newline))
    return _merge(words, handle)


@dataclass
class _Word:
    text: str
    start: int
    end: int
    x0: float
    x1: float
    y: float
    size: float
    newline: bool  # pdfium started a new line before this word


def _merge(words: list[_Word], handle: Any) -> list[Segment]:
    """Words into segments: a wide gap or a new line starts a new segment."""
    segments: list[Segment] = []
    current: list[_Word] = []
    for word in words:
        if current:
            previous = current[-1]
            gap = word.x0 - previous.x1
            size = max(previous.size, word.size, 1.0)
            same_line = not word.newline and abs(word.y - previous.y) < 0.5 * size
            if not same_line or gap > 1.1 * size or gap < -0.5 * size:
                segments.append(_segment(current, handle))
                current = []
        current.append(word)
    if current:
        segments.append(_segment(current, handle))
    return segments


def _segment(words: list[_Word], handle: Any) -> Segment:
    first = words[0]
    return Segment(
        text=_HYPHENS.sub("-", " ".join(w.text for w in words)),
        x0=first.x0,
        x1=words[-1].x1,
        y=first.y,
        size=round(max(w.size for w in words), 1),
        bold=_is_bold(handle, first.start),
    )


def _is_bold(handle: Any, index: int) -> bool:
    if raw.FPDFText_GetFontWeight(handle, index) >= 600:
        return True
    flags = ctypes.c_int()
    buffer = ctypes.create_string_buffer(128)
    length = raw.FPDFText_GetFontInfo(handle, index, buffer, 128, flags)
    name = buffer.value.decode("latin-1", "replace") if length else ""
    return bool(flags.value & _FORCE_BOLD) or bool(_BOLD_NAME.search(name))


def _image_count(page: Any) -> int:
    handle = page.raw
    return sum(
        1
        for i in range(raw.FPDFPage_CountObjects(handle))
        if raw.FPDFPageObj_GetType(raw.FPDFPage_GetObject(handle, i)) == raw.FPDF_PAGEOBJ_IMAGE
    )


def _links(pdf: Any, page: Any) -> list[str]:
    """URI targets of the page's link annotations ("LinkedIn" as a hyperlink)."""
    found: list[str] = []
    position = ctypes.c_int(0)
    link = raw.FPDF_LINK()
    while raw.FPDFLink_Enumerate(page.raw, position, link) and len(found) < 50:
        action = raw.FPDFLink_GetAction(link)
        if not action or raw.FPDFAction_GetType(action) != raw.PDFACTION_URI:
            continue
        size = raw.FPDFAction_GetURIPath(pdf.raw, action, None, 0)
        if not 0 < size <= 2048:
            continue
        buffer = ctypes.create_string_buffer(size)
        raw.FPDFAction_GetURIPath(pdf.raw, action, buffer, size)
        found.append(buffer.value.decode("utf-8", "replace"))
    return found
