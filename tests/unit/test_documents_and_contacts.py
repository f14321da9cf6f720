"""Files are judged by content; phone numbers become E.164 where they can."""

from __future__ import annotations

import io
import zipfile

import pytest

from recruiting.intake.contact import PhoneRejected, normalise_phone
from recruiting.intake.documents import DocumentKind, Rejection, identify
from support import PNG, TINY_PDF, sample_resume_pdf


def _zip(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (TINY_PDF, DocumentKind.PDF),
        (b"\xef\xbb\xbf%PDF-1.7\n", DocumentKind.PDF),
        (_zip(["[Content_Types].xml", "word/document.xml"]), DocumentKind.DOCX),
        ("Résumé — Zoë Ångström\n".encode(), DocumentKind.TXT),
    ],
)
def test_accepted_documents(data, kind):
    assert identify(data) is kind


def test_a_real_resume_pdf_is_a_pdf():
    assert identify(sample_resume_pdf()) is DocumentKind.PDF


@pytest.mark.parametrize(
    ("data", "rule"),
    [
        (b"", "file_empty"),
        (PNG, "file_type"),
        (_zip(["xl/workbook.xml", "[Content_Types].xml"]), "file_type"),  # a spreadsheet
        (b"PK\x03\x04truncated", "file_type"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "file_type"),  # legacy .doc
        (b"{\\rtf1\\ansi hello}", "file_type"),
        (b"MZ\x90\x00" + bytes(range(256)), "file_type"),  # an executable
    ],
)
def test_refused_documents_say_why(data, rule):
    result = identify(data)
    assert isinstance(result, Rejection)
    assert result.rule == rule


@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [
        ("+49 30 901820", "US", "+4930901820"),
        ("(757) 864-1000", "US", "+17578641000"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("+1 757 864 1000 ext. 12", "US", "+17578641000"),
        ("12345", "US", None),  # plausible digits, not a number we understand: kept as typed
    ],
)
def test_phone_numbers(raw, region, e164):
    assert normalise_phone(raw, region) == e164


@pytest.mark.parametrize("raw", ["call me", "555-CALL-NOW", "1", "+" + "9" * 30])
def test_text_that_is_not_a_phone_number_is_refused(raw):
    with pytest.raises(PhoneRejected):
        normalise_phone(raw, "US")
