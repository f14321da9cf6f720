"""SES sending feedback: a configuration set whose bounce and complaint events
reach the outreach queue through an encrypted SNS topic, so a bounced or
complaining address is suppressed before the next send."""

from __future__ import annotations

from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_ses as ses
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from recruiting_infra.nag import acknowledge


class EmailFeedback(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, *, queue: sqs.IQueue, key: kms.IKey
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
