"""DynamoDB tables: on-demand, point-in-time recovery, customer-managed KMS key."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms
from constructs import Construct

from recruiting import wiring
from recruiting_infra.declaration import pascal


def _string_key(name: str) -> dynamodb.Attribute:
    return dynamodb.Attribute(name=name, type=dynamodb.AttributeType.STRING)


def _encrypt_with(table: dynamodb.TableV2, key: kms.IKey) -> None:
    """Encrypt ``table`` with the customer-managed ``key``.

    ``TableEncryptionV2.customer_managed_key`` renders the key per replica
    region and so refuses a region-agnostic stack; this stack is deployable
    to any region, so the replica of the deployment region (the only one) is
    given the key directly. SSE is already ``KMS`` for the AWS-managed key.
    """
    cfn = table.node.default_child
    assert isinstance(cfn, dynamodb.CfnGlobalTable)
    cfn.add_property_override("Replicas.0.SSESpecification.KMSMasterKeyId", key.key_arn)


class DataTables(Construct):
    """One ``TableV2`` per declared table, with its GSIs (ALL projection) and TTL."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        tables: Sequence[wiring.Table],
        key: kms.IKey,
        deletion_protection: bool,
    ) -> None:
        super().__init__(scope, construct_id)
        self.tables: dict[str, dynamodb.TableV2] = {}
        for declared in tables:
            self.tables[declared.key] = dynamodb.TableV2(
                self,
                pascal(declared.key),
                partition_key=_string_key(declared.partition_key),
                sort_key=_string_key(declared.sort_key) if declared.sort_key else None,
                billing=dynamodb.Billing.on_demand(),
                # Rendered as AWS-managed KMS, then pointed at ``key`` below.
                encryption=dynamodb.TableEncryptionV2.aws_managed_key(),
                point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                    point_in_time_recovery_enabled=True
                ),
                time_to_live_attribute=declared.ttl_attribute,
                global_secondary_indexes=[
                    dynamodb.GlobalSecondaryIndexPropsV2(
                        index_name=index.name,
                        partition_key=_string_key(index.partition_key),
                        sort_key=_string_key(index.sort_key),
                        projection_type=dynamodb.ProjectionType.ALL,
                    )
                    for index in declared.indexes
                ],
                deletion_protection=deletion_protection,
                # Personal data outlives a stack deletion unless the deployment opted out.
                removal_policy=RemovalPolicy.RETAIN
                if deletion_protection
                else RemovalPolicy.DESTROY,
            )
            _encrypt_with(self.tables[declared.key], key)
