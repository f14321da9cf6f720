"""DynamoDB tables: declared keys and indexes, PITR, KMS, on-demand, TTL."""

from __future__ import annotations

import pytest

from recruiting import wiring

pytestmark = pytest.mark.infra

DECLARED = [pytest.param(t, id=t.key) for t in wiring.TABLES]


def _table(synthesized, declared):
    return synthesized.properties(synthesized.stack.data.tables[declared.key])


def test_every_declared_table_is_deployed(synthesized):
    # Given the wiring's tables
    # When the stack is synthesized
    tables = synthesized.of_type("AWS::DynamoDB::GlobalTable")
    # Then there is one table per declaration
    assert len(tables) == len(wiring.TABLES)


@pytest.mark.parametrize("declared", DECLARED)
def test_table_has_its_declared_string_keys(synthesized, declared):
    # Given a declared table
    props = _table(synthesized, declared)
    # When its key schema is read
    keys = {k["KeyType"]: k["AttributeName"] for k in props["KeySchema"]}
    types = {a["AttributeName"]: a["AttributeType"] for a in props["AttributeDefinitions"]}
    # Then the keys are the declared ones, as strings
    expected = {"HASH": declared.partition_key}
    if declared.sort_key:
        expected["RANGE"] = declared.sort_key
    assert keys == expected
    assert all(types[name] == "S" for name in keys.values())


@pytest.mark.parametrize("declared", DECLARED)
def test_table_has_point_in_time_recovery(synthesized, declared):
    # Given a declared table (cdk-nag's DDB3 does not see TableV2, so it is checked here)
    replica = _table(synthesized, declared)["Replicas"][0]
    # Then PITR is on for its replica
    assert replica["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}


@pytest.mark.parametrize("declared", DECLARED)
def test_table_is_encrypted_with_the_customer_managed_data_key(synthesized, declared):
    # Given a declared table
    props = _table(synthesized, declared)
    # Then SSE uses KMS with the stack's data key
    data_key = synthesized.logical_id(synthesized.stack.data_key)
    assert props["SSESpecification"] == {"SSEEnabled": True, "SSEType": "KMS"}
    assert props["Replicas"][0]["SSESpecification"]["KMSMasterKeyId"] == {
        "Fn::GetAtt": [data_key, "Arn"]
    }


@pytest.mark.parametrize("declared", DECLARED)
def test_table_is_billed_on_demand(synthesized, declared):
    # Given a declared table
    # Then it is pay-per-request
    assert _table(synthesized, declared)["BillingMode"] == "PAY_PER_REQUEST"


@pytest.mark.parametrize("declared", DECLARED)
def test_table_has_its_declared_indexes_projecting_all_attributes(synthesized, declared):
    # Given a declared table
    props = _table(synthesized, declared)
    # When its GSIs are read
    indexes = {
        gsi["IndexName"]: (
            {k["KeyType"]: k["AttributeName"] for k in gsi["KeySchema"]},
            gsi["Projection"]["ProjectionType"],
        )
        for gsi in props.get("GlobalSecondaryIndexes", [])
    }
    # Then they are exactly the declared ones, with ALL projection
    assert indexes == {
        i.name: ({"HASH": i.partition_key, "RANGE": i.sort_key}, "ALL") for i in declared.indexes
    }


@pytest.mark.parametrize("declared", DECLARED)
def test_table_expires_items_only_where_a_ttl_attribute_is_declared(synthesized, declared):
    # Given a declared table
    ttl = _table(synthesized, declared).get("TimeToLiveSpecification")
    # Then TTL follows the declaration
    if declared.ttl_attribute:
        assert ttl == {"AttributeName": declared.ttl_attribute, "Enabled": True}
    else:
        assert ttl is None


@pytest.mark.parametrize("declared", DECLARED)
def test_table_is_protected_from_deletion_by_default(synthesized, declared):
    # Given the default settings
    logical_id = synthesized.logical_id(synthesized.stack.data.tables[declared.key])
    table = synthesized.resources[logical_id]
    # Then the table survives a stack deletion and refuses DeleteTable
    assert table["DeletionPolicy"] == "Retain"
    assert table["Properties"]["Replicas"][0]["DeletionProtectionEnabled"] is True
