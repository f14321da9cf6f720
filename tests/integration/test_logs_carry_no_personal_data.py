"""Logs, metrics and events carry ids, never names, e-mail addresses, phone numbers or
resume text: a whole flow runs with every function's output captured, then scanned."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import boto3

from recruiting import wiring
from recruiting_local.context import LocalContext
from support import application, drain, sample_resume_pdf

# What must never appear in a log line, a metric or an event.
FIRST, LAST = "Hypatia", "Zarkovska"
EMAIL = "hypatia.zarkovska@example.org"
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _pii_in(text: str) -> list[str]:
    lowered = text.lower()
    needles = (FIRST, LAST, EMAIL, "hypatia.zarkovska", "+4930901777", "30 901777")
    return [s for s in needles if s.lower() in lowered]


def test_a_whole_flow_logs_no_personal_data(
    api, ats, demo, aws, tmp_path, monkeypatch, capfd, caplog
):
    import base64
    import logging

    caplog.set_level(logging.DEBUG)

    monkeypatch.setenv("OUTREACH_OUTBOX_DIR", str(tmp_path / "outbox"))
    from outreach import handler as outreach
    from privacy import handler as privacy
    from reminders import handler as reminders
    from report_exports import handler as report_exports
    from resume_parser import handler as parser

    from recruiting_local.inbox import notification, sns_envelope
    from search_indexer import handler as indexer

    for module in (outreach, reminders, report_exports, parser, indexer, privacy):
        module.use(None)
    sqs = boto3.client("sqs")
    recruiter = ats.as_role("recruiter")
    # A person applies with a resume that carries their name, e-mail and phone
    reply = api.post_json(
        "/jobs/4000001/applications",
        application(
            first_name=FIRST,
            last_name=LAST,
            email=EMAIL,
            phone="+49 30 901777",
            resume={
                "filename": f"{FIRST}-{LAST}.pdf",
                "content_base64": base64.b64encode(sample_resume_pdf()).decode(),
            },
        ),
    )
    assert reply.status == 201, reply.body
    receipt = reply.json()
    candidate, app_id = receipt["candidate_id"], receipt["application_id"]
    # The resume is parsed, the search index follows
    assert drain(aws[wiring.RESUME_UPLOADS_QUEUE.env], parser.lambda_handler, "resume_parser") == []
    drain(aws[wiring.SEARCH_UPDATES_QUEUE.env], indexer.lambda_handler, "search_indexer")
    # A recruiter reads, notes, moves, searches
    assert recruiter.get(f"/ats/candidates/{candidate}").status == 200
    recruiter.post_json(f"/ats/candidates/{candidate}/notes", {"body": f"Call {FIRST} back"})
    path = f"/ats/candidates/{candidate}/applications/{app_id}"
    assert recruiter.post_json(f"{path}/moves", {"to_stage": "screen"}).status == 200
    recruiter.get("/ats/search", q=LAST)
    # An outreach sequence sends to them and they reply
    sequence = recruiter.post_json(
        "/ats/sequences",
        {
            "name": "Hello",
            "steps": [
                {"subject": "Hi {{ first_name }}", "body": "A role."},
                {"subject": "Again", "body": "Still?", "delay_days": 3},
            ],
            "send_window": {"start_hour": 0, "end_hour": 24, "weekdays": [0, 1, 2, 3, 4, 5, 6]},
        },
    ).json()
    recruiter.post_json(
        f"/ats/sequences/{sequence['sequence_id']}/enrolments", {"candidate_ids": [candidate]}
    )
    reminders.lambda_handler({"source": "aws.scheduler"}, LocalContext("reminders"))
    drain(aws[wiring.OUTREACH_QUEUE.env], outreach.lambda_handler, "outreach")
    sent = outreach.build().mailer.messages()  # type: ignore[attr-defined]
    assert sent, "no outreach e-mail"
    answer = (
        f"From: {EMAIL}\r\nTo: {sent[-1]['Reply-To']}\r\nSubject: Re: Hi {FIRST}\r\n\r\nYes\r\n"
    ).encode()
    sqs.send_message(
        QueueUrl=aws[wiring.OUTREACH_QUEUE.env],
        MessageBody=sns_envelope(notification(answer, "inbound/1")),
    )
    drain(aws[wiring.OUTREACH_QUEUE.env], outreach.lambda_handler, "outreach")
    # An interview is scheduled and its invitations go out
    ats.as_role("interviewer", "ivy").put_json(
        "/ats/users/ivy/profile",
        {"email": "ivy@acme.example", "name": "Ivy", "time_zone": "Europe/Berlin"},
    )
    start = (NOW + timedelta(days=30)).strftime("%Y-%m-%dT10:00:00")
    end = (NOW + timedelta(days=30)).strftime("%Y-%m-%dT11:00:00")
    scheduled = recruiter.post_json(
        f"{path}/interviews",
        {
            "start": start,
            "end": end,
            "time_zone": "Europe/Berlin",
            "location": "Room 4",
            "interviewers": ["ivy"],
        },
    )
    assert scheduled.status == 201, scheduled.body
    drain(aws[wiring.REMINDERS_QUEUE.env], reminders.lambda_handler, "reminders")
    # A report is built
    today = datetime.now(UTC).date().isoformat()
    recruiter.post_json("/ats/reports", {"report": "funnel", "from": today, "to": today})
    drain(aws[wiring.REPORT_REQUESTS_QUEUE.env], report_exports.lambda_handler, "report_exports")
    # And the rejection goes on the bus
    recruiter.post_json(f"{path}/reject", {"reason": "skills"})
    # An admin exports the person's data, then erases them
    admin = ats.as_role("admin", "admin-1")
    assert admin.get(f"/ats/candidates/{candidate}/privacy-export").status == 200
    assert admin.post_json(f"/ats/candidates/{candidate}/erasure", {}).status == 202
    assert drain(aws[wiring.PRIVACY_REQUESTS_QUEUE.env], privacy.lambda_handler, "privacy") == []
    assert admin.get(f"/ats/candidates/{candidate}/erasure").json()["status"] == "done"

    # Then nothing any function printed (logs, metrics) names the person
    captured = capfd.readouterr()
    lines = (captured.out + captured.err).splitlines()
    # every record with everything it carries (message, extra keys, exception text)
    lines += [json.dumps(record.__dict__, default=str) for record in caplog.records]
    assert len(caplog.records) > 10, "the flow logged nothing: the scan would prove nothing"
    leaks = [line[:300] for line in lines if _pii_in(line)]
    assert leaks == []
    # And neither does any event the bus received
    events = (
        boto3.client("sqs")
        .receive_message(QueueUrl=aws[wiring.SEARCH_UPDATES_QUEUE.env], MaxNumberOfMessages=10)
        .get("Messages", [])
    )
    for message in events:
        assert _pii_in(json.dumps(message)) == []
    for module in (outreach, reminders, report_exports, parser, indexer, privacy):
        module.use(None)
