"""The admin side of webhooks: register endpoints, change, rotate and delete them, see
their deliveries and send one again.

Only admins may do any of it (an endpoint receives every event it subscribes to, about
every job). The signing secret is answered twice only: when the endpoint is registered,
and when it is rotated.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from recruiting import clock
from recruiting.auth import Principal, Role, require
from recruiting.errors import Conflict, FieldError, NotFound, ValidationFailed
from recruiting.storage.jobs import decode_cursor, encode_cursor
from recruiting.storage.webhooks import (
    DeliveryItem,
    EndpointItem,
    WebhookRepository,
    endpoint_key,
)
from recruiting.webhooks import signing, urls
from recruiting.webhooks.messages import RETENTION, delivery_message
from recruiting.webhooks.models import WebhookChanges, WebhookRequest

# A rotated-out secret keeps signing (beside the new one) this long.
ROTATION_OVERLAP = timedelta(hours=24)


def endpoint_view(item: EndpointItem, now: datetime) -> dict[str, Any]:
    """An endpoint as admins see it: never its secrets."""
    rotation = item.previous_secret_until
    return {
        "webhook_id": item.webhook_id,
        "url": item.url,
        "event_types": list(item.event_types or []),
        "description": item.description,
        "enabled": bool(item.enabled),
        "created_by": item.created_by,
        "alert_email": item.alert_email,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "consecutive_failures": int(item.consecutive_failures or 0),
        "last_delivered_at": item.last_delivered_at,
        "last_failed_at": item.last_failed_at,
        "disabled_at": item.disabled_at,
        "disabled_reason": item.disabled_reason,
        "previous_secret_expires_at": (
            rotation if rotation and item.previous_secret and rotation > clock.iso(now) else None
        ),
    }


def delivery_view(item: DeliveryItem) -> dict[str, Any]:
    return {
        "delivery_id": item.delivery_id,
        "webhook_id": item.webhook_id,
        "event_id": item.event_id,
        "event_type": item.event_type,
        "event_time": item.event_time,
        "status": item.status,
        "attempts": int(item.attempts or 0),
        "redeliveries": int(item.series or 0),
        "last_response_status": _int(item.last_status_code),
        "last_response_ms": _int(item.last_duration_ms),
        "last_response_body": item.last_response_body,
        "last_error": item.last_error,
        "last_attempt_at": item.last_attempt_at,
        "next_attempt_at": item.next_attempt_at,
        "created_at": item.created_at,
        "delivered_at": item.delivered_at,
        "attempt_log": [
            {
                "series": int(entry.series),
                "attempt": int(entry.attempt),
                "at": entry.at,
                "response_status": _int(entry.status_code),
                "response_ms": _int(entry.duration_ms),
                "error": entry.error,
            }
            for entry in item.log or []
        ],
    }


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


class WebhookService:
    def __init__(
        self,
        repository: WebhookRepository,
        enqueue: Callable[[dict[str, Any]], None],
        *,
        allow_private: bool = False,
        resolve: urls.Resolver = urls.system_resolver,
        now: Callable[[], datetime] = clock.now,
        new_id: Callable[[], str] = clock.new_id,
    ) -> None:
        self.repository = repository
        self.enqueue = enqueue
        self.allow_private = allow_private
        self.resolve = resolve
        self.now = now
        self.new_id = new_id

    @staticmethod
    def allowed(principal: Principal) -> None:
        """Admins only (checked before the body is read: a 403 comes before any 422)."""
        require(principal, Role.ADMIN)

    def check_url(self, url: str) -> str:
        """The URL if it may be called, else a 422 naming ``url`` and the rule."""
        try:
            urls.check(url, allow_private=self.allow_private, resolve=self.resolve)
        except urls.UrlRefused as refused:
            raise ValidationFailed([FieldError("url", refused.rule, refused.message)]) from None
        return url

    def register(self, principal: Principal, request: WebhookRequest) -> dict[str, Any]:
        self.allowed(principal)
        url = self.check_url(request.url)
        now = self.now()
        at = clock.iso(now)
        webhook_id = self.new_id()
        secret = signing.new_secret()
        item = EndpointItem(
            *endpoint_key(webhook_id),
            webhook_id=webhook_id,
            url=url,
            event_types=list(request.event_types),
            description=request.description,
            enabled=True,
            secret=secret,
            created_by=principal.user_id,
            alert_email=principal.email,
            created_at=at,
            updated_at=at,
            consecutive_failures=0,
        )
        self.repository.add_endpoint(item)
        return {**endpoint_view(item, now), "secret": secret}

    def endpoints(self, principal: Principal) -> dict[str, Any]:
        self.allowed(principal)
        now = self.now()
        items = sorted(self.repository.endpoints(), key=lambda i: str(i.created_at))
        return {"webhooks": [endpoint_view(i, now) for i in items]}

    def _endpoint(self, webhook_id: str) -> EndpointItem:
        item = self.repository.endpoint(webhook_id)
        if item is None:
            raise NotFound(f"no webhook {webhook_id}")
        return item

    def get(self, principal: Principal, webhook_id: str) -> dict[str, Any]:
        self.allowed(principal)
        return endpoint_view(self._endpoint(webhook_id), self.now())

    def change(
        self, principal: Principal, webhook_id: str, changes: WebhookChanges
    ) -> dict[str, Any]:
        self.allowed(principal)
        item = self._endpoint(webhook_id)
        given = changes.model_fields_set
        at = clock.iso(self.now())
        actions: list[Any] = [EndpointItem.updated_at.set(at)]
        if "url" in given:
            if changes.url is None:
                raise ValidationFailed([FieldError("url", "missing", "a webhook needs a URL")])
            actions.append(EndpointItem.url.set(self.check_url(changes.url)))
        if "event_types" in given:
            if changes.event_types is None:
                raise ValidationFailed(
                    [FieldError("event_types", "missing", "give at least one event type, or *")]
                )
            actions.append(EndpointItem.event_types.set(list(changes.event_types)))  # type: ignore[arg-type]
        if "description" in given:
            actions.append(
                EndpointItem.description.set(changes.description)
                if changes.description
                else EndpointItem.description.remove()
            )
        if "enabled" in given and changes.enabled is not None:
            actions.append(EndpointItem.enabled.set(changes.enabled))
            if changes.enabled:  # a fresh start: the streak and the disabling are forgotten
                actions += [
                    EndpointItem.consecutive_failures.set(0),
                    EndpointItem.disabled_at.remove(),
                    EndpointItem.disabled_reason.remove(),
                    EndpointItem.alert.remove(),
                ]
            else:
                actions += [
                    EndpointItem.disabled_at.set(at),
                    EndpointItem.disabled_reason.set("by_admin"),
                ]
        if not self.repository.change_endpoint(item, actions):
            raise NotFound(f"no webhook {webhook_id}")
        return endpoint_view(item, self.now())

    def delete(self, principal: Principal, webhook_id: str) -> None:
        """Deliveries stop; their records go with the TTL (30 days)."""
        self.allowed(principal)
        if not self.repository.delete_endpoint(self._endpoint(webhook_id)):
            raise NotFound(f"no webhook {webhook_id}")

    def rotate(self, principal: Principal, webhook_id: str) -> dict[str, Any]:
        """A new secret signs from now on; the old one also signs for 24 hours, so the
        receiver can switch without losing a delivery. Answered once, like at registration."""
        self.allowed(principal)
        item = self._endpoint(webhook_id)
        now = self.now()
        until = clock.iso(now + ROTATION_OVERLAP)
        secret = signing.new_secret()
        changed = self.repository.change_endpoint(
            item,
            [
                EndpointItem.secret.set(secret),
                EndpointItem.previous_secret.set(str(item.secret)),
                EndpointItem.previous_secret_until.set(until),
                EndpointItem.updated_at.set(clock.iso(now)),
            ],
            EndpointItem.secret == str(item.secret),
        )
        if not changed:
            raise Conflict("the secret was rotated meanwhile; rotate again if you need to")
        return {"webhook_id": webhook_id, "secret": secret, "previous_secret_expires_at": until}

    def deliveries(
        self, principal: Principal, webhook_id: str, limit: int, cursor: str | None
    ) -> dict[str, Any]:
        self.allowed(principal)
        self._endpoint(webhook_id)
        items, next_key = self.repository.deliveries(
            webhook_id, limit, decode_cursor(cursor, partition=("pk", f"WEBHOOK#{webhook_id}"))
        )
        return {
            "webhook_id": webhook_id,
            "deliveries": [delivery_view(i) for i in items],
            "next_cursor": encode_cursor(next_key),
        }

    def redeliver(self, principal: Principal, webhook_id: str, delivery_id: str) -> dict[str, Any]:
        """Send a delivery's event again, as a new series of attempts (same event id, so
        the receiver can tell it is the same event). Refused while the endpoint is
        disabled: re-enable it first."""
        self.allowed(principal)
        endpoint = self._endpoint(webhook_id)
        item = self.repository.delivery(webhook_id, delivery_id)
        if item is None:
            raise NotFound(f"no delivery {delivery_id} of webhook {webhook_id}")
        if not endpoint.enabled:
            raise Conflict("the webhook is disabled: re-enable it (enabled: true) first")
        now = self.now()
        at = clock.iso(now)
        series = int(item.series or 0) + 1
        restarted = self.repository.change_delivery(
            item,
            [
                DeliveryItem.series.set(series),
                DeliveryItem.attempts.set(0),
                DeliveryItem.status.set("pending"),
                DeliveryItem.next_attempt_at.remove(),
                DeliveryItem.in_flight_until.remove(),
                DeliveryItem.delivered_at.remove(),
                DeliveryItem.updated_at.set(at),
                DeliveryItem.expires_at.set(int((now + RETENTION).timestamp())),
            ],
            DeliveryItem.series == int(item.series or 0),
        )
        if not restarted:
            raise Conflict("the delivery was redelivered meanwhile")
        try:
            self.enqueue(delivery_message(webhook_id, delivery_id, series))
        except Exception:
            # Not left "pending" with nothing queued behind it: asking again redelivers.
            self.repository.change_delivery(
                item,
                [
                    DeliveryItem.status.set("failed"),
                    DeliveryItem.last_error.set("the redelivery could not be queued; ask again"),
                ],
                DeliveryItem.series == series,
            )
            raise
        return delivery_view(item)
