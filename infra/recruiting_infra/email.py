"""SES feedback: a configuration set whose bounce and complaint events reach the
outreach queue through an encrypted SNS topic, so a bounced or complaining address
is suppressed before the next send; and, with a reply domain, a receipt rule that
stores replies to outreach and tells the same queue (``recruiting.outreach.replies``)."""

from __future__ import annotations

from aws_cdk import CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_ses as ses
from aws_cdk import aws_ses_actions as ses_actions
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from recruiting_infra.nag import acknowledge

# Where SES stores received replies in the replies bucket.
REPLIES_PREFIX = "inbound/"


class EmailFeedback(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        queue: sqs.IQueue,
        key: kms.IKey,
        reply_domain: str = "",
        access_logs: s3.IBucket | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        # The topic has its own key: SES publishes to it; the subscription grants SNS the
        # queue's key (``key``) itself, which would be a cycle on one key.
        topic_key = kms.Key(
            self,
            "TopicKey",
            description="recruiting: encrypts the SES feedback topic",
            enable_key_rotation=True,
        )
        topic_key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal("ses.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],
            )
        )
        self.topic = sns.Topic(
            self,
            "Topic",
            display_name="Recruiting e-mail feedback (bounces, complaints)",
            master_key=topic_key,
            enforce_ssl=True,
        )
        subscription = subscriptions.SqsSubscription(queue)
        self.topic.add_subscription(subscription)
        for child in queue.node.children:  # CDK puts the subscription under the queue
            if isinstance(child, sns.Subscription):
                acknowledge(
                    child,
                    "Serverless-SNSRedrivePolicy",
                    "Delivered into the outreach queue, which has its own dead-letter "
                    "queue; SNS retries delivery to SQS for days before giving up.",
                )
        self.configuration_set = ses.ConfigurationSet(
            self,
            "ConfigurationSet",
            suppression_reasons=ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
        )
        self.configuration_set.add_event_destination(
            "BouncesAndComplaints",
            destination=ses.EventDestination.sns_topic(self.topic),
            events=[ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
        )
        self.replies: s3.Bucket | None = None
        self.receipt_rules: ses.ReceiptRuleSet | None = None
        if reply_domain:
            self._receive(reply_domain, access_logs)

    def _receive(self, domain: str, access_logs: s3.IBucket | None) -> None:
        """Replies to ``reply+<token>@domain``: stored (an S3 action, so a reply with an
        attachment is not bounced as an SNS action would above 150 KB), then announced
        on the topic; the outreach function reads only the notification's headers."""
        self.replies = s3.Bucket(
            self,
            "Replies",
            # SES writes received mail with the bucket's default encryption; SSE-KMS
            # would need SES in the data key's policy for no gain in this bucket.
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            enforce_ssl=True,
            server_access_logs_bucket=access_logs,
            server_access_logs_prefix="replies/",
            # A reply also reaches the recruiter's mailbox; the copy here is for audit.
            lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(90))],
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.receipt_rules = ses.ReceiptRuleSet(
            self,
            "Inbound",
            rules=[
                ses.ReceiptRuleOptions(
                    recipients=[domain],
                    scan_enabled=True,  # spam and virus verdicts in the notification
                    tls_policy=ses.TlsPolicy.REQUIRE,
                    actions=[
                        ses_actions.S3(
                            bucket=self.replies,
                            object_key_prefix=REPLIES_PREFIX,
                            topic=self.topic,
                        )
                    ],
                )
            ],
        )
        # SES receiving publishes as the receipt rule; the event destination's grant
        # (CDK's) names the configuration set only.
        stack = Stack.of(self)
        self.topic.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal("ses.amazonaws.com")],
                actions=["sns:Publish"],
                resources=[self.topic.topic_arn],
                conditions={
                    "StringEquals": {"aws:SourceAccount": stack.account},
                    "ArnLike": {
                        "aws:SourceArn": stack.format_arn(
                            service="ses",
                            resource="receipt-rule-set",
                            resource_name=(
                                f"{self.receipt_rules.receipt_rule_set_name}:receipt-rule/*"
                            ),
                        )
                    },
                },
            )
        )
        CfnOutput(
            self,
            "ReceiptRuleSetName",
            value=self.receipt_rules.receipt_rule_set_name,
            description="Activate once: aws ses set-active-receipt-rule-set --rule-set-name",
        )
