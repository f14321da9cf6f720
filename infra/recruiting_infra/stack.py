"""The recruiting stack, generated from the wiring declaration."""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from constructs import Construct

from recruiting_infra.api import STAGE_NAME, Api
from recruiting_infra.data import DataTables
from recruiting_infra.declaration import Declaration, pascal
from recruiting_infra.email import REPLIES_PREFIX, EmailFeedback
from recruiting_infra.functions import METRICS_NAMESPACE, Functions, Resources
from recruiting_infra.identity import Identity
from recruiting_infra.messaging import Messaging
from recruiting_infra.monitoring import Alarms
from recruiting_infra.nag import acknowledge, wildcard_resource_finding
from recruiting_infra.settings import Settings
from recruiting_infra.storage import Storage

_RETENTION = {
    1: logs.RetentionDays.ONE_DAY,
    3: logs.RetentionDays.THREE_DAYS,
    7: logs.RetentionDays.ONE_WEEK,
    14: logs.RetentionDays.TWO_WEEKS,
    30: logs.RetentionDays.ONE_MONTH,
    60: logs.RetentionDays.TWO_MONTHS,
    90: logs.RetentionDays.THREE_MONTHS,
    180: logs.RetentionDays.SIX_MONTHS,
    365: logs.RetentionDays.ONE_YEAR,
}
# The custom resource CDK uses to configure S3 event notifications.
_NOTIFICATIONS_HANDLER_ID = "BucketNotificationsHandler050a0587b7544547bf325f094a3db834"


def log_retention(days: int) -> logs.RetentionDays:
    """CloudWatch Logs retention for a number of days (one of the usual values)."""
    try:
        return _RETENTION[days]
    except KeyError:
        raise ValueError(f"log_retention_days must be one of {sorted(_RETENTION)}") from None


class RecruitingStack(Stack):
    """Tables, buckets, queues, buses, functions, API, user pool and alarms.

    Nothing is hard-coded per function or table: every resource comes from a
    loop over the declaration (``recruiting.wiring`` unless another is given).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        settings: Settings | None = None,
        declaration: Declaration | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            scope,
            construct_id,
            description="Recruiting platform: ATS and recruiting CRM (serverless)",
            **kwargs,
        )
        settings = settings or Settings()
        declaration = declaration or Declaration.from_wiring()
        declaration.validate()
        retention = log_retention(settings.log_retention_days)
        deployment = settings.deployment

        self.data_key = kms.Key(
            self,
            "DataKey",
            description=f"{construct_id}: encrypts the tables and buckets",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.RETAIN,  # without it, retained data is unreadable
        )
        # A key of their own for queues: S3 needs it in its key policy to notify
        # them, and the bucket is encrypted with the data key (a cycle otherwise).
        self.messaging_key = kms.Key(
            self,
            "MessagingKey",
            description=f"{construct_id}: encrypts the SQS queues",
            enable_key_rotation=True,
        )
        self.messaging = Messaging(
            self,
            "Messaging",
            queues=declaration.queues,
            buses=declaration.buses,
            key=self.messaging_key,
        )
        self.data = DataTables(
            self,
            "Data",
            tables=declaration.tables,
            key=self.data_key,
            deletion_protection=settings.deletion_protection,
        )
        self.storage = Storage(
            self,
            "Storage",
            buckets=declaration.buckets,
            queues=self.messaging.queues,
            key=self.data_key,
            browser_upload_buckets=declaration.browser_upload_buckets(),
            browser_origins=deployment.careers_site_origins,
        )
        self.identity = Identity(self, "Identity", deletion_protection=settings.deletion_protection)
        self.email: EmailFeedback | None = None
        if any(f.sends_email for f in declaration.functions) and "outreach" in (
            self.messaging.queues
        ):
            self.email = EmailFeedback(
                self,
                "Email",
                queue=self.messaging.queues["outreach"],
                key=self.messaging_key,
                reply_domain=deployment.reply_domain,
                access_logs=self.storage.access_logs,
            )
        self.functions = Functions(
            self,
            "Functions",
            declaration=declaration,
            resources=Resources(
                tables=self.data.tables,
                buckets=self.storage.buckets,
                queues=self.messaging.queues,
                buses=self.messaging.buses,
                data_key=self.data_key,
                messaging_key=self.messaging_key,
                configuration_set=(
                    self.email.configuration_set.configuration_set_name if self.email else None
                ),
            ),
            deployment=deployment,
            log_retention=retention,
        )
        self._erase_replies()
        self.api: Api | None = None
        if any(f.routes for f in declaration.functions):
            self.api = Api(
                self,
                "Api",
                api_name=f"{construct_id}-api",
                functions=declaration.functions,
                handlers=self.functions.functions,
                user_pool=self.identity.user_pool,
                binary_media_types=declaration.binary_media_types,
                careers_site_origins=deployment.careers_site_origins,
                rate_limit=settings.api_rate_limit,
                burst_limit=settings.api_burst_limit,
                log_retention=retention,
            )
        if self.api is not None:
            # Links in e-mails (unsubscribe, surveys, reminders) point at the API. Built from
            # the API's id and the stage's name, not ``api.url``: that names the stage, whose
            # deployment depends on the functions (a cycle).
            url = settings.public_api_url or (
                f"https://{self.api.rest_api.rest_api_id}.execute-api.{self.region}"
                f".{self.url_suffix}/{STAGE_NAME}"
            )
            for declared in declaration.functions:
                if declared.sends_email or declared.signs_links:
                    self.functions.functions[declared.name].add_environment("PUBLIC_API_URL", url)
        self.alarms = Alarms(
            self,
            "Alarms",
            operators_email=deployment.operators_email,
            dead_letter_queues={
                **{f"{k} queue": q for k, q in self.messaging.dead_letter_queues.items()},
                **{f"{k} function": q for k, q in self.functions.dead_letter_queues.items()},
            },
            functions=self.functions.functions,
            rest_api=self.api.rest_api if self.api is not None else None,
            # SES reputation is the account's: watched whenever this stack sends e-mail.
            sends_email=any(f.sends_email for f in declaration.functions),
        )
        if "outreach" in self.functions.functions:
            for metric, description in (
                (
                    "OutreachOutcomeUnknown",
                    "An outreach e-mail whose fate SES did not report (a timeout after the "
                    "request): it was not resent; check the send ledger's unknown entries.",
                ),
                (
                    "OutreachComplaint",
                    "A recipient marked an outreach e-mail as spam: the address is "
                    "suppressed; review the sequence's wording and audience.",
                ),
            ):
                self.alarms.on_count(
                    metric,
                    cloudwatch.Metric(
                        namespace=METRICS_NAMESPACE,
                        metric_name=metric,
                        dimensions_map={"service": "outreach"},
                        statistic="Sum",
                        period=Duration.minutes(5),
                    ),
                    description,
                )
        self._acknowledge_notifications_handler()
        self._outputs()

    def _erase_replies(self) -> None:
        """The privacy function deletes an erased person's stored replies: delete only,
        under the prefix SES writes to; no role may read that bucket."""
        privacy = self.functions.functions.get("privacy")
        replies = self.email.replies if self.email else None
        if privacy is None or replies is None:
            return
        privacy.add_environment("REPLIES_BUCKET_NAME", replies.bucket_name)
        objects = replies.arn_for_objects(f"{REPLIES_PREFIX}*")
        privacy.add_to_role_policy(
            iam.PolicyStatement(actions=["s3:DeleteObject"], resources=[objects])
        )
        acknowledge(
            privacy.role or privacy,
            wildcard_resource_finding(self, objects),
            "Stored replies under the prefix SES writes to; delete only, to erase a person.",
        )

    def _acknowledge_notifications_handler(self) -> None:
        handler = self.node.try_find_child(_NOTIFICATIONS_HANDLER_ID)
        if handler is None:
            return
        acknowledge(
            handler,
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
            "AWSLambdaBasicExecutionRole]",
            "CDK's own custom resource that sets the bucket notifications at deploy time; "
            "it only writes its logs with this policy.",
        )

    def _outputs(self) -> None:
        if self.api is not None:
            CfnOutput(self, "ApiUrl", value=self.api.rest_api.url)
        CfnOutput(self, "UserPoolId", value=self.identity.user_pool.user_pool_id)
        CfnOutput(self, "UserPoolClientId", value=self.identity.client.user_pool_client_id)
        for key, bucket in self.storage.buckets.items():
            CfnOutput(self, f"{pascal(key)}BucketName", value=bucket.bucket_name)
        for key, bus in self.messaging.buses.items():
            CfnOutput(self, f"{pascal(key)}EventBusName", value=bus.event_bus_name)
