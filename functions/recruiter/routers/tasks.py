"""Tasks: /ats/tasks."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from recruiter import dependencies
from recruiter.routers.common import body, created_once, principal
from recruiting.ats.vocabulary import TaskStatus

router = Router()
TAGS = ["Tasks"]


@router.get("/ats/tasks", summary="Tasks: yours, someone's, a candidate's or a job's", tags=TAGS)
def list_tasks(
    assignee: Annotated[str | None, Query(max_length=128)] = None,
    candidate_id: Annotated[str | None, Query(max_length=64)] = None,
    job_id: Annotated[int | None, Query(ge=1)] = None,
    status: Annotated[TaskStatus, Query()] = TaskStatus.OPEN,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> dict[str, Any]:
    tasks, next_cursor = dependencies.get().collaboration.list_tasks(
        principal(router.current_event), assignee, candidate_id, job_id, status, limit, cursor
    )
    return {"tasks": tasks, "next_cursor": next_cursor}


@router.post("/ats/tasks", summary="Create a task", tags=TAGS, status_code=201)
def create_task() -> dict[str, Any]:
    from recruiting.ats.collaboration import TaskRequest

    event = router.current_event
    caller = principal(event)
    request = body(event, TaskRequest)
    return created_once(
        event,
        f"task#{caller.user_id}",
        lambda: dependencies.get().collaboration.create_task(caller, request),
    )


@router.patch("/ats/tasks/<task_id>", summary="Edit or complete a task", tags=TAGS)
def update_task(task_id: Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]) -> dict[str, Any]:
    from recruiting.ats.collaboration import TaskChanges

    event = router.current_event
    return dependencies.get().collaboration.update_task(
        principal(event), task_id, body(event, TaskChanges)
    )
