"""Operations: alarms emailed to the operators.

One alarm per dead-letter queue, per function (errors, throttles), on the API's
server errors and on the account's SES reputation (bounce and complaint rates).
Each says in its description what the operator does about it.
"""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Duration
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from recruiting_infra.declaration import pascal
from recruiting_infra.nag import acknowledge

PERIOD = Duration.minutes(5)
# SES publishes the account's reputation as a rolling rate (0 to 1), not per send.
SES_REPUTATION_PERIOD = Duration.hours(1)
# AWS places an account under review at a 5% bounce rate (and may pause sending at
# 10%), and at a 0.1% complaint rate (pause at 0.5%): alarm on reaching review.
SES_BOUNCE_RATE_REVIEW = 0.05
SES_COMPLAINT_RATE_REVIEW = 0.001


class Alarms(Construct):
    """An encrypted SNS topic for the operators and the alarms that notify it."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        operators_email: str,
        dead_letter_queues: Mapping[str, sqs.IQueue],
        functions: Mapping[str, lambda_.IFunction] | None = None,
        rest_api: apigw.RestApi | None = None,
        sends_email: bool = False,
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
                    period=PERIOD, statistic="Maximum"
                ),
                f"Messages in the {name} dead-letter queue: something failed repeatedly "
                "and waits for an operator (inspect, fix, redrive).",
            )
        for name, function in (functions or {}).items():
            self._on_function(name, function)
        if rest_api is not None:
            self.on_count(
                "api server errors",
                rest_api.metric_server_error(period=PERIOD, statistic="Sum"),
                "The REST API answered with a server error (5xx) in the last 5 minutes: a "
                "function failed, timed out or was throttled. Find the requests in the API's "
                "access logs (status 5xx, integrationStatus, errorMessage), follow their "
                "xrayTraceId, and fix the function named there (its own alarm usually fires).",
            )
        if sends_email:
            self._on_email_reputation()

    def _on_function(self, name: str, function: lambda_.IFunction) -> None:
        """Errors and throttles of one function, each alarmed on the first one."""
        self.on_count(
            f"{name} errors",
            function.metric_errors(period=PERIOD, statistic="Sum"),
            f"The {name} function failed (an unhandled error or a timeout) in the last 5 "
            "minutes. Find the error in its log group (level ERROR, by request id) and its "
            "X-Ray trace, and fix the cause. API callers got a 5xx; queue messages and "
            "scheduled runs are retried, then wait in a dead-letter queue (its own alarm).",
        )
        self.on_count(
            f"{name} throttles",
            function.metric_throttles(period=PERIOD, statistic="Sum"),
            f"Lambda refused to run the {name} function (throttled) in the last 5 minutes: "
            "the account's concurrency in this region is used up. Check ConcurrentExecutions "
            "for the function that floods, and ask for a higher Lambda concurrency quota if "
            "the load is real. API callers got an error; queue messages are retried.",
        )

    def _on_email_reputation(self) -> None:
        """The account's SES bounce and complaint rates, before AWS reviews the account."""
        for name, metric_name, threshold, description in (
            (
                "ses bounce rate",
                "Reputation.BounceRate",
                SES_BOUNCE_RATE_REVIEW,
                "The account's SES bounce rate reached 5%: AWS places the account under "
                "review at 5% and may pause its sending at 10%. Bounced addresses are "
                "suppressed already; open the SES reputation page, find the sequence, import "
                "or pool that brought invalid addresses, pause it and clean it.",
            ),
            (
                "ses complaint rate",
                "Reputation.ComplaintRate",
                SES_COMPLAINT_RATE_REVIEW,
                "The account's SES complaint rate reached 0.1%: AWS places the account under "
                "review at 0.1% and may pause its sending at 0.5%. Complaining addresses are "
                "suppressed already; pause the sequences they came from (OutreachComplaint "
                "alarm) and review their wording, audience and frequency.",
            ),
        ):
            self.on_metric(
                name,
                cloudwatch.Metric(
                    namespace="AWS/SES",
                    metric_name=metric_name,
                    statistic="Maximum",
                    period=SES_REPUTATION_PERIOD,
                ),
                description,
                threshold=threshold,
                comparison=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            )

    def on_count(self, name: str, metric: cloudwatch.IMetric, description: str) -> None:
        """An alarm to the operators when ``metric`` is above zero (messages waiting in a
        dead-letter queue, function errors, or a count the functions publish)."""
        self.on_metric(
            name,
            metric,
            description,
            threshold=0,
            comparison=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        )

    def on_metric(
        self,
        name: str,
        metric: cloudwatch.IMetric,
        description: str,
        *,
        threshold: float,
        comparison: cloudwatch.ComparisonOperator,
    ) -> None:
        """An alarm to the operators (on ALARM and on OK) when one period of ``metric``
        compares to ``threshold``; no data (nothing happened) is not a breach."""
        alarm = cloudwatch.Alarm(
            self,
            f"{pascal(name)}Alarm",
            alarm_description=description,
            metric=metric,
            threshold=threshold,
            comparison_operator=comparison,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(actions.SnsAction(self.topic))
        alarm.add_ok_action(actions.SnsAction(self.topic))
        self.alarms[name] = alarm
