"""S3: the declared buckets are private, encrypted, versioned, logged and notify SQS."""

from __future__ import annotations

import pytest

from recruiting import wiring

pytestmark = pytest.mark.infra

DECLARED = [pytest.param(b, id=b.key) for b in wiring.BUCKETS]


def _bucket(synthesized, declared):
    return synthesized.properties(synthesized.stack.storage.buckets[declared.key])


@pytest.mark.parametrize("declared", DECLARED)
def test_bucket_blocks_all_public_access(synthesized, declared):
    # Given a declared bucket
    # Then no ACL or policy can make it public
    assert _bucket(synthesized, declared)["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }


@pytest.mark.parametrize("declared", DECLARED)
def test_bucket_policy_denies_requests_without_tls(synthesized, declared):
    # Given a declared bucket and its policy
    bucket_id = synthesized.logical_id(synthesized.stack.storage.buckets[declared.key])
    policies = [
        p["Properties"]["PolicyDocument"]["Statement"]
        for p in synthesized.of_type("AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": bucket_id}
    ]
    # Then a statement denies every request not made over TLS
    assert any(
        s["Effect"] == "Deny"
        and s["Action"] == "s3:*"
        and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for statements in policies
        for s in statements
    )


@pytest.mark.parametrize("declared", DECLARED)
def test_bucket_is_versioned_and_forgets_old_versions_after_30_days(synthesized, declared):
    # Given a declared bucket
    props = _bucket(synthesized, declared)
    rules = props["LifecycleConfiguration"]["Rules"]
    # Then overwritten and deleted objects are kept 30 days, then erased
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    assert any(
        "Prefix" not in r and r["NoncurrentVersionExpiration"] == {"NoncurrentDays": 30}
        for r in rules
    )


@pytest.mark.parametrize("declared", DECLARED)
def test_objects_under_expiring_prefixes_are_deleted_after_the_declared_days(synthesized, declared):
    # Given a declared bucket's expiring prefixes (uploads/ of the resume bucket: 1 day)
    rules = _bucket(synthesized, declared)["LifecycleConfiguration"]["Rules"]
    # Then a lifecycle rule expires each of them
    by_prefix = {r["Prefix"]: r for r in rules if "Prefix" in r}
    for prefix, days in declared.expire_prefixes:
        assert by_prefix[prefix]["ExpirationInDays"] == days
        assert by_prefix[prefix]["Status"] == "Enabled"


def test_direct_resume_uploads_expire_after_a_day():
    # Given the resume bucket's declaration
    # Then direct uploads are temporary
    assert ("uploads/", 1) in wiring.RESUMES.expire_prefixes


@pytest.mark.parametrize("declared", DECLARED)
def test_bucket_is_encrypted_with_the_customer_managed_data_key(synthesized, declared):
    # Given a declared bucket
    sse = _bucket(synthesized, declared)["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    # Then objects are encrypted with the data key (with an S3 bucket key)
    data_key = synthesized.logical_id(synthesized.stack.data_key)
    assert sse == [
        {
            "BucketKeyEnabled": True,
            "ServerSideEncryptionByDefault": {
                "KMSMasterKeyID": {"Fn::GetAtt": [data_key, "Arn"]},
                "SSEAlgorithm": "aws:kms",
            },
        }
    ]


@pytest.mark.parametrize("declared", DECLARED)
def test_bucket_access_is_logged_to_the_access_log_bucket(synthesized, declared):
    # Given a declared bucket
    logging = _bucket(synthesized, declared)["LoggingConfiguration"]
    # Then its server access logs go to the log bucket under its own prefix
    logs_id = synthesized.logical_id(synthesized.stack.storage.access_logs)
    assert logging == {
        "DestinationBucketName": {"Ref": logs_id},
        "LogFilePrefix": f"{declared.key}/",
    }


@pytest.mark.parametrize(
    "declared", [pytest.param(b, id=b.key) for b in wiring.BUCKETS if b.notify_prefixes]
)
def test_new_objects_under_notify_prefixes_are_queued(synthesized, declared):
    # Given a declared bucket with notification prefixes
    bucket_id = synthesized.logical_id(synthesized.stack.storage.buckets[declared.key])
    queue_id = synthesized.logical_id(
        synthesized.stack.messaging.queues[str(declared.notify_queue)]
    )
    # When its notification configuration is read
    (notifications,) = [
        r["Properties"]["NotificationConfiguration"]
        for r in synthesized.of_type("Custom::S3BucketNotifications").values()
        if r["Properties"]["BucketName"] == {"Ref": bucket_id}
    ]
    # Then each declared prefix sends ObjectCreated events to the declared queue
    routed = {
        c["Filter"]["Key"]["FilterRules"][0]["Value"]: c
        for c in notifications["QueueConfigurations"]
    }
    assert set(routed) == set(declared.notify_prefixes)
    for config in routed.values():
        assert config["Events"] == ["s3:ObjectCreated:*"]
        assert config["QueueArn"] == {"Fn::GetAtt": [queue_id, "Arn"]}


def test_careers_site_browsers_may_post_resumes_to_the_resume_bucket(synthesized):
    # Given careers-site origins in the context and intake writing resumes
    cors = _bucket(synthesized, wiring.RESUMES)["CorsConfiguration"]["CorsRules"]
    # Then browsers on those origins may POST (presigned uploads), nothing else
    assert cors == [
        {
            "AllowedHeaders": ["*"],
            "AllowedMethods": ["POST"],
            "AllowedOrigins": ["https://careers.acme.example", "https://jobs.acme.example"],
            "MaxAge": 3000,
        }
    ]


def test_access_log_bucket_is_private_and_tls_only(synthesized):
    # Given the access log bucket
    logs = synthesized.stack.storage.access_logs
    props = synthesized.properties(logs)
    # Then it is private and its logs expire
    assert props["PublicAccessBlockConfiguration"]["RestrictPublicBuckets"] is True
    assert props["LifecycleConfiguration"]["Rules"][0]["ExpirationInDays"] == 365
