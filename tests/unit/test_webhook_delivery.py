"""The delivery schedule and the mechanics that keep it: retries about a day long, each
attempt once, messages hidden until due (within SQS's limits)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from recruiting import clock, wiring
from recruiting.storage.webhooks import DeliveryItem, EndpointItem, delivery_key, endpoint_key
from recruiting.webhooks import delivery, signing, transport

NOW = datetime(2026, 11, 25, 17, 54, 30, tzinfo=UTC)


def test_the_retry_schedule_lasts_about_a_day():
    delays = delivery.RETRY_DELAYS
    assert delays == (60, 300, 1_800, 7_200, 18_000, 36_000, 36_000)
    assert delivery.MAX_ATTEMPTS == 8
    # About a day from the first attempt to the last: 27.6 hours
    assert 24 * 3600 <= sum(delays) <= 30 * 3600
    # Never shrinking, and each within what one SQS visibility change can hide (12 h)
    assert list(delays) == sorted(delays)
    assert max(delays) <= delivery.Postponer.MAX_VISIBILITY < 12 * 3600
    assert delivery.TIMEOUT_SECONDS == 10


def test_the_queues_let_the_function_decide_the_last_failure():
    deliveries = wiring.WEBHOOK_DELIVERIES_QUEUE
    # More receives than attempts: the 8th failure is marked failed by the function
    assert deliveries.max_receives > delivery.MAX_ATTEMPTS
    # A message is never handed to a second worker while an attempt may still be out
    for queue in (deliveries, wiring.WEBHOOK_EVENTS_QUEUE):
        assert queue.visibility_timeout_seconds >= wiring.WEBHOOKS.timeout_seconds
    assert delivery.IN_FLIGHT.total_seconds() > wiring.WEBHOOKS.timeout_seconds
    # A batch of 10 sends at the full timeout fits in the function's time
    assert wiring.WEBHOOKS.timeout_seconds > 10 * delivery.TIMEOUT_SECONDS


def test_a_delivery_id_is_the_events_time_then_a_hash_of_endpoint_and_event():
    first = delivery.delivery_id("w1", "e1", "2026-11-25T17:54:30Z")
    assert first == delivery.delivery_id("w1", "e1", "2026-11-25T17:54:30Z")
    assert first[:8] == f"{int(NOW.timestamp()):08x}"
    assert len(first) == 32
    assert int(first, 16) >= 0
    assert delivery.delivery_id("w2", "e1", "2026-11-25T17:54:30Z") != first
    later = delivery.delivery_id("w1", "e0", "2026-11-25T17:54:31Z")
    assert later > first  # newer events sort after older ones


class FakeSqs:
    def __init__(self, refuse: bool = False) -> None:
        self.refuse = refuse
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def change_message_visibility(self, **request: Any) -> None:
        self.calls.append(("change_message_visibility", request))
        if self.refuse:
            error = {"Error": {"Code": "InvalidParameterValue", "Message": "beyond 43200"}}
            raise ClientError(error, "ChangeMessageVisibility")  # type: ignore[arg-type]

    def send_message(self, **request: Any) -> None:
        self.calls.append(("send_message", request))


def test_a_failed_attempt_hides_its_message_until_the_next_is_due():
    sqs = FakeSqs()
    assert delivery.Postponer(sqs, "https://queue").postpone("handle", "{}", 1800) is True
    assert sqs.calls == [
        (
            "change_message_visibility",
            {"QueueUrl": "https://queue", "ReceiptHandle": "handle", "VisibilityTimeout": 1800},
        )
    ]


def test_past_sqs_visibility_limit_the_message_is_replaced_by_a_delayed_copy():
    sqs = FakeSqs(refuse=True)
    body = '{"type": "webhook.delivery"}'
    assert delivery.Postponer(sqs, "https://queue").postpone("handle", body, 36_000) is False
    assert sqs.calls[-1] == (
        "send_message",
        {"QueueUrl": "https://queue", "MessageBody": body, "DelaySeconds": 900},
    )


class FakeRepository:
    def __init__(self, endpoint: EndpointItem, item: DeliveryItem) -> None:
        self._endpoint = endpoint
        self._item = item
        self.claims: list[tuple[Any, ...]] = []

    def endpoint(self, webhook_id: str) -> EndpointItem:
        return self._endpoint

    def delivery(self, webhook_id: str, delivery_id: str) -> DeliveryItem:
        return self._item

    def claim_attempt(self, *args: Any) -> bool:
        self.claims.append(args)
        return False


def _deliverer(**delivery_fields: Any) -> tuple[delivery.Deliverer, FakeRepository]:
    endpoint = EndpointItem(
        *endpoint_key("w1"),
        webhook_id="w1",
        url="https://hooks.acme.example/",
        event_types=["*"],
        enabled=True,
        secret=signing.new_secret(),
        created_by="ada",
        created_at=clock.iso(NOW),
        updated_at=clock.iso(NOW),
    )
    item = DeliveryItem(
        *delivery_key("w1", "d1"),
        webhook_id="w1",
        delivery_id="d1",
        event_id="e1",
        event_type="job.opened",
        event_time="2026-11-25T17:54:30Z",
        body="{}",
        created_at=clock.iso(NOW),
        updated_at=clock.iso(NOW),
        **{"status": "retrying", "series": 0, "attempts": 1, **delivery_fields},
    )
    repository = FakeRepository(endpoint, item)
    sent: list[Any] = []
    deliverer = delivery.Deliverer(
        repository,  # type: ignore[arg-type]
        events=None,  # type: ignore[arg-type]
        mailer=None,  # type: ignore[arg-type]
        sender_email="jobs@acme.example",
        sender_name="Acme",
        post=lambda *a, **k: sent.append(a),
        now=lambda: NOW,
    )
    return deliverer, repository


def test_a_message_back_before_its_attempt_is_due_waits_for_the_rest():
    due = clock.iso(NOW + timedelta(seconds=300))
    deliverer, repository = _deliverer(next_attempt_at=due)
    message = {"webhook_id": "w1", "delivery_id": "d1", "series": 0}
    with pytest.raises(delivery.RetryLater) as later:
        deliverer.deliver(message)
    assert later.value.seconds == 300
    assert repository.claims == []  # nothing attempted


def test_a_message_that_finds_an_attempt_in_flight_comes_back_after_it():
    deliverer, repository = _deliverer(in_flight_until=clock.iso(NOW + timedelta(seconds=90)))
    with pytest.raises(delivery.RetryLater) as later:
        deliverer.deliver({"webhook_id": "w1", "delivery_id": "d1", "series": 0})
    assert later.value.seconds == 91
    assert repository.claims == []


def test_a_message_of_an_older_series_or_a_lost_claim_sends_nothing():
    deliverer, repository = _deliverer()
    assert deliverer.deliver({"webhook_id": "w1", "delivery_id": "d1", "series": 1}) == (
        "superseded"
    )
    # The claim is conditional on the attempt count: a duplicate message loses it
    assert deliverer.deliver({"webhook_id": "w1", "delivery_id": "d1", "series": 0}) == (
        "duplicate"
    )
    assert len(repository.claims) == 1


def test_an_attempt_tries_each_checked_address_while_the_connection_is_refused():
    deliverer, repository = _deliverer()
    tried: list[str] = []

    def post(target: Any, address: str, body: bytes, headers: Any, *, timeout: float) -> Any:
        tried.append(address)
        if address == "8.8.4.4":  # nothing listens there: the request was never sent
            raise transport.NoAnswer("connection: ConnectionRefusedError: refused", 3)
        return transport.Answer(204, 12, "")

    deliverer.post = post
    deliverer.resolve = lambda host, port: ["8.8.4.4", "1.1.1.1"]
    outcome = deliverer._attempt(repository._endpoint, repository._item, NOW)
    # Then the second address answered, within the one attempt
    assert tried == ["8.8.4.4", "1.1.1.1"]
    assert (outcome.status, outcome.error) == (204, None)


def test_a_timeout_ends_the_attempt_without_trying_another_address():
    deliverer, repository = _deliverer()
    tried: list[str] = []

    def post(target: Any, address: str, body: bytes, headers: Any, *, timeout: float) -> Any:
        tried.append(address)  # the request may have arrived: sending it again is a retry
        raise transport.NoAnswer("timeout after 10 s", 10_000)

    deliverer.post = post
    deliverer.resolve = lambda host, port: ["8.8.4.4", "1.1.1.1"]
    outcome = deliverer._attempt(repository._endpoint, repository._item, NOW)
    assert tried == ["8.8.4.4"]
    assert outcome.error == "timeout after 10 s"
