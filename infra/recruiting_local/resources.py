"""Create what the stack declares (tables, bucket, queues, bus) on an AWS endpoint.

Used by ``make run`` against the embedded moto server and by the tests under
``moto.mock_aws``; physical names get a prefix so several copies can coexist.
"""

from __future__ import annotations

import json
from typing import Any

import boto3

from recruiting import wiring


def physical_name(prefix: str, key: str) -> str:
    return f"{prefix}-{key.replace('_', '-')}"


def _create_table(client: Any, name: str, table: wiring.Table) -> None:
    attributes = {table.partition_key}
    schema = [{"AttributeName": table.partition_key, "KeyType": "HASH"}]
    if table.sort_key:
        attributes.add(table.sort_key)
        schema.append({"AttributeName": table.sort_key, "KeyType": "RANGE"})
    indexes = []
    for index in table.indexes:
        attributes |= {index.partition_key, index.sort_key}
        indexes.append(
            {
                "IndexName": index.name,
                "KeySchema": [
                    {"AttributeName": index.partition_key, "KeyType": "HASH"},
                    {"AttributeName": index.sort_key, "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        )
    kwargs: dict[str, Any] = {
        "TableName": name,
        "KeySchema": schema,
        "AttributeDefinitions": [
            {"AttributeName": a, "AttributeType": "S"} for a in sorted(attributes)
        ],
        "BillingMode": "PAY_PER_REQUEST",
    }
    if indexes:
        kwargs["GlobalSecondaryIndexes"] = indexes
    client.create_table(**kwargs)
    if table.ttl_attribute:
        client.update_time_to_live(
            TableName=name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": table.ttl_attribute},
        )


def provision(prefix: str = "recruiting", region: str = "us-east-1") -> dict[str, str]:
    """Create every declared resource; return the environment the functions read."""
    env: dict[str, str] = {}
    dynamodb = boto3.client("dynamodb", region_name=region)
    for table in wiring.TABLES:
        name = physical_name(prefix, table.key)
        _create_table(dynamodb, name, table)
        env[table.env] = name

    sqs = boto3.client("sqs", region_name=region)
    queue_arns: dict[str, str] = {}
    for queue in wiring.QUEUES:
        dlq_url = sqs.create_queue(QueueName=physical_name(prefix, f"{queue.key}-dlq"))["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        url = sqs.create_queue(
            QueueName=physical_name(prefix, queue.key),
            Attributes={
                "VisibilityTimeout": str(queue.visibility_timeout_seconds),
                "RedrivePolicy": json.dumps(
                    {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": queue.max_receives}
                ),
            },
        )["QueueUrl"]
        queue_arns[queue.key] = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        env[queue.env] = url
        env[f"{queue.env}_DLQ"] = dlq_url

    s3 = boto3.client("s3", region_name=region)
    for bucket in wiring.BUCKETS:
        name = physical_name(prefix, bucket.key)
        s3.create_bucket(Bucket=name)
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        if bucket.notify_queue:
            s3.put_bucket_notification_configuration(
                Bucket=name,
                NotificationConfiguration={
                    "QueueConfigurations": [
                        {
                            "QueueArn": queue_arns[bucket.notify_queue],
                            "Events": ["s3:ObjectCreated:*"],
                            "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": p}]}},
                        }
                        for p in bucket.notify_prefixes
                    ]
                },
            )
        env[bucket.env] = name

    events = boto3.client("events", region_name=region)
    for bus in wiring.BUSES:
        name = physical_name(prefix, bus.key)
        events.create_event_bus(Name=name)
        env[bus.env] = name
    for queue in wiring.QUEUES:
        for bus_key, detail_types in queue.subscribes_to:
            rule = physical_name(prefix, f"{queue.key}-from-{bus_key}")
            bus_name = env[wiring.bus(bus_key).env]
            events.put_rule(
                Name=rule,
                EventBusName=bus_name,
                EventPattern=json.dumps(
                    {"source": ["recruiting"], "detail-type": list(detail_types)}
                ),
            )
            events.put_targets(
                Rule=rule,
                EventBusName=bus_name,
                Targets=[{"Id": "queue", "Arn": queue_arns[queue.key]}],
            )
    return env
