"""`make run` as a person uses it: real HTTP, multipart with a PDF, presigned
uploads to the embedded S3, Greenhouse's documented request, and Ctrl-C."""

from __future__ import annotations

import base64
import email
import email.policy
import hashlib
import hmac
import http.server as http_server
import json
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import boto3
import defusedxml.ElementTree
import pytest

from e2e.conftest import BOARD_KEY as API_KEY
from e2e.conftest import Running
from support import basic_auth, multipart_body, sample_resume_pdf

pytestmark = pytest.mark.e2e


def http(
    method: str, url: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    request = urllib.request.Request(url, data=body or None, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            data = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        data = error.read()
        status = error.code
    return status, (json.loads(data) if data.strip().startswith((b"{", b"[")) else data)


def aws(running: Running, service: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=running.moto,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


def test_prints_tokens_and_the_board_key(running):
    text = "".join(running.output)
    assert "recruiter token: ey" in text
    assert API_KEY in text


def test_lists_jobs_and_serves_openapi(running):
    status, page = http("GET", running.base + "/jobs")
    assert status == 200
    assert len(page["jobs"]) == 3
    status, document = http("GET", running.base + "/openapi.json")
    assert status == 200
    assert "/jobs/{job_id}/applications" in document["paths"]


def test_applies_over_http_with_multipart_and_a_pdf(running):
    _, page = http("GET", running.base + "/jobs?department=Engineering&employment_type=internship")
    [intern] = page["jobs"]
    pdf = sample_resume_pdf()
    body, content_type = multipart_body(
        [
            ("first_name", "Katherine"),
            ("last_name", "Johnson"),
            ("email", "katherine@example.com"),
            ("phone", "(757) 864-1000"),
            ("resume", ("resume.pdf", pdf, "application/pdf")),
        ]
    )
    status, receipt = http(
        "POST",
        f"{running.base}/jobs/{intern['id']}/applications",
        body,
        {"Content-Type": content_type},
    )
    assert status == 201, receipt
    # The resume is in the embedded S3, byte for byte
    s3 = aws(running, "s3")
    key = f"applications/{receipt['candidate_id']}/{receipt['application_id']}/resume.pdf"
    assert s3.get_object(Bucket="local-resumes", Key=key)["Body"].read() == pdf
    # And the application is stored
    item = aws(running, "dynamodb").get_item(
        TableName="local-candidates",
        Key={
            "pk": {"S": f"CAND#{receipt['candidate_id']}"},
            "sk": {"S": f"APP#{receipt['application_id']}"},
        },
    )["Item"]
    assert item["job_id"]["N"] == str(intern["id"])


def test_a_large_resume_goes_through_a_presigned_upload(running):
    _, page = http("GET", running.base + "/jobs?employment_type=internship")
    job_id = page["jobs"][0]["id"]
    pdf = sample_resume_pdf()
    status, upload = http(
        "POST",
        f"{running.base}/jobs/{job_id}/applications/uploads",
        json.dumps(
            {"filename": "cv.pdf", "content_type": "application/pdf", "size": len(pdf)}
        ).encode(),
        {"Content-Type": "application/json"},
    )
    assert status == 201, upload
    form, content_type = multipart_body(
        [*upload["fields"].items(), ("file", ("cv.pdf", pdf, "application/pdf"))]
    )
    status, _ = http("POST", upload["url"], form, {"Content-Type": content_type})
    assert status in (200, 201, 204)
    status, receipt = http(
        "POST",
        f"{running.base}/jobs/{job_id}/applications",
        json.dumps(
            {
                "first_name": "Mary",
                "last_name": "Jackson",
                "email": "mary@example.com",
                "resume": {"upload_id": upload["upload_id"], "filename": "cv.pdf"},
            }
        ).encode(),
        {"Content-Type": "application/json"},
    )
    assert status == 201, receipt
    key = f"applications/{receipt['candidate_id']}/{receipt['application_id']}/resume.pdf"
    assert aws(running, "s3").get_object(Bucket="local-resumes", Key=key)["Body"].read() == pdf


def test_greenhouse_documented_multipart_request(running):
    _, board = http("GET", running.base + "/v1/boards/demo/jobs")
    job = next(j for j in board["jobs"] if j["title"] == "Robotics Intern")
    body, content_type = multipart_body(
        [
            ("first_name", "Sammy"),
            ("last_name", "McSamson"),
            ("email", "sammy@example.com"),
            ("phone", "3337778888"),
            ("location", "110 5th Ave New York, NY, 10011"),
            ("latitude", "40.7376671"),
            ("longitude", "-73.9929196"),
            ("resume", ("resume.pdf", sample_resume_pdf(), "application/pdf")),
            ("educations[][school_name_id]", "5417077"),
            ("educations[][degree_id]", "5494452"),
            ("educations[][start_date][month]", "8"),
            ("educations[][start_date][year]", "2012"),
            ("employments[][company_name]", "Business Co"),
            ("employments[][title]", "Sales Manager"),
            ("employments[][start_date][month]", "1"),
            ("employments[][start_date][year]", "2016"),
            ("employments[][end_date][month]", "2"),
            ("employments[][end_date][year]", "2018"),
            ("employments[][current]", "false"),
            ("mapped_url_token", "token12345"),
            ("data_compliance[gdpr_processing_consent_given]", "true"),
            ("data_compliance[gdpr_retention_consent_given]", "true"),
        ]
    )
    status, answer = http(
        "POST",
        f"{running.base}/v1/boards/demo/jobs/{job['id']}",
        body,
        {"Content-Type": content_type, **basic_auth(API_KEY)},
    )
    assert (status, answer) == (200, {"success": "Candidate saved successfully"})


def test_unknown_routes_answer_like_api_gateway(running):
    status, body = http("GET", running.base + "/nope")
    assert status == 403
    assert body == {"message": "Missing Authentication Token"}


def _headers(method: str, url: str, origin: str) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(url, method=method, headers={"Origin": origin})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}


def test_serves_the_careers_page_and_nothing_else_from_its_folder(running):
    # The page, its script and its stylesheet
    status, html = http("GET", running.base + "/careers/")
    assert status == 200
    assert b"data-careers-page" in html
    assert "careers page: " + running.base + "/careers/\n" in running.output
    assert http("GET", running.base + "/careers/careers.js")[0] == 200
    assert http("GET", running.base + "/careers/careers.css")[0] == 200
    # But no other file of the project, however the path is spelled
    for path in (
        "/careers/../pyproject.toml",
        "/careers/%2e%2e/Makefile",
        "/careers/.gitignore",
        "/careers/missing.js",
        "/careers/index.py",
    ):
        assert http("GET", running.base + path)[0] == 404, path


def test_cors_lets_in_only_the_careers_site_origins(running):
    other = "https://elsewhere.example"
    # A careers site's preflight and its answers carry its own origin back
    for method, path in (("OPTIONS", "/jobs/4000001/applications"), ("GET", "/jobs")):
        status, headers = _headers(method, running.base + path, running.embedding_origin)
        assert status in (200, 204)
        assert headers["access-control-allow-origin"] == running.embedding_origin
        # Any other origin gets no CORS header at all, never "*"
        status, headers = _headers(method, running.base + path, other)
        assert "access-control-allow-origin" not in headers
    # The page's own script may be loaded by a careers site (module scripts use CORS)
    _, headers = _headers("GET", running.base + "/careers/careers.js", running.embedding_origin)
    assert headers["access-control-allow-origin"] == running.embedding_origin


def _token(running: Running, role: str) -> str:
    line = next(line for line in running.output if line.startswith(f"{role} token: "))
    return line.split(": ", 1)[1].strip()


def test_the_recruiter_api_works_with_the_printed_tokens(running):
    # Given an application to the internship
    _, page = http("GET", running.base + "/jobs?employment_type=internship")
    job_id = page["jobs"][0]["id"]
    _, receipt = http(
        "POST",
        f"{running.base}/jobs/{job_id}/applications",
        json.dumps(
            {"first_name": "Dorothy", "last_name": "Vaughan", "email": "dorothy@example.com"}
        ).encode(),
        {"Content-Type": "application/json"},
    )
    recruiter = {"Authorization": f"Bearer {_token(running, 'recruiter')}"}
    # When the recruiter lists the job's new applications and moves this one
    status, listing = http(
        "GET", f"{running.base}/ats/jobs/{job_id}/applications?stage=applied", headers=recruiter
    )
    assert status == 200
    assert receipt["application_id"] in [a["application_id"] for a in listing["applications"]]
    candidate = f"{running.base}/ats/candidates/{receipt['candidate_id']}"
    move = f"{candidate}/applications/{receipt['application_id']}/moves"
    status, moved = http(
        "POST",
        move,
        json.dumps({"to_stage": "screen"}).encode(),
        {**recruiter, "Content-Type": "application/json"},
    )
    assert (status, moved["stage"]) == (200, "screen")
    # Then an interviewer's token sees nothing of it, and no token is refused
    interviewer = {"Authorization": f"Bearer {_token(running, 'interviewer')}"}
    assert (
        http(
            "GET", f"{running.base}/ats/candidates/{receipt['candidate_id']}", headers=interviewer
        )[0]
        == 404
    )
    assert http("GET", f"{running.base}/ats/jobs")[0] == 401
    assert (
        http("GET", f"{running.base}/ats/jobs", headers={"Authorization": "Bearer forged"})[0]
        == 401
    )


def _until(check: Any, seconds: float = 30.0) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.25)


def test_resumes_are_parsed_from_uploads_within_seconds(running):
    recruiter = {"Authorization": f"Bearer {_token(running, 'recruiter')}"}
    json_headers = {**recruiter, "Content-Type": "application/json"}
    # Given an application with a PDF resume
    _, page = http("GET", running.base + "/jobs?employment_type=internship")
    body, content_type = multipart_body(
        [
            ("first_name", "Mary"),
            ("last_name", "Jackson"),
            ("email", "mary.jackson@example.com"),
            ("resume", ("cv.pdf", sample_resume_pdf(), "application/pdf")),
        ]
    )
    status, receipt = http(
        "POST",
        f"{running.base}/jobs/{page['jobs'][0]['id']}/applications",
        body,
        {"Content-Type": content_type},
    )
    assert status == 201, receipt
    profile_url = f"{running.base}/ats/candidates/{receipt['candidate_id']}"
    # Then within seconds the profile shows the parsed resume beside what she typed
    parsed = _until(lambda: http("GET", profile_url, headers=recruiter)[1]["parsed_resumes"])
    assert parsed, "the resume was not parsed"
    assert parsed[0]["profile"]["email"]
    # And a resume uploaded into a pool's import becomes a prospect in that pool
    _, pool = http(
        "POST", f"{running.base}/ats/pools", json.dumps({"name": "Imports"}).encode(), json_headers
    )
    status, upload = http(
        "POST",
        f"{running.base}/ats/pools/{pool['pool_id']}/imports",
        json.dumps({"filename": "grace.txt", "content_type": "text/plain"}).encode(),
        json_headers,
    )
    assert status == 201, upload
    form, form_type = multipart_body(
        [
            *upload["upload"]["fields"].items(),
            ("file", ("grace.txt", b"Grace Hopper\ngrace@example.com\n", "text/plain")),
        ]
    )
    status, _ = http("POST", upload["upload"]["url"], form, {"Content-Type": form_type})
    assert status in (200, 204)
    progress_url = f"{running.base}/ats/pools/{pool['pool_id']}/imports"
    done = _until(lambda: http("GET", progress_url, headers=recruiter)[1]["counts"]["parsed"] == 1)
    assert done, http("GET", progress_url, headers=recruiter)[1]
    _, members = http("GET", f"{running.base}/ats/pools/{pool['pool_id']}", headers=recruiter)
    assert [(m["first_name"], m["kind"]) for m in members["members"]] == [("Grace", "prospect")]


def test_outreach_emails_land_in_the_local_outbox(running):
    recruiter = {"Authorization": f"Bearer {_token(running, 'recruiter')}"}
    json_headers = {**recruiter, "Content-Type": "application/json"}
    # Given an applicant and a sequence that may send at any hour
    _, page = http("GET", running.base + "/jobs?employment_type=internship")
    _, receipt = http(
        "POST",
        f"{running.base}/jobs/{page['jobs'][0]['id']}/applications",
        json.dumps(
            {"first_name": "Annie", "last_name": "Easley", "email": "annie@example.com"}
        ).encode(),
        {"Content-Type": "application/json"},
    )
    steps = [
        {"subject": "Hello {{ first_name }}", "body": "A role for you."},
        {"subject": "Still interested?", "body": "Checking in.", "delay_days": 3},
    ]
    window = {"start_hour": 0, "end_hour": 24, "weekdays": [0, 1, 2, 3, 4, 5, 6]}
    status, sequence = http(
        "POST",
        f"{running.base}/ats/sequences",
        json.dumps({"name": "Hello", "steps": steps, "send_window": window}).encode(),
        json_headers,
    )
    assert status == 201, sequence
    # When she is enrolled
    status, _ = http(
        "POST",
        f"{running.base}/ats/sequences/{sequence['sequence_id']}/enrolments",
        json.dumps({"candidate_ids": [receipt["candidate_id"]]}).encode(),
        json_headers,
    )
    assert status == 200
    # Then within seconds her e-mail is an .eml file in the outbox, with its headers
    outbox = running.outbox
    found = _until(lambda: [p for p in outbox.glob("*.eml")])
    assert found, "no e-mail in the outbox"
    message = found[0].read_text()
    assert "To: annie@example.com" in message
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in message
    # When she answers it: her mail client writes to the Reply-To, saved in the inbox
    sent = email.message_from_string(message, policy=email.policy.default)
    reply_to = ", ".join(a.addr_spec for a in sent["Reply-To"].addresses)
    assert "@replies.localhost" in reply_to
    reply = f"From: annie@example.com\r\nTo: {reply_to}\r\nSubject: Re: Hello\r\n\r\nYes!\r\n"
    (running.inbox / "annie.eml").write_bytes(reply.encode())

    # Then within seconds the sequence has stopped for her, because she replied
    def stopped() -> object:
        _, view = http(
            "GET", f"{running.base}/ats/sequences/{sequence['sequence_id']}", b"", recruiter
        )
        return [e for e in view["enrolments"] if e.get("stop_reason") == "replied"]

    assert _until(stopped), "the reply did not stop the sequence"


def test_interview_invitations_with_calendar_files_land_in_the_outbox(running):
    interviewer = {"Authorization": f"Bearer {_token(running, 'interviewer')}"}
    recruiter = {"Authorization": f"Bearer {_token(running, 'recruiter')}"}
    json_type = {"Content-Type": "application/json"}
    # Given an interviewer who set where reminders reach them, and an applicant
    status, _ = http(
        "PUT",
        f"{running.base}/ats/users/local-interviewer/profile",
        json.dumps(
            {"email": "ivy@acme.example", "name": "Ivy", "time_zone": "Europe/Berlin"}
        ).encode(),
        {**interviewer, **json_type},
    )
    assert status == 200
    _, page = http("GET", running.base + "/jobs?employment_type=internship")
    _, receipt = http(
        "POST",
        f"{running.base}/jobs/{page['jobs'][0]['id']}/applications",
        json.dumps(
            {"first_name": "Mary", "last_name": "Jackson", "email": "mary@example.com"}
        ).encode(),
        json_type,
    )
    # When a recruiter schedules an interview
    path = (
        f"{running.base}/ats/candidates/{receipt['candidate_id']}"
        f"/applications/{receipt['application_id']}/interviews"
    )
    status, interview = http(
        "POST",
        path,
        json.dumps(
            {
                "start": "2031-06-02T10:00:00",
                "end": "2031-06-02T11:00:00",
                "time_zone": "Europe/Berlin",
                "location": "Room 4",
                "interviewers": ["local-interviewer"],
            }
        ).encode(),
        {**recruiter, **json_type},
    )
    assert status == 201, interview
    # Then within seconds the interviewer's invitation, with its calendar file, is there
    outbox = running.outbox

    def invitation() -> list[Path]:
        return [p for p in outbox.glob("*.eml") if "To: ivy@acme.example" in p.read_text()]

    found = _until(invitation)
    assert found, "no invitation in the outbox"
    message = found[0].read_text()
    assert "text/calendar" in message
    assert "invite.ics" in message


def test_a_report_is_emailed_with_links_to_its_files(running):
    recruiter = {"Authorization": f"Bearer {_token(running, 'recruiter')}"}
    json_type = {"Content-Type": "application/json"}
    # Given a recruiter with an e-mail address and a weekly funnel subscription
    status, _ = http(
        "PUT",
        f"{running.base}/ats/users/local-recruiter/profile",
        json.dumps(
            {"email": "rita@acme.example", "name": "Rita", "time_zone": "Europe/Berlin"}
        ).encode(),
        {**recruiter, **json_type},
    )
    assert status == 200
    status, subscription = http(
        "POST",
        f"{running.base}/ats/report-subscriptions",
        json.dumps(
            {"report": "funnel", "cadence": "weekly", "time_zone": "Europe/Berlin"}
        ).encode(),
        {**recruiter, **json_type},
    )
    assert status == 201, subscription
    # When she has it sent now
    status, run = http(
        "POST",
        f"{running.base}/ats/report-subscriptions/{subscription['subscription_id']}/send",
        b"{}",
        {**recruiter, **json_type},
    )
    assert status == 202, run
    # Then the e-mail with its links is in the outbox, and the CSV link downloads the file
    outbox = running.outbox

    def report_mail() -> list[Path]:
        return [p for p in outbox.glob("*.eml") if "To: rita@acme.example" in p.read_text()]

    found = _until(report_mail)
    assert found, "no report e-mail in the outbox"
    message = email.message_from_bytes(found[0].read_bytes(), policy=email.policy.default)
    text = message.get_body(("plain",)).get_content()
    csv_url = next(line[5:] for line in text.splitlines() if line.startswith("CSV: "))
    with urllib.request.urlopen(csv_url) as response:
        body = response.read()
    assert body.startswith(b"\xef\xbb\xbfPipeline funnel\r\n")
    # And the run says where its files are
    status, view = http("GET", f"{running.base}/ats/reports/{run['run_id']}", b"", recruiter)
    assert view["status"] == "done"
    assert view["pdf_url"]


def test_job_feeds_and_postings_are_served(running):
    # The XML feed lists every open job of the board, linking to the careers page
    request = urllib.request.Request(running.base + "/feeds/demo/jobs.xml")
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.headers["Content-Type"].startswith("application/xml")
        feed = defusedxml.ElementTree.fromstring(response.read())
    _, listed = http("GET", running.base + "/jobs?board=demo&limit=100")
    assert sorted(j.findtext("referencenumber") for j in feed.findall("job")) == sorted(
        str(j["id"]) for j in listed["jobs"]
    )
    assert all(
        (j.findtext("url") or "").startswith(running.base + "/careers/?job=")
        for j in feed.findall("job")
    )
    # And the JSON feed and each job's JSON-LD are there too
    status, json_feed = http("GET", running.base + "/feeds/demo/jobs.json")
    assert status == 200
    assert len(json_feed["items"]) == len(listed["jobs"])
    status, posting = http("GET", running.base + "/jobs/4000001/posting")
    assert status == 200
    assert (posting["@type"], posting["hiringOrganization"]["name"]) == (
        "JobPosting",
        "Demo Robotics",
    )


def test_webhooks_are_delivered_signed_to_a_local_endpoint(running):
    received: list[tuple[dict[str, str], bytes]] = []

    class Receiver(http_server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http_server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        admin = {
            "Authorization": f"Bearer {_token(running, 'admin')}",
            "Content-Type": "application/json",
        }
        # Given an endpoint on this machine for new applications
        status, hook = http(
            "POST",
            running.base + "/ats/webhooks",
            json.dumps(
                {
                    "url": f"http://127.0.0.1:{server.server_address[1]}/hooks",
                    "event_types": ["application.received"],
                }
            ).encode(),
            admin,
        )
        assert status == 201, hook
        # When someone applies
        _, receipt = http(
            "POST",
            f"{running.base}/jobs/4000003/applications",
            json.dumps(
                {"first_name": "Hedy", "last_name": "Lamarr", "email": "hedy@example.com"}
            ).encode(),
            {"Content-Type": "application/json"},
        )
        # Then the endpoint hears of it within seconds, signed with its secret
        assert _until(lambda: received), "no webhook arrived"
        headers, body = received[0]
        event = json.loads(body)
        assert event["type"] == "application.received"
        assert event["data"]["application_id"] == receipt["application_id"]
        assert headers["webhook-id"] == event["id"]
        key = base64.b64decode(hook["secret"].removeprefix("whsec_"))
        signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
        expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        assert f"v1,{expected}" in headers["webhook-signature"].split()
        # And the delivery log says so (once the sender has recorded the answer)
        log_url = f"{running.base}/ats/webhooks/{hook['webhook_id']}/deliveries"

        def delivered() -> list[Any]:
            deliveries = http("GET", log_url, headers=admin)[1]["deliveries"]
            return [d for d in deliveries if d["status"] == "delivered"]

        [delivery] = _until(delivered)
        assert delivery["last_response_status"] == 204
    finally:
        server.shutdown()
        server.server_close()
