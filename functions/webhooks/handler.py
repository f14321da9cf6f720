"""Entry point of the webhooks function.

Two SQS sources, told apart by the queue in each record's ARN:

- ``webhook_events`` (every domain event, by an EventBridge rule): one delivery per
  subscribed endpoint is written and queued (``Fanout``).
- ``webhook_deliveries``: one attempt per message (``Deliverer``). A failed attempt
  hides its message until the next one is due and reports it as a batch item failure,
  so SQS hands it back then; the rest of the batch goes on.

A batch whose every record failed is answered with its failures, not raised: each
retry waits on its own message's visibility.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

import boto3
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from recruiting.config import Settings
from recruiting.outreach.mail import mailer_from_env
from recruiting.storage.events import EventPublisher
from recruiting.storage.items import bind_tables
from recruiting.storage.webhooks import WebhookRepository
from recruiting.webhooks.delivery import Deliverer, Fanout, Postponer, RetryLater

logger = Logger()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


@dataclass
class Worker:
    fanout: Fanout
    deliverer: Deliverer
    postponer: Postponer
    events_queue: str  # queue names, as the last part of a record's eventSourceARN
    deliveries_queue: str


_worker: Worker | None = None


def _name(queue_url: str) -> str:
    return queue_url.rstrip("/").rsplit("/", 1)[-1]


def build() -> Worker:
    global _worker
    if _worker is None:
        settings = Settings.from_env(
            required=("webhooks_table", "webhook_events_queue", "webhook_deliveries_queue")
        )
        bind_tables(settings.table_names, region=settings.region)
        repository = WebhookRepository()
        sqs = boto3.client("sqs")
        deliveries = settings.webhook_deliveries_queue

        def enqueue(messages: list[dict[str, Any]]) -> None:
            for start in range(0, len(messages), 10):
                entries: Any = [
                    {"Id": str(i), "MessageBody": json.dumps(m)}
                    for i, m in enumerate(messages[start : start + 10])
                ]
                result = sqs.send_message_batch(QueueUrl=deliveries, Entries=entries)
                if result.get("Failed"):
                    raise RuntimeError(f"{len(result['Failed'])} deliveries not queued")

        _worker = Worker(
            fanout=Fanout(repository, enqueue),
            deliverer=Deliverer(
                repository,
                EventPublisher(settings.event_bus),
                mailer_from_env(os.environ),
                sender_email=settings.sender_email,
                sender_name=settings.sender_name,
                allow_private=settings.webhooks_allow_private_http,
            ),
            postponer=Postponer(sqs, deliveries),
            events_queue=_name(settings.webhook_events_queue),
            deliveries_queue=_name(deliveries),
        )
    return _worker


def use(worker: Worker | None) -> None:
    global _worker
    _worker = worker


def _count(name: str) -> None:
    metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)


def record_handler(record: SQSRecord) -> None:
    worker = build()
    source = record.event_source_arn.rsplit(":", 1)[-1]
    if source == worker.events_queue:
        event = json.loads(record.body)
        queued = worker.fanout.accept(event)
        logger.info(
            "event fanned out",
            extra={
                "event_id": event.get("id"),
                "detail_type": event.get("detail-type"),
                "deliveries": len(queued),
            },
        )
        return
    if source != worker.deliveries_queue:
        raise RuntimeError(f"record from an unknown queue: {source}")
    message = json.loads(record.body)
    ids = {"webhook_id": message.get("webhook_id"), "delivery_id": message.get("delivery_id")}
    try:
        outcome = worker.deliverer.deliver(message)
    except RetryLater as later:
        if later.reason.startswith("attempt"):
            _count("WebhookAttemptFailed")
        hidden = worker.postponer.postpone(record.receipt_handle, record.body, later.seconds)
        logger.info(
            "webhook retry later", extra={**ids, "reason": later.reason, "seconds": later.seconds}
        )
        if hidden:
            raise
        return
    if outcome == "delivered":
        _count("WebhookDelivered")
    elif outcome.startswith("failed"):
        _count("WebhookFailed")
        if outcome == "failed_and_disabled":
            _count("WebhookDisabled")
    logger.info("webhook delivery", extra={**ids, "outcome": outcome})


@metrics.log_metrics
@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    response = process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
    return dict(response)
