"""Entry point of the reminders function.

- On its schedule (every 5 minutes) it sweeps what has fallen due (``reminders.sweep``)
  onto its own queue, and due outreach steps onto the outreach queue.
- From its queue it sends one notice or reminder per message (partial batch response:
  a throttled send fails alone and comes back).
- ``interview.*`` events from the bus send that interview's due invitations at once,
  instead of at the next sweep.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
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

from recruiting import clock
from recruiting.config import Settings
from recruiting.outreach.mail import mailer_from_env
from recruiting.reminders.sender import ReminderSender
from recruiting.reminders.sweep import ReminderSweep, body
from recruiting.storage.candidates import ApplicationRepository
from recruiting.storage.files import ResumeStore
from recruiting.storage.items import NoticeItem, bind_tables
from recruiting.storage.jobs import JobRepository
from recruiting.storage.schedule import ScheduleRepository

logger = Logger()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.SQS)
_sender: ReminderSender | None = None
_sweep: ReminderSweep | None = None


def _enqueue(queue_url: str) -> Callable[[list[Any]], None]:
    sqs = boto3.client("sqs")

    def enqueue(messages: list[Any]) -> None:
        entries: list[Any] = [
            {"Id": str(i), "MessageBody": m if isinstance(m, str) else body(m)}
            for i, m in enumerate(messages)
        ]
        result = sqs.send_message_batch(QueueUrl=queue_url, Entries=entries)
        if result.get("Failed"):
            raise RuntimeError(f"{len(result['Failed'])} due messages not queued")

    return enqueue


def build() -> tuple[ReminderSender, ReminderSweep]:
    global _sender, _sweep
    if _sender is None or _sweep is None:
        settings = Settings.from_env()
        bind_tables(settings.table_names, region=settings.region)
        schedule = ScheduleRepository()

        def unknown(kind: str) -> None:
            metrics.add_metric(name="ReminderOutcomeUnknown", unit=MetricUnit.Count, value=1)
            logger.error("reminder outcome unknown: not sent again", extra={"kind": kind})

        _sender = ReminderSender(
            schedule,
            ApplicationRepository(),
            JobRepository(),
            ResumeStore(settings.resume_bucket) if settings.resume_bucket else None,
            mailer_from_env(os.environ),
            sender_email=settings.sender_email,
            sender_name=settings.sender_name,
            public_url=settings.public_api_url,
            on_unknown=unknown,
        )
        outreach = None
        if settings.outreach_queue and settings.outreach_table:
            from recruiting.outreach.service import Sweep
            from recruiting.storage.outreach import OutreachRepository

            outreach = Sweep(OutreachRepository(), _outreach_enqueue(settings.outreach_queue))
        _sweep = ReminderSweep(
            schedule, JobRepository(), _enqueue(settings.reminders_queue), outreach
        )
    return _sender, _sweep


def _outreach_enqueue(queue_url: str) -> Callable[[list[Any]], None]:
    send = _enqueue(queue_url)
    return lambda messages: send([m.body() for m in messages])


def use(sender: ReminderSender | None, sweep: ReminderSweep | None = None) -> None:
    global _sender, _sweep
    _sender, _sweep = sender, sweep


def _count(result: str) -> None:
    name = "ReminderSent" if result == "sent" else None
    if result.startswith("skipped"):
        name = "ReminderSkipped"
    if name:
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)


def record_handler(record: SQSRecord) -> None:
    message = json.loads(record.body)
    sender, _ = build()
    kind = message.get("type")
    if kind == "notice":
        result = sender.send_notice(str(message["pk"]), str(message["sk"]))
    elif kind == "task_overdue":
        result = sender.send_task_overdue(str(message["task_id"]), str(message["due_at"]))
    elif kind == "stale":
        result = sender.send_stale(
            str(message["candidate_id"]),
            str(message["application_id"]),
            str(message["last_activity_at"]),
        )
    elif str(message.get("detail-type", "")).startswith("interview."):
        # Send the interview's invitations (due now) without waiting for the sweep.
        detail = message.get("detail") or {}
        now = clock.iso(sender.now())
        results = [
            sender.send_notice(str(item.pk), str(item.sk))
            for item in sender.schedule.application_items(str(detail["application_id"]))
            if isinstance(item, NoticeItem)
            and item.interview_id == detail.get("interview_id")
            and item.status == "pending"
            and str(item.due_at) <= now
        ]
        for result in results:
            _count(result)
        logger.info("interview change", extra={"sent": results.count("sent")})
        return
    else:
        logger.warning("unknown message ignored", extra={"message_id": record.message_id})
        return
    _count(result)
    logger.info("reminder", extra={"type": kind, "result": result})


@metrics.log_metrics
@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if "Records" not in event:  # the schedule
        _, sweep = build()
        counts = sweep.run()
        logger.info("due work queued", extra=counts)
        return counts
    response = process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
    return dict(response)
