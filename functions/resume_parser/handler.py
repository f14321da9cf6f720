"""Entry point of the resume parser (SQS batches of S3 ObjectCreated notifications).

Each message names uploaded files; each file is parsed once and its outcome
recorded (``recruiting.resumes.pipeline``). A file the parser refuses is a
recorded failure, not a retry: parsing it again cannot change the answer. An
error of the platform (S3, DynamoDB) fails that message alone (partial batch
response), so SQS retries it and, after the queue's receives, dead-letters it.
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
from recruiting.resumes.pipeline import ResumePipeline, uploads
from recruiting.storage.events import EventPublisher
from recruiting.storage.files import ResumeStore
from recruiting.storage.items import bind_tables
from recruiting.storage.resumes import ResumeRecords

logger = Logger()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.SQS)
_pipeline: ResumePipeline | None = None


def pipeline() -> ResumePipeline:
    global _pipeline
    if _pipeline is None:
        from recruiting.resumes import parse_bytes

        settings = Settings.from_env()
        bind_tables(settings.table_names, region=settings.region)
        _pipeline = ResumePipeline(
            ResumeRecords(),
            ResumeStore(settings.resume_bucket),
            EventPublisher(settings.event_bus),
            parse_bytes,
        )
    return _pipeline


def use(replacement: ResumePipeline | None) -> None:
    global _pipeline
    _pipeline = replacement


def record_handler(record: SQSRecord) -> None:
    for upload in uploads(json.loads(record.body)):
        result = pipeline().handle(upload)
        # The key is not logged: an imported file's name is often a person's name.
        logger.info(
            "resume upload handled",
            extra={
                "prefix": upload.key.split("/", 1)[0],
                "result": result,
                "message_id": record.message_id,
            },
        )
        metric = "ResumesParsed" if not result.startswith("failed") else "ResumesRefused"
        if result not in ("ignored", "duplicate", "busy"):
            metrics.add_metric(name=metric, unit=MetricUnit.Count, value=1)


@metrics.log_metrics
@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    response = process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
    return dict(response)
