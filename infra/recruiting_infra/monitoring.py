"""Operations: an alarm on every dead-letter queue, emailed to the operators."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from recruiting_infra.declaration import pascal
from recruiting_infra.nag import acknowledge


class Alarms(Construct):
    """An encrypted SNS topic for the operators and one alarm per dead-letter queue."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        operators_email: str,
        dead_letter_queues: Mapping[str, sqs.IQueue],
    ) -> None:
        super().__init__(scope, construct_id)
        key = kms.Key(
            self,
            "TopicKey",
            description="recruiting: encrypts the operators' alarm topic",
            enable_key_rotation=True,
        )
        # CloudWatch publishes alarm notifications to the encrypted topic.
        key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],
            )
        )
        self.topic = sns.Topic(
            self,
            "Topic",
            display_name="Recruiting operations",
            master_key=key,
            enforce_ssl=True,
        )
        subscription = sns.Subscription(
            self,
            "OperatorsEmail",
            topic=self.topic,
            protocol=sns.SubscriptionProtocol.EMAIL,
            endpoint=operators_email,
        )
        acknowledge(
            subscription,
            "Serverless-SNSRedrivePolicy",
            "An email subscription for operators: an undeliverable alarm email is visible in "
            "the topic's delivery metrics and the alarm stays in ALARM in the console.",
        )
        self.alarms: dict[str, cloudwatch.Alarm] = {}
        for name, queue in dead_letter_queues.items():
            self.on_count(
                name,
                queue.metric_approximate_number_of_messages_visible(
                    period=Duration.minutes(5), statistic="Maximum"
                ),
                f"Messages in the {name} dead-letter queue: something failed repeatedly "
                "and waits for an operator (inspect, fix, redrive).",
            )

    def on_count(self, name: str, metric: cloudwatch.IMetric, description: str) -> None:
        """An alarm to the operators when ``metric`` is above zero (messages waiting in a
        dead-letter queue, or a count the functions publish) over 5 minutes."""
        alarm = cloudwatch.Alarm(
            self,
            f"{pascal(name)}Alarm",
            alarm_description=description,
            metric=metric,
            threshold=0,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(actions.SnsAction(self.topic))
        alarm.add_ok_action(actions.SnsAction(self.topic))
        self.alarms[name] = alarm
