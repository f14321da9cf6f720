"""Interviews with calendar invitations, and the reminders function: each e-mail once, in
each recipient's time zone, never stale after a change, and sensible after an outage."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import icalendar
import pytest

from recruiting import wiring
from recruiting.outreach import mail
from recruiting_local.context import LocalContext
from support import application, drain

# US daylight saving time starts on Sunday 8 March 2026; Europe's on 29 March.
MONDAY = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
# 10:00 in New York on Tuesday 10 March (EDT, UTC-4) is 14:00 UTC and 15:00 in Berlin (CET).
START = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.value = now

    def __call__(self) -> datetime:
        return self.value


@pytest.fixture
def world(aws, api, ats, demo, tmp_path, monkeypatch):
    """The recruiter API, the intake API and the reminders function on one clock, the
    reminders function writing to a local outbox."""
    monkeypatch.setenv("OUTREACH_OUTBOX_DIR", str(tmp_path / "outbox"))
    from reminders import handler

    from intake import dependencies as intake
    from recruiter import dependencies

    handler.use(None)
    sender, sweep = handler.build()
    clock = Clock(MONDAY)
    recruiter = dependencies.get()
    sender.now = sweep.now = clock
    recruiter.interviews.now = recruiter.pipeline.now = recruiter.collaboration.now = clock
    intake.get().service.now = clock
    url = aws[wiring.REMINDERS_QUEUE.env]

    class World:
        def __init__(self) -> None:
            self.clock = clock
            self.outbox = mail.LocalOutbox(tmp_path / "outbox")
            self.sender = sender
            self.sweep = sweep

        def deliver(self) -> list[str]:
            return drain(url, handler.lambda_handler, "reminders")

        def tick(self) -> list[str]:
            """The schedule fires, then the queue is delivered."""
            handler.lambda_handler({"source": "aws.scheduler"}, LocalContext("reminders"))
            return self.deliver()

        def sent(self, since: int = 0) -> list[EmailMessage]:
            return self.outbox.messages()[since:]

    for user, name, zone in (
        ("ivy", "Ivy Interviewer", "America/New_York"),
        ("liam", "Liam Lead", "Europe/Berlin"),
        ("noor", "Noor Engineer", "Asia/Kolkata"),
        ("local-recruiter", "Rita Recruiter", "Europe/London"),
    ):
        role = "recruiter" if user == "local-recruiter" else "interviewer"
        reply = ats.as_role(role, user).put_json(
            f"/ats/users/{user}/profile",
            {"email": f"{user.split('-')[-1]}@acme.example", "name": name, "time_zone": zone},
        )
        assert reply.status == 200, reply.body
    yield World()
    handler.use(None)


def _applicant(api, email: str = "grace@example.com") -> tuple[str, str]:
    reply = api.post_json("/jobs/4000001/applications", application(email=email))
    assert reply.status == 201, reply.body
    return reply.json()["candidate_id"], reply.json()["application_id"]


def _interviews(candidate_id: str, application_id: str) -> str:
    return f"/ats/candidates/{candidate_id}/applications/{application_id}/interviews"


def _schedule(ats, path: str, **overrides) -> dict:
    body = {
        "title": "Technical interview",
        "start": "2026-03-10T10:00:00",  # wall-clock time in time_zone
        "end": "2026-03-10T11:00:00",
        "time_zone": "America/New_York",
        "video_url": "https://meet.example/abc-defg",
        "interviewers": ["ivy", "liam"],
        "kit": ["System design", "Communication"],
        **overrides,
    }
    reply = ats.as_role("recruiter").post_json(path, body)
    assert reply.status == 201, reply.body
    return reply.json()


def _calendar(message: EmailMessage) -> icalendar.Event:
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    calendar = icalendar.Calendar.from_ical(part.get_content())
    (event,) = calendar.walk("VEVENT")
    event.method = str(calendar["METHOD"])  # type: ignore[attr-defined]
    return event


def _by_recipient(messages: list[EmailMessage]) -> dict[str, EmailMessage]:
    return {str(m["To"]): m for m in messages}


def test_scheduling_invites_interviewers_and_candidate_with_calendar_files(api, ats, world):
    candidate_id, application_id = _applicant(api)
    # When a recruiter schedules an interview (wall-clock times in New York)
    interview = _schedule(ats, _interviews(candidate_id, application_id))
    # Then it is stored at the right instant, with its notices planned
    assert (interview["start"], interview["end"]) == (
        "2026-03-10T14:00:00.000000Z",
        "2026-03-10T15:00:00.000000Z",
    )
    planned = sorted((n["kind"], n["recipient"]) for n in interview["notices"])
    assert planned == sorted(
        [("invite", r) for r in ("ivy", "liam", "candidate")]
        + [(k, r) for k in ("reminder_24h", "reminder_1h", "chaser") for r in ("ivy", "liam")]
    )
    # And the change event makes the reminders function send the invitations at once
    assert world.deliver() == []
    sent = _by_recipient(world.sent())
    assert sorted(sent) == ["grace@example.com", "ivy@acme.example", "liam@acme.example"]
    events = {to: _calendar(m) for to, m in sent.items()}
    # one event for everyone (one UID), first version, a request with only its recipient
    assert len({str(e["UID"]) for e in events.values()}) == 1
    for to, event in events.items():
        assert event.method == "REQUEST"
        assert int(event["SEQUENCE"]) == 0
        assert event.decoded("DTSTART") == START
        assert str(event["ATTENDEE"]) == f"mailto:{to}"
        assert "invite.ics" in str(sent[to])
    # And each reads the time in their own zone; only staff get internal links
    ivy_text = sent["ivy@acme.example"].get_body(("plain",)).get_content()
    assert "Tuesday 10 March 2026, 10:00 EDT - 11:00" in ivy_text
    assert f"/ats/candidates/{candidate_id}" in ivy_text
    liam_text = sent["liam@acme.example"].get_body(("plain",)).get_content()
    assert "Tuesday 10 March 2026, 15:00 CET - 16:00" in liam_text
    candidate_text = sent["grace@example.com"].get_body(("plain",)).get_content()
    assert "/ats/" not in candidate_text
    assert "https://meet.example/abc-defg" in candidate_text
    # And a sweep, or the same event again, sends nothing more
    world.tick()
    assert len(world.sent()) == 3
    view = ats.as_role("recruiter").get(_interviews(candidate_id, application_id)).json()
    invites = [n for n in view["interviews"][0]["notices"] if n["kind"] == "invite"]
    assert {n["status"] for n in invites} == {"sent"}


def test_reminders_go_once_and_chasers_only_without_a_scorecard(api, ats, world):
    candidate_id, application_id = _applicant(api)
    interview = _schedule(ats, _interviews(candidate_id, application_id))
    world.deliver()
    # When the sweep runs 24 hours before, twice and concurrently (both queue the work)
    world.clock.value = START - timedelta(hours=24)
    world.sweep.run()
    world.sweep.run()
    assert world.deliver() == []
    # Then each interviewer gets one reminder, in their time zone, with the links
    reminders = _by_recipient(world.sent(3))
    assert sorted(reminders) == ["ivy@acme.example", "liam@acme.example"]
    text = reminders["ivy@acme.example"].get_body(("plain",)).get_content()
    assert str(reminders["ivy@acme.example"]["Subject"]).startswith("In 24 hours: interview")
    assert "10:00 EDT" in text
    assert "System design" in text
    assert f"/applications/{application_id}/scorecards" in text
    # And an hour before, the 1-hour reminders, once
    world.clock.value = START - timedelta(minutes=59)
    world.tick()
    world.tick()
    assert len(world.sent(5)) == 2
    # When Ivy submits her scorecard and a day passes after the interview
    scorecard = ats.as_role("interviewer", "ivy").post_json(
        f"/ats/candidates/{candidate_id}/applications/{application_id}/scorecards",
        {
            "interview": interview["interview_id"],
            "ratings": {"System design": 4},
            "recommendation": "yes",
        },
    )
    assert scorecard.status in (200, 201), scorecard.body
    world.clock.value = START + timedelta(hours=25, minutes=1)
    world.tick()
    # Then only Liam is chased
    assert [(str(m["To"]), str(m["Subject"])[:14]) for m in world.sent(7)] == [
        ("liam@acme.example", "Scorecard due:")
    ]
    view = ats.as_role("recruiter").get(_interviews(candidate_id, application_id)).json()
    chasers = {
        n["recipient"]: (n["status"], n["reason"])
        for n in view["interviews"][0]["notices"]
        if n["kind"] == "chaser"
    }
    assert chasers == {"ivy": ("skipped", "submitted"), "liam": ("sent", None)}


def test_rescheduling_updates_calendars_and_cancelling_removes_them(api, ats, world):
    candidate_id, application_id = _applicant(api)
    path = _interviews(candidate_id, application_id)
    interview = _schedule(ats, path)
    world.deliver()
    first_uid = str(_calendar(world.sent()[0])["UID"])
    # When it moves a day later, Liam is replaced by Noor
    moved = ats.as_role("recruiter").patch_json(
        f"{path}/{interview['interview_id']}",
        {
            "start": "2026-03-11T10:00:00-04:00",
            "end": "2026-03-11T11:00:00-04:00",
            "interviewers": ["ivy", "noor"],
        },
    )
    assert moved.status == 200, moved.body
    assert moved.json()["sequence"] == 1
    world.deliver()
    # Then Ivy, Noor and the candidate get an update of the same event; Liam a cancellation
    updates = {to: _calendar(m) for to, m in _by_recipient(world.sent(3)).items()}
    assert {to: (e.method, int(e["SEQUENCE"])) for to, e in updates.items()} == {
        "ivy@acme.example": ("REQUEST", 1),
        "noor@acme.example": ("REQUEST", 1),
        "grace@example.com": ("REQUEST", 1),
        "liam@acme.example": ("CANCEL", 1),
    }
    assert {str(e["UID"]) for e in updates.values()} == {first_uid}
    assert str(updates["liam@acme.example"]["STATUS"]) == "CANCELLED"
    # And at the old time nobody is reminded; at the new time Ivy and Noor are
    world.clock.value = START - timedelta(hours=23)
    world.tick()
    assert world.sent(7) == []
    world.clock.value = START + timedelta(hours=1)
    world.tick()
    assert sorted(str(m["To"]) for m in world.sent(7)) == ["ivy@acme.example", "noor@acme.example"]
    # When it is cancelled (twice: the second changes nothing)
    for _ in range(2):
        cancelled = ats.as_role("recruiter").post_json(
            f"{path}/{interview['interview_id']}/cancel", {}
        )
        assert cancelled.status == 200, cancelled.body
    world.deliver()
    # Then everyone who held it gets METHOD:CANCEL with a higher sequence
    cancels = {to: _calendar(m) for to, m in _by_recipient(world.sent(9)).items()}
    assert {to: (e.method, int(e["SEQUENCE"])) for to, e in cancels.items()} == {
        "ivy@acme.example": ("CANCEL", 2),
        "noor@acme.example": ("CANCEL", 2),
        "grace@example.com": ("CANCEL", 2),
    }
    # And no reminder or chaser follows
    for later in (timedelta(hours=23, minutes=30), timedelta(days=2)):
        world.clock.value = START + later
        world.tick()
    assert len(world.sent()) == 12
    # And a cancelled interview cannot be moved
    again = ats.as_role("recruiter").patch_json(
        f"{path}/{interview['interview_id']}", {"title": "Another"}
    )
    assert again.status == 409


def test_after_an_outage_reminders_that_no_longer_make_sense_are_skipped(api, ats, world):
    candidate_id, application_id = _applicant(api)
    _schedule(ats, _interviews(candidate_id, application_id))
    world.deliver()
    # When the reminders function comes back 30 minutes before the interview
    world.clock.value = START - timedelta(minutes=30)
    world.tick()
    # Then the 1-hour reminders go, the 24-hour ones are skipped and say why
    assert {str(m["Subject"])[:10] for m in world.sent(3)} == {"In 1 hour:"}
    assert len(world.sent(3)) == 2
    view = ats.as_role("recruiter").get(_interviews(candidate_id, application_id)).json()
    outcomes = {
        (n["kind"], n["recipient"]): (n["status"], n["reason"])
        for n in view["interviews"][0]["notices"]
        if n["kind"].startswith("reminder")
    }
    assert outcomes == {
        ("reminder_24h", "ivy"): ("skipped", "too_late"),
        ("reminder_24h", "liam"): ("skipped", "too_late"),
        ("reminder_1h", "ivy"): ("sent", None),
        ("reminder_1h", "liam"): ("sent", None),
    }


def test_overdue_tasks_and_stale_candidates_are_reminded_once(api, ats, world):
    recruiter = ats.as_role("recruiter")
    # Given a job that nudges after 5 days without activity, and an applicant to it
    job = recruiter.patch_json(
        "/ats/jobs/4000001", {"stale_after_days": 5, "recruiter_id": "local-recruiter"}
    )
    assert job.status == 200, job.body
    candidate_id, _ = _applicant(api)
    # and a task for Ivy due on Wednesday at noon
    task = recruiter.post_json(
        "/ats/tasks",
        {
            "title": "Call references",
            "assignee_id": "ivy",
            "due_at": "2026-03-04T12:00:00Z",
            "candidate_id": candidate_id,
        },
    )
    assert task.status == 201, task.body
    world.tick()  # Monday: nothing is due
    assert world.sent() == []
    # When Wednesday afternoon comes, and the sweep runs twice
    world.clock.value = datetime(2026, 3, 4, 13, 0, tzinfo=UTC)
    world.tick()
    world.tick()
    # Then Ivy hears about it once, in her time zone
    (overdue,) = world.sent()
    assert str(overdue["To"]) == "ivy@acme.example"
    assert str(overdue["Subject"]) == "Overdue task: Call references"
    assert "07:00 EST" in overdue.get_body(("plain",)).get_content()
    # When six days pass without activity on the application
    world.clock.value = MONDAY + timedelta(days=6)
    world.tick()
    world.tick()
    # Then the job's recruiter is nudged once
    (nudge,) = world.sent(1)
    assert str(nudge["To"]) == "recruiter@acme.example"
    assert str(nudge["Subject"]).startswith("No activity for 5 days: Ada Lovelace")
    # And a day later, with still no activity, not again
    world.clock.value += timedelta(days=1)
    world.tick()
    assert len(world.sent()) == 2


def test_bad_interviews_are_refused_by_field_and_change_nothing(api, ats, world, store):
    candidate_id, application_id = _applicant(api)
    path = _interviews(candidate_id, application_id)
    recruiter = ats.as_role("recruiter")
    cases = [
        ({"interviewers": ["nobody"]}, "interviewers[0]", "no_contact"),
        ({"end": "2026-03-10T09:00:00"}, "body", "value_error"),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "value_error"),
        ({"video_url": "javascript:alert(1)"}, "video_url", "value_error"),
        ({"interviewers": ["ivy", "ivy"]}, "interviewers", "value_error"),
    ]
    base = {
        "start": "2026-03-10T10:00:00",
        "end": "2026-03-10T11:00:00",
        "time_zone": "America/New_York",
        "location": "Room 4",
        "interviewers": ["ivy"],
    }
    for change, field, rule in cases:
        reply = recruiter.post_json(path, {**base, **change})
        assert reply.status == 422, (change, reply.body)
        errors = [(e["field"], e["rule"]) for e in reply.json()["errors"]]
        assert (field, rule) in errors, (change, errors)
    # And nothing was written, and hiring managers may not schedule
    assert [i for i in store.items("schedule") if i.get("type") == "interview"] == []
    assert ats.as_role("hiring_manager").post_json(path, base).status == 403


def test_a_throttled_reminder_fails_alone_and_is_sent_once_later(api, ats, world, aws):
    import boto3

    candidate_id, application_id = _applicant(api)
    _schedule(ats, _interviews(candidate_id, application_id))
    world.deliver()
    # Given SES throttles the first reminder
    real = world.sender.mailer
    attempts: list[str] = []

    class Throttling:
        def send(self, raw, *, recipient, sender):
            attempts.append(recipient)
            if len(attempts) == 1:
                raise mail.Throttled("slow down")
            return real.send(raw, recipient=recipient, sender=sender)

    world.sender.mailer = Throttling()
    boto3.client("sqs").set_queue_attributes(
        QueueUrl=aws[wiring.REMINDERS_QUEUE.env], Attributes={"VisibilityTimeout": "0"}
    )
    # When the 24-hour reminders fall due
    world.clock.value = START - timedelta(hours=24)
    failed = world.tick()
    # Then only the throttled one failed, and its retry sends it, once
    assert len(failed) == 1
    assert world.deliver() == []
    assert sorted(str(m["To"]) for m in world.sent(3)) == ["ivy@acme.example", "liam@acme.example"]
    assert len(attempts) == 3
