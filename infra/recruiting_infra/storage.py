"""S3 buckets: KMS-encrypted, versioned, TLS-only, logged, notifying SQS."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3n
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from recruiting import wiring
from recruiting_infra.declaration import pascal

# Erasure reaches every copy: an overwritten or deleted version lives this long.
NONCURRENT_VERSION_RETENTION = Duration.days(30)
ACCESS_LOG_RETENTION = Duration.days(365)


class Storage(Construct):
    """Declared buckets, plus the bucket their server access logs go to."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        buckets: Sequence[wiring.Bucket],
        queues: Mapping[str, sqs.IQueue],
        key: kms.IKey,
        browser_upload_buckets: Collection[str] = (),
        browser_origins: Sequence[str] = (),
    ) -> None:
        super().__init__(scope, construct_id)
        self.access_logs = s3.Bucket(
            self,
            "AccessLogs",
            # S3 server access logging delivers only to SSE-S3 buckets.
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            enforce_ssl=True,
            lifecycle_rules=[s3.LifecycleRule(expiration=ACCESS_LOG_RETENTION)],
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.buckets: dict[str, s3.Bucket] = {}
        for declared in buckets:
            bucket = s3.Bucket(
                self,
                pascal(declared.key),
                encryption=s3.BucketEncryption.KMS,
                encryption_key=key,
                bucket_key_enabled=True,
                block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
                object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
                enforce_ssl=True,
                versioned=True,
                server_access_logs_bucket=self.access_logs,
                server_access_logs_prefix=f"{declared.key}/",
                lifecycle_rules=self._lifecycle(declared),
                cors=self._cors(browser_origins)
                if declared.key in browser_upload_buckets
                else None,
                removal_policy=RemovalPolicy.RETAIN,
            )
            for prefix in declared.notify_prefixes:
                bucket.add_event_notification(
                    s3.EventType.OBJECT_CREATED,
                    s3n.SqsDestination(queues[str(declared.notify_queue)]),
                    s3.NotificationKeyFilter(prefix=prefix),
                )
            self.buckets[declared.key] = bucket

    @staticmethod
    def _lifecycle(declared: wiring.Bucket) -> list[s3.LifecycleRule]:
        rules = [
            s3.LifecycleRule(
                id="expire-noncurrent-versions",
                noncurrent_version_expiration=NONCURRENT_VERSION_RETENTION,
                abort_incomplete_multipart_upload_after=Duration.days(1),
            )
        ]
        rules += [
            s3.LifecycleRule(
                id=f"expire-{prefix.strip('/').replace('/', '-')}",
                prefix=prefix,
                expiration=Duration.days(days),
                noncurrent_version_expiration=Duration.days(days),
            )
            for prefix, days in declared.expire_prefixes
        ]
        return rules

    @staticmethod
    def _cors(origins: Sequence[str]) -> list[s3.CorsRule] | None:
        # Browsers on the careers site post large resumes straight to S3
        # (presigned POST); nothing else may be sent from a browser.
        if not origins:
            return None
        return [
            s3.CorsRule(
                allowed_methods=[s3.HttpMethods.POST],
                allowed_origins=list(origins),
                allowed_headers=["*"],
                max_age=3000,
            )
        ]
