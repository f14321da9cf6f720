"""A regional WAF web ACL in front of the API stage.

- Rate limits per client IP: every route, and tighter for posting applications and
  uploads (the public writes).
- AWS managed rules: the common rule set (with its body-size rule counted, not
  blocking: resumes arrive inline in bodies the functions limit themselves), known bad
  inputs, and the Amazon IP reputation list.
- Every request the ACL blocks is sampled and counted in CloudWatch metrics.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

# Requests per client IP per 5 minutes.
ALL_ROUTES_LIMIT = 1000
PUBLIC_WRITES_LIMIT = 100


def _visibility(name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=name, sampled_requests_enabled=True
    )


def _managed(name: str, priority: int, count_only: tuple[str, ...] = ()) -> Any:
    return wafv2.CfnWebACL.RuleProperty(
        name=name,
        priority=priority,
        override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
        statement=wafv2.CfnWebACL.StatementProperty(
            managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                vendor_name="AWS",
                name=name,
                rule_action_overrides=[
                    wafv2.CfnWebACL.RuleActionOverrideProperty(
                        name=rule, action_to_use=wafv2.CfnWebACL.RuleActionProperty(count={})
                    )
                    for rule in count_only
                ]
                or None,
            )
        ),
        visibility_config=_visibility(name),
    )


class Firewall(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, stage_arn: str) -> None:
        super().__init__(scope, construct_id)
        public_writes = wafv2.CfnWebACL.StatementProperty(
            and_statement=wafv2.CfnWebACL.AndStatementProperty(
                statements=[
                    wafv2.CfnWebACL.StatementProperty(
                        byte_match_statement=wafv2.CfnWebACL.ByteMatchStatementProperty(
                            field_to_match=wafv2.CfnWebACL.FieldToMatchProperty(method={}),
                            positional_constraint="EXACTLY",
                            search_string="POST",
                            text_transformations=[
                                wafv2.CfnWebACL.TextTransformationProperty(priority=0, type="NONE")
                            ],
                        )
                    ),
                    wafv2.CfnWebACL.StatementProperty(
                        not_statement=wafv2.CfnWebACL.NotStatementProperty(
                            statement=wafv2.CfnWebACL.StatementProperty(
                                byte_match_statement=wafv2.CfnWebACL.ByteMatchStatementProperty(
                                    field_to_match=wafv2.CfnWebACL.FieldToMatchProperty(
                                        uri_path={}
                                    ),
                                    # recruiter routes, with or without the stage
                                    # name (a custom domain drops it)
                                    positional_constraint="CONTAINS",
                                    search_string="/ats/",
                                    text_transformations=[
                                        wafv2.CfnWebACL.TextTransformationProperty(
                                            priority=0, type="LOWERCASE"
                                        )
                                    ],
                                )
                            )
                        )
                    ),
                ]
            )
        )
        rules = [
            wafv2.CfnWebACL.RuleProperty(
                name="PublicWritesPerIp",
                priority=0,
                action=wafv2.CfnWebACL.RuleActionProperty(block={}),
                statement=wafv2.CfnWebACL.StatementProperty(
                    rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                        limit=PUBLIC_WRITES_LIMIT,
                        aggregate_key_type="IP",
                        scope_down_statement=public_writes,
                    )
                ),
                visibility_config=_visibility("PublicWritesPerIp"),
            ),
            wafv2.CfnWebACL.RuleProperty(
                name="AllRoutesPerIp",
                priority=1,
                action=wafv2.CfnWebACL.RuleActionProperty(block={}),
                statement=wafv2.CfnWebACL.StatementProperty(
                    rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                        limit=ALL_ROUTES_LIMIT, aggregate_key_type="IP"
                    )
                ),
                visibility_config=_visibility("AllRoutesPerIp"),
            ),
            _managed("AWSManagedRulesAmazonIpReputationList", 2),
            _managed("AWSManagedRulesKnownBadInputsRuleSet", 3),
            _managed("AWSManagedRulesCommonRuleSet", 4, count_only=("SizeRestrictions_BODY",)),
        ]
        self.web_acl = wafv2.CfnWebACL(
            self,
            "WebAcl",
            scope="REGIONAL",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            visibility_config=_visibility("RecruitingApi"),
            rules=rules,
        )
        wafv2.CfnWebACLAssociation(
            self, "Association", resource_arn=stage_arn, web_acl_arn=self.web_acl.attr_arn
        )
