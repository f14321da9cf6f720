"""Entry point of the privacy function.

- From its queue: one erasure per message (requested by an admin through the recruiter
  API). Erasing is idempotent, so a redelivered or retried message finishes the same
  work; a message that keeps failing ends in the dead-letter queue, and the audit
  record stays ``running`` where an operator sees it.
- On its daily schedule: the retention sweep, which anonymises rejected and withdrawn
  candidates whose job location's retention has run out.
"""

from __future__ import annotations

import json
from typing import Any

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
from recruiting.privacy.service import Eraser
from recruiting.storage.events import EventPublisher
from recruiting.storage.items import bind_tables
from recruiting.storage.jobs import JobRepository
from recruiting.storage.outreach import OutreachRepository
from recruiting.storage.privacy import ObjectVersions, PrivacyRepository

logger = Logger()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.SQS)
_eraser: Eraser | None = None


def build() -> Eraser:
    global _eraser
    if _eraser is None:
        settings = Settings.from_env()
        bind_tables(settings.table_names, region=settings.region)
        events = EventPublisher(settings.event_bus)
        _eraser = Eraser(
            PrivacyRepository(),
            ObjectVersions(settings.resume_bucket),
            ObjectVersions(settings.replies_bucket) if settings.replies_bucket else None,
            OutreachRepository().suppress,
            events.announce,
            JobRepository(),
        )
    return _eraser


def use(eraser: Eraser | None) -> None:
    global _eraser
    _eraser = eraser


def record_handler(record: SQSRecord) -> None:
    body = json.loads(record.body)
    if body.get("type") != "privacy.erase":
        logger.warning("unknown message ignored", extra={"message_id": record.message_id})
        return
    result = build().erase(str(body["candidate_id"]))
    logger.info("erasure", extra={"candidate_id": body["candidate_id"], "result": result})
    if result == "erased":
        metrics.add_metric(name="CandidateErased", unit=MetricUnit.Count, value=1)


@metrics.log_metrics
@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if "Records" not in event:  # the schedule
        tally = build().sweep()
        metrics.add_metric(
            name="CandidateAnonymised", unit=MetricUnit.Count, value=tally["anonymised"]
        )
        return tally
    response = process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
    return dict(response)
