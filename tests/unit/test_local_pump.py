"""The local pump delivers as Lambda's SQS poller does, failures included."""

from __future__ import annotations

import threading
import time
from typing import Any

import boto3

from conftest import aws_environment
from recruiting import wiring
from recruiting_local.pump import Pump


def test_a_function_that_raises_gets_its_batch_again_and_the_queue_keeps_flowing():
    with aws_environment("pump") as env:
        queue = wiring.queue("outreach")
        function = next(f for f in wiring.FUNCTIONS if queue.key in f.consumes)
        sqs = boto3.client("sqs")
        url = env[queue.env]
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "1"})
        sqs.send_message(QueueUrl=url, MessageBody="first")
        bodies: list[str] = []
        done = threading.Event()

        def invoke(called: wiring.Function, event: dict[str, Any]) -> Any:
            assert called is function
            bodies.extend(r["body"] for r in event["Records"])
            if len(bodies) == 1:
                raise RuntimeError("a crash, as an unhandled error in a handler")
            done.set()
            return {"batchItemFailures": []}

        pump = Pump(env, invoke)
        thread = threading.Thread(target=pump._drain, args=(function, queue), daemon=True)
        thread.start()
        try:
            # The crashed batch comes back after its visibility timeout, and is
            # then deleted once the function succeeds
            assert done.wait(15), bodies
            assert bodies == ["first", "first"]
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                attributes = sqs.get_queue_attributes(
                    QueueUrl=url,
                    AttributeNames=[
                        "ApproximateNumberOfMessages",
                        "ApproximateNumberOfMessagesNotVisible",
                    ],
                )["Attributes"]
                if set(attributes.values()) == {"0"}:
                    break
                time.sleep(0.1)
            assert set(attributes.values()) == {"0"}
            assert thread.is_alive()
        finally:
            pump._stop.set()
            thread.join(timeout=5)
