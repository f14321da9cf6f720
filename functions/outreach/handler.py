"""Entry point of the outreach function.

- The reminders function's sweep hands it the steps that have fallen due.
- From its queue it sends one step per message (partial batch response: a
  throttled send fails alone and comes back), and stops a person's sequences
  when they apply (``application.received`` from the event bus).
"""

from __future__ import annotations

import json
import os
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
from recruiting.outreach.mail import mailer_from_env
from recruiting.outreach.sender import OutreachSender
from recruiting.outreach.service import StepMessage
from recruiting.outreach.surveys import Surveys
from recruiting.secrets import link_signing_key
from recruiting.storage.candidates import ApplicationRepository
from recruiting.storage.items import bind_tables
from recruiting.storage.jobs import JobRepository
from recruiting.storage.outreach import OutreachRepository

logger = Logger()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.SQS)
_sender: OutreachSender | None = None
_surveys: Surveys | None = None


def build() -> OutreachSender:
    global _sender
    if _sender is None:
        settings = Settings.from_env()
        bind_tables(settings.table_names, region=settings.region)
        outreach = OutreachRepository()

        def unknown(message: StepMessage) -> None:
            metrics.add_metric(name="OutreachOutcomeUnknown", unit=MetricUnit.Count, value=1)
            logger.error("send outcome unknown: not sent again", extra=message.__dict__)

        _sender = OutreachSender(
            outreach,
            ApplicationRepository(),
            mailer_from_env(os.environ),
            sender_email=settings.sender_email,
            sender_name=settings.sender_name,
            postal_address=settings.postal_address,
            public_url=settings.public_api_url,
            signing_key=link_signing_key(),
            reply_domain=settings.reply_domain,
            on_unknown=unknown,
        )
        global _surveys
        _surveys = Surveys(
            outreach,
            ApplicationRepository(),
            key=link_signing_key,
            public_url=settings.public_api_url,
            delay_days=settings.survey_delay_days,
        )
    return _sender


def surveys() -> Surveys:
    build()
    assert _surveys is not None
    return _surveys


def use(sender: OutreachSender | None) -> None:
    global _sender, _surveys
    _sender, _surveys = sender, None


def record_handler(record: SQSRecord) -> None:
    body = json.loads(record.body)
    sender = build()
    if body.get("type") == "outreach.step":
        result = sender.send(
            StepMessage(str(body["sequence_id"]), str(body["candidate_id"]), int(body["step"]))
        )
        logger.info(
            "outreach step",
            extra={"result": result, "sequence_id": body["sequence_id"], "step": body["step"]},
        )
        if result == "sent":
            metrics.add_metric(name="OutreachSent", unit=MetricUnit.Count, value=1)
    elif body.get("type") == "outreach.survey":
        result = surveys().send(
            str(body["application_id"]),
            sender.mailer,
            sender_email=sender.sender_email,
            sender_name=sender.sender_name,
            postal_address=sender.postal_address,
            unsubscribe_url=sender.unsubscribe_url,
        )
        logger.info("survey", extra={"result": result})
    elif body.get("detail-type") in ("application.hired", "application.rejected"):
        detail = body.get("detail") or {}
        job = JobRepository().get_job(int(detail["job_id"]))
        outcome = "hired" if body["detail-type"] == "application.hired" else "rejected"
        scheduled = surveys().schedule(detail, outcome, job.department if job else None)
        logger.info("survey scheduled", extra={"scheduled": scheduled, "outcome": outcome})
    elif body.get("detail-type") == "application.received":
        detail = body.get("detail") or {}
        candidate_id = str(detail.get("candidate_id", ""))
        since = detail.get("received_at") or body.get("time")
        stopped = sender.stop_person(candidate_id, "applied", since) if candidate_id else []
        logger.info("applied: outreach stopped", extra={"sequences": len(stopped)})
    elif body.get("Type") == "Notification" and "Message" in body:
        notification = json.loads(body["Message"])
        if notification.get("notificationType") == "Received":
            # A message SES received for the reply domain (its receipt rule's S3 action).
            from recruiting.outreach.replies import Replies

            outcome = Replies(
                sender.applications,
                sender.stop_person,
                key=sender.signing_key,
                domain=sender.reply_domain,
            ).receive(notification)
            if outcome == "replied":
                metrics.add_metric(name="OutreachReplied", unit=MetricUnit.Count, value=1)
            logger.info("inbound e-mail", extra={"outcome": outcome})
            return
        # SES bounce and complaint events, through the configuration set's SNS topic.
        suppressed = sender.feedback(notification)
        for reason in suppressed:
            metrics.add_metric(name=f"Outreach{reason.title()}", unit=MetricUnit.Count, value=1)
        logger.info("ses feedback", extra={"suppressed": len(suppressed)})
    else:
        logger.warning("unknown message ignored", extra={"message_id": record.message_id})


@metrics.log_metrics
@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    response = process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
    return dict(response)
