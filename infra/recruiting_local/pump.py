"""Deliver what AWS would deliver: SQS messages (including S3 notifications,
which moto already routes to their queue) and EventBridge schedules.

Each function consuming a queue gets batches in Lambda's SQS event shape; a
partial batch response leaves the failed messages on the queue to be retried
and, after ``max_receives``, dead-lettered by the queue's redrive policy.
Schedules tick every ``tick_seconds`` (moto never fires them).
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import boto3

from recruiting import wiring
from recruiting_local.context import LocalContext

Invoke = Callable[[wiring.Function, dict[str, Any]], Any]
logger = logging.getLogger("recruiting_local.pump")


def sqs_event(messages: Sequence[Mapping[str, Any]], queue_arn: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": m.get("MessageAttributes", {}),
                "md5OfBody": m.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": "us-east-1",
            }
            for m in messages
        ]
    }


def scheduled_event() -> dict[str, Any]:
    return {
        "version": "0",
        "id": "local",
        "detail-type": "Scheduled Event",
        "source": "aws.scheduler",
        "account": "123456789012",
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "region": "us-east-1",
        "resources": [],
        "detail": {},
    }


class Pump:
    def __init__(self, env: dict[str, str], invoke: Invoke, tick_seconds: float = 60.0) -> None:
        self.env = env
        self.invoke = invoke
        self.tick_seconds = tick_seconds
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for function in wiring.FUNCTIONS:
            for queue_key in function.consumes:
                self._spawn(self._drain, function, wiring.queue(queue_key))
            if function.schedules:
                self._spawn(self._tick, function)
        inbox = os.environ.get("OUTREACH_INBOX_DIR")
        outreach = wiring.queue("outreach").env
        if inbox and outreach in self.env:
            self._spawn(self._inbox, Path(inbox), self.env[outreach])

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)

    def _spawn(self, target: Callable[..., None], *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _drain(self, function: wiring.Function, queue: wiring.Queue) -> None:
        sqs = boto3.client("sqs")
        url = self.env[queue.env]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        while not self._stop.is_set():
            messages = sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1, AttributeNames=["All"]
            ).get("Messages", [])
            if not messages:
                continue
            try:
                result = self.invoke(function, sqs_event(messages, arn)) or {}
            except Exception:
                # As Lambda does: the whole batch goes back to the queue, to be
                # received again after its visibility timeout (and dead-lettered
                # after max_receives); the queue keeps being drained.
                logger.exception("%s failed on a batch from %s", function.name, queue.key)
                continue
            failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
            for message in messages:
                if message["MessageId"] not in failed:
                    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

    def _inbox(self, inbox: Path, queue_url: str) -> None:
        """SES receiving, locally: ``.eml`` files in the inbox go to the outreach queue."""
        from recruiting_local.inbox import collect

        sqs = boto3.client("sqs")
        inbox.mkdir(parents=True, exist_ok=True)
        while not self._stop.wait(0.5):
            for _, body in collect(inbox):
                sqs.send_message(QueueUrl=queue_url, MessageBody=body)

    def _tick(self, function: wiring.Function) -> None:
        while not self._stop.wait(self.tick_seconds):
            try:
                self.invoke(function, scheduled_event())
            except Exception:  # the next tick tries again, as the scheduler would
                logger.exception("%s failed on a scheduled run", function.name)


def context_for(function: wiring.Function) -> LocalContext:
    return LocalContext(
        function.name,
        memory_limit_in_mb=function.memory_mb,
        timeout_seconds=function.timeout_seconds,
    )


def dumps(value: Any) -> str:
    return json.dumps(value, default=str)
