"""Entry point of the report-exports function.

- On its schedule (every 15 minutes) it starts the subscriptions that are due.
- From its queue it builds one report run per message (CSV and PDF to S3), and e-mails
  a subscription's recipient the links. A run that fails on the queue's last delivery
  is recorded ``failed`` before the message goes to the dead-letter queue.
"""

from __future__ import annotations

import json
import os
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

from recruiting import wiring
from recruiting.config import Settings
from recruiting.outreach.mail import mailer_from_env
from recruiting.reports.runner import ReportRunner
from recruiting.storage.files import ResumeStore
from recruiting.storage.items import bind_tables
from recruiting.storage.jobs import JobRepository
from recruiting.storage.reports import ReportRepository

logger = Logger()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.SQS)
_runner: ReportRunner | None = None


def build() -> ReportRunner:
    global _runner
    if _runner is None:
        settings = Settings.from_env()
        bind_tables(settings.table_names, region=settings.region)
        sqs = boto3.client("sqs")

        def enqueue(run_id: str) -> None:
            sqs.send_message(
                QueueUrl=settings.report_requests_queue,
                MessageBody=json.dumps({"type": "report.run", "run_id": run_id}),
            )

        _runner = ReportRunner(
            ReportRepository(),
            JobRepository(),
            ResumeStore(settings.reports_bucket),
            mailer_from_env(os.environ),
            sender_email=settings.sender_email,
            sender_name=settings.sender_name,
            enqueue=enqueue,
        )
    return _runner


def use(runner: ReportRunner | None) -> None:
    global _runner
    _runner = runner


def record_handler(record: SQSRecord) -> None:
    body = json.loads(record.body)
    if body.get("type") != "report.run":
        logger.warning("unknown message ignored", extra={"message_id": record.message_id})
        return
    receives = int((record.raw_event.get("attributes") or {}).get("ApproximateReceiveCount", 1))
    final = receives >= wiring.REPORT_REQUESTS_QUEUE.max_receives
    result = build().build(str(body["run_id"]), final=final, redelivered=receives > 1)
    logger.info("report run", extra={"run_id": body["run_id"], "result": result})
    if result == "done":
        metrics.add_metric(name="ReportBuilt", unit=MetricUnit.Count, value=1)


@metrics.log_metrics
@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if "Records" not in event:  # the schedule
        started = build().sweep()
        logger.info("subscriptions started", extra={"count": started})
        return {"started": started}
    response = process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
    return dict(response)
