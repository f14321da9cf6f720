"""The cost model's meter: DynamoDB request units by the published rules, and the
other billable calls counted where they are made."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from benchmarks.metering import Meter, item_size, rru, wru


def test_request_units_follow_dynamodbs_rounding():
    # 1 KB per write unit, 4 KB per read unit, halved when eventually consistent
    assert wru(1) == 1
    assert wru(1024) == 1
    assert wru(1025) == 2
    assert rru(4096, consistent=True) == 1
    assert rru(4097, consistent=True) == 2
    assert rru(0, consistent=False) == 0.5
    # Sizes count attribute names and values; numbers by their significant digits
    assert item_size({"pk": {"S": "abc"}}) == 5
    assert item_size({"n": {"N": "12345"}}) == 1 + 4


@pytest.fixture
def tables():
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName="t",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "g", "AttributeType": "S"},
            ],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": "by_g",
                    "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        yield client


def test_the_meter_charges_writes_with_their_index_and_transactions_double(tables):
    meter = Meter()
    big = "x" * 3000  # 3 KB: 3 write units, 1 read unit
    with meter.active(), meter.charging("phase", "fn"):
        # A put of an item in the index: 3 units for the table, 3 for the index
        tables.put_item(TableName="t", Item={"pk": {"S": "a"}, "g": {"S": "1"}, "v": {"S": big}})
        # A transactional put of an item outside the index: 2 x 3 units
        tables.transact_write_items(
            TransactItems=[{"Put": {"TableName": "t", "Item": {"pk": {"S": "b"}, "v": {"S": big}}}}]
        )
        # An eventually consistent read of one 3 KB item: half a unit
        tables.get_item(TableName="t", Key={"pk": {"S": "a"}})
        boto3.client("sqs", region_name="us-east-1").create_queue(QueueName="q")
    usage = meter.total("phase", "fn")
    assert usage.write_units == 3 + 3 + 6
    assert usage.read_units == 0.5
    assert usage.calls["dynamodb.PutItem"] == 1
    assert usage.calls["sqs.CreateQueue"] == 1
    # The model's own reads are not counted as calls
    assert usage.calls["dynamodb.BatchGetItem"] == 0
    assert meter.overhead > 0
