"""SQS queues (each with a dead-letter queue) and EventBridge buses (archived)."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import Duration, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from recruiting import wiring
from recruiting_infra.declaration import pascal
from recruiting_infra.nag import acknowledge

DEAD_LETTER_RETENTION = Duration.days(14)  # SQS maximum: time to look and redrive
EVENT_ARCHIVE_RETENTION = Duration.days(90)


def secure_queue(
    scope: Construct,
    construct_id: str,
    *,
    key: kms.IKey,
    visibility_timeout: Duration | None = None,
    retention_period: Duration | None = None,
    dead_letter_queue: sqs.DeadLetterQueue | None = None,
) -> sqs.Queue:
    """An SQS queue encrypted with ``key`` that refuses requests without TLS."""
    return sqs.Queue(
        scope,
        construct_id,
        encryption=sqs.QueueEncryption.KMS,
        encryption_master_key=key,
        enforce_ssl=True,
        visibility_timeout=visibility_timeout,
        retention_period=retention_period,
        dead_letter_queue=dead_letter_queue,
    )


def dead_letter_queue(scope: Construct, construct_id: str, *, key: kms.IKey) -> sqs.Queue:
    """A dead-letter queue: kept as long as SQS allows, never redriven further."""
    queue = secure_queue(scope, construct_id, key=key, retention_period=DEAD_LETTER_RETENTION)
    acknowledge(
        queue,
        "Serverless-SQSRedrivePolicy",
        "This is a dead-letter queue; its messages wait for an operator (an alarm fires "
        "on the first one), so a dead-letter queue of its own would only move them.",
    )
    return queue


class Messaging(Construct):
    """Declared queues with their DLQs, and declared event buses with archives."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        queues: Sequence[wiring.Queue],
        buses: Sequence[wiring.Bus],
        key: kms.IKey,
    ) -> None:
        super().__init__(scope, construct_id)
        self.queues: dict[str, sqs.Queue] = {}
        self.dead_letter_queues: dict[str, sqs.Queue] = {}
        self.buses: dict[str, events.EventBus] = {}
        for declared in queues:
            name = pascal(declared.key)
            dlq = dead_letter_queue(self, f"{name}DeadLetters", key=key)
            self.dead_letter_queues[declared.key] = dlq
            self.queues[declared.key] = secure_queue(
                self,
                name,
                key=key,
                visibility_timeout=Duration.seconds(declared.visibility_timeout_seconds),
                dead_letter_queue=sqs.DeadLetterQueue(
                    max_receive_count=declared.max_receives, queue=dlq
                ),
            )
        for declared_bus in buses:
            bus = events.EventBus(self, pascal(declared_bus.key), description=declared_bus.purpose)
            # Replays for integrations that were down or are new.
            bus.archive(
                "Archive",
                description=f"every event on the {declared_bus.key} bus",
                event_pattern=events.EventPattern(account=[Stack.of(self).account]),
                retention=EVENT_ARCHIVE_RETENTION,
            )
            self.buses[declared_bus.key] = bus
        for declared in queues:
            for bus_key, detail_types in declared.subscribes_to:
                name = pascal(declared.key)
                queue = self.queues[declared.key]
                # EventBridge delivers to the KMS-encrypted queue; events it cannot
                # deliver after its retries wait in the queue's dead-letter queue.
                events.Rule(
                    self,
                    f"{name}From{pascal(bus_key)}",
                    event_bus=self.buses[bus_key],
                    description=f"{', '.join(detail_types)} to the {declared.key} queue",
                    event_pattern=events.EventPattern(
                        source=["recruiting"], detail_type=list(detail_types)
                    ),
                    targets=[
                        targets.SqsQueue(
                            queue,
                            dead_letter_queue=self.dead_letter_queues[declared.key],
                            retry_attempts=8,
                            max_event_age=Duration.hours(24),
                        )
                    ],
                )
                key.grant(
                    iam.ServicePrincipal("events.amazonaws.com"),
                    "kms:GenerateDataKey",
                    "kms:Decrypt",
                )
