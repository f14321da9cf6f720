"""Reports through the recruiter API: requested, built asynchronously from the stage
history in DynamoDB, fetched when ready; scoped to the caller's role; and subscriptions
e-mailed at their local time, once per occurrence."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from recruiting import wiring
from recruiting.outreach import mail
from recruiting_local.context import LocalContext
from support import application, drain

MONDAY = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.value = now

    def __call__(self) -> datetime:
        return self.value


@pytest.fixture
def world(aws, api, ats, demo, tmp_path, monkeypatch):
    monkeypatch.setenv("OUTREACH_OUTBOX_DIR", str(tmp_path / "outbox"))
    from report_exports import handler

    from intake import dependencies as intake
    from recruiter import dependencies

    handler.use(None)
    runner = handler.build()
    clock = Clock(MONDAY)
    recruiter = dependencies.get()
    runner.now = recruiter.reports.now = recruiter.pipeline.now = clock
    intake.get().service.now = clock
    url = aws[wiring.REPORT_REQUESTS_QUEUE.env]
    bucket = aws[wiring.REPORTS.env]

    class World:
        def __init__(self) -> None:
            self.clock = clock
            self.outbox = mail.LocalOutbox(tmp_path / "outbox")

        def build(self) -> list[str]:
            return drain(url, handler.lambda_handler, "report_exports")

        def tick(self) -> list[str]:
            handler.lambda_handler({"source": "aws.scheduler"}, LocalContext("report_exports"))
            return self.build()

        def file(self, key: str) -> bytes:
            return boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()

        def files(self) -> list[str]:
            listing = boto3.client("s3").list_objects_v2(Bucket=bucket).get("Contents", [])
            return sorted(o["Key"] for o in listing)

    yield World()
    handler.use(None)


def _history(api, ats, world) -> None:
    """Two applications to the backend job and one to the designer job (another hiring
    manager's): one hired after 9 days, one rejected for skills."""
    recruiter = ats.as_role("recruiter")
    grace = api.post_json("/jobs/4000001/applications", application(email="grace@example.com"))
    world.clock.value += timedelta(days=1)
    ada = api.post_json("/jobs/4000001/applications", application(email="ada@example.com"))
    designer = api.post_json(
        "/jobs/4000002/applications",
        application(email="dee@example.com", answers={"201": "https://dee.example"}, consent={}),
    )
    assert {grace.status, ada.status, designer.status} == {201}
    g, a = grace.json(), ada.json()

    def path(receipt: dict, action: str) -> str:
        return (
            f"/ats/candidates/{receipt['candidate_id']}/applications/"
            f"{receipt['application_id']}/{action}"
        )

    world.clock.value += timedelta(days=2)
    assert recruiter.post_json(path(g, "moves"), {"to_stage": "screen"}).status == 200
    assert recruiter.post_json(path(a, "reject"), {"reason": "skills"}).status == 200
    world.clock.value = MONDAY + timedelta(days=9)
    assert recruiter.post_json(path(g, "moves"), {"to_stage": "offer"}).status == 200
    world.clock.value += timedelta(minutes=1)
    hired = recruiter.post_json(path(g, "hire"), {"start_date": "2026-03-02"})
    assert hired.status == 200, hired.body


def _table(raw: bytes) -> list[list[str]]:
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))


def test_a_report_is_built_asynchronously_and_fetched_when_ready(api, ats, world):
    _history(api, ats, world)
    recruiter = ats.as_role("recruiter")
    # When a recruiter asks for time to hire in February, grouped by job
    asked = recruiter.post_json(
        "/ats/reports",
        {"report": "time_to_hire", "from": "2026-02-01", "to": "2026-02-28", "group_by": "job"},
    )
    # Then the answer is at once, not the report
    assert asked.status == 202, asked.body
    run_id = asked.json()["run_id"]
    assert recruiter.get(f"/ats/reports/{run_id}").json()["status"] == "queued"
    # And once the report function has run, the files are there
    assert world.build() == []
    ready = recruiter.get(f"/ats/reports/{run_id}").json()
    assert ready["status"] == "done"
    assert ready["csv_url"].startswith("https://")
    assert ready["pdf_url"]
    csv_key, pdf_key = world.files()
    assert world.file(pdf_key).startswith(b"%PDF-")
    rows = _table(world.file(csv_key))
    assert rows[0] == ["Time to hire (application to offer accepted)"]
    assert ["group", "hires", "median days", "mean days"] in rows
    assert rows[-1] == ["Senior Backend Engineer (4000001)", "1", "9.0", "9.0"]
    # And someone else cannot see it
    assert ats.as_role("recruiter", "another").get(f"/ats/reports/{run_id}").status == 404


def test_every_metric_builds_from_the_stored_history(api, ats, world):
    _history(api, ats, world)
    recruiter = ats.as_role("recruiter")
    expected = {
        # three applied; Grace waited 3 days and Ada 2 before leaving "applied"
        "funnel": ["all", "applied", "3", "33.3%", "2.5"],
        "rejection_reasons": ["all", "skills", "1", "100.0%"],
        "offer_acceptance": ["all", "1", "0", "100.0%"],
        "time_to_start": ["all", "1", "19.0", "19.0"],  # hired 11 February, starts 2 March
        "recruiter_activity": ["all", "local-recruiter", "2", "1", "0", "1", "4"],
    }
    for report, first_row in expected.items():
        run = recruiter.post_json(
            "/ats/reports", {"report": report, "from": "2026-02-01", "to": "2026-02-28"}
        ).json()["run_id"]
        world.build()
        view = recruiter.get(f"/ats/reports/{run}").json()
        assert view["status"] == "done", view
        key = next(k for k in world.files() if k.startswith(f"runs/{run}/") and k.endswith(".csv"))
        rows = _table(world.file(key))
        header = rows.index(next(r for r in rows if r and r[0] == "group"))
        assert rows[header + 1] == first_row, (report, rows)


def test_a_hiring_manager_sees_only_their_jobs_and_bad_requests_name_the_field(
    api, ats, world, store
):
    _history(api, ats, world)
    manager = ats.as_role("hiring_manager")
    # Asking for another manager's jobs still gives only their own
    run = manager.post_json(
        "/ats/reports",
        {
            "report": "funnel",
            "from": "2026-02-01",
            "to": "2026-02-28",
            "group_by": "job",
            "filters": {"hiring_manager_id": "another-hiring-manager"},
        },
    ).json()["run_id"]
    world.build()
    key = next(k for k in world.files() if k.endswith(".csv"))
    rows = _table(world.file(key))
    header = rows.index(["group", "stage", "reached", "pass-through", "median days in stage"])
    groups = {r[0] for r in rows[header + 1 :]}
    assert groups
    assert "Product Designer (4000002)" not in groups
    assert manager.get(f"/ats/reports/{run}").json()["request"]["filters"] == {
        "hiring_manager_id": "local-hiring_manager"
    }
    # Interviewers get no reports; a bad request names the field and stores nothing
    assert ats.as_role("interviewer").post_json("/ats/reports", {}).status == 403
    before = store.items("reports")
    for body, field in (
        ({"report": "velocity", "from": "2026-02-01", "to": "2026-02-28"}, "report"),
        ({"report": "funnel", "from": "2026-02-28", "to": "2026-02-01"}, "body"),
        ({"report": "funnel", "from": "2026-02-01", "to": "x"}, "to"),
        (
            {"report": "funnel", "from": "2026-02-01", "to": "2026-02-28", "time_zone": "Nowhere"},
            "time_zone",
        ),
        (
            {"report": "funnel", "from": "2026-02-01", "to": "2026-02-28", "group_by": "mood"},
            "group_by",
        ),
    ):
        reply = ats.as_role("recruiter").post_json("/ats/reports", body)
        assert reply.status == 422, (body, reply.body)
        assert field in [e["field"] for e in reply.json()["errors"]], (body, reply.json())
    assert store.items("reports") == before


def test_a_subscription_is_emailed_at_its_local_time_once(api, ats, world):
    _history(api, ats, world)
    recruiter = ats.as_role("recruiter")
    recruiter.put_json(
        "/ats/users/local-recruiter/profile",
        {"email": "rita@acme.example", "name": "Rita", "time_zone": "Europe/Berlin"},
    )
    # Given a weekly funnel, Mondays at 08:00 in Berlin
    subscribed = recruiter.post_json(
        "/ats/report-subscriptions",
        {
            "report": "funnel",
            "cadence": "weekly",
            "weekday": 0,
            "hour": 8,
            "time_zone": "Europe/Berlin",
        },
    )
    assert subscribed.status == 201, subscribed.body
    # 07:00 UTC on Monday 16 February is 08:00 in Berlin (CET)
    assert subscribed.json()["next_run_at"] == "2026-02-16T07:00:00.000000Z"
    # When the schedule runs before, at and (twice) after that time
    world.clock.value = datetime(2026, 2, 16, 6, 45, tzinfo=UTC)
    world.tick()
    assert world.outbox.messages() == []
    world.clock.value = datetime(2026, 2, 16, 7, 5, tzinfo=UTC)
    world.tick()
    world.tick()
    # Then one e-mail, with expiring links to the CSV and the PDF of the past week
    (sent,) = world.outbox.messages()
    assert str(sent["To"]) == "rita@acme.example"
    assert str(sent["Subject"]) == "Pipeline funnel: 2026-02-09 to 2026-02-15"
    text = sent.get_body(("plain",)).get_content()
    assert "CSV: https://" in text
    assert "PDF: https://" in text
    assert "expire" in text
    # And the next one is due a week later; unsubscribing stops it
    (listed,) = recruiter.get("/ats/report-subscriptions").json()["subscriptions"]
    assert listed["next_run_at"] == "2026-02-23T07:00:00.000000Z"
    gone = recruiter.request("DELETE", f"/ats/report-subscriptions/{listed['subscription_id']}")
    assert gone.status == 200
    world.clock.value = datetime(2026, 2, 23, 7, 5, tzinfo=UTC)
    world.tick()
    assert len(world.outbox.messages()) == 1


def test_source_of_hire_names_the_source_its_apply_link_carried(api, ats, world):
    recruiter = ats.as_role("recruiter")
    # Given a source whose apply links carry gh_src=li-spring
    made = recruiter.post_json(
        "/ats/sources", {"name": "LinkedIn spring campaign", "kind": "social", "token": "li-spring"}
    )
    assert made.status == 201, made.body
    # And two hires: one who came by that link, one who came with no token
    hires = [
        api.post_json(
            "/jobs/4000001/applications",
            application(email="lin@example.com", source_token="li-spring"),
        ),
        api.post_json("/jobs/4000001/applications", application(email="pat@example.com")),
    ]
    for reply in hires:
        receipt = reply.json()
        path = f"/ats/candidates/{receipt['candidate_id']}/applications/{receipt['application_id']}"
        world.clock.value += timedelta(days=1)
        assert recruiter.post_json(f"{path}/moves", {"to_stage": "offer"}).status == 200
        world.clock.value += timedelta(minutes=1)
        assert recruiter.post_json(f"{path}/hire", {"start_date": "2026-03-02"}).status == 200
    # When a recruiter asks for source of hire
    run = recruiter.post_json(
        "/ats/reports", {"report": "source_of_hire", "from": "2026-02-01", "to": "2026-02-28"}
    ).json()["run_id"]
    world.build()
    key = next(k for k in world.files() if k.startswith(f"runs/{run}/") and k.endswith(".csv"))
    rows = _table(world.file(key))
    # Then the hire by the link counts under the source's name
    assert ["all", "LinkedIn spring campaign", "1", "50.0%"] in rows
    assert ["all", "(unknown)", "1", "50.0%"] in rows
