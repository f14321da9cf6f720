"""Scheduling interviews: the interview and every e-mail it owes people, in one write.

Scheduling writes the interview with its notices: an invitation to each interviewer and
to the candidate (due now), reminders to each interviewer 24 hours and 1 hour before, and
a scorecard chaser 24 hours after it ends. A change that people must see in their
calendars (time, place, title, interviewers) raises the interview's ``sequence`` and
rewrites the notices for the new one; reminders of the old time are retired in the same
transaction, so no stale reminder can go out. A cancellation sends METHOD:CANCEL to
whoever was already invited and retires the rest. The reminders function sends them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from recruiting import clock
from recruiting.auth import Principal, Role, require
from recruiting.errors import Conflict, FieldError, NotFound, ValidationFailed
from recruiting.interviews.models import (
    InterviewRequest,
    RescheduleRequest,
    StaffProfileRequest,
    check_times,
    instant,
)
from recruiting.storage.candidates import ApplicationRepository
from recruiting.storage.events import EventPublisher
from recruiting.storage.items import InterviewItem, NoticeItem, StaffItem
from recruiting.storage.jobs import JobRepository
from recruiting.storage.schedule import (
    Conflict as WriteConflict,
)
from recruiting.storage.schedule import (
    ScheduleRepository,
    due_index,
    notice_key,
)

CANDIDATE = "candidate"
REMINDERS = (("reminder_24h", timedelta(hours=24)), ("reminder_1h", timedelta(hours=1)))
CHASE_AFTER = timedelta(hours=24)
# A notice already handed to SES (or maybe): a cancellation must follow it.
_INVITED = ("sent", "sending", "unknown")


def interview_view(item: InterviewItem, notices: list[NoticeItem]) -> dict[str, Any]:
    return {
        "interview_id": item.interview_id,
        "application_id": item.application_id,
        "candidate_id": item.candidate_id,
        "job_id": int(item.job_id),
        "title": item.title,
        "start": item.starts_at,
        "end": item.ends_at,
        "time_zone": item.time_zone,
        "location": item.location,
        "video_url": item.video_url,
        "interviewers": list(item.interviewers or []),
        "kit": list(item.kit or []),
        "status": item.status,
        "sequence": int(item.sequence),
        "notices": [
            {
                "kind": n.kind,
                "recipient": n.recipient,
                "method": n.method,
                "due_at": n.due_at,
                "status": n.status,
                "reason": n.reason,
            }
            for n in sorted(notices, key=lambda n: (str(n.due_at), str(n.sk)))
            if n.interview_id == item.interview_id
        ],
    }


class InterviewService:
    def __init__(
        self,
        schedule: ScheduleRepository,
        applications: ApplicationRepository,
        events: EventPublisher,
        jobs: JobRepository,
        now: Callable[[], datetime] = clock.now,
        new_id: Callable[[], str] = clock.new_id,
    ) -> None:
        self.schedule = schedule
        self.applications = applications
        self.jobs = jobs
        self.events = events
        self.now = now
        self.new_id = new_id

    # --- staff contacts ---------------------------------------------------------------

    def save_profile(
        self, principal: Principal, user_id: str, request: StaffProfileRequest
    ) -> dict[str, Any]:
        """Staff set their own contact details; admins may set anyone's."""
        if principal.user_id != user_id:
            require(principal, Role.ADMIN)
        item = StaffItem(
            f"USER#{user_id}",
            "PROFILE",
            user_id=user_id,
            email=request.email,
            name=request.name,
            time_zone=request.time_zone,
            updated_at=clock.iso(self.now()),
        )
        self.schedule.save_staff(item)
        return self._profile_view(item)

    def profile(self, principal: Principal, user_id: str) -> dict[str, Any]:
        if principal.user_id != user_id:
            require(principal, Role.ADMIN, Role.RECRUITER)
        item = self.schedule.staff(user_id)
        if item is None:
            raise NotFound(f"no contact details for {user_id}")
        return self._profile_view(item)

    @staticmethod
    def _profile_view(item: StaffItem) -> dict[str, Any]:
        return {
            "user_id": item.user_id,
            "email": item.email,
            "name": item.name,
            "time_zone": item.time_zone,
            "updated_at": item.updated_at,
        }

    # --- interviews -------------------------------------------------------------------

    def _application(self, candidate_id: str, application_id: str) -> Any:
        application = self.applications.get_application(candidate_id, application_id)
        if application is None:
            raise NotFound(f"no application {application_id}")
        return application

    def _check_interviewers(self, interviewers: list[str]) -> None:
        known = self.schedule.staff_many(interviewers)
        errors = [
            FieldError(
                f"interviewers[{i}]",
                "no_contact",
                f"no contact details for {user} (PUT /ats/users/{user}/profile)",
            )
            for i, user in enumerate(interviewers)
            if user not in known
        ]
        if errors:
            raise ValidationFailed(errors)

    def of_application(
        self, principal: Principal, candidate_id: str, application_id: str
    ) -> dict[str, Any]:
        require(principal, Role.ADMIN, Role.RECRUITER, Role.HIRING_MANAGER, Role.INTERVIEWER)
        application = self._application(candidate_id, application_id)
        if principal.role is Role.HIRING_MANAGER:
            job = self.jobs.get_job(int(application.job_id))
            if job is None or job.hiring_manager_id != principal.user_id:
                raise NotFound(f"no application {application_id}")
        items = self.schedule.application_items(application_id)
        notices = [i for i in items if isinstance(i, NoticeItem)]
        interviews = [i for i in items if isinstance(i, InterviewItem)]
        if principal.role is Role.INTERVIEWER:
            interviews = [i for i in interviews if principal.user_id in (i.interviewers or [])]
        return {
            "interviews": [
                interview_view(i, notices)
                for i in sorted(interviews, key=lambda i: str(i.starts_at))
            ]
        }

    def schedule_interview(
        self,
        principal: Principal,
        candidate_id: str,
        application_id: str,
        request: InterviewRequest,
    ) -> dict[str, Any]:
        require(principal, Role.ADMIN, Role.RECRUITER)
        application = self._application(candidate_id, application_id)
        if application.status != "active":
            raise Conflict(f"the application is {application.status}")
        self._check_interviewers(request.interviewers)
        now = self.now()
        at = clock.iso(now)
        interview = InterviewItem(
            f"APP#{application_id}",
            f"INTERVIEW#{self.new_id()}",
            application_id=application_id,
            candidate_id=candidate_id,
            job_id=int(application.job_id),
            title=request.title,
            starts_at=clock.iso(instant(request.start, request.time_zone)),
            ends_at=clock.iso(instant(request.end, request.time_zone)),
            time_zone=request.time_zone,
            location=request.location,
            video_url=request.video_url,
            interviewers=list(request.interviewers),
            kit=list(request.kit),
            status="scheduled",
            sequence=0,
            organiser=principal.user_id,
            created_at=at,
            updated_at=at,
        )
        interview.interview_id = str(interview.sk).removeprefix("INTERVIEW#")
        notices = self._plan(interview, now, invite=[*request.interviewers, CANDIDATE])
        self.schedule.write(interview, notices, [], None)
        self._publish("interview.scheduled", interview)
        return interview_view(interview, notices)

    def reschedule(
        self,
        principal: Principal,
        candidate_id: str,
        application_id: str,
        interview_id: str,
        request: RescheduleRequest,
    ) -> dict[str, Any]:
        require(principal, Role.ADMIN, Role.RECRUITER)
        self._application(candidate_id, application_id)
        interview, notices = self._current(application_id, interview_id)
        if interview.status != "scheduled":
            raise Conflict("a cancelled interview cannot change; schedule a new one")
        before = int(interview.sequence)
        previous = list(interview.interviewers or [])
        fields = request.model_fields_set
        zone = request.time_zone or str(interview.time_zone)
        if request.start is not None and request.end is not None:
            starts, ends = instant(request.start, zone), instant(request.end, zone)
            try:
                check_times(starts, ends)
            except ValueError as error:
                raise ValidationFailed([FieldError("end", "times", str(error))]) from None
            interview.starts_at, interview.ends_at = clock.iso(starts), clock.iso(ends)
        if request.interviewers is not None:
            self._check_interviewers(request.interviewers)
            interview.interviewers = list(request.interviewers)
        for name in ("title", "time_zone", "location", "video_url", "kit"):
            if name in fields:
                value = getattr(request, name)
                setattr(interview, name, list(value) if name == "kit" else value)
        if interview.location is None and interview.video_url is None:
            raise ValidationFailed(
                [FieldError("location", "required", "give a location or a video_url")]
            )
        now = self.now()
        interview.updated_at = clock.iso(now)
        visible = fields - {"kit"}
        if not visible:  # only the kit changed: nothing for calendars
            self._save(interview, [], [], before)
            return interview_view(interview, notices)
        interview.sequence = before + 1
        current = list(interview.interviewers or [])
        removed = [u for u in previous if u not in current]
        invited = self._invited(notices, interview.interview_id)
        fresh = self._plan(interview, now, invite=[*current, CANDIDATE])
        fresh += [
            self._notice(interview, "invite", user, now, method="CANCEL")
            for user in removed
            if user in invited
        ]
        retire = self._retire(notices, fresh, interview.interview_id, "rescheduled")
        self._save(interview, fresh, retire, before)
        self._publish("interview.rescheduled", interview)
        return interview_view(interview, self._merge(notices, fresh, retire))

    def cancel(
        self, principal: Principal, candidate_id: str, application_id: str, interview_id: str
    ) -> dict[str, Any]:
        require(principal, Role.ADMIN, Role.RECRUITER)
        self._application(candidate_id, application_id)
        interview, notices = self._current(application_id, interview_id)
        if interview.status == "cancelled":
            return interview_view(interview, notices)  # idempotent
        before = int(interview.sequence)
        now = self.now()
        interview.status = "cancelled"
        interview.sequence = before + 1
        interview.updated_at = clock.iso(now)
        invited = self._invited(notices, interview.interview_id)
        fresh = [
            self._notice(interview, "invite", user, now, method="CANCEL")
            for user in [*(interview.interviewers or []), CANDIDATE]
            if user in invited
        ]
        retire = self._retire(notices, fresh, interview.interview_id, "cancelled")
        self._save(interview, fresh, retire, before)
        self._publish("interview.cancelled", interview)
        return interview_view(interview, self._merge(notices, fresh, retire))

    # --- helpers ----------------------------------------------------------------------

    def _current(self, application_id: str, interview_id: str) -> tuple[InterviewItem, list[Any]]:
        items = self.schedule.application_items(application_id)
        interview = next(
            (i for i in items if isinstance(i, InterviewItem) and i.interview_id == interview_id),
            None,
        )
        if interview is None:
            raise NotFound(f"no interview {interview_id}")
        notices = [i for i in items if isinstance(i, NoticeItem) and i.interview_id == interview_id]
        return interview, notices

    @staticmethod
    def _invited(notices: list[NoticeItem], interview_id: str) -> set[str]:
        """Who already holds an invitation (or may: an unknown outcome)."""
        return {
            str(n.recipient)
            for n in notices
            if n.kind == "invite" and n.method == "REQUEST" and n.status in _INVITED
        }

    def _plan(self, interview: InterviewItem, now: datetime, invite: list[str]) -> list[NoticeItem]:
        """Invitations due now, reminders and chasers due later (none in the past)."""
        notices = [self._notice(interview, "invite", user, now) for user in invite]
        starts, ends = clock.parse(str(interview.starts_at)), clock.parse(str(interview.ends_at))
        for user in interview.interviewers or []:
            for kind, before in REMINDERS:
                if starts - before > now:
                    notices.append(self._notice(interview, kind, user, starts - before))
            notices.append(self._notice(interview, "chaser", user, ends + CHASE_AFTER))
        return notices

    @staticmethod
    def _notice(
        interview: InterviewItem,
        kind: str,
        recipient: str,
        due: datetime,
        method: str | None = None,
    ) -> NoticeItem:
        due_at = clock.iso(due)
        sk = notice_key(str(interview.interview_id), kind, recipient)
        index = due_index(due_at, sk)
        return NoticeItem(
            interview.pk,
            sk,
            interview_id=interview.interview_id,
            application_id=interview.application_id,
            kind=kind,
            recipient=recipient,
            method=method or ("REQUEST" if kind == "invite" else None),
            sequence=int(interview.sequence),
            due_at=due_at,
            status="pending",
            gsi1pk=index["gsi1pk"],
            gsi1sk=index["gsi1sk"],
        )

    @staticmethod
    def _retire(
        notices: list[NoticeItem], fresh: list[NoticeItem], interview_id: str, reason: str
    ) -> list[tuple[NoticeItem, str]]:
        """Pending notices the change leaves without a replacement."""
        replaced = {str(n.sk) for n in fresh}
        return [
            (n, reason)
            for n in notices
            if n.interview_id == interview_id and n.status == "pending" and n.sk not in replaced
        ]

    @staticmethod
    def _merge(
        notices: list[NoticeItem], fresh: list[NoticeItem], retire: list[tuple[NoticeItem, str]]
    ) -> list[NoticeItem]:
        for notice, reason in retire:
            notice.status, notice.reason = "skipped", reason
        replaced = {str(n.sk) for n in fresh}
        return [n for n in notices if n.sk not in replaced] + fresh

    def _save(
        self,
        interview: InterviewItem,
        fresh: list[NoticeItem],
        retire: list[tuple[NoticeItem, str]],
        before: int,
    ) -> None:
        try:
            self.schedule.write(interview, fresh, retire, before)
        except WriteConflict:
            raise Conflict("the interview changed meanwhile; read it again") from None

    def _publish(self, kind: str, interview: InterviewItem) -> None:
        self.events.publish(
            kind,
            {
                "application_id": interview.application_id,
                "candidate_id": interview.candidate_id,
                "interview_id": interview.interview_id,
                "job_id": int(interview.job_id),
                "sequence": int(interview.sequence),
            },
        )
