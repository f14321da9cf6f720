"""SQS and EventBridge: every queue has a DLQ with an alarm; buses are archived."""

from __future__ import annotations

import pytest

from recruiting import wiring

pytestmark = pytest.mark.infra

DECLARED = [pytest.param(q, id=q.key) for q in wiring.QUEUES]


@pytest.mark.parametrize("declared", DECLARED)
def test_queue_moves_poison_messages_to_its_dead_letter_queue(synthesized, declared):
    # Given a declared queue
    messaging = synthesized.stack.messaging
    props = synthesized.properties(messaging.queues[declared.key])
    # Then after the declared number of receives a message goes to its DLQ
    dlq = synthesized.logical_id(messaging.dead_letter_queues[declared.key])
    assert props["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": [dlq, "Arn"]},
        "maxReceiveCount": declared.max_receives,
    }
    assert props["VisibilityTimeout"] == declared.visibility_timeout_seconds


def test_every_queue_is_kms_encrypted_and_refuses_requests_without_tls(synthesized):
    # Given every queue of the stack (dead-letter queues included)
    queues = synthesized.of_type("AWS::SQS::Queue")
    policies = synthesized.of_type("AWS::SQS::QueuePolicy").values()
    for logical_id, queue in queues.items():
        # Then it is encrypted with a customer-managed key
        assert "Fn::GetAtt" in queue["Properties"]["KmsMasterKeyId"]
        # And its policy denies requests without TLS
        assert any(
            {"Ref": logical_id} in p["Properties"]["Queues"]
            and any(
                s["Effect"] == "Deny"
                and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
                for s in p["Properties"]["PolicyDocument"]["Statement"]
            )
            for p in policies
        ), logical_id


def test_every_dead_letter_queue_alarms_the_operators(synthesized):
    # Given the dead-letter queues and the operators' topic
    dead_letter_ids = {
        synthesized.logical_id(q) for q in synthesized.stack.messaging.dead_letter_queues.values()
    }
    topic = {"Ref": synthesized.logical_id(synthesized.stack.alarms.topic)}
    # When the alarms are read
    alarmed = {
        alarm["Properties"]["Dimensions"][0]["Value"]["Fn::GetAtt"][0]
        for alarm in synthesized.of_type("AWS::CloudWatch::Alarm").values()
        if alarm["Properties"]["MetricName"] == "ApproximateNumberOfMessagesVisible"
        and alarm["Properties"]["Threshold"] == 0
        and alarm["Properties"]["ComparisonOperator"] == "GreaterThanThreshold"
        and topic in alarm["Properties"]["AlarmActions"]
    }
    # Then each DLQ raises an alarm on its first message
    assert dead_letter_ids <= alarmed


def test_operators_topic_is_encrypted_tls_only_and_emails_the_operators(synthesized):
    # Given the alarm topic
    topic = synthesized.stack.alarms.topic
    topic_id = synthesized.logical_id(topic)
    props = synthesized.properties(topic)
    # Then it is KMS-encrypted, denies non-TLS publishing and emails the operators
    assert "Fn::GetAtt" in props["KmsMasterKeyId"]
    (policy,) = [
        p
        for p in synthesized.of_type("AWS::SNS::TopicPolicy").values()
        if {"Ref": topic_id} in p["Properties"]["Topics"]
    ]
    assert any(
        s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
    )
    (subscription,) = [
        s
        for s in synthesized.of_type("AWS::SNS::Subscription").values()
        if s["Properties"]["TopicArn"] == {"Ref": topic_id}
    ]
    assert subscription["Properties"]["Protocol"] == "email"
    assert subscription["Properties"]["Endpoint"] == "ops@acme.example"


@pytest.mark.parametrize("declared", [pytest.param(b, id=b.key) for b in wiring.BUSES])
def test_bus_archives_its_events_for_replay(synthesized, declared):
    # Given a declared event bus
    bus_id = synthesized.logical_id(synthesized.stack.messaging.buses[declared.key])
    # When the archives are read
    archives = [
        a["Properties"]
        for a in synthesized.of_type("AWS::Events::Archive").values()
        if a["Properties"]["SourceArn"] == {"Fn::GetAtt": [bus_id, "Arn"]}
    ]
    # Then its events are archived for 90 days
    assert [a["RetentionDays"] for a in archives] == [90]


def test_ses_bounces_and_complaints_reach_the_outreach_queue(synthesized):
    # Given the SES configuration set the outreach function sends with
    email = synthesized.stack.email
    assert email is not None
    (destination,) = synthesized.of_type("AWS::SES::ConfigurationSetEventDestination").values()
    config = destination["Properties"]["EventDestination"]
    # Then bounces and complaints go to the encrypted feedback topic
    assert sorted(config["MatchingEventTypes"]) == ["bounce", "complaint"]
    topic_id = synthesized.logical_id(email.topic)
    assert config["SnsDestination"]["TopicARN"] == {"Ref": topic_id}
    assert "KmsMasterKeyId" in synthesized.properties(email.topic)
    # And the topic delivers into the outreach queue
    (subscription,) = [
        s
        for s in synthesized.of_type("AWS::SNS::Subscription").values()
        if s["Properties"]["TopicArn"] == {"Ref": topic_id}
    ]
    assert subscription["Properties"]["Protocol"] == "sqs"
    outreach_queue = synthesized.logical_id(synthesized.stack.messaging.queues["outreach"])
    assert subscription["Properties"]["Endpoint"] == {"Fn::GetAtt": [outreach_queue, "Arn"]}
    # And the sender uses the configuration set
    function = synthesized.properties(synthesized.stack.functions.functions["outreach"])
    assert "SES_CONFIGURATION_SET" in function["Environment"]["Variables"]


def test_replies_for_the_reply_domain_are_stored_and_reach_the_outreach_queue(synthesized):
    # Given the stack deployed with a reply domain
    email = synthesized.stack.email
    assert email is not None
    assert email.replies is not None
    (rule,) = synthesized.of_type("AWS::SES::ReceiptRule").values()
    config = rule["Properties"]["Rule"]
    # Then SES receives that domain over TLS, scanning for spam and viruses
    assert config["Recipients"] == ["replies.acme.example"]
    assert config["TlsPolicy"] == "Require"
    assert config["ScanEnabled"] is True
    # And stores each message in the replies bucket, announcing it on the feedback topic
    (action,) = config["Actions"]
    bucket_id = synthesized.logical_id(email.replies)
    assert action["S3Action"]["BucketName"] == {"Ref": bucket_id}
    assert action["S3Action"]["TopicArn"] == {"Ref": synthesized.logical_id(email.topic)}
    # And the bucket is private, TLS-only, and forgets replies after 90 days
    bucket = synthesized.properties(email.replies)
    assert bucket["PublicAccessBlockConfiguration"]["RestrictPublicBuckets"] is True
    assert [r["ExpirationInDays"] for r in bucket["LifecycleConfiguration"]["Rules"]] == [90]
    # And only SES (for this account) may write to it
    (policy,) = [
        p
        for p in synthesized.of_type("AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": bucket_id}
    ]
    writers = [
        s
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        if s["Effect"] == "Allow" and "s3:PutObject" in str(s["Action"])
    ]
    assert [w["Principal"] for w in writers] == [{"Service": "ses.amazonaws.com"}]
    assert "aws:SourceAccount" in str(writers[0]["Condition"])
    # And SES may publish to the topic as a receipt rule of this account's rule set
    (topic_policy,) = [
        p
        for p in synthesized.of_type("AWS::SNS::TopicPolicy").values()
        if p["Properties"]["Topics"] == [{"Ref": synthesized.logical_id(email.topic)}]
    ]
    receipt = [
        s
        for s in topic_policy["Properties"]["PolicyDocument"]["Statement"]
        if "receipt-rule-set" in str(s.get("Condition"))
    ]
    assert [(s["Effect"], s["Principal"]) for s in receipt] == [
        ("Allow", {"Service": "ses.amazonaws.com"})
    ]
    # And the outreach function knows the domain, but no function may read the bucket
    function = synthesized.properties(synthesized.stack.functions.functions["outreach"])
    assert function["Environment"]["Variables"]["REPLY_DOMAIN"] == "replies.acme.example"
    # (the privacy function may delete an erased person's replies, and nothing else)
    policies = synthesized.of_type("AWS::IAM::Policy").values()
    touching = [
        s
        for p in policies
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        if bucket_id in str(s)
    ]
    assert [s["Action"] for s in touching] == ["s3:DeleteObject"]
    assert "inbound/*" in str(touching[0]["Resource"])
    privacy = synthesized.properties(synthesized.stack.functions.functions["privacy"])
    assert bucket_id in str(privacy["Environment"]["Variables"]["REPLIES_BUCKET_NAME"])
