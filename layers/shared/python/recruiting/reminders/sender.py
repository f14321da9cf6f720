"""Sending one notice or reminder, once, and only while it still makes sense.

Each e-mail is claimed before SES is called and settled after: a duplicate delivery, a
second sweep or a concurrent worker finds the claim and sends nothing. A claim found
still ``sending`` (a worker died between SES and the settle) becomes ``unknown``: never
resent, counted. Before claiming, the notice is checked against the interview as it is
now; what no longer makes sense is settled ``skipped`` with the reason:

==================  ===========================================================
``superseded``      the interview changed since (a newer sequence owns the key)
``cancelled``       the interview was cancelled (its CANCEL notices still go)
``too_late``        a 24-hour reminder less than 2 hours before, a 1-hour reminder
                    after the start, a chaser a week after the interview
``submitted``       the interviewer's scorecard is in
``no_contact``      no e-mail address for the recipient
``rejected``        SES refused the message for good
==================  ===========================================================
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from aws_lambda_powertools import Logger

from recruiting import clock
from recruiting.outreach import mail
from recruiting.storage.candidates import ApplicationRepository
from recruiting.storage.files import ResumeStore
from recruiting.storage.items import (
    CandidateItem,
    InterviewItem,
    NoticeItem,
    ScorecardItem,
    TaskItem,
)
from recruiting.storage.jobs import JobRepository
from recruiting.storage.schedule import ScheduleRepository

logger = Logger(child=True)

CANDIDATE = "candidate"
# A claim older than this was left by a worker that died (the function times out sooner).
STUCK_AFTER = timedelta(minutes=15)
LATEST = {
    "reminder_24h": timedelta(hours=-2),  # relative to the start
    "reminder_1h": timedelta(0),
    "chaser": timedelta(days=7),  # relative to the end
}
RESUME_LINK_SECONDS = 6 * 3600


def local(moment: datetime, zone: str) -> str:
    """``Tuesday 10 March 2026, 10:00 EDT`` as the recipient reads it."""
    there = moment.astimezone(ZoneInfo(zone))
    return f"{there:%A} {there.day} {there:%B %Y, %H:%M} {there.tzname()}"


@dataclass(frozen=True)
class Contact:
    email: str
    name: str
    time_zone: str


class ReminderSender:
    def __init__(
        self,
        schedule: ScheduleRepository,
        applications: ApplicationRepository,
        jobs: JobRepository,
        files: ResumeStore | None,
        mailer: mail.Mailer,
        *,
        sender_email: str,
        sender_name: str,
        public_url: str,
        now: Callable[[], datetime] = clock.now,
        on_unknown: Callable[[str], None] = lambda kind: None,
    ) -> None:
        self.schedule = schedule
        self.applications = applications
        self.jobs = jobs
        self.files = files
        self.mailer = mailer
        self.sender_email = sender_email
        self.sender_name = sender_name
        self.public_url = public_url.rstrip("/")
        self.now = now
        self.on_unknown = on_unknown

    # --- who ----------------------------------------------------------------------------

    def _staff(self, user_id: str) -> Contact | None:
        item = self.schedule.staff(user_id)
        if item is None:
            return None
        return Contact(str(item.email), str(item.name), str(item.time_zone))

    def _contact(self, recipient: str, person: CandidateItem | None, zone: str) -> Contact | None:
        if recipient != CANDIDATE:
            return self._staff(recipient)
        if person is None or not person.email:
            return None
        name = " ".join(p for p in (person.first_name, person.last_name) if p)
        return Contact(str(person.email), name or str(person.email), zone)

    # --- interview notices ----------------------------------------------------------------

    def send_notice(self, pk: str, sk: str) -> str:
        notice = self.schedule.notice(pk, sk)
        if notice is None:
            return "gone"
        now = self.now()
        at = clock.iso(now)
        if notice.status == "sending":
            if now - clock.parse(str(notice.claimed_at)) < STUCK_AFTER:
                return "in_flight"
            self.schedule.settle(notice, "unknown", at, "outcome_unknown")
            self.on_unknown(str(notice.kind))
            return "unknown"
        if notice.status != "pending":
            return "duplicate"
        interview = self.schedule.interview(str(notice.application_id), str(notice.interview_id))
        why = self._pointless(notice, interview, now)
        if why is not None:
            self.schedule.settle(notice, "skipped", at, why)
            return f"skipped:{why}"
        assert interview is not None
        person = self.applications.get_candidate(str(interview.candidate_id))
        contact = self._contact(str(notice.recipient), person, str(interview.time_zone))
        if contact is None:
            self.schedule.settle(notice, "skipped", at, "no_contact")
            return "skipped:no_contact"
        if not self.schedule.claim(notice, at):
            return "duplicate"
        try:
            raw = self._notice_message(notice, interview, person, contact, now)
        except ValueError as error:  # an address SES would refuse anyway
            self.schedule.settle(notice, "skipped", at, f"rejected: {error}")
            return "skipped:rejected"
        return self._deliver(
            raw,
            contact,
            lambda status, reason=None: self.schedule.settle(
                notice, status, clock.iso(self.now()), reason
            ),
            release=lambda: self.schedule.release(notice),
            kind=str(notice.kind),
        )

    def _pointless(
        self, notice: NoticeItem, interview: InterviewItem | None, now: datetime
    ) -> str | None:
        if interview is None:
            return "interview_gone"
        if int(interview.sequence) != int(notice.sequence):
            return "superseded"
        kind = str(notice.kind)
        if interview.status == "cancelled" and not (kind == "invite" and notice.method == "CANCEL"):
            return "cancelled"
        if kind in ("reminder_24h", "reminder_1h") and now >= (
            clock.parse(str(interview.starts_at)) + LATEST[kind]
        ):
            return "too_late"
        if kind == "chaser":
            if now >= clock.parse(str(interview.ends_at)) + LATEST[kind]:
                return "too_late"
            key = f"SCORE#{interview.application_id}#{interview.interview_id}#{notice.recipient}"
            try:
                ScorecardItem.get(f"CAND#{interview.candidate_id}", key)
            except ScorecardItem.DoesNotExist:
                return None
            return "submitted"
        return None

    def _notice_message(
        self,
        notice: NoticeItem,
        interview: InterviewItem,
        person: CandidateItem | None,
        contact: Contact,
        now: datetime,
    ) -> bytes:
        from recruiting.interviews import ics

        kind = str(notice.kind)
        job = self.jobs.get_job(int(interview.job_id))
        job_title = job.title if job else "the role"
        who = " ".join(p for p in (person.first_name, person.last_name) if p) if person else ""
        who = who or "the candidate"
        starts, ends = clock.parse(str(interview.starts_at)), clock.parse(str(interview.ends_at))
        until = ends.astimezone(ZoneInfo(contact.time_zone))
        when = f"{local(starts, contact.time_zone)} - {until:%H:%M}"
        where = interview.location or ""
        if interview.video_url:
            where = f"{where}\n{interview.video_url}".strip()
        to_candidate = notice.recipient == CANDIDATE
        links = "" if to_candidate else self._links(interview, kind)
        key = f"{interview.interview_id}/{kind}/{notice.recipient}/{int(notice.sequence)}"
        if kind == "invite":
            cancel = notice.method == "CANCEL"
            update = int(notice.sequence) > 0
            topic = (
                f"your interview for {job_title}"
                if to_candidate
                else f"interview with {who} ({job_title})"
            )
            prefix = "Cancelled: " if cancel else ("Updated: " if update else "")
            subject = f"{prefix}{topic[0].upper()}{topic[1:]}"
            lines = [
                f"{'This interview is cancelled.' if cancel else str(interview.title)}",
                f"When: {when}",
                f"Where: {where}" if where else "",
                links,
            ]
            calendar = ics.build(
                ics.Invitation(
                    uid=ics.uid(str(interview.interview_id), self.sender_email.rsplit("@")[-1]),
                    sequence=int(notice.sequence),
                    method="CANCEL" if cancel else "REQUEST",
                    summary=(
                        f"{interview.title}: {job_title}"
                        if to_candidate
                        else f"{interview.title}: {who} ({job_title})"
                    ),
                    starts=starts,
                    ends=ends,
                    stamp=now,
                    organiser_email=self.sender_email,
                    organiser_name=self.sender_name,
                    attendee_email=contact.email,
                    attendee_name=contact.name,
                    location=interview.location,
                    video_url=interview.video_url,
                    description="" if to_candidate else links,
                )
            )
            return mail.build_notice(
                sender=self.sender_email,
                sender_name=self.sender_name,
                recipient=contact.email,
                subject=subject,
                text="\n".join(line for line in lines if line) + "\n",
                message_key=key,
                calendar=calendar,
                method="CANCEL" if cancel else "REQUEST",
            )
        if kind == "chaser":
            subject = f"Scorecard due: {who} ({job_title})"
            lines = [
                f"Your scorecard for the interview on {local(starts, contact.time_zone)} "
                "is not in yet.",
                links,
            ]
        else:
            hours = "24 hours" if kind == "reminder_24h" else "1 hour"
            subject = f"In {hours}: interview with {who} ({job_title})"
            lines = [f"When: {when}", f"Where: {where}" if where else "", links]
            resume = self._resume_link(interview)
            if resume:
                lines.append(f"Resume (link expires in 6 hours): {resume}")
        return mail.build_notice(
            sender=self.sender_email,
            sender_name=self.sender_name,
            recipient=contact.email,
            subject=subject,
            text="\n".join(line for line in lines if line) + "\n",
            message_key=key,
        )

    def _links(self, interview: InterviewItem, kind: str) -> str:
        base = f"{self.public_url}/ats/candidates/{interview.candidate_id}"
        app = f"{base}/applications/{interview.application_id}"
        rows = [
            f"Interview: {app}/interviews",
            f"Candidate: {base}",
            f"Scorecard (interview {interview.interview_id}): {app}/scorecards",
        ]
        kit = list(interview.kit or [])
        if kit:
            rows.append("Rate: " + "; ".join(str(k) for k in kit))
        return "\n".join(rows)

    def _resume_link(self, interview: InterviewItem) -> str | None:
        if self.files is None:
            return None
        application = self.applications.get_application(
            str(interview.candidate_id), str(interview.application_id)
        )
        documents = application.documents.as_dict() if application and application.documents else {}
        resume = documents.get("resume")
        if not resume or not resume.get("key"):
            return None
        return self.files.download_url(
            str(resume["key"]), RESUME_LINK_SECONDS, resume.get("filename")
        )

    # --- tasks and applications -------------------------------------------------------------

    def send_task_overdue(self, task_id: str, due_at: str) -> str:
        try:
            task = TaskItem.get(f"TASK#{task_id}", "TASK")
        except TaskItem.DoesNotExist:
            return "gone"
        if task.status != "open" or task.due_at != due_at:
            return "stale"  # done, or moved to another date since the sweep
        contact = self._staff(str(task.assignee_id))
        pk, sk = f"TASK#{task_id}", f"OVERDUE#{due_at}"
        subject = f"Overdue task: {task.title}"[:200]

        def text(c: Contact) -> str:
            return (
                f"{task.title}\nWas due: {local(clock.parse(due_at), c.time_zone)}\n"
                f"Your tasks: {self.public_url}/ats/tasks?status=open\n"
            )

        return self._once(pk, sk, "task_overdue", str(task.assignee_id), contact, subject, text)

    def send_stale(self, candidate_id: str, application_id: str, last_activity_at: str) -> str:
        application = self.applications.get_application(candidate_id, application_id)
        if application is None:
            return "gone"
        if application.status != "active" or application.last_activity_at != last_activity_at:
            return "stale"  # something happened since the sweep looked
        job = self.jobs.get_job(int(application.job_id))
        if job is None or not job.recruiter_id or not job.stale_after_days:
            return "no_recruiter"
        person = self.applications.get_candidate(candidate_id)
        who = " ".join(p for p in (person.first_name, person.last_name) if p) if person else ""
        contact = self._staff(job.recruiter_id)
        subject = f"No activity for {job.stale_after_days} days: {who or 'a candidate'}"
        since = clock.parse(last_activity_at)

        def text(c: Contact) -> str:
            return (
                f"{who or 'A candidate'} ({job.title}, stage {application.stage}) has had no "
                f"activity since {local(since, c.time_zone)}.\n"
                f"Candidate: {self.public_url}/ats/candidates/{candidate_id}\n"
            )

        return self._once(
            f"APP#{application_id}",
            f"STALE#{last_activity_at}",
            "stale",
            job.recruiter_id,
            contact,
            subject,
            text,
        )

    def _once(
        self,
        pk: str,
        sk: str,
        kind: str,
        recipient: str,
        contact: Contact | None,
        subject: str,
        text: Callable[[Contact], str],
    ) -> str:
        now = self.now()
        at = clock.iso(now)
        claimed = self.schedule.claim_reminder(pk, sk, kind, recipient, at)
        if claimed is None:
            ledger = self.schedule.ledger(pk, sk)
            if (
                ledger is not None
                and ledger.status == "sending"
                and now - clock.parse(str(ledger.claimed_at)) >= STUCK_AFTER
            ):
                self.schedule.settle_reminder(ledger, "unknown", at, "outcome_unknown")
                self.on_unknown(kind)
                return "unknown"
            return "duplicate"
        if contact is None:
            self.schedule.settle_reminder(claimed, "skipped", at, "no_contact")
            return "skipped:no_contact"
        try:
            raw = mail.build_notice(
                sender=self.sender_email,
                sender_name=self.sender_name,
                recipient=contact.email,
                subject=subject,
                text=text(contact),
                message_key=f"{pk}/{sk}",
            )
        except ValueError as error:
            self.schedule.settle_reminder(claimed, "skipped", at, f"rejected: {error}")
            return "skipped:rejected"
        return self._deliver(
            raw,
            contact,
            lambda status, reason=None: self.schedule.settle_reminder(
                claimed, status, clock.iso(self.now()), reason
            ),
            release=lambda: self.schedule.release_reminder(claimed),
            kind=kind,
        )

    def _deliver(
        self,
        raw: bytes,
        contact: Contact,
        settle: Callable[..., None],
        *,
        release: Callable[[], None],
        kind: str,
    ) -> str:
        try:
            self.mailer.send(raw, recipient=contact.email, sender=self.sender_email)
        except (mail.Throttled, mail.Unavailable):
            release()
            raise  # this message fails alone; SQS brings it back
        except mail.Rejected as rejected:
            settle("skipped", f"rejected: {rejected.reason}")
            return "skipped:rejected"
        except mail.Unknown:
            settle("unknown", "outcome_unknown")
            self.on_unknown(kind)
            return "unknown"
        settle("sent")
        return "sent"
