"""Outbound webhook endpoints and their deliveries (webhooks table).

- Endpoint ``pk WEBHOOKS, sk ENDPOINT#<webhook id>``: all endpoints in one partition
  (an organisation has a handful), so listing them and finding the ones subscribed to
  an event is one Query.
- Delivery ``pk WEBHOOK#<webhook id>, sk DELIVERY#<delivery id>``: one event to one
  endpoint. The delivery id starts with the event's time (8 hex digits of epoch
  seconds), so an endpoint's deliveries Query newest first, and ends with a hash of
  the endpoint and the event id, so the same event never makes a second delivery (the
  put is conditional). Each attempt is logged on the item; the item expires 30 days
  after it was last (re)started (TTL ``expires_at``).

Attempts are claimed before the request is sent and settled after, each a conditional
update on the delivery's ``series`` (bumped by a redelivery by hand) and ``attempts``,
so duplicate queue messages never send one attempt twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    DiscriminatorAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
)
from pynamodb.exceptions import DeleteError, DoesNotExist, PutError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.models import Model

from recruiting.storage import lost_race

ENDPOINTS = "WEBHOOKS"
# At most this many attempts stay in a delivery's log (oldest dropped; counts stay).
LOG_LIMIT = 40


class WebhooksTableItem(Model):
    class Meta:
        table_name = "webhooks"
        region: str | None = None

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    type = DiscriminatorAttribute()
    expires_at = NumberAttribute(null=True)  # TTL: epoch seconds


class EndpointItem(WebhooksTableItem, discriminator="endpoint"):
    """pk WEBHOOKS, sk ENDPOINT#<id>: where to send which events, signed with ``secret``.

    ``previous_secret`` also signs until ``previous_secret_until`` (24 h after a rotation).
    ``consecutive_failures`` counts deliveries in a row that ended ``failed``; at the
    threshold the endpoint is disabled and ``alert`` (pending -> sending -> sent) tracks
    the e-mail to ``alert_email``, the admin who registered it."""

    webhook_id = UnicodeAttribute()
    url = UnicodeAttribute()
    event_types = ListAttribute(of=UnicodeAttribute)
    description = UnicodeAttribute(null=True)
    enabled = BooleanAttribute(default=True)
    secret = UnicodeAttribute()
    previous_secret = UnicodeAttribute(null=True)
    previous_secret_until = UnicodeAttribute(null=True)
    created_by = UnicodeAttribute()
    alert_email = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    consecutive_failures = NumberAttribute(default=0)
    last_delivered_at = UnicodeAttribute(null=True)
    last_failed_at = UnicodeAttribute(null=True)
    disabled_at = UnicodeAttribute(null=True)
    disabled_reason = UnicodeAttribute(null=True)
    alert = UnicodeAttribute(null=True)  # pending | sending | sent | rejected | unknown


class AttemptAttribute(MapAttribute[str, Any]):
    """One request to the endpoint: its answer (or why there was none) and how long."""

    series = NumberAttribute()
    attempt = NumberAttribute()
    at = UnicodeAttribute()
    status_code = NumberAttribute(null=True)
    duration_ms = NumberAttribute(null=True)
    error = UnicodeAttribute(null=True)


class DeliveryItem(WebhooksTableItem, discriminator="delivery"):
    """pk WEBHOOK#<webhook id>, sk DELIVERY#<delivery id>: one event to one endpoint.

    ``status`` pending -> delivered | retrying -> ... -> delivered | failed. ``body`` is
    the exact JSON sent every time (the signature covers it). ``series`` counts the
    attempt series (0 from the event, +1 per redelivery by hand); ``attempts`` counts the
    current series' attempts; ``in_flight_until`` is set while an attempt is out."""

    webhook_id = UnicodeAttribute()
    delivery_id = UnicodeAttribute()
    event_id = UnicodeAttribute()
    event_type = UnicodeAttribute()
    event_time = UnicodeAttribute()
    body = UnicodeAttribute()
    status = UnicodeAttribute()  # pending | retrying | delivered | failed
    series = NumberAttribute(default=0)
    attempts = NumberAttribute(default=0)
    in_flight_until = UnicodeAttribute(null=True)
    next_attempt_at = UnicodeAttribute(null=True)
    last_attempt_at = UnicodeAttribute(null=True)
    last_status_code = NumberAttribute(null=True)
    last_duration_ms = NumberAttribute(null=True)
    last_error = UnicodeAttribute(null=True)
    last_response_body = UnicodeAttribute(null=True)  # the last answer's first 1 KB
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    delivered_at = UnicodeAttribute(null=True)
    log = ListAttribute(of=AttemptAttribute, default=list)


def bind(table_name: str, region: str, host: str | None = None) -> None:
    """Point the item classes at the physical table (``items.bind_tables`` calls this)."""
    from recruiting.storage.items import point_at

    point_at((WebhooksTableItem, EndpointItem, DeliveryItem), table_name, region, host)


def endpoint_key(webhook_id: str) -> tuple[str, str]:
    return ENDPOINTS, f"ENDPOINT#{webhook_id}"


def delivery_key(webhook_id: str, delivery_id: str) -> tuple[str, str]:
    return f"WEBHOOK#{webhook_id}", f"DELIVERY#{delivery_id}"


def _conditional_update(
    item: Model, actions: Sequence[Action], condition: Condition | None = None
) -> bool:
    """Apply ``actions`` if ``condition`` holds; False when it did not (someone else
    changed the item first)."""
    try:
        item.update(actions=list(actions), condition=condition)
    except UpdateError as exc:
        if lost_race(exc):
            return False
        raise
    return True


class WebhookRepository:
    # --- endpoints ---------------------------------------------------------------------

    def endpoints(self) -> list[EndpointItem]:
        """Every endpoint (pattern 62): one Query of their partition."""
        return [
            item
            for item in EndpointItem.query(ENDPOINTS, EndpointItem.sk.startswith("ENDPOINT#"))
            if isinstance(item, EndpointItem)
        ]

    def endpoint(self, webhook_id: str) -> EndpointItem | None:
        try:
            item = WebhooksTableItem.get(*endpoint_key(webhook_id), consistent_read=True)
        except DoesNotExist:
            return None
        return item if isinstance(item, EndpointItem) else None

    def add_endpoint(self, item: EndpointItem) -> None:
        item.save(condition=EndpointItem.pk.does_not_exist())

    def change_endpoint(
        self, item: EndpointItem, actions: Sequence[Action], condition: Condition | None = None
    ) -> bool:
        """Update only the named attributes (never a whole-item save, which could undo a
        failure count written meanwhile); False if ``condition`` failed or it is gone."""
        exists = EndpointItem.pk.exists()
        return _conditional_update(
            item, actions, exists if condition is None else exists & condition
        )

    def delete_endpoint(self, item: EndpointItem) -> bool:
        try:
            item.delete(condition=EndpointItem.pk.exists())
        except DeleteError as exc:
            if lost_race(exc):
                return False
            raise
        return True

    def count_failure(self, item: EndpointItem, at: str) -> int:
        """One more delivery in a row ended failed; the streak as it now stands (0 if the
        endpoint was deleted meanwhile)."""
        counted = self.change_endpoint(
            item,
            [EndpointItem.consecutive_failures.add(1), EndpointItem.last_failed_at.set(at)],
        )
        return int(item.consecutive_failures or 0) if counted else 0

    def count_success(self, item: EndpointItem, at: str) -> None:
        self.change_endpoint(
            item,
            [EndpointItem.consecutive_failures.set(0), EndpointItem.last_delivered_at.set(at)],
        )

    def disable(self, item: EndpointItem, at: str, reason: str, threshold: int) -> bool:
        """Disable an enabled endpoint whose streak reached ``threshold``, once: True only
        for the caller whose update did it (it publishes and alerts)."""
        return self.change_endpoint(
            item,
            [
                EndpointItem.enabled.set(False),
                EndpointItem.disabled_at.set(at),
                EndpointItem.disabled_reason.set(reason),
                EndpointItem.updated_at.set(at),
                EndpointItem.alert.set("pending"),
            ],
            (EndpointItem.enabled == True)  # noqa: E712 (a PynamoDB condition)
            & (EndpointItem.consecutive_failures >= threshold),
        )

    def claim_alert(self, item: EndpointItem) -> bool:
        return self.change_endpoint(
            item, [EndpointItem.alert.set("sending")], EndpointItem.alert == "pending"
        )

    def settle_alert(self, item: EndpointItem, outcome: str) -> None:
        """``outcome``: sent | rejected | unknown, or pending to try again later."""
        self.change_endpoint(
            item, [EndpointItem.alert.set(outcome)], EndpointItem.alert == "sending"
        )

    # --- deliveries --------------------------------------------------------------------

    def delivery(self, webhook_id: str, delivery_id: str) -> DeliveryItem | None:
        try:
            item = WebhooksTableItem.get(
                *delivery_key(webhook_id, delivery_id), consistent_read=True
            )
        except DoesNotExist:
            return None
        return item if isinstance(item, DeliveryItem) else None

    def deliveries(
        self, webhook_id: str, limit: int, last_key: dict[str, Any] | None
    ) -> tuple[list[DeliveryItem], dict[str, Any] | None]:
        """An endpoint's deliveries, newest first (pattern 64)."""
        results = DeliveryItem.query(
            f"WEBHOOK#{webhook_id}",
            DeliveryItem.sk.startswith("DELIVERY#"),
            scan_index_forward=False,
            limit=limit,
            last_evaluated_key=last_key,
        )
        items = [item for item in results if isinstance(item, DeliveryItem)]
        return items, results.last_evaluated_key if len(items) == limit else None

    def add_delivery(self, item: DeliveryItem) -> bool:
        """False when this event already has a delivery to this endpoint."""
        try:
            item.save(condition=DeliveryItem.pk.does_not_exist())
        except PutError as exc:
            if lost_race(exc):
                return False
            raise
        return True

    def claim_attempt(
        self, item: DeliveryItem, series: int, attempts: int, at: str, until: str
    ) -> bool:
        """Take attempt ``attempts + 1`` of ``series``: only if nobody took it first and no
        attempt is out (one whose worker died is out until ``in_flight_until``)."""
        return _conditional_update(
            item,
            [
                DeliveryItem.attempts.set(attempts + 1),
                DeliveryItem.in_flight_until.set(until),
                DeliveryItem.updated_at.set(at),
            ],
            (DeliveryItem.series == series)
            & (DeliveryItem.attempts == attempts)
            & DeliveryItem.status.is_in("pending", "retrying")
            & (DeliveryItem.in_flight_until.does_not_exist() | (DeliveryItem.in_flight_until < at)),
        )

    def settle_attempt(
        self,
        item: DeliveryItem,
        series: int,
        attempt: int,
        entry: AttemptAttribute,
        response_body: str | None,
        actions: Sequence[Action],
    ) -> bool:
        """Record attempt ``attempt`` of ``series`` and what follows from it (``actions``);
        if a redelivery started a new series meanwhile, only log the attempt."""
        log = [*list(item.log or [])[-(LOG_LIMIT - 1) :], entry]
        settled = _conditional_update(
            item,
            [
                *actions,
                DeliveryItem.log.set(log),
                DeliveryItem.in_flight_until.remove(),
                DeliveryItem.last_attempt_at.set(entry.at),
                DeliveryItem.last_status_code.set(entry.status_code)
                if entry.status_code is not None
                else DeliveryItem.last_status_code.remove(),
                DeliveryItem.last_duration_ms.set(entry.duration_ms)
                if entry.duration_ms is not None
                else DeliveryItem.last_duration_ms.remove(),
                DeliveryItem.last_error.set(entry.error)
                if entry.error
                else DeliveryItem.last_error.remove(),
                DeliveryItem.last_response_body.set(response_body)
                if response_body
                else DeliveryItem.last_response_body.remove(),
                DeliveryItem.updated_at.set(entry.at),
            ],
            (DeliveryItem.series == series) & (DeliveryItem.attempts == attempt),
        )
        if not settled:
            _conditional_update(
                item,
                [DeliveryItem.log.set(DeliveryItem.log.append([entry]))],
                DeliveryItem.pk.exists(),
            )
        return settled

    def change_delivery(
        self, item: DeliveryItem, actions: Sequence[Action], condition: Condition | None = None
    ) -> bool:
        exists = DeliveryItem.pk.exists()
        return _conditional_update(
            item, actions, exists if condition is None else exists & condition
        )
