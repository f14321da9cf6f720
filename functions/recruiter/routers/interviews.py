"""Interviews of an application (scheduled with calendar invitations), and the contact
details reminders reach staff at."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from recruiter import dependencies
from recruiter.routers.common import body, created_once, principal

router = Router()
TAGS = ["Interviews"]
ID = r"^[A-Za-z0-9_-]{1,64}$"
USER = r"^[A-Za-z0-9@._+-]{1,128}$"
INTERVIEWS = "/ats/candidates/<candidate_id>/applications/<application_id>/interviews"

CandidateId = Annotated[str, Path(pattern=ID)]
ApplicationId = Annotated[str, Path(pattern=ID)]
InterviewId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]


@router.get(INTERVIEWS, summary="An application's interviews and their e-mails", tags=TAGS)
def list_interviews(candidate_id: CandidateId, application_id: ApplicationId) -> dict[str, Any]:
    return dependencies.get().interviews.of_application(
        principal(router.current_event), candidate_id, application_id
    )


@router.post(
    INTERVIEWS,
    summary="Schedule an interview: invitations with calendar files, then reminders",
    tags=TAGS,
    status_code=201,
)
def schedule(candidate_id: CandidateId, application_id: ApplicationId) -> dict[str, Any]:
    from recruiting.interviews.models import InterviewRequest

    event = router.current_event
    caller = principal(event)
    request = body(event, InterviewRequest)
    return created_once(
        event,
        f"interview#{caller.user_id}#{application_id}",
        lambda: dependencies.get().interviews.schedule_interview(
            caller, candidate_id, application_id, request
        ),
    )


@router.patch(
    f"{INTERVIEWS}/<interview_id>",
    summary="Move or change an interview: calendars get an update, old reminders go",
    tags=TAGS,
)
def reschedule(
    candidate_id: CandidateId, application_id: ApplicationId, interview_id: InterviewId
) -> dict[str, Any]:
    from recruiting.interviews.models import RescheduleRequest

    event = router.current_event
    request = body(event, RescheduleRequest)
    return dependencies.get().interviews.reschedule(
        principal(event), candidate_id, application_id, interview_id, request
    )


@router.post(
    f"{INTERVIEWS}/<interview_id>/cancel",
    summary="Cancel an interview: calendars remove it, reminders stop",
    tags=TAGS,
)
def cancel(
    candidate_id: CandidateId, application_id: ApplicationId, interview_id: InterviewId
) -> dict[str, Any]:
    return dependencies.get().interviews.cancel(
        principal(router.current_event), candidate_id, application_id, interview_id
    )


@router.get(
    "/ats/users/<user_id>/profile", summary="Where reminders reach a member of staff", tags=TAGS
)
def get_profile(user_id: Annotated[str, Path(pattern=USER)]) -> dict[str, Any]:
    return dependencies.get().interviews.profile(principal(router.current_event), user_id)


@router.put(
    "/ats/users/<user_id>/profile",
    summary="Set your e-mail, name and time zone (admins: anyone's)",
    tags=TAGS,
)
def put_profile(user_id: Annotated[str, Path(pattern=USER)]) -> dict[str, Any]:
    from recruiting.interviews.models import StaffProfileRequest

    event = router.current_event
    request = body(event, StaffProfileRequest)
    return dependencies.get().interviews.save_profile(principal(event), user_id, request)
