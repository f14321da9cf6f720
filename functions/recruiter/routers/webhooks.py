"""Outbound webhooks (admins): /ats/webhooks. Deliveries are made by the webhooks
function; these routes register endpoints and show and repeat what was delivered."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from recruiter import dependencies
from recruiter.routers.common import body, created_once, principal

router = Router()
TAGS = ["Webhooks"]
ID = r"^[0-9a-f]{32}$"
WEBHOOK = "/ats/webhooks/<webhook_id>"


@router.get("/ats/webhooks", summary="Registered webhook endpoints (no secrets)", tags=TAGS)
def list_webhooks() -> dict[str, Any]:
    return dependencies.get().webhooks.endpoints(principal(router.current_event))


@router.post(
    "/ats/webhooks",
    summary="Register an endpoint for event types; answers its signing secret, once",
    tags=TAGS,
    status_code=201,
)
def register() -> dict[str, Any]:
    from recruiting.webhooks.models import WebhookRequest

    event = router.current_event
    caller = principal(event)
    service = dependencies.get().webhooks
    service.allowed(caller)  # 403 before any 422
    request = body(event, WebhookRequest)
    return created_once(
        event, f"webhook#{caller.user_id}", lambda: service.register(caller, request)
    )


@router.get(WEBHOOK, summary="A webhook endpoint and its state", tags=TAGS)
def get_webhook(webhook_id: Annotated[str, Path(pattern=ID)]) -> dict[str, Any]:
    return dependencies.get().webhooks.get(principal(router.current_event), webhook_id)


@router.patch(
    WEBHOOK,
    summary="Change an endpoint; enabled: true re-enables a disabled one",
    tags=TAGS,
)
def change_webhook(webhook_id: Annotated[str, Path(pattern=ID)]) -> dict[str, Any]:
    from recruiting.webhooks.models import WebhookChanges

    event = router.current_event
    caller = principal(event)
    service = dependencies.get().webhooks
    service.allowed(caller)
    return service.change(caller, webhook_id, body(event, WebhookChanges))


@router.delete(
    WEBHOOK,
    summary="Delete an endpoint: nothing more is sent to it",
    tags=TAGS,
    responses={204: {"description": "Deleted", "content": {}}},
)
def delete_webhook(webhook_id: Annotated[str, Path(pattern=ID)]) -> Response[str]:
    dependencies.get().webhooks.delete(principal(router.current_event), webhook_id)
    return Response(status_code=204, body="")


@router.post(
    f"{WEBHOOK}/secret",
    summary="Rotate the signing secret (the old one also signs for 24 hours); answered once",
    tags=TAGS,
)
def rotate_secret(webhook_id: Annotated[str, Path(pattern=ID)]) -> dict[str, Any]:
    event = router.current_event
    caller = principal(event)
    service = dependencies.get().webhooks
    service.allowed(caller)
    # A retry with the same Idempotency-Key answers the same secret instead of rotating
    # twice (which would retire a secret nobody saw).
    return created_once(
        event, f"webhook-secret#{webhook_id}", lambda: service.rotate(caller, webhook_id)
    )


@router.get(
    f"{WEBHOOK}/deliveries",
    summary="An endpoint's deliveries, newest first, with every attempt",
    tags=TAGS,
)
def list_deliveries(
    webhook_id: Annotated[str, Path(pattern=ID)],
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> dict[str, Any]:
    return dependencies.get().webhooks.deliveries(
        principal(router.current_event), webhook_id, limit, cursor
    )


@router.post(
    f"{WEBHOOK}/deliveries/<delivery_id>/redeliver",
    summary="Send a delivery's event again (same event id), as a new series of attempts",
    tags=TAGS,
    status_code=202,
)
def redeliver(
    webhook_id: Annotated[str, Path(pattern=ID)],
    delivery_id: Annotated[str, Path(pattern=ID)],
) -> dict[str, Any]:
    return dependencies.get().webhooks.redeliver(
        principal(router.current_event), webhook_id, delivery_id
    )
