"""Reports: requested here, built asynchronously by the report-exports function, fetched
when ready; and subscriptions that e-mail a report on a schedule."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path

from recruiter import dependencies
from recruiter.routers.common import body, created_once, principal

router = Router()
TAGS = ["Reports"]
ID = r"^[0-9a-f]{32}$"


@router.post(
    "/ats/reports",
    summary="Request a report (built asynchronously; fetch it with its run id)",
    tags=TAGS,
    status_code=202,
)
def request_report() -> dict[str, Any]:
    from recruiting.reports.models import ReportRequest

    event = router.current_event
    caller = principal(event)
    dependencies.get().reports.allowed(caller)  # 403 before any 422
    request = body(event, ReportRequest)
    return created_once(
        event,
        f"report#{caller.user_id}",
        lambda: dependencies.get().reports.request(caller, request),
    )


@router.get("/ats/reports/<run_id>", summary="A report run: its status, then its files", tags=TAGS)
def get_report(run_id: Annotated[str, Path(pattern=ID)]) -> dict[str, Any]:
    return dependencies.get().reports.get(principal(router.current_event), run_id)


@router.get("/ats/report-subscriptions", summary="Your report subscriptions", tags=TAGS)
def list_subscriptions() -> dict[str, Any]:
    return dependencies.get().reports.subscriptions(principal(router.current_event))


@router.post(
    "/ats/report-subscriptions",
    summary="Get a report by e-mail daily, weekly or monthly at a local time",
    tags=TAGS,
    status_code=201,
)
def subscribe() -> dict[str, Any]:
    from recruiting.reports.models import SubscriptionRequest

    event = router.current_event
    caller = principal(event)
    dependencies.get().reports.allowed(caller)
    request = body(event, SubscriptionRequest)
    return created_once(
        event,
        f"subscription#{caller.user_id}",
        lambda: dependencies.get().reports.subscribe(caller, request),
    )


@router.delete(
    "/ats/report-subscriptions/<subscription_id>", summary="Stop a subscription", tags=TAGS
)
def unsubscribe(subscription_id: Annotated[str, Path(pattern=ID)]) -> dict[str, Any]:
    return dependencies.get().reports.unsubscribe(principal(router.current_event), subscription_id)


@router.post(
    "/ats/report-subscriptions/<subscription_id>/send",
    summary="E-mail a subscription's report now",
    tags=TAGS,
    status_code=202,
)
def send_now(subscription_id: Annotated[str, Path(pattern=ID)]) -> dict[str, Any]:
    return dependencies.get().reports.send_now(principal(router.current_event), subscription_id)
