"""Outreach: sequences sent step by step, each once, inside the send window, never
after an unsubscribe, an application or a reply."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email import message_from_bytes

import boto3
import pytest

from recruiting import wiring
from recruiting.outreach import mail
from recruiting_local.context import LocalContext
from support import application, drain

MONDAY_NOON = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
ALWAYS = {"start_hour": 0, "end_hour": 24, "weekdays": [0, 1, 2, 3, 4, 5, 6]}


class Clock:
    def __init__(self, now: datetime) -> None:
        self.value = now

    def __call__(self) -> datetime:
        return self.value


@pytest.fixture
def outreach(aws, api, ats, tmp_path, monkeypatch):
    """The outreach function with a local outbox, and one clock the test moves for it
    and for the recruiter API's enrolments."""
    monkeypatch.setenv("OUTREACH_OUTBOX_DIR", str(tmp_path / "outbox"))
    from outreach import handler
    from reminders import handler as reminders

    from intake import dependencies as intake
    from recruiter import dependencies

    handler.use(None)
    reminders.use(None)
    sender = handler.build()
    _, sweep = reminders.build()
    handler.surveys().now = lambda: clock()
    clock = Clock(MONDAY_NOON)
    recruiter = dependencies.get()
    sender.now = sweep.now = recruiter.sequences.now = recruiter.pipeline.now = clock
    sweep.outreach.now = clock  # the outreach steps' sweep, run by the reminders function
    intake.get().service.now = clock
    outbox = mail.LocalOutbox(tmp_path / "outbox")
    url = aws[wiring.OUTREACH_QUEUE.env]

    class Outreach:
        def __init__(self) -> None:
            self.clock = clock
            self.outbox = outbox
            self.sender = sender

        def tick(self) -> list[str]:
            """The schedule fires (the reminders function's sweep), then the queue is
            delivered."""
            reminders.lambda_handler({"source": "aws.scheduler"}, LocalContext("reminders"))
            return drain(url, handler.lambda_handler, "outreach")

        def deliver(self) -> list[str]:
            return drain(url, handler.lambda_handler, "outreach")

    yield Outreach()
    handler.use(None)
    reminders.use(None)


def _person(api, email: str, first_name: str = "Grace") -> str:
    reply = api.post_json(
        "/jobs/4000001/applications", application(email=email, first_name=first_name)
    )
    assert reply.status == 201, reply.body
    return reply.json()["candidate_id"]


def _sequence(ats, **overrides) -> str:
    body = {
        "name": "Backend outreach",
        "steps": [
            {
                "delay_days": 0,
                "subject": "Hi {{ first_name | default('there', true) }}",
                "body": "We build {{ job_title }}.\n\n{{ signature }}",
            },
            {"delay_days": 3, "subject": "Following up", "body": "Any thoughts?"},
        ],
        "send_window": ALWAYS,
        "job_title": "payment systems",
        "signature": "Ada, Recruiting",
        **overrides,
    }
    reply = ats.as_role("recruiter").post_json("/ats/sequences", body)
    assert reply.status == 201, reply.body
    return reply.json()["sequence_id"]


def _enrol(ats, sequence_id: str, ids: list[str]) -> dict:
    reply = ats.as_role("recruiter").post_json(
        f"/ats/sequences/{sequence_id}/enrolments", {"candidate_ids": ids}
    )
    assert reply.status == 200, reply.body
    return reply.json()


def test_a_sequence_sends_each_step_once_in_order(api, ats, demo, outreach, store):
    # Given two people enrolled in a two-step sequence
    grace, ada = _person(api, "grace@example.com"), _person(api, "ada@example.com", "Ada")
    sequence_id = _sequence(ats)
    assert _enrol(ats, sequence_id, [grace, ada])["enrolled"] == 2
    # When the schedule fires
    assert outreach.tick() == []
    # Then each gets step 1, personalised, with one-click unsubscribe headers
    sent = outreach.outbox.messages()
    assert sorted(m["To"] for m in sent) == ["ada@example.com", "grace@example.com"]
    assert {m["Subject"] for m in sent} == {"Hi Grace", "Hi Ada"}
    first = sent[0]
    assert first["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/unsubscribe/" in first["List-Unsubscribe"]
    text = first.get_body(("plain",)).get_content()
    assert "We build payment systems." in text
    assert "Unsubscribe:" in text
    # And the recruiter sees each recipient on step 2, due three days later
    view = ats.as_role("recruiter").get(f"/ats/sequences/{sequence_id}").json()
    assert {e["step"] for e in view["enrolments"]} == {1}
    assert all(e["due_at"].startswith("2026-11-26") for e in view["enrolments"])
    # And the e-mail is on the person's timeline
    profile = ats.as_role("recruiter").get(f"/ats/candidates/{grace}").json()
    assert [t["summary"] for t in profile["timeline"] if t["type"] == "email"] == ["Hi Grace"]
    # When the schedule fires again the same day, nothing more is sent
    assert outreach.tick() == []
    assert len(outreach.outbox.messages()) == 2
    # And three days later step 2 goes out, and the sequence is finished
    outreach.clock.value = MONDAY_NOON + timedelta(days=3, hours=1)
    assert outreach.tick() == []
    assert len(outreach.outbox.messages()) == 4
    view = ats.as_role("recruiter").get(f"/ats/sequences/{sequence_id}").json()
    assert view["counts"] == {"finished": 2}


def test_duplicate_deliveries_and_double_enrolment_never_send_twice(api, ats, demo, outreach, aws):
    # Given a person enrolled, and enrolled again
    grace = _person(api, "grace@example.com")
    sequence_id = _sequence(ats)
    _enrol(ats, sequence_id, [grace])
    assert _enrol(ats, sequence_id, [grace])["already_enrolled"] == [grace]
    # When the same step message is delivered three times (at-least-once, a redrive)
    sqs = boto3.client("sqs")
    body = json.dumps(
        {"type": "outreach.step", "sequence_id": sequence_id, "candidate_id": grace, "step": 0}
    )
    for _ in range(3):
        sqs.send_message(QueueUrl=aws[wiring.OUTREACH_QUEUE.env], MessageBody=body)
    assert outreach.deliver() == []
    # Then one e-mail was sent
    assert len(outreach.outbox.messages()) == 1


def test_a_crash_after_ses_accepted_is_marked_unknown_not_resent(api, ats, demo, outreach, store):
    # Given a step whose earlier attempt claimed the ledger and never settled
    grace = _person(api, "grace@example.com")
    sequence_id = _sequence(ats)
    _enrol(ats, sequence_id, [grace])
    outreach.sender.outreach.claim(sequence_id, grace, 0, "2026-11-23T11:59:00Z")
    # When the step is delivered again
    assert outreach.tick() == []
    # Then nothing is sent, the ledger says unknown and the enrolment stops with why
    assert outreach.outbox.messages() == []
    (send,) = [i for i in store.items("outreach") if i.get("type") == "send"]
    assert send["status"] == "unknown"
    view = ats.as_role("recruiter").get(f"/ats/sequences/{sequence_id}").json()
    assert view["enrolments"][0]["stop_reason"] == "unknown: outcome_unknown"


def test_one_click_unsubscribe_stops_everything_and_is_idempotent(api, ats, demo, outreach):
    # Given a person who received step 1
    grace = _person(api, "grace@example.com")
    sequence_id = _sequence(ats)
    _enrol(ats, sequence_id, [grace])
    outreach.tick()
    (message,) = outreach.outbox.messages()
    link = message["List-Unsubscribe"].strip("<>")
    path = link.split("://", 1)[1].split("/", 1)[1]
    # When the mail client posts the one-click unsubscribe, twice
    for _ in range(2):
        reply = api.request(
            "POST",
            "/" + path,
            b"List-Unsubscribe=One-Click",
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert reply.status == 200
        assert "unsubscribed" in reply.body.decode()
    # Then step 2 never goes out, and the enrolment says why
    outreach.clock.value = MONDAY_NOON + timedelta(days=4)
    outreach.tick()
    assert len(outreach.outbox.messages()) == 1
    view = ats.as_role("recruiter").get(f"/ats/sequences/{sequence_id}").json()
    assert view["enrolments"][0]["stop_reason"] == "unsubscribed"
    # And a forged link changes nothing and says so
    forged = api.request("POST", "/unsubscribe/" + "0" * 32 + "." + "0" * 32, b"", {})
    assert forged.status == 404
    # And the GET page only asks
    page = api.request("GET", "/" + path, b"", {})
    assert page.status == 200
    assert '<form method="post"' in page.body.decode()


def test_applying_and_replying_stop_outreach(api, ats, demo, outreach, aws):
    # Given two people enrolled
    grace, ada = _person(api, "grace@example.com"), _person(api, "ada@example.com", "Ada")
    sequence_id = _sequence(ats)
    _enrol(ats, sequence_id, [grace, ada])
    # When Grace applies to another job a minute later (the bus delivers application.received)
    outreach.clock.value += timedelta(minutes=1)
    reply = api.post_json(
        "/jobs/4000002/applications",
        application(
            email="grace@example.com", answers={"201": "https://grace.example"}, consent={}
        ),
    )
    assert reply.status == 201, reply.body
    # and a recruiter marks Ada's reply
    marked = ats.as_role("recruiter").post_json(f"/ats/candidates/{ada}/replied", {})
    assert marked.json()["stopped"] == [sequence_id]
    outreach.tick()
    # Then neither gets anything
    assert outreach.outbox.messages() == []
    reasons = {
        e["candidate_id"]: e["stop_reason"]
        for e in ats.as_role("recruiter").get(f"/ats/sequences/{sequence_id}").json()["enrolments"]
    }
    assert reasons == {grace: "applied", ada: "replied"}


def _reply(original, *, sender: str, subject: str, extra: str = "") -> bytes:
    """What a mail client sends when the person answers ``original``: to its Reply-To."""
    return (
        f"From: {sender}\r\nTo: {original['Reply-To']}\r\nSubject: {subject}\r\n"
        f"In-Reply-To: {original['Message-ID']}\r\n{extra}\r\nThanks, let's talk.\r\n"
    ).encode()


def test_replies_received_by_ses_stop_the_sequence_automatic_answers_do_not(
    api, ats, demo, outreach, aws
):
    from recruiting_local.inbox import notification, sns_envelope

    # Given three people who received step 1
    grace, ada = _person(api, "grace@example.com"), _person(api, "ada@example.com", "Ada")
    jo = _person(api, "jo@example.com", "Jo")
    sequence_id = _sequence(ats)
    _enrol(ats, sequence_id, [grace, ada, jo])
    outreach.tick()
    sent = {m["To"]: m for m in outreach.outbox.messages()}
    # whose replies go to the recruiter's mailbox and to a signed address of their own
    reply_to = [str(a.addr_spec) for a in sent["grace@example.com"]["Reply-To"].addresses]
    assert reply_to[0] == "recruiting@example.com"
    assert reply_to[1].startswith(f"reply+{grace}.")
    assert reply_to[1].endswith("@replies.example.com")
    assert len(reply_to[1].split("@")[0]) <= 64
    # When SES receives Grace's reply (twice: SNS delivers at least once), Ada's
    # out-of-office answer, a reply to a forged address for Jo, and one with a virus
    forged = f"reply+{jo}.{'0' * 24}@replies.example.com"
    grace_reply = notification(
        _reply(sent["grace@example.com"], sender="grace@example.com", subject="Re: Hi Grace"),
        "inbound/1",
    )
    infected = notification(
        _reply(sent["jo@example.com"], sender="jo@example.com", subject="Re: Hi Jo"), "inbound/2"
    )
    infected["receipt"]["virusVerdict"] = {"status": "FAIL"}
    bodies = [
        sns_envelope(grace_reply),
        sns_envelope(grace_reply),
        sns_envelope(
            notification(
                _reply(
                    sent["ada@example.com"],
                    sender="ada@example.com",
                    subject="Automatic reply: Hi Ada",
                    extra="Auto-Submitted: auto-replied\r\n",
                ),
                "inbound/3",
            )
        ),
        sns_envelope(
            notification(
                f"From: jo@example.com\r\nTo: {forged}\r\nSubject: Re\r\n\r\nhi\r\n".encode(),
                "inbound/4",
            )
        ),
        sns_envelope(infected),
    ]
    sqs = boto3.client("sqs")
    for body in bodies:
        sqs.send_message(QueueUrl=aws[wiring.OUTREACH_QUEUE.env], MessageBody=body)
    assert outreach.deliver() == []
    # Then only Grace's sequence stopped, because she replied
    view = ats.as_role("recruiter").get(f"/ats/sequences/{sequence_id}").json()
    reasons = {e["candidate_id"]: e.get("stop_reason") for e in view["enrolments"]}
    assert reasons == {grace: "replied", ada: None, jo: None}
    # And her reply is on her timeline once; Ada's answer is there, marked automatic
    recruiter = ats.as_role("recruiter")
    timeline = recruiter.get(f"/ats/candidates/{grace}").json()["timeline"]
    assert [t["summary"] for t in timeline if t["type"] == "reply"] == ["Re: Hi Grace"]
    ada_timeline = recruiter.get(f"/ats/candidates/{ada}").json()["timeline"]
    assert [(t["summary"], t["automatic"]) for t in ada_timeline if t["type"] == "reply"] == [
        ("Automatic reply: Hi Ada", "auto_submitted")
    ]
    jo_timeline = recruiter.get(f"/ats/candidates/{jo}").json()["timeline"]
    assert [t for t in jo_timeline if t["type"] == "reply"] == []
    # And three days later Ada and Jo get step 2, Grace does not
    outreach.clock.value = MONDAY_NOON + timedelta(days=3, hours=1)
    outreach.tick()
    assert sorted(m["To"] for m in outreach.outbox.messages()[3:]) == [
        "ada@example.com",
        "jo@example.com",
    ]


def test_the_send_window_is_the_recipients_and_throttling_retries_alone(api, ats, demo, outreach):
    # Given a sequence sending 9 to 17 on weekdays in New York, enrolled at 12:00 UTC
    # on a Saturday (7:00 in New York)
    saturday = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    outreach.clock.value = saturday
    grace = _person(api, "grace@example.com")
    sequence_id = _sequence(
        ats, send_window={"start_hour": 9, "end_hour": 17}, time_zone="America/New_York"
    )
    _enrol(ats, sequence_id, [grace])
    # Then it is due Monday 9:00 New York time (14:00 UTC), and not sent before
    view = ats.as_role("recruiter").get(f"/ats/sequences/{sequence_id}").json()
    assert view["enrolments"][0]["due_at"].startswith("2026-11-30T14:00")
    assert outreach.tick() == []
    assert outreach.outbox.messages() == []
    # When SES throttles the first attempt on Monday
    outreach.clock.value = datetime(2026, 11, 30, 14, 5, tzinfo=UTC)
    real = outreach.sender.mailer
    attempts = []

    class Throttling:
        def send(self, raw, *, recipient, sender):
            attempts.append(recipient)
            if len(attempts) == 1:
                raise mail.Throttled("slow down")
            return real.send(raw, recipient=recipient, sender=sender)

    outreach.sender.mailer = Throttling()
    boto3.client("sqs").set_queue_attributes(
        QueueUrl=outreach_queue_url(), Attributes={"VisibilityTimeout": "0"}
    )
    failed = outreach.tick()
    # Then the throttled message fails alone and the retry sends it, once
    assert len(failed) == 1
    assert outreach.deliver() == []
    assert len(outreach.outbox.messages()) == 1
    assert len(attempts) == 2


def outreach_queue_url() -> str:
    import os

    return os.environ[wiring.OUTREACH_QUEUE.env]


def test_bad_sequences_are_refused_by_field(ats):
    reply = ats.as_role("recruiter").post_json(
        "/ats/sequences",
        {"name": "x", "steps": [{"subject": "Hi {{ salary }}", "body": "b"}]},
    )
    assert reply.status == 422
    assert reply.json()["errors"][0]["field"] == "steps[0].subject"
    bad_zone = ats.as_role("recruiter").post_json(
        "/ats/sequences",
        {"name": "x", "steps": [{"subject": "s", "body": "b"}], "time_zone": "Mars/Base"},
    )
    assert bad_zone.status == 422


_ = message_from_bytes


def _ses_event(kind: str, address: str, bounce_type: str = "Permanent") -> str:
    event: dict = {"eventType": kind, "mail": {"destination": [address]}}
    if kind == "Bounce":
        event["bounce"] = {
            "bounceType": bounce_type,
            "bouncedRecipients": [{"emailAddress": address}],
        }
    else:
        event["complaint"] = {"complainedRecipients": [{"emailAddress": address}]}
    return json.dumps({"Type": "Notification", "Message": json.dumps(event)})


def test_bounces_and_complaints_suppress_once_and_stop_sending(
    api, ats, demo, outreach, aws, store
):
    # Given two people enrolled, whose addresses bounce (permanently) and complain
    grace, ada = _person(api, "grace@example.com"), _person(api, "ada@example.com", "Ada")
    jo = _person(api, "jo@example.com", "Jo")
    sequence_id = _sequence(ats)
    _enrol(ats, sequence_id, [grace, ada, jo])
    sqs = boto3.client("sqs")
    url = aws[wiring.OUTREACH_QUEUE.env]
    # When SES reports them (twice each: SNS delivers at least once), and a soft bounce
    for body in [
        _ses_event("Bounce", "grace@example.com"),
        _ses_event("Bounce", "grace@example.com"),
        _ses_event("Complaint", "ada@example.com"),
        _ses_event("Complaint", "ada@example.com"),
        _ses_event("Bounce", "jo@example.com", bounce_type="Transient"),
    ]:
        sqs.send_message(QueueUrl=url, MessageBody=body)
    assert outreach.deliver() == []
    # Then each address is on the suppression list once, the soft bounce is not
    reasons = sorted(i["reason"] for i in store.items("outreach") if i.get("type") == "suppression")
    assert reasons == ["bounce", "complaint"]
    # And only Jo gets the step
    outreach.tick()
    assert [m["To"] for m in outreach.outbox.messages()] == ["jo@example.com"]


def test_the_timeline_holds_emails_calls_notes_and_stages_in_order(api, ats, demo, outreach):
    # Given a person who applied, got an e-mail, was called, then got a note
    grace = _person(api, "grace@example.com")
    sequence_id = _sequence(ats)
    _enrol(ats, sequence_id, [grace])
    outreach.clock.value += timedelta(minutes=1)
    outreach.tick()
    outreach.clock.value += timedelta(minutes=1)
    recruiter = ats.as_role("recruiter")
    call = recruiter.post_json(f"/ats/candidates/{grace}/calls", {"summary": "Left a voicemail"})
    assert call.status == 201, call.body
    # Then the timeline lists them oldest first
    timeline = recruiter.get(f"/ats/candidates/{grace}").json()["timeline"]
    kinds = [(t["type"], t.get("summary")) for t in timeline]
    assert kinds == [
        ("stage_change", None),
        ("email", "Hi Grace"),
        ("call", "Left a voicemail"),
    ]
    # And an empty call is refused by field
    empty = recruiter.post_json(f"/ats/candidates/{grace}/calls", {"summary": ""})
    assert empty.status == 422


def _decide(ats, candidate_id: str, application_id: str, action: str) -> None:
    path = f"/ats/candidates/{candidate_id}/applications/{application_id}/{action}"
    body = {"reason": "skills"} if action == "reject" else {"start_date": "2027-01-04"}
    reply = ats.as_role("recruiter").post_json(path, body)
    assert reply.status == 200, reply.body


def _survey_link(message) -> str:
    text = message.get_body(("plain",)).get_content()
    return next(w for w in text.split() if "/surveys/" in w).split("://", 1)[1].split("/", 1)[1]


def test_experience_surveys_go_once_and_are_answered_once(api, ats, demo, outreach, store):
    # Given two rejected applicants (same job, Engineering) and a hire
    first = api.post_json("/jobs/4000001/applications", application(email="a@example.com"))
    second = api.post_json("/jobs/4000001/applications", application(email="b@example.com"))
    a, b = first.json(), second.json()
    outreach.clock.value += timedelta(minutes=1)
    _decide(ats, a["candidate_id"], a["application_id"], "reject")
    _decide(ats, b["candidate_id"], b["application_id"], "reject")
    outreach.deliver()  # the decisions reach the outreach queue: surveys scheduled
    # When the schedule fires before the delay, nothing goes out; after it, both surveys do
    outreach.tick()
    assert outreach.outbox.messages() == []
    outreach.clock.value = MONDAY_NOON + timedelta(days=4)
    outreach.tick()
    sent = outreach.outbox.messages()
    assert sorted(m["To"] for m in sent) == ["a@example.com", "b@example.com"]
    # And a second decision for the same person within six months sends no second survey
    third = api.post_json(
        "/jobs/4000002/applications",
        application(email="a@example.com", answers={"201": "https://a.example"}, consent={}),
    ).json()
    outreach.clock.value += timedelta(minutes=1)
    _decide(ats, third["candidate_id"], third["application_id"], "reject")
    outreach.deliver()
    outreach.clock.value = MONDAY_NOON + timedelta(days=9)
    outreach.tick()
    assert len(outreach.outbox.messages()) == 2
    # When A answers with a 9 (twice) and B with a 3
    by_person = {m["To"]: _survey_link(m) for m in sent}
    for address, score, times in (("a@example.com", "9", 2), ("b@example.com", "3", 1)):
        page = api.request("GET", "/" + by_person[address], b"", {})
        assert page.status == 200
        assert 'name="nps"' in page.body.decode()
        for _ in range(times):
            reply = api.request(
                "POST",
                "/" + by_person[address],
                f"nps={score}&went_well=Quick+answers".encode(),
                {"Content-Type": "application/x-www-form-urlencoded"},
            )
            assert reply.status == 200
    # Then each answer is recorded once, without names, and reported in aggregate
    answers = [i for i in store.items("outreach") if i.get("type") == "answer"]
    assert sorted(int(a["nps"]) for a in answers) == [3, 9]
    assert not any("@" in str(v) for a in answers for v in a.values())
    results = ats.as_role("recruiter").get("/ats/surveys?job_id=4000001").json()
    assert (results["responses"], results["promoters"], results["detractors"]) == (2, 1, 1)
    assert results["nps"] == 0
    by_department = ats.as_role("recruiter").get("/ats/surveys?department=Engineering").json()
    assert by_department["responses"] == 2
    # And a score out of range is refused, a forged link changes nothing
    bad = api.request(
        "POST",
        "/" + by_person["b@example.com"],
        b"nps=11",
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert bad.status == 422
    assert "score from 0 to 10" in bad.body.decode()
    forged = api.request(
        "POST", f"/surveys/{a['application_id']}/{'0' * 32}.{'0' * 32}", b"nps=1", {}
    )
    assert forged.status == 404
