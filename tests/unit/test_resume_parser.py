"""The resume parser as a library and a command: fields, layouts, hostile files."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
import tracemalloc
import zipfile
import zlib
from datetime import date
from pathlib import Path

import pytest
from fpdf import FPDF

from recruiting.resumes import UnreadableDocument, parse_bytes, parse_file
from recruiting.resumes.profile import Experience, years_of_experience

FIXTURES = Path(__file__).parents[1] / "fixtures" / "resumes"
OFFLINECV = Path(__file__).parents[2].parent / "shared" / "resumes" / "offlinecv"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
TODAY = date(2026, 11, 25)


def _docx(document: bytes | str, extra: dict[str, bytes | str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", document)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _pdf(pages: int = 1, text: str = "Ada Lovelace", image: bool = False) -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for _ in range(pages):
        pdf.add_page()
        if image:
            from PIL import Image

            picture = Image.new("RGB", (400, 300), "white")
            buffer = io.BytesIO()
            picture.save(buffer, format="PNG")
            pdf.image(buffer, x=10, y=10, w=180)
        else:
            pdf.cell(0, 10, text)
    return bytes(pdf.output())


def _refused(data: bytes) -> UnreadableDocument:
    with pytest.raises(UnreadableDocument) as refused:
        parse_bytes(data)
    return refused.value


# --- what a recruiter sees ------------------------------------------------------


def test_a_resume_becomes_a_structured_profile():
    # Given a one-column PDF with three roles at one company and three kinds of link
    profile = parse_file(FIXTURES / "pdf-1col-multirole-links.pdf", as_of=TODAY)
    data = profile.to_json()
    # Then every part of the profile is read, dates as YYYY-MM and the current end null
    assert data["name"] == "Kevin Tran"
    assert data["email"] == "kevin.tran@example.com"
    assert data["phone"].startswith("+1")
    assert {link["kind"] for link in data["links"]} == {"linkedin", "github", "portfolio"}
    roles = [(e["title"], e["company"]) for e in data["experience"]]
    assert roles[:3] == [
        ("Staff Site Reliability Engineer", "Cobalt Cloud Systems"),
        ("Senior Site Reliability Engineer", "Cobalt Cloud Systems"),
        ("Site Reliability Engineer", "Cobalt Cloud Systems"),
    ]
    assert data["experience"][0]["end"] is None
    assert data["experience"][0]["current"] is True
    assert data["experience"][1]["start"] == "2019-04"
    assert "Kubernetes" in data["skills"]
    assert data["education"][0]["institution"] == "Santa Clara Valley Polytechnic"
    # And each field carries a confidence
    assert {"name", "email", "phone", "experience", "skills"} <= set(data["confidence"])
    assert all(0 < c <= 1 for c in data["confidence"].values())


def test_two_column_pages_are_read_column_by_column():
    # Given a two-column PDF written row by row (sidebar and main interleaved)
    profile = parse_file(FIXTURES / "pdf-2col-interleaved.pdf", as_of=TODAY)
    # Then the sidebar's skills stay together and the main column's roles keep their dates
    assert profile.skills == [
        "Python", "Go", "PostgreSQL", "Kafka", "Kubernetes", "Terraform", "gRPC", "AWS"
    ]  # fmt: skip
    assert [(e.title, e.start) for e in profile.experience] == [
        ("Senior Backend Engineer", "2022-03"),
        ("Software Engineer", "2019-01"),
        ("Junior Developer", "2016"),
    ]
    assert "two_column" in profile.flags


@pytest.mark.parametrize(
    ("name", "email", "phone"),
    [
        ("docx-header-contact.docx", "priya.raghunathan@example.com", "+15125550147"),
        ("txt-international.txt", "zoe.angstrom-lukasik@example.com", "+442079460958"),
        ("pdf-1col-european.pdf", "joerg.weissmann@example.com", "+493023125417"),
    ],
)
def test_docx_txt_and_international_numbers(name, email, phone):
    # Given resumes in DOCX (contact in the page header), TXT and a German PDF
    profile = parse_file(FIXTURES / name, as_of=TODAY)
    truth = json.loads((FIXTURES / name).with_suffix(".truth.json").read_text())
    # Then the name is the one printed, accents and all, and the phone is E.164
    assert profile.name == truth["contact"]["full_name"]
    assert profile.email == email
    assert profile.phone == phone


def test_years_of_experience_is_the_union_of_the_intervals():
    # Given two overlapping jobs and a later one
    jobs = [
        Experience("A", "X", "2018-01", "2020-12", False),
        Experience("B", "Y", "2020-01", "2021-12", False),  # overlaps A by a year
        Experience("C", "Z", "2023-01", None, True),
    ]
    # Then the overlap counts once: 4 years, then Jan 2023 to Nov 2026
    assert years_of_experience(jobs, TODAY) == round((48 + 47) / 12, 1)


def test_an_image_only_pdf_is_flagged_for_ocr_not_silently_empty():
    profile = parse_bytes(_pdf(image=True), as_of=TODAY)
    assert "needs_ocr" in profile.flags
    assert "no_contact" in profile.flags


def test_a_known_file_under_the_wrong_extension_is_read_and_flagged():
    data = (FIXTURES / "txt-plain.txt").read_bytes()
    profile = parse_bytes(data, filename="resume.pdf", as_of=TODAY)
    assert profile.name == "Emily Chen"
    assert "extension_mismatch" in profile.flags


@pytest.mark.skipif(not OFFLINECV.is_dir(), reason="../shared/resumes is not beside the repo")
def test_every_corpus_pdf_parses_and_shows_its_email():
    # Given the 61 real-world PDFs of the shared corpus
    pdfs = sorted(OFFLINECV.rglob("*.pdf"))
    assert len(pdfs) == 61
    for path in pdfs:
        profile = parse_file(path, as_of=TODAY)
        # Then none crashes and each finds the e-mail address printed on it
        assert profile.email, path.name
        assert profile.email in profile.text.lower(), path.name


# --- hostile and broken files --------------------------------------------------


def test_a_zip_bomb_docx_is_refused_quickly_and_within_memory():
    # Given a 300 KB DOCX whose document part inflates to 300 MB
    body = b"<w:document " + W.encode() + b"><w:body><w:p><w:r><w:t>"
    bomb = _docx(body + b"A" * (300 * 1024 * 1024) + b"</w:t></w:r></w:p></w:body></w:document>")
    assert len(bomb) < 1024 * 1024
    tracemalloc.start()
    started = time.perf_counter()
    refused = _refused(bomb)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # Then it is refused by rule, without inflating it
    assert refused.rule == "zip_bomb"
    assert elapsed < 2
    assert peak < 32 * 1024 * 1024


def test_a_docx_part_beyond_the_part_limit_is_not_read_past_it():
    # Given a DOCX (small overall) whose document.xml inflates past the 8 MB part limit
    body = b"<w:document " + W.encode() + b"><w:body>" + b"<w:p/>" * (3 * 1024 * 1024)
    data = _docx(body + b"</w:body></w:document>")
    assert zipfile.ZipFile(io.BytesIO(data)).getinfo("word/document.xml").file_size > 8 << 20
    # Then reading stops at the limit and the file is refused by rule
    assert _refused(data).rule == "zip_bomb"


@pytest.mark.parametrize(
    "dtd",
    [
        '<!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',  # laughs
        '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>',  # external entity
    ],
)
def test_xml_entity_tricks_are_refused(dtd):
    document = f'<?xml version="1.0"?>{dtd}<w:document {W}><w:body><w:p><w:r><w:t>&x;</w:t>'
    refused = _refused(_docx(document + "</w:r></w:p></w:body></w:document>"))
    assert refused.rule == "xml_entities"


def test_a_pdf_decompression_bomb_is_refused_before_pdfium_sees_it():
    # Given a 200 KB PDF whose content stream inflates to 200 MB
    stream = zlib.compress(b"\0" * (200 * 1024 * 1024), 9)
    data = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R>>endobj\n"
        b"4 0 obj<</Length " + str(len(stream)).encode() + b"/Filter/FlateDecode>>stream\n"
        + stream + b"\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF"
    )  # fmt: skip
    tracemalloc.start()
    started = time.perf_counter()
    refused = _refused(data)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert refused.rule == "pdf_bomb"
    assert elapsed < 2
    assert peak < 32 * 1024 * 1024


def test_hundreds_of_pages_are_refused_quickly():
    started = time.perf_counter()
    refused = _refused(_pdf(pages=300))
    assert refused.rule == "too_many_pages"
    assert "300 pages" in refused.message
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize(
    ("data", "rule"),
    [
        (b"", "file_empty"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "file_type"),
        (b"\xd0\xcf\x11\xe0" + b"\0" * 64, "file_type"),
        (b"PK\x03\x04garbage", "file_type"),
        (b"%PDF-1.7\n1 0 obj<<", "file_corrupt"),
        (b"x" * (10 * 1024 * 1024 + 1), "file_too_large"),
    ],
    ids=["empty", "image", "legacy-word", "broken-zip", "truncated-pdf", "too-large"],
)
def test_broken_files_are_refused_with_their_rule(data, rule):
    assert _refused(data).rule == rule


def test_a_truncated_copy_of_a_real_resume_is_refused():
    whole = (FIXTURES / "pdf-1col-european.pdf").read_bytes()
    assert _refused(whole[: len(whole) // 2]).rule == "file_corrupt"


# --- the command -------------------------------------------------------------------


def test_resume_parse_prints_one_json_object_per_file(tmp_path):
    # Given a good resume and a broken one
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj<<")
    good = FIXTURES / "txt-plain.txt"
    # When the command reads both
    run = subprocess.run(
        [sys.executable, "-m", "recruiting.resumes.cli", str(good), str(broken)],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    # Then each file has its line: a profile with the documented keys, or the refusal
    assert [line["file"] for line in lines] == [str(good), str(broken)]
    profile = lines[0]["profile"]
    assert set(profile) >= {
        "name", "email", "phone", "location", "links", "skills", "experience", "education",
        "years_experience", "confidence", "flags",
    }  # fmt: skip
    assert set(profile["experience"][0]) == {"title", "company", "start", "end", "current"}
    assert set(profile["education"][0]) == {"institution", "degree", "start", "end"}
    assert lines[1]["error"]["rule"] == "file_corrupt"
    assert run.returncode == 1
