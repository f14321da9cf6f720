"""Resumes and cover letters are recognised by what they contain, not their name."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from enum import Enum


class DocumentKind(Enum):
    PDF = ("pdf", "application/pdf")
    DOCX = ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    TXT = ("txt", "text/plain; charset=utf-8")

    @property
    def extension(self) -> str:
        return self.value[0]

    @property
    def content_type(self) -> str:
        return self.value[1]


# What a browser may declare for a direct (presigned) upload.
UPLOAD_CONTENT_TYPES: dict[str, DocumentKind] = {
    "application/pdf": DocumentKind.PDF,
    DocumentKind.DOCX.content_type: DocumentKind.DOCX,
    "text/plain": DocumentKind.TXT,
}


@dataclass(frozen=True)
class Rejection:
    rule: str
    message: str


def _looks_like_docx(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        # Reads only the central directory: nothing is decompressed here.
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, EOFError, OSError):
        return False
    return "word/document.xml" in names and "[Content_Types].xml" in names


def _looks_like_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    return controls <= len(text) // 100


def identify(data: bytes) -> DocumentKind | Rejection:
    """The document's kind by its bytes, or why it is not acceptable."""
    if not data:
        return Rejection("file_empty", "is empty")
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"%PDF-"):
        return DocumentKind.PDF
    if _looks_like_docx(data):
        return DocumentKind.DOCX
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return Rejection("file_type", "is a legacy Word (.doc) file: save it as PDF or DOCX")
    if head.startswith(b"{\\rtf"):
        return Rejection("file_type", "is an RTF file: save it as PDF or DOCX")
    if _looks_like_text(data):
        return DocumentKind.TXT
    return Rejection("file_type", "must be a PDF, DOCX or plain-text file (checked by content)")
