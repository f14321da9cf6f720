"""Every metric against a history computed by hand: withdrawn candidates, a
re-application, a reopened job, a move back, and an application received at 00:30 in
Berlin (23:30 UTC the day before) at the window's edge."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime

import pytest

from recruiting.models.jobs import Job, JobStatus, Opening
from recruiting.reports.metrics import Change, Entry, Hired, Metrics


def _t(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _job(job_id: int, title: str, department: str, recruiter: str, openings: list) -> Job:
    return Job(
        id=job_id,
        title=title,
        status=JobStatus.OPEN,
        department=department,
        recruiter_id=recruiter,
        location="Berlin" if job_id == 1 else "New York",
        created_at=_t("2025-12-01T00:00:00"),
        updated_at=_t("2026-02-01T00:00:00"),
        opened_at=openings[0].opened_at,
        openings=tuple(openings),
    )


JOBS = {
    # Backend: opened in January, closed, reopened on 1 February
    1: _job(
        1,
        "Backend",
        "Engineering",
        "rita",
        [
            Opening(opened_at=_t("2026-01-01T09:00:00"), closed_at=_t("2026-01-20T09:00:00")),
            Opening(opened_at=_t("2026-02-01T09:00:00")),
        ],
    ),
    2: _job(2, "Sales", "Sales", "sam", [Opening(opened_at=_t("2026-01-10T00:00:00"))]),
}

HISTORY = [
    # (application, candidate, job, kind, from, to, at, actor, reason)
    ("a7", "c7", 1, "applied", None, "applied", "2026-01-15T10:00:00", "candidate", None),
    ("a7", "c7", 1, "move", "applied", "offer", "2026-02-20T10:00:00", "rita", None),
    ("a5", "c5", 2, "applied", None, "applied", "2026-01-31T22:30:00", "candidate", None),
    ("a4", "c4", 2, "applied", None, "applied", "2026-01-31T23:30:00", "candidate", None),
    ("a1", "c1", 1, "applied", None, "applied", "2026-02-02T10:00:00", "candidate", None),
    ("a2", "c2", 1, "applied", None, "applied", "2026-02-03T10:00:00", "candidate", None),
    ("a1", "c1", 1, "move", "applied", "screen", "2026-02-04T10:00:00", "rita", None),
    ("a2", "c2", 1, "move", "applied", "screen", "2026-02-05T10:00:00", "rita", None),
    ("a3", "c3", 1, "applied", None, "applied", "2026-02-05T10:00:00", "candidate", None),
    ("a4", "c4", 2, "move", "applied", "screen", "2026-02-03T23:30:00", "sam", None),
    ("a2", "c2", 1, "reject", "screen", "screen", "2026-02-06T10:00:00", "rita", "skills"),
    ("a3", "c3", 1, "move", "applied", "interview", "2026-02-07T10:00:00", "rita", None),
    ("a1", "c1", 1, "move", "screen", "interview", "2026-02-09T10:00:00", "rita", None),
    ("a3", "c3", 1, "withdraw", "interview", "interview", "2026-02-10T10:00:00", "rita", None),
    ("a4", "c4", 2, "move", "screen", "offer", "2026-02-10T23:30:00", "sam", None),
    ("a4", "c4", 2, "withdraw", "offer", "offer", "2026-02-12T23:30:00", "sam", None),
    ("a1", "c1", 1, "move", "interview", "offer", "2026-02-14T10:00:00", "rita", None),
    ("a1", "c1", 1, "hire", "offer", "hired", "2026-02-16T10:00:00", "rita", None),
    # Grace (c2) applies again to Backend, is moved to screen, back, and forward again
    ("a6", "c2", 1, "applied", None, "applied", "2026-02-20T09:00:00", "candidate", None),
    ("a5", "c5", 2, "hire", "applied", "hired", "2026-02-20T12:00:00", "sam", None),
    ("a6", "c2", 1, "move", "applied", "screen", "2026-02-22T09:00:00", "rita", None),
    ("a6", "c2", 1, "move", "screen", "applied", "2026-02-23T09:00:00", "rita", None),
    ("a6", "c2", 1, "move", "applied", "screen", "2026-02-24T09:00:00", "rita", None),
    ("a7", "c7", 1, "hire", "offer", "hired", "2026-02-25T10:00:00", "rita", None),
    # after the window
    (
        "a6",
        "c2",
        1,
        "reject",
        "screen",
        "screen",
        "2026-03-05T09:00:00",
        "rita",
        "experience_level",
    ),
]
FACTS = {
    "a1": Hired(_t("2026-02-02T10:00:00"), "linkedin", date(2026, 3, 2)),
    "a5": Hired(_t("2026-01-31T22:30:00"), "referral", date(2026, 3, 1)),
    "a7": Hired(_t("2026-01-15T10:00:00"), None, date(2026, 3, 16)),
}


def _changes():
    """The history as storage records it: each change says since when the application
    was in the stage it left (``since``)."""
    entered: dict[str, datetime] = {}
    rows = []
    for a, c, j, k, f, t, at, actor, r in sorted(HISTORY, key=lambda row: row[6]):
        since = entered.get(a)
        if k == "applied" or t != f:
            entered[a] = _t(at)
        rows.append(Change(a, c, j, k, f, t, _t(at), actor, r, since))
    return rows


def _entries():
    """Each application as it is now: its last stage."""
    now: dict[str, Entry] = {}
    for a, _, j, _, _, t, at, *_ in sorted(HISTORY, key=lambda row: row[6]):
        applied = now[a].applied_at if a in now else _t(at)
        now[a] = Entry(j, t, applied)
    return list(now.values())


def _metrics(group_by=None, jobs=JOBS):
    return Metrics(
        jobs,
        date(2026, 2, 1),
        date(2026, 2, 28),
        "Europe/Berlin",
        group_by,
        lambda hires: {h.application_id: FACTS[h.application_id] for h in hires},
    ).feed(_changes(), _entries())


def test_funnel_reaches_pass_through_and_time_in_stage():
    report = _metrics().report("funnel")
    # a1 a2 a3 a4 a6 are the cohort: a4 came at 00:30 Berlin on 1 February; a5 at 23:30
    # on 31 January is not in it; a6 (a re-application) is
    assert report.headline == [("applications received", "5")]
    assert [row[1:] for row in report.rows] == [
        # stays 2, 2, 2, 3, 2, 1 (a6 moved back) and a5's 19.6 (hired from applied)
        ["applied", 5, "100.0%", "2.0"],
        # a3 skipped screen; stays that ended in February: 5, 1, 7, 1 (a6's last one
        # ended with its rejection on 5 March, after the window)
        ["screen", 5, "60.0%", "3.0"],
        ["interview", 3, "66.7%", "4.0"],  # a1 a3 (withdrew) a4 (skipped it); 5, 3
        ["offer", 2, "50.0%", "2.0"],  # a1, a4 (declined); stays 2, 2 and a7's 5
        ["hired", 1, "", ""],
    ]


def test_time_to_hire_fill_and_start():
    metrics = _metrics()
    # hires in the window: a1 (14 days), a5 (19 d 13.5 h), a7 (41 days)
    assert metrics.report("time_to_hire").rows == [["all", 3, "19.6", "24.9"]]
    # from the opening each hire filled: Backend reopened on 1 Feb at 09:00 UTC
    # a1 15 d 1 h, a7 24 d 1 h; Sales from 10 January: 41.5 days
    assert metrics.report("time_to_fill").rows == [["all", 3, "24.0", "26.9"]]
    # hired on (Berlin dates) 16, 20 and 25 February; starting 2, 1 and 16 March
    assert metrics.report("time_to_start").rows == [["all", 3, "14.0", "14.0"]]


def test_source_offers_rejections_and_activity():
    metrics = _metrics()
    assert metrics.report("source_of_hire").rows == [
        ["all", "(unknown)", 1, "33.3%"],
        ["all", "linkedin", 1, "33.3%"],
        ["all", "referral", 1, "33.3%"],
    ]
    # three hires accepted; a4 withdrew while in the offer stage
    assert metrics.report("offer_acceptance").rows == [["all", 3, 1, "75.0%"]]
    # a6's rejection on 5 March is after the window
    assert metrics.report("rejection_reasons").rows == [["all", "skills", 1, "100.0%"]]
    assert metrics.report("recruiter_activity").rows == [
        ["all", "rita", 9, 1, 1, 2, 13],
        ["all", "sam", 2, 0, 1, 1, 4],
    ]


def test_grouped_by_department_and_filtered_to_one_job():
    by_department = _metrics("department")
    assert by_department.report("time_to_hire").rows == [
        ["Engineering", 2, "27.5", "27.5"],
        ["Sales", 1, "19.6", "19.6"],
    ]
    funnel = {(r[0], r[1]): r[2] for r in by_department.report("funnel").rows}
    assert (funnel[("Engineering", "applied")], funnel[("Sales", "applied")]) == (4, 1)
    only_backend = _metrics(jobs={1: JOBS[1]})
    assert only_backend.report("offer_acceptance").rows == [["all", 2, 0, "100.0%"]]


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin"])
def test_the_window_edge_follows_the_report_time_zone(zone):
    metrics = Metrics(JOBS, date(2026, 2, 1), date(2026, 2, 28), zone, None, lambda hires: {}).feed(
        _changes(), _entries()
    )
    # at 23:30 UTC on 31 January it is already 1 February in Berlin
    expected = "5" if zone == "Europe/Berlin" else "4"
    assert metrics.report("funnel").headline == [("applications received", expected)]


def test_csv_is_rfc4180_with_an_optional_bom_and_neutralises_formulas():
    import csv
    import io

    from recruiting.reports.exports import to_csv
    from recruiting.reports.metrics import Report

    report = Report(
        "source_of_hire",
        "Source of hire",
        ["group", "source", "hires", "share"],
        [
            ["all", '=HYPERLINK("http://evil.example","x")', 1, "50.0%"],
            ["all", "+1 555", 1, "-5.0"],
            ["all", "@SUM(A1)", 2, "x"],
            ["all", "\tTab", 3, "y"],
            ["all", 'He said "hi", then\r\nleft', -2, "-"],
        ],
    )
    raw = to_csv(report, [("from", "2026-02-01")], bom=True)
    # UTF-8 with a BOM (Excel then reads the encoding right), CRLF line ends
    assert raw.startswith(b"\xef\xbb\xbfSource of hire\r\n")
    rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))
    assert rows[1] == ["from", "2026-02-01"]
    assert rows[2] == ["group", "source", "hires", "share"]
    # every formula lead is neutralised; numbers (and a negative one) are left alone
    assert [r[1] for r in rows[3:]] == [
        '\'=HYPERLINK("http://evil.example","x")',
        "'+1 555",
        "'@SUM(A1)",
        "'\tTab",
        'He said "hi", then\r\nleft',
    ]
    assert rows[4][3] == "-5.0"
    assert rows[7][2] == "-2"
    assert rows[7][3] == "'-"
    assert not to_csv(report).startswith(b"\xef\xbb\xbf")


def test_the_pdf_is_a_short_readable_report():
    from recruiting.reports.exports import to_pdf

    report = _metrics("department").report("time_to_hire")
    pdf = to_pdf(report, [("window", "2026-02-01 to 2026-02-28 (Europe/Berlin)")], "Acme")
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    assert len(document) == 1
    text = document[0].get_textpage().get_text_range()
    for expected in (
        "Time to hire (application to offer accepted)",
        "window: 2026-02-01 to 2026-02-28 (Europe/Berlin)",
        "hires: 3",
        "Engineering",
        "27.5",
        "median days",
    ):
        assert expected in text, expected


def test_the_pdf_is_drawn_without_pillow(tmp_path):
    # Given an interpreter where Pillow cannot be imported, as in the reports layer
    script = tmp_path / "no_pillow.py"
    script.write_text(
        "import sys, warnings\n"
        "sys.modules['PIL'] = None\n"
        "warnings.simplefilter('error')\n"
        "from datetime import date\n"
        "from recruiting.reports.exports import to_pdf\n"
        "from recruiting.reports.metrics import Metrics\n"
        "metrics = Metrics({}, date(2026, 2, 1), date(2026, 2, 28), 'UTC', None, dict)\n"
        "report = metrics.feed([], []).report('funnel')\n"
        "sys.stdout.buffer.write(to_pdf(report, [('window', 'February')], 'Acme'))\n"
    )
    # When the report is drawn
    done = subprocess.run([sys.executable, str(script)], capture_output=True, check=False)
    # Then it is a PDF, with no warning and no error
    assert done.returncode == 0, done.stderr.decode()
    assert "PIL" not in done.stderr.decode()
    import pypdfium2

    text = pypdfium2.PdfDocument(done.stdout)[0].get_textpage().get_text_range()
    assert "window: February" in text
