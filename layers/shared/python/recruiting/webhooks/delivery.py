"""What the webhooks function does with each message.

From the ``webhook_events`` queue (every domain event, through an EventBridge rule):
``Fanout`` writes one delivery per endpoint subscribed to the event's type (a
conditional put keyed by endpoint and event id, so a redelivered event adds nothing)
and queues one message per delivery.

From the ``webhook_deliveries`` queue: ``Deliverer`` makes one attempt per message.
2xx is delivered; any other answer, no answer within the timeout, or a URL that no
longer passes the check is a failed attempt, logged with its status and duration. A
failed attempt raises ``RetryLater``: the handler hides the message until the next
attempt is due (``Postponer``: ChangeMessageVisibility) and reports it as a batch item
failure, so SQS hands it back then. After the 8th failed attempt (about 28 hours) the
delivery is ``failed``; the queue's ``max_receives`` is higher, so this code decides
that, not the dead-letter queue. ``FAILURE_THRESHOLD`` deliveries in a row ending
``failed`` disable the endpoint: ``webhook.disabled`` is published and the admin who
registered it gets an e-mail.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from aws_lambda_powertools import Logger

from recruiting import clock, wiring
from recruiting.outreach import mail
from recruiting.storage.events import EventPublisher
from recruiting.storage.webhooks import (
    AttemptAttribute,
    DeliveryItem,
    EndpointItem,
    WebhookRepository,
    delivery_key,
)
from recruiting.webhooks import signing, transport, urls
from recruiting.webhooks.messages import RETENTION, delivery_message

logger = Logger(child=True)

# Seconds to wait after failed attempt n (1-based) before attempt n + 1: 8 attempts in
# all, the last about 28 hours after the first.
RETRY_DELAYS: tuple[int, ...] = (60, 300, 1_800, 7_200, 18_000, 36_000, 36_000)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# Deliveries in a row that end ``failed`` before the endpoint is disabled.
FAILURE_THRESHOLD = 5
TIMEOUT_SECONDS = 10.0
# An attempt not settled by then belongs to a worker that died (the function's timeout
# is 120 s); the next receive of the message makes the next attempt.
IN_FLIGHT = timedelta(seconds=150)
# A message back this close to its attempt's due time goes ahead (clocks differ a little).
EARLY_SLACK = timedelta(seconds=5)
ERROR_CHARS = 300
USER_AGENT = "Recruiting-Webhooks/1.0"
STOPPED = "endpoint disabled"


class RetryLater(Exception):
    """Nothing more to do for this message until ``seconds`` from now."""

    def __init__(self, seconds: int, reason: str) -> None:
        super().__init__(f"{reason}: retry in {seconds} s")
        self.seconds = max(1, int(seconds))
        self.reason = reason


def delivery_id(webhook_id: str, event_id: str, event_time: str) -> str:
    """32 hex digits: the event's time in epoch seconds (so ids sort newest last), then a
    hash of the endpoint and event id (so one event gives one id per endpoint)."""
    try:
        seconds = int(clock.parse(event_time).timestamp())
    except ValueError:
        seconds = 0
    digest = hashlib.sha256(f"{webhook_id}\n{event_id}".encode()).hexdigest()
    return f"{seconds & 0xFFFF_FFFF:08x}{digest[:24]}"


def subscribed(endpoint: EndpointItem, event_type: str) -> bool:
    types = list(endpoint.event_types or [])
    return "*" in types or event_type in types


def payload(event: dict[str, Any]) -> str:
    """The body every attempt sends, byte for byte: the event's id, type, time and detail
    (ids, never personal data: docs/events.md)."""
    return json.dumps(
        {
            "id": str(event["id"]),
            "type": str(event["detail-type"]),
            "timestamp": str(event.get("time") or ""),
            "data": event.get("detail") or {},
        },
        separators=(",", ":"),
        ensure_ascii=False,
    )


class Fanout:
    def __init__(
        self,
        repository: WebhookRepository,
        enqueue: Callable[[list[dict[str, Any]]], None],
        now: Callable[[], datetime] = clock.now,
    ) -> None:
        self.repository = repository
        self.enqueue = enqueue
        self.now = now

    def accept(self, event: dict[str, Any]) -> list[str]:
        """Deliveries for one domain event; the ids of those queued."""
        event_type = str(event.get("detail-type", ""))
        if event_type not in wiring.DOMAIN_EVENTS or not event.get("id"):
            logger.warning("not a domain event: ignored", extra={"detail_type": event_type})
            return []
        event_id = str(event["id"])
        event_time = str(event.get("time") or clock.iso(self.now()))
        body = payload(event)
        now = self.now()
        at = clock.iso(now)
        queued: list[dict[str, Any]] = []
        for endpoint in self.repository.endpoints():
            if not subscribed(endpoint, event_type):
                continue
            webhook_id = str(endpoint.webhook_id)
            did = delivery_id(webhook_id, event_id, event_time)
            item = DeliveryItem(
                *delivery_key(webhook_id, did),
                webhook_id=webhook_id,
                delivery_id=did,
                event_id=event_id,
                event_type=event_type,
                event_time=event_time,
                body=body,
                status="pending",
                series=0,
                attempts=0,
                created_at=at,
                updated_at=at,
                expires_at=int((now + RETENTION).timestamp()),
            )
            if not endpoint.enabled:
                # Recorded, not sent: after re-enabling, the admin can redeliver it.
                item.status = "failed"
                item.last_error = STOPPED
                self.repository.add_delivery(item)
                continue
            if self.repository.add_delivery(item) or self._never_started(webhook_id, did):
                queued.append(delivery_message(webhook_id, did, 0))
        if queued:
            self.enqueue(queued)
        return [str(m["delivery_id"]) for m in queued]

    def _never_started(self, webhook_id: str, did: str) -> bool:
        """The event came again and its delivery exists: queue it again only if no attempt
        was ever made (the first time may have stopped between the put and the queue; a
        spare message finds the attempt claimed and is dropped)."""
        existing = self.repository.delivery(webhook_id, did)
        return (
            existing is not None
            and existing.status == "pending"
            and int(existing.series or 0) == 0
            and int(existing.attempts or 0) == 0
        )


@dataclass(frozen=True)
class Outcome:
    """What one attempt came to: an answer (status, duration, body start) or an error."""

    status: int | None
    duration_ms: int | None
    error: str | None
    body: str | None = None

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class Deliverer:
    def __init__(
        self,
        repository: WebhookRepository,
        events: EventPublisher,
        mailer: mail.Mailer,
        *,
        sender_email: str,
        sender_name: str,
        allow_private: bool = False,
        resolve: urls.Resolver = urls.system_resolver,
        post: Callable[..., transport.Answer] = transport.post,
        now: Callable[[], datetime] = clock.now,
        timeout: float = TIMEOUT_SECONDS,
    ) -> None:
        self.repository = repository
        self.events = events
        self.mailer = mailer
        self.sender_email = sender_email
        self.sender_name = sender_name
        self.allow_private = allow_private
        self.resolve = resolve
        self.post = post
        self.now = now
        self.timeout = timeout

    def deliver(self, message: dict[str, Any]) -> str:
        """One attempt of the delivery ``message`` names, if one is due. Returns what
        happened (delivered, failed, ...); raises ``RetryLater`` to be handed it again."""
        webhook_id = str(message["webhook_id"])
        did = str(message["delivery_id"])
        series = int(message.get("series", 0))
        endpoint = self.repository.endpoint(webhook_id)
        if endpoint is None:
            return "endpoint_deleted"
        item = self.repository.delivery(webhook_id, did)
        if item is None:
            return "delivery_expired"
        if int(item.series or 0) != series:
            return "superseded"  # a redelivery by hand started a newer series
        if item.status in ("delivered", "failed"):
            self.alert(endpoint)  # a disabling whose e-mail could not go yet
            return "already_" + str(item.status)
        now = self.now()
        at = clock.iso(now)
        if not endpoint.enabled:
            self.repository.change_delivery(
                item,
                [
                    DeliveryItem.status.set("failed"),
                    DeliveryItem.last_error.set(STOPPED),
                    DeliveryItem.next_attempt_at.remove(),
                    DeliveryItem.updated_at.set(at),
                ],
                (DeliveryItem.series == series) & DeliveryItem.status.is_in("pending", "retrying"),
            )
            self.alert(endpoint)
            return "stopped"
        due = item.next_attempt_at
        if due and now < clock.parse(str(due)) - EARLY_SLACK:
            raise RetryLater(_seconds_until(clock.parse(str(due)), now), "not due yet")
        out = item.in_flight_until
        if out and at < str(out):
            raise RetryLater(_seconds_until(clock.parse(str(out)), now) + 1, "attempt in flight")
        attempts = int(item.attempts or 0)
        if not self.repository.claim_attempt(
            item, series, attempts, at, clock.iso(now + IN_FLIGHT)
        ):
            return "duplicate"  # another receive took this attempt; its message goes on
        attempt = attempts + 1
        outcome = self._attempt(endpoint, item, now)
        return self._settle(endpoint, item, series, attempt, now, outcome)

    def _attempt(self, endpoint: EndpointItem, item: DeliveryItem, now: datetime) -> Outcome:
        body = str(item.body).encode()
        timestamp = int(now.timestamp())
        in_use = [str(endpoint.secret)]
        if (
            endpoint.previous_secret
            and endpoint.previous_secret_until
            and clock.iso(now) < str(endpoint.previous_secret_until)
        ):
            in_use.append(str(endpoint.previous_secret))
        headers = {
            "webhook-id": str(item.event_id),
            "webhook-timestamp": str(timestamp),
            "webhook-signature": signing.signature_header(
                in_use, str(item.event_id), timestamp, body
            ),
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
        }
        try:
            target = urls.check(
                str(endpoint.url), allow_private=self.allow_private, resolve=self.resolve
            )
        except urls.UrlRefused as refused:
            return Outcome(None, None, f"url refused ({refused.rule}): {refused.message}")
        # Each checked address in turn while the connection is refused or unreachable
        # (nothing was sent), within one deadline; a timeout or a TLS failure ends it.
        deadline = time.monotonic() + self.timeout
        last = Outcome(None, None, "no address to connect to")
        for index, address in enumerate(target.addresses):
            left = self.timeout if index == 0 else round(max(deadline - time.monotonic(), 0.1), 1)
            try:
                answer = self.post(target, address, body, headers, timeout=left)
            except transport.NoAnswer as failed:
                last = Outcome(None, failed.duration_ms, failed.error[:ERROR_CHARS])
                if failed.error.startswith("connection:") and time.monotonic() < deadline:
                    continue
                return last
            error = None if 200 <= answer.status < 300 else f"HTTP {answer.status}"
            return Outcome(answer.status, answer.duration_ms, error, answer.body or None)
        return last

    def _settle(
        self,
        endpoint: EndpointItem,
        item: DeliveryItem,
        series: int,
        attempt: int,
        now: datetime,
        outcome: Outcome,
    ) -> str:
        at = clock.iso(now)
        entry = AttemptAttribute(
            series=series,
            attempt=attempt,
            at=at,
            status_code=outcome.status,
            duration_ms=outcome.duration_ms,
            error=outcome.error,
        )

        def settle(actions: list[Any]) -> bool:
            return self.repository.settle_attempt(
                item, series, attempt, entry, outcome.body, actions
            )

        if outcome.delivered:
            actions: list[Any] = [
                DeliveryItem.status.set("delivered"),
                DeliveryItem.delivered_at.set(at),
                DeliveryItem.next_attempt_at.remove(),
            ]
            if not settle(actions):
                return "superseded"
            self.repository.count_success(endpoint, at)
            return "delivered"
        if attempt < MAX_ATTEMPTS:
            delay = RETRY_DELAYS[attempt - 1]
            actions = [
                DeliveryItem.status.set("retrying"),
                DeliveryItem.next_attempt_at.set(clock.iso(now + timedelta(seconds=delay))),
            ]
            if not settle(actions):
                return "superseded"
            raise RetryLater(delay, f"attempt {attempt} failed")
        actions = [DeliveryItem.status.set("failed"), DeliveryItem.next_attempt_at.remove()]
        if not settle(actions):
            return "superseded"
        streak = self.repository.count_failure(endpoint, at)
        if streak >= FAILURE_THRESHOLD and self.repository.disable(
            endpoint, at, "consecutive_failures", FAILURE_THRESHOLD
        ):
            logger.warning(
                "webhook disabled",
                extra={"webhook_id": endpoint.webhook_id, "consecutive_failures": streak},
            )
            self.events.announce(
                "webhook.disabled",
                {
                    "webhook_id": str(endpoint.webhook_id),
                    "reason": "consecutive_failures",
                    "consecutive_failures": streak,
                    "last_delivery_id": str(item.delivery_id),
                    "at": at,
                },
            )
            self.alert(endpoint)
            return "failed_and_disabled"
        return "failed"

    def alert(self, endpoint: EndpointItem) -> str | None:
        """E-mail the admin who registered a disabled endpoint, once. SES throttling or an
        outage raise (the message comes back and tries again); a refused address or an
        unknown outcome is recorded and not retried."""
        if endpoint.alert != "pending" or not self.repository.claim_alert(endpoint):
            return None
        if not endpoint.alert_email:
            self.repository.settle_alert(endpoint, "no_contact")
            return "no_contact"
        try:
            raw = mail.build_notice(
                sender=self.sender_email,
                sender_name=self.sender_name,
                recipient=str(endpoint.alert_email),
                subject=f"Webhook disabled: {_shown(str(endpoint.url))}",
                text=_alert_text(endpoint),
                message_key=f"webhook-disabled/{endpoint.webhook_id}/{endpoint.disabled_at}",
            )
        except ValueError:
            self.repository.settle_alert(endpoint, "rejected")
            return "rejected"
        try:
            self.mailer.send(raw, recipient=str(endpoint.alert_email), sender=self.sender_email)
        except (mail.Throttled, mail.Unavailable):
            self.repository.settle_alert(endpoint, "pending")
            raise
        except mail.Rejected:
            self.repository.settle_alert(endpoint, "rejected")
            return "rejected"
        except mail.Unknown:
            self.repository.settle_alert(endpoint, "unknown")
            return "unknown"
        self.repository.settle_alert(endpoint, "sent")
        return "sent"


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, int((moment - now).total_seconds() + 0.999))


def _shown(url: str) -> str:
    """The URL without its query (which may carry the receiver's own token)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def _alert_text(endpoint: EndpointItem) -> str:
    return (
        "A webhook you registered has been disabled because its last "
        f"{FAILURE_THRESHOLD} deliveries each failed every attempt (about a day of "
        "retries each).\n\n"
        f"Webhook: {endpoint.webhook_id}\n"
        f"URL: {_shown(str(endpoint.url))}\n"
        f"Disabled at: {endpoint.disabled_at}\n\n"
        "Nothing is sent to it until it is re-enabled. Its deliveries and the answers "
        f"it gave are listed at GET /ats/webhooks/{endpoint.webhook_id}/deliveries. Once "
        f"the receiver works, re-enable it with PATCH /ats/webhooks/{endpoint.webhook_id} "
        '{"enabled": true}, then redeliver what it missed (POST .../deliveries/'
        "<delivery_id>/redeliver).\n"
    )


class Postponer:
    """Hides a delivery message until its next attempt is due.

    SQS caps a message's visibility at 12 hours (AWS counts from the receive; moto, and so
    ``make run``, from the send). When the change is refused, the message is replaced by
    a new one delayed as long as SQS allows (15 minutes): received early, it is hidden
    again for the rest (``Deliverer.deliver`` raises ``RetryLater`` with what is left).
    """

    MAX_VISIBILITY = 11 * 3600
    MAX_DELAY = 900

    def __init__(self, sqs: Any, queue_url: str) -> None:
        self.sqs = sqs
        self.queue_url = queue_url

    def postpone(self, receipt_handle: str, body: str, seconds: int) -> bool:
        """True: the message is hidden for ``seconds`` (report it failed, it comes back);
        False: a new message replaces it (let this one be deleted)."""
        from botocore.exceptions import ClientError

        try:
            self.sqs.change_message_visibility(
                QueueUrl=self.queue_url,
                ReceiptHandle=receipt_handle,
                VisibilityTimeout=min(seconds, self.MAX_VISIBILITY),
            )
            return True
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if "InvalidParameterValue" not in code and "MessageNotInflight" not in code:
                raise
        self.sqs.send_message(
            QueueUrl=self.queue_url,
            MessageBody=body,
            DelaySeconds=min(seconds, self.MAX_DELAY),
        )
        return False
