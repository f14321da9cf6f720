"""Limits checked before a parser library sees a file.

pdfium and zipfile decompress whatever they are given, so the checks here
bound what a file may make them do: its size, what it is (by content), how
much its compressed streams or zip members inflate to, how many pages or
members it has. Each refusal is an ``UnreadableDocument`` with a rule name.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from recruiting.intake.documents import DocumentKind, Rejection, identify
from recruiting.resumes.errors import UnreadableDocument

MAX_FILE_BYTES = 10 * 1024 * 1024  # the upload limit
MAX_PAGES = 20  # resumes are short; hundreds of pages are not a resume
MAX_TEXT_CHARS = 200_000  # what the parser reads; the rest is cut and flagged
# PDF: total inflated size of all Flate streams, and the worst ratio of one stream.
MAX_PDF_INFLATED_BYTES = 64 * 1024 * 1024
MAX_STREAM_RATIO = 200
MIN_RATIO_CHECKED_BYTES = 4 * 1024 * 1024  # small streams may compress well
# DOCX: members, declared and actual inflated sizes.
MAX_ZIP_MEMBERS = 500
MAX_ZIP_INFLATED_BYTES = 50 * 1024 * 1024
MAX_XML_PART_BYTES = 8 * 1024 * 1024
MAX_MEMBER_RATIO = 100

_STREAM = re.compile(rb"stream\r?\n")
_FLATE = re.compile(rb"/FlateDecode|/Fl\b")


def check_kind(data: bytes) -> DocumentKind:
    """What the bytes are (PDF, DOCX, TXT), refusing anything else or anything too big."""
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableDocument(
            "file_too_large", f"is {len(data)} bytes; the limit is {MAX_FILE_BYTES}"
        )
    kind = identify(data)
    if isinstance(kind, Rejection):
        raise UnreadableDocument(kind.rule, kind.message)
    return kind


def check_pdf_streams(data: bytes) -> None:
    """Inflate every Flate stream into nothing, bounded, before pdfium sees them.

    A decompression bomb is a small stream that inflates to gigabytes; pdfium
    would allocate all of it. Here each stream is inflated in chunks whose
    output is discarded, and the scan stops at the first limit crossed.
    """
    total = 0
    position = 0
    while True:
        match = _STREAM.search(data, position)
        if match is None:
            return
        start = match.end()
        end = data.find(b"endstream", start)
        if end < 0:
            end = len(data)
        position = end
        dictionary = data[max(0, match.start() - 512) : match.start()]
        dictionary = dictionary[dictionary.rfind(b"<<") :]
        if not _FLATE.search(dictionary):
            continue
        total += _inflated_size(data, start, end, MAX_PDF_INFLATED_BYTES - total)


def _inflated_size(data: bytes, start: int, end: int, budget: int) -> int:
    """How much one stream inflates to, stopping at the budget or a bomb's ratio."""
    inflater = zlib.decompressobj()
    produced = 0
    pending = data[start:end]
    compressed = len(pending)
    try:
        while pending:
            out = inflater.decompress(pending, 256 * 1024)
            produced += len(out)
            pending = inflater.unconsumed_tail
            consumed = compressed - len(pending)
            if produced > budget:
                raise UnreadableDocument(
                    "pdf_bomb",
                    f"inflates to more than {MAX_PDF_INFLATED_BYTES} bytes (a decompression bomb)",
                )
            ratio = produced // max(consumed, 1)
            if produced > MIN_RATIO_CHECKED_BYTES and ratio > MAX_STREAM_RATIO:
                raise UnreadableDocument(
                    "pdf_bomb", f"has a stream inflating {ratio}:1 (a decompression bomb)"
                )
            if inflater.eof:
                break
    except zlib.error:
        return produced  # a broken stream: pdfium will skip or refuse it
    return produced


def open_docx(data: bytes) -> zipfile.ZipFile:
    """The DOCX archive, after checking its members cannot exhaust memory."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError, OSError) as error:
        raise UnreadableDocument("file_corrupt", f"is not a readable DOCX: {error}") from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise UnreadableDocument(
            "zip_bomb", f"has {len(members)} members (at most {MAX_ZIP_MEMBERS})"
        )
    declared = sum(m.file_size for m in members)
    if declared > MAX_ZIP_INFLATED_BYTES:
        raise UnreadableDocument(
            "zip_bomb", f"declares {declared} inflated bytes (at most {MAX_ZIP_INFLATED_BYTES})"
        )
    for member in members:
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            # Word writes stored or deflated parts; anything else zipfile cannot read.
            raise UnreadableDocument(
                "file_corrupt", f"member {member.filename} uses an unsupported compression"
            )
        if member.file_size > MIN_RATIO_CHECKED_BYTES and member.file_size > MAX_MEMBER_RATIO * max(
            member.compress_size, 1
        ):
            raise UnreadableDocument(
                "zip_bomb", f"member {member.filename} inflates more than {MAX_MEMBER_RATIO}:1"
            )
    return archive


def read_member(archive: zipfile.ZipFile, name: str) -> bytes | None:
    """A member's bytes, reading at most the part limit whatever its header declares."""
    try:
        with archive.open(name) as member:
            data = member.read(MAX_XML_PART_BYTES + 1)
    except KeyError:
        return None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
        raise UnreadableDocument("file_corrupt", f"{name} cannot be read: {error}") from None
    if len(data) > MAX_XML_PART_BYTES:
        raise UnreadableDocument("zip_bomb", f"{name} inflates beyond {MAX_XML_PART_BYTES} bytes")
    return data
