"""API Gateway REST API: careers-site (public) and recruiter (Cognito) routes."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from aws_cdk import RemovalPolicy
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from recruiting import wiring
from recruiting_infra.firewall import Firewall
from recruiting_infra.nag import acknowledge

STAGE_NAME = "api"
CORS_HEADERS = ["Content-Type", "Authorization", "Idempotency-Key", "X-Amz-Date"]
F = apigw.AccessLogField
# JSON access log lines. No caller IP, user or user agent: logs carry no personal data.
ACCESS_LOG_FORMAT = apigw.AccessLogFormat.custom(
    json.dumps(
        {
            "requestId": F.context_request_id(),
            "requestTime": F.context_request_time(),
            "httpMethod": F.context_http_method(),
            "resourcePath": F.context_resource_path(),
            "status": F.context_status(),
            "protocol": F.context_protocol(),
            "responseLength": F.context_response_length(),
            "responseLatency": F.context_response_latency(),
            "integrationLatency": F.context_integration_latency(),
            "integrationStatus": F.context_integration_status(),
            "errorMessage": F.context_error_message(),
            "xrayTraceId": F.context_xray_trace_id(),
        }
    )
)


class Api(Construct):
    """One REST API; a resource per declared path, a Lambda integration per function."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        api_name: str,
        functions: Sequence[wiring.Function],
        handlers: Mapping[str, lambda_.IFunction],
        user_pool: cognito.IUserPool,
        binary_media_types: Sequence[str],
        careers_site_origins: Sequence[str],
        rate_limit: int,
        burst_limit: int,
        log_retention: logs.RetentionDays,
    ) -> None:
        super().__init__(scope, construct_id)
        access_logs = logs.LogGroup(
            self, "AccessLogs", retention=log_retention, removal_policy=RemovalPolicy.DESTROY
        )
        self.rest_api = apigw.RestApi(
            self,
            "RestApi",
            rest_api_name=api_name,
            description="Recruiting: careers-site routes (public) and recruiter routes (Cognito)",
            endpoint_configuration=apigw.EndpointConfiguration(types=[apigw.EndpointType.REGIONAL]),
            binary_media_types=list(binary_media_types),
            # Execution logging (errors only) needs the account-level CloudWatch role.
            cloud_watch_role=True,
            deploy_options=apigw.StageOptions(
                stage_name=STAGE_NAME,
                throttling_rate_limit=rate_limit,
                throttling_burst_limit=burst_limit,
                tracing_enabled=True,
                metrics_enabled=True,
                logging_level=apigw.MethodLoggingLevel.ERROR,
                data_trace_enabled=False,  # would log request bodies: personal data
                access_log_destination=apigw.LogGroupLogDestination(access_logs),
                access_log_format=ACCESS_LOG_FORMAT,
            ),
            default_cors_preflight_options=apigw.CorsOptions(
                allow_origins=list(careers_site_origins),
                allow_methods=apigw.Cors.ALL_METHODS,
                allow_headers=CORS_HEADERS,
            )
            if careers_site_origins
            else None,
        )
        self._acknowledge_api()
        self.firewall = Firewall(
            self, "Firewall", stage_arn=self.rest_api.deployment_stage.stage_arn
        )
        authorizer = None
        if any(r.auth == "recruiter" for f in functions for r in f.routes):
            authorizer = apigw.CognitoUserPoolsAuthorizer(
                self, "RecruiterAuthorizer", cognito_user_pools=[user_pool]
            )
        for declared in functions:
            if not declared.routes:
                continue
            # One permission per function, not one per method: the Lambda resource
            # policy has a size limit and the recruiter API has many routes.
            integration = apigw.LambdaIntegration(
                handlers[declared.name], scope_permission_to_method=False
            )
            for route in declared.routes:
                self._route(route, integration, authorizer)
        for method in self.rest_api.methods:
            if method.http_method == "OPTIONS":
                self._acknowledge_public(
                    method, "CORS preflight: browsers send it without credentials."
                )

    def _route(
        self,
        route: wiring.Route,
        integration: apigw.LambdaIntegration,
        authorizer: apigw.IAuthorizer | None,
    ) -> None:
        resource = self.rest_api.root.resource_for_path(route.path)
        if route.auth == "recruiter":
            resource.add_method(
                route.method,
                integration,
                authorization_type=apigw.AuthorizationType.COGNITO,
                authorizer=authorizer,
            )
            return
        method = resource.add_method(
            route.method, integration, authorization_type=apigw.AuthorizationType.NONE
        )
        self._acknowledge_public(
            method,
            "Public careers-site route: anyone may list jobs and apply. Abuse is bounded "
            "by stage throttling, input validation and idempotency in the function.",
        )

    @staticmethod
    def _acknowledge_public(method: apigw.Method, reason: str) -> None:
        acknowledge(method, "AwsSolutions-APIG4", reason)
        acknowledge(method, "AwsSolutions-COG4", reason)

    def _acknowledge_api(self) -> None:
        acknowledge(
            self.rest_api,
            "AwsSolutions-APIG2",
            "Requests are validated in the function (pydantic), which names the field and "
            "rule in its 4xx answer; API Gateway models cannot validate multipart bodies.",
        )
        acknowledge(
            self.rest_api,
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
            "AmazonAPIGatewayPushToCloudWatchLogs]",
            "The account-level role API Gateway uses to write execution logs; the AWS "
            "managed policy is the documented way and grants only CloudWatch Logs writes.",
        )
