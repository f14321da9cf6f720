"""Lambda functions: one per ``wiring.Function``, with least-privilege roles.

Each function ships only its own folder of ``functions/``; the shared package
comes as the shared layer and third-party packages as the dependency layers it
declares. Its role holds exactly what the declaration says it touches: the
DynamoDB actions of its access (never Scan: every read goes through a key or
an index), S3 object actions under its declared prefixes only, SendMessage on
the queues it sends to, PutEvents on the buses it publishes to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aws_cdk import Duration, IgnoreMode, RemovalPolicy, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as targets
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from recruiting import wiring
from recruiting_infra.declaration import Declaration, pascal
from recruiting_infra.layers import layer_dir
from recruiting_infra.messaging import dead_letter_queue
from recruiting_infra.nag import acknowledge, wildcard_resource_finding
from recruiting_infra.paths import FUNCTIONS_DIR, SHARED_LAYER_DIR

RUNTIME = lambda_.Runtime.PYTHON_3_12
ARCHITECTURE = lambda_.Architecture.ARM_64
METRICS_NAMESPACE = "Recruiting"
SQS_BATCH_SIZE = 10
PYTHON_VERSION_REASON = (
    "Python 3.12 on purpose: the dependency layers are built for CPython 3.12 (cp312 "
    "wheels); the runtime and the layers move to a newer Python together."
)

TABLE_ACTIONS: dict[str, tuple[str, ...]] = {
    "read": (
        "dynamodb:GetItem",
        "dynamodb:BatchGetItem",
        "dynamodb:Query",
        "dynamodb:ConditionCheckItem",
        "dynamodb:DescribeTable",
    ),
    "write": (
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:BatchWriteItem",
        "dynamodb:ConditionCheckItem",
        "dynamodb:DescribeTable",
    ),
}
# An index is only ever queried (reads by key and writes go to the table; no Scan).
INDEX_ACTIONS = ("dynamodb:Query",)
TABLE_KEY_ACTIONS: dict[str, tuple[str, ...]] = {
    "read": ("kms:Decrypt", "kms:DescribeKey"),
    "write": ("kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"),
}
# Deleting an object leaves a delete marker and the old version (it expires with the
# bucket's noncurrent-version lifecycle); only the privacy function's "erase" access
# deletes versions.
OBJECT_ACTIONS: dict[str, tuple[str, ...]] = {
    "read": ("s3:GetObject",),
    "write": ("s3:PutObject", "s3:AbortMultipartUpload", "s3:DeleteObject"),
    # Erasure: every version and delete marker goes, so nothing waits for the
    # noncurrent-version lifecycle.
    "erase": ("s3:DeleteObject", "s3:DeleteObjectVersion"),
}
OBJECT_KEY_ACTIONS: dict[str, tuple[str, ...]] = {
    "read": ("kms:Decrypt",),
    # Multipart uploads with SSE-KMS decrypt the data key too.
    "write": ("kms:GenerateDataKey", "kms:Decrypt"),
    "erase": (),
}
QUEUE_SEND_KEY_ACTIONS = ("kms:GenerateDataKey", "kms:Decrypt")


def _modes(access: wiring.Access) -> tuple[str, ...]:
    return ("read", "write") if access == "read_write" else (access,)


def _union(groups: Mapping[str, tuple[str, ...]], access: wiring.Access) -> list[str]:
    return sorted({action for mode in _modes(access) for action in groups[mode]})


@dataclass(frozen=True)
class Resources:
    """The deployed resources a function may be wired to, by declaration key."""

    tables: Mapping[str, dynamodb.TableV2]
    buckets: Mapping[str, s3.IBucket]
    queues: Mapping[str, sqs.IQueue]
    buses: Mapping[str, events.IEventBus]
    data_key: kms.IKey  # encrypts the tables and buckets
    messaging_key: kms.IKey  # encrypts the queues
    # The SES configuration set e-mail is sent with (bounce and complaint feedback).
    configuration_set: str | None = None


class Functions(Construct):
    """The declared functions, their layers, log groups, roles and triggers."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        declaration: Declaration,
        resources: Resources,
        deployment: wiring.Deployment,
        log_retention: logs.RetentionDays,
    ) -> None:
        super().__init__(scope, construct_id)
        functions = declaration.functions
        self._declaration = declaration
        self._resources = resources
        self._deployment = deployment
        self._log_retention = log_retention
        self.functions: dict[str, lambda_.Function] = {}
        # Failed asynchronous (scheduled) invocations, by function name.
        self.dead_letter_queues: dict[str, sqs.Queue] = {}
        self.shared_layer = lambda_.LayerVersion(
            self,
            "SharedLayer",
            code=lambda_.Code.from_asset(
                str(SHARED_LAYER_DIR), exclude=["**/__pycache__", "**/*.pyc"]
            ),
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[ARCHITECTURE],
            description="recruiting: the shared package (rules, storage, models)",
        )
        self.dependency_layers = {
            name: self._dependency_layer(name)
            for name in sorted({n for f in functions for n in f.dependency_layers})
        }
        self.link_signing_secret = (
            self._link_signing_secret() if any(f.signs_links for f in functions) else None
        )
        for declared in functions:
            self.functions[declared.name] = self._function(declared)

    def _link_signing_secret(self) -> secretsmanager.Secret:
        """The key that signs links in e-mails (unsubscribe): generated here, never in
        the template or a function's configuration; functions read it at cold start."""
        secret = secretsmanager.Secret(
            self,
            "LinkSigningKey",
            description="recruiting: HMAC key of the links in e-mails (unsubscribe, surveys)",
            encryption_key=self._resources.data_key,
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=64, exclude_punctuation=True
            ),
        )
        acknowledge(
            secret,
            "AwsSolutions-SMG4",
            "Rotating the signing key would void every unsubscribe link already sent; "
            "it is rotated by hand with a grace period (two keys), not on a schedule.",
        )
        return secret

    def _dependency_layer(self, name: str) -> lambda_.LayerVersion:
        path = layer_dir(name)
        if not (path / "python").is_dir():
            raise FileNotFoundError(
                f"dependency layer {name!r} is not built: run `make layers` "
                f"(python -m recruiting_infra.layers {name})"
            )
        return lambda_.LayerVersion(
            self,
            f"{pascal(name)}DependencyLayer",
            code=lambda_.Code.from_asset(str(path)),
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[ARCHITECTURE],
            description=f"recruiting: third-party packages of layers/deps/{name}",
        )

    def _function(self, declared: wiring.Function) -> lambda_.Function:
        name = pascal(declared.name)
        role = iam.Role(
            self,
            f"{name}Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"recruiting {declared.name}: only what its wiring declares",
        )
        log_group = logs.LogGroup(
            self,
            f"{name}Logs",
            retention=self._log_retention,
            removal_policy=RemovalPolicy.DESTROY,
        )
        log_group.grant_write(role)
        asynchronous_dlq = None
        if declared.schedules:
            asynchronous_dlq = dead_letter_queue(
                self, f"{name}FailedInvocations", key=self._resources.messaging_key
            )
            self.dead_letter_queues[declared.name] = asynchronous_dlq
        function = lambda_.Function(
            self,
            name,
            description=declared.description,
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler=declared.handler,
            code=lambda_.Code.from_asset(
                str(FUNCTIONS_DIR),
                # Only its own folder (gitignore syntax: everything at the top
                # level but it): a function cannot import another's code.
                exclude=["/*", f"!/{declared.name}/", "__pycache__/", "*.pyc"],
                ignore_mode=IgnoreMode.GIT,
            ),
            layers=[
                self.shared_layer,
                *(self.dependency_layers[n] for n in declared.dependency_layers),
            ],
            memory_size=declared.memory_mb,
            timeout=Duration.seconds(declared.timeout_seconds),
            tracing=lambda_.Tracing.ACTIVE,
            role=role,
            log_group=log_group,
            logging_format=lambda_.LoggingFormat.JSON,
            environment=self._environment(declared),
        )
        if asynchronous_dlq is not None:
            self._send_failures_to(function, role, asynchronous_dlq)
        self._acknowledge(function, role, asynchronous=asynchronous_dlq is not None)
        self._grant_tables(declared, role)
        self._grant_buckets(declared, role)
        self._grant_messaging(declared, function, role)
        self._grant_email(declared, role)
        if declared.signs_links and self.link_signing_secret is not None:
            self.link_signing_secret.grant_read(role)
            function.add_environment("LINK_SIGNING_SECRET_ARN", self.link_signing_secret.secret_arn)
        self._schedule(declared, function, asynchronous_dlq)
        return function

    @staticmethod
    def _acknowledge(function: lambda_.Function, role: iam.Role, *, asynchronous: bool) -> None:
        acknowledge(
            role,
            "AwsSolutions-IAM5[Resource::*]",
            "X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) has no "
            "resource-level permissions; these are the only actions on '*'.",
        )
        for rule in ("AwsSolutions-L1", "Serverless-LambdaLatestVersion"):
            acknowledge(function, rule, PYTHON_VERSION_REASON)
        if not asynchronous:
            acknowledge(
                function,
                "Serverless-LambdaDLQ",
                "Invoked synchronously only (API Gateway, or the SQS event source whose "
                "queue has its own dead-letter queue); a function DLQ applies to "
                "asynchronous invocations.",
            )

    def _send_failures_to(
        self, function: lambda_.Function, role: iam.Role, queue: sqs.IQueue
    ) -> None:
        """Failed asynchronous invocations go to ``queue``, with a role allowed only that.

        Set on the L1 function so the grant stays exact: the L2 property would
        grant every action of ``grant_send_messages``, KMS wildcards included.
        """
        cfn = function.node.default_child
        assert isinstance(cfn, lambda_.CfnFunction)
        cfn.dead_letter_config = lambda_.CfnFunction.DeadLetterConfigProperty(
            target_arn=queue.queue_arn
        )
        role.add_to_principal_policy(
            iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[queue.queue_arn])
        )
        self._grant_key(role, self._resources.messaging_key, set(QUEUE_SEND_KEY_ACTIONS))

    def _environment(self, declared: wiring.Function) -> dict[str, str]:
        r = self._resources
        env = {
            "POWERTOOLS_SERVICE_NAME": declared.service or declared.name,
            "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
            "LOG_LEVEL": "INFO",
            # Responses and exceptions carry personal data: keep them out of traces.
            "POWERTOOLS_TRACER_CAPTURE_RESPONSE": "false",
            "POWERTOOLS_TRACER_CAPTURE_ERROR": "false",
        }
        for key, _ in declared.tables:
            env[self._declaration.table(key).env] = r.tables[key].table_name
        for access in declared.buckets:
            env[self._declaration.bucket(access.bucket).env] = r.buckets[access.bucket].bucket_name
        for key in (*declared.consumes, *declared.sends_to):
            env[self._declaration.queue(key).env] = r.queues[key].queue_url
        for key in declared.publishes_to:
            env[self._declaration.bus(key).env] = r.buses[key].event_bus_name
        if any(route.auth == "public" for route in declared.routes):
            env["CAREERS_SITE_ORIGINS"] = ",".join(self._deployment.careers_site_origins)
        # Who is hiring and where jobs are shown (JSON-LD, feeds, job links in any function).
        for name, value in (
            ("ORGANISATION_NAME", self._deployment.organisation_name),
            ("ORGANISATION_URL", self._deployment.organisation_url),
            ("ORGANISATION_LOGO_URL", self._deployment.organisation_logo_url),
            ("CAREERS_PAGE_URL", self._deployment.careers_page_url),
        ):
            if value:
                env[name] = value
        if declared.sends_email:
            env["SENDER_EMAIL"] = self._deployment.sender_email
            if self._deployment.reply_domain:
                env["REPLY_DOMAIN"] = self._deployment.reply_domain
            if r.configuration_set:
                env["SES_CONFIGURATION_SET"] = r.configuration_set
        return env

    def _grant_tables(self, declared: wiring.Function, role: iam.Role) -> None:
        key_actions: set[str] = set()
        for key, access in declared.tables:
            table = self._resources.tables[key]
            role.add_to_principal_policy(
                iam.PolicyStatement(
                    actions=_union(TABLE_ACTIONS, access), resources=[table.table_arn]
                )
            )
            if "read" in _modes(access) and self._declaration.table(key).indexes:
                index_arn = f"{table.table_arn}/index/*"
                role.add_to_principal_policy(
                    iam.PolicyStatement(actions=list(INDEX_ACTIONS), resources=[index_arn])
                )
                acknowledge(
                    role,
                    wildcard_resource_finding(self, index_arn),
                    f"Queries on the declared indexes of the {key} table "
                    f"({', '.join(i.name for i in self._declaration.table(key).indexes)}).",
                )
            key_actions.update(_union(TABLE_KEY_ACTIONS, access))
        self._grant_key(role, self._resources.data_key, key_actions)

    def _grant_buckets(self, declared: wiring.Function, role: iam.Role) -> None:
        key_actions: set[str] = set()
        for access in declared.buckets:
            bucket = self._resources.buckets[access.bucket]
            objects = [bucket.arn_for_objects(f"{prefix}*") for prefix in access.prefixes]
            role.add_to_principal_policy(
                iam.PolicyStatement(
                    actions=_union(OBJECT_ACTIONS, access.access), resources=objects
                )
            )
            if "read" in _modes(access.access) or access.access == "erase":
                listing = "s3:ListBucketVersions" if access.access == "erase" else "s3:ListBucket"
                role.add_to_principal_policy(
                    iam.PolicyStatement(
                        actions=[listing],
                        resources=[bucket.bucket_arn],
                        conditions={
                            "StringLike": {"s3:prefix": [f"{p}*" for p in access.prefixes]}
                        },
                    )
                )
            for prefix, arn in zip(access.prefixes, objects, strict=True):
                acknowledge(
                    role,
                    wildcard_resource_finding(self, arn),
                    f"Objects under the declared prefix {prefix} of the {access.bucket} "
                    "bucket, and no other.",
                )
            key_actions.update(_union(OBJECT_KEY_ACTIONS, access.access))
        self._grant_key(role, self._resources.data_key, key_actions)

    def _grant_messaging(
        self, declared: wiring.Function, function: lambda_.Function, role: iam.Role
    ) -> None:
        r = self._resources
        for key in declared.consumes:
            function.add_event_source(
                sources.SqsEventSource(
                    r.queues[key], batch_size=SQS_BATCH_SIZE, report_batch_item_failures=True
                )
            )
            acknowledge(
                function,
                "Serverless-LambdaEventSourceMappingDestination",
                "SQS event sources take no on-failure destination: a message that keeps "
                "failing moves to the source queue's dead-letter queue (redrive policy).",
            )
        if declared.sends_to:
            role.add_to_principal_policy(
                iam.PolicyStatement(
                    actions=["sqs:SendMessage"],
                    resources=[r.queues[key].queue_arn for key in declared.sends_to],
                )
            )
            self._grant_key(role, self._resources.messaging_key, set(QUEUE_SEND_KEY_ACTIONS))
        for key in declared.publishes_to:
            r.buses[key].grant_put_events_to(role)

    def _grant_email(self, declared: wiring.Function, role: iam.Role) -> None:
        if not declared.sends_email:
            return
        sender = self._deployment.sender_email
        stack = Stack.of(self)
        identities = [
            stack.format_arn(service="ses", resource="identity", resource_name=name)
            for name in (sender, sender.rsplit("@", 1)[-1])
        ]
        if self._resources.configuration_set:
            identities.append(
                stack.format_arn(
                    service="ses",
                    resource="configuration-set",
                    resource_name=self._resources.configuration_set,
                )
            )
        role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["ses:SendEmail", "ses:SendRawEmail"],
                resources=identities,
                conditions={"StringEquals": {"ses:FromAddress": sender}},
            )
        )

    @staticmethod
    def _grant_key(role: iam.Role, key: kms.IKey, actions: set[str]) -> None:
        if actions:
            role.add_to_principal_policy(
                iam.PolicyStatement(actions=sorted(actions), resources=[key.key_arn])
            )

    def _schedule(
        self,
        declared: wiring.Function,
        function: lambda_.Function,
        failed: sqs.IQueue | None,
    ) -> None:
        if not declared.schedules:
            return
        name = pascal(declared.name)
        # A role of its own, so it can also use the key of the encrypted DLQ
        # (the construct library's shared role gets SendMessage only).
        role = iam.Role(
            self,
            f"{name}SchedulerRole",
            assumed_by=iam.ServicePrincipal(
                "scheduler.amazonaws.com",
                conditions={"StringEquals": {"aws:SourceAccount": Stack.of(self).account}},
            ),
            description=f"recruiting {declared.name}: EventBridge Scheduler invokes it",
        )
        if failed is not None:
            self._grant_key(role, self._resources.messaging_key, set(QUEUE_SEND_KEY_ACTIONS))
        for number, expression in enumerate(declared.schedules, start=1):
            scheduler.Schedule(
                self,
                f"{name}Schedule{number}",
                description=f"recruiting {declared.name}: {expression}",
                schedule=scheduler.ScheduleExpression.expression(expression),
                target=targets.LambdaInvoke(
                    function,
                    role=role,
                    dead_letter_queue=failed,
                    retry_attempts=2,
                    max_event_age=Duration.hours(1),
                ),
            )
        acknowledge(
            role,
            wildcard_resource_finding(self, f"{function.function_arn}:*"),
            f"Invoke the {declared.name} function's versions and aliases (the construct "
            "library's grantInvoke); no other function.",
        )
