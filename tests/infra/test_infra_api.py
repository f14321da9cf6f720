"""API Gateway: a regional REST API with the declared routes, throttled and logged."""

from __future__ import annotations

import json

import pytest

from recruiting import wiring

pytestmark = pytest.mark.infra


def routes(synthesized) -> dict[tuple[str, str], dict]:
    """(method, path) -> method properties, with paths rebuilt from the resource tree."""
    resources = synthesized.of_type("AWS::ApiGateway::Resource")

    def path(reference: dict) -> str:
        if "Fn::GetAtt" in reference:  # the root resource
            return ""
        resource = resources[reference["Ref"]]["Properties"]
        return f"{path(resource['ParentId'])}/{resource['PathPart']}"

    return {
        (m["Properties"]["HttpMethod"], path(m["Properties"]["ResourceId"]) or "/"): m["Properties"]
        for m in synthesized.of_type("AWS::ApiGateway::Method").values()
    }


def stage(synthesized) -> dict:
    (props,) = [s["Properties"] for s in synthesized.of_type("AWS::ApiGateway::Stage").values()]
    return props


def test_api_is_regional_and_named_after_the_stack(synthesized):
    # Given the REST API
    (api,) = synthesized.of_type("AWS::ApiGateway::RestApi").values()
    # Then it is a regional endpoint named from the stack
    assert api["Properties"]["EndpointConfiguration"] == {"Types": ["REGIONAL"]}
    assert api["Properties"]["Name"] == f"{synthesized.stack.stack_name}-api"


def test_api_is_served_from_the_api_stage(synthesized):
    # Then the stage is called api
    assert stage(synthesized)["StageName"] == "api"


def test_stage_throttles_every_method(synthesized):
    # Given the stage's method settings
    (settings,) = stage(synthesized)["MethodSettings"]
    # Then every method is throttled (defaults: 50 rps, burst 100)
    assert settings["HttpMethod"] == "*"
    assert settings["ResourcePath"] == "/*"
    assert settings["ThrottlingRateLimit"] == 50
    assert settings["ThrottlingBurstLimit"] == 100


def test_stage_logs_errors_but_never_request_bodies(synthesized):
    # Given the stage's method settings
    (settings,) = stage(synthesized)["MethodSettings"]
    # Then execution logging records errors, and no data trace (bodies carry personal data)
    assert settings["LoggingLevel"] == "ERROR"
    assert settings["DataTraceEnabled"] is False


def test_stage_writes_json_access_logs_without_caller_ip(synthesized):
    # Given the stage's access log setting
    access = stage(synthesized)["AccessLogSetting"]
    # When its format is parsed
    fields = json.loads(access["Format"])
    # Then each request is one JSON line, with no caller IP or identity
    assert "Fn::Join" in access["DestinationArn"]
    assert {"requestId", "status", "resourcePath", "httpMethod"} <= set(fields)
    assert not any("sourceIp" in v or "identity" in v for v in fields.values())


def test_stage_traces_requests_with_x_ray(synthesized):
    assert stage(synthesized)["TracingEnabled"] is True


def test_api_passes_declared_binary_media_types_through(synthesized):
    # Given the REST API
    (api,) = synthesized.of_type("AWS::ApiGateway::RestApi").values()
    # Then multipart bodies reach the function untouched
    assert api["Properties"]["BinaryMediaTypes"] == list(wiring.BINARY_MEDIA_TYPES)


@pytest.mark.parametrize(
    ("declared", "route"),
    [pytest.param(f, r, id=f"{r.method} {r.path}") for f in wiring.FUNCTIONS for r in f.routes],
)
def test_declared_route_invokes_its_function(synthesized, declared, route):
    # Given a declared route
    methods = routes(synthesized)
    function_id = synthesized.logical_id(synthesized.stack.functions.functions[declared.name])
    # When its method is looked up by verb and path
    method = methods[(route.method, route.path)]
    # Then it is a Lambda proxy integration of the declaring function
    integration = method["Integration"]
    assert integration["Type"] == "AWS_PROXY"
    assert any(
        part == {"Fn::GetAtt": [function_id, "Arn"]} for part in integration["Uri"]["Fn::Join"][1]
    )
    # And its authorization is the declared one
    if route.auth == "recruiter":
        assert method["AuthorizationType"] == "COGNITO_USER_POOLS"
        assert "AuthorizerId" in method
    else:
        assert method["AuthorizationType"] == "NONE"


def test_api_has_no_route_the_wiring_does_not_declare(synthesized):
    # Given every declared route
    declared = {(r.method, r.path) for f in wiring.FUNCTIONS for r in f.routes}
    # Then the API has no other method (but CORS preflights)
    assert {k for k in routes(synthesized) if k[0] != "OPTIONS"} == declared


def test_cors_preflight_answers_only_the_careers_site_origins(synthesized):
    # Given the careers-site origins in the context
    preflights = [m for (verb, _), m in routes(synthesized).items() if verb == "OPTIONS"]
    # Then every resource answers preflight, echoing only a listed origin
    assert preflights
    for method in preflights:
        response = json.dumps(method["Integration"]["IntegrationResponses"])
        assert "https://careers.acme.example" in response
        assert "https://jobs.acme.example" in response
        assert "'*'" not in response


def test_api_invokes_each_function_through_one_permission(synthesized):
    # Given the Lambda permissions for API Gateway
    permissions = [
        p["Properties"]
        for p in synthesized.of_type("AWS::Lambda::Permission").values()
        if p["Properties"]["Principal"] == "apigateway.amazonaws.com"
    ]
    # Then there is one per routed function (a resource policy has a size limit)
    assert len(permissions) == sum(1 for f in wiring.FUNCTIONS if f.routes)


def test_the_api_stage_sits_behind_a_waf_with_rate_limits_and_managed_rules(synthesized):
    # Given the web ACL associated with the API's stage
    (acl_id, acl) = next(iter(synthesized.of_type("AWS::WAFv2::WebACL").items()))
    (association,) = synthesized.of_type("AWS::WAFv2::WebACLAssociation").values()
    assert association["Properties"]["WebACLArn"] == {"Fn::GetAtt": [acl_id, "Arn"]}
    assert "RestApi" in json.dumps(association["Properties"]["ResourceArn"])
    rules = {r["Name"]: r for r in acl["Properties"]["Rules"]}
    # Then public writes and every route are rate-limited per client IP
    writes = rules["PublicWritesPerIp"]["Statement"]["RateBasedStatement"]
    assert (writes["Limit"], writes["AggregateKeyType"]) == (100, "IP")
    assert "POST" in json.dumps(writes["ScopeDownStatement"])
    assert rules["AllRoutesPerIp"]["Statement"]["RateBasedStatement"]["Limit"] == 1000
    assert all("Block" in rules[n]["Action"] for n in ("PublicWritesPerIp", "AllRoutesPerIp"))
    # And AWS managed rules screen bad inputs and bad IPs; large bodies (resumes) are
    # counted, not blocked, since the functions limit them
    for name in (
        "AWSManagedRulesAmazonIpReputationList",
        "AWSManagedRulesKnownBadInputsRuleSet",
        "AWSManagedRulesCommonRuleSet",
    ):
        assert rules[name]["Statement"]["ManagedRuleGroupStatement"]["Name"] == name
    overrides = rules["AWSManagedRulesCommonRuleSet"]["Statement"]["ManagedRuleGroupStatement"][
        "RuleActionOverrides"
    ]
    assert overrides == [{"Name": "SizeRestrictions_BODY", "ActionToUse": {"Count": {}}}]
    assert acl["Properties"]["DefaultAction"] == {"Allow": {}}
