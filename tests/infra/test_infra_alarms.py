"""Alarms: every function, dead-letter queue, the API and SES reputation notify the operators."""

from __future__ import annotations

import pytest

from recruiting import wiring

pytestmark = pytest.mark.infra


def alarms(synthesized) -> list[dict]:
    """The properties of every CloudWatch alarm of the stack."""
    return [a["Properties"] for a in synthesized.of_type("AWS::CloudWatch::Alarm").values()]


def operators(synthesized) -> dict:
    return {"Ref": synthesized.logical_id(synthesized.stack.alarms.topic)}


def our_functions(synthesized) -> set[str]:
    """Logical ids of the project's functions (CDK's own handlers carry inline code)."""
    return {
        logical_id
        for logical_id, r in synthesized.of_type("AWS::Lambda::Function").items()
        if "S3Key" in r["Properties"]["Code"]
    }


def arn_target(value) -> str:
    """The logical id in ``{"Fn::GetAtt": [id, "Arn"]}``."""
    return str(value["Fn::GetAtt"][0])


def test_our_functions_are_the_declared_ones(synthesized):
    # Given the functions of the template that are not CDK's own
    declared = {synthesized.logical_id(f) for f in synthesized.stack.functions.functions.values()}
    # Then they are exactly the declared functions (so the tests below are not vacuous)
    assert our_functions(synthesized) == declared
    assert len(declared) == len(wiring.FUNCTIONS)


@pytest.mark.parametrize("metric", ["Errors", "Throttles"])
def test_every_function_alarms_the_operators_on_its_first_error_and_throttle(synthesized, metric):
    # Given the project's functions and the operators' topic
    topic = operators(synthesized)
    # When the Lambda alarms on this metric are read
    alarmed = {
        a["Dimensions"][0]["Value"]["Ref"]
        for a in alarms(synthesized)
        if a.get("Namespace") == "AWS/Lambda"
        and a.get("MetricName") == metric
        and a["Statistic"] == "Sum"
        and a["Period"] == 300
        and a["Threshold"] == 0
        and a["ComparisonOperator"] == "GreaterThanThreshold"
        and topic in a["AlarmActions"]
    }
    # Then each function has one: any error (or throttle) in 5 minutes reaches an operator
    assert alarmed == our_functions(synthesized)


def test_function_alarms_are_one_per_function_and_metric(synthesized):
    # Given the Lambda alarms
    keys = [
        (a["MetricName"], a["Dimensions"][0]["Value"]["Ref"])
        for a in alarms(synthesized)
        if a.get("Namespace") == "AWS/Lambda"
    ]
    # Then no function is alarmed twice on one metric (one email per incident)
    assert len(keys) == len(set(keys)) == 2 * len(wiring.FUNCTIONS)


@pytest.mark.parametrize(
    ("metric", "threshold"),
    [
        # AWS reviews an account at a 5% bounce rate (and may pause it at 10%)
        ("Reputation.BounceRate", 0.05),
        # and at a 0.1% complaint rate (pause at 0.5%)
        ("Reputation.ComplaintRate", 0.001),
    ],
)
def test_ses_reputation_alarms_before_aws_reviews_the_account(synthesized, metric, threshold):
    # Given a stack whose functions send e-mail
    assert any(f.sends_email for f in wiring.FUNCTIONS)
    # When the SES alarms on this metric are read
    (alarm,) = [
        a
        for a in alarms(synthesized)
        if a.get("Namespace") == "AWS/SES" and a.get("MetricName") == metric
    ]
    # Then the account-level rate alarms at AWS's review threshold
    assert alarm["Threshold"] == threshold
    assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert "Dimensions" not in alarm  # the account's rate, not a configuration set's
    assert alarm["AlarmActions"] == [operators(synthesized)]


def test_api_server_errors_alarm_the_operators(synthesized):
    # Given the REST API
    api = synthesized.stack.api
    assert api is not None
    api_name = synthesized.properties(api.rest_api)["Name"]
    # When its alarms are read
    (alarm,) = [
        a
        for a in alarms(synthesized)
        if a.get("Namespace") == "AWS/ApiGateway" and a.get("MetricName") == "5XXError"
    ]
    # Then the first 5xx in 5 minutes reaches an operator
    assert alarm["Dimensions"] == [{"Name": "ApiName", "Value": api_name}]
    assert (alarm["Statistic"], alarm["Period"]) == ("Sum", 300)
    assert (alarm["Threshold"], alarm["ComparisonOperator"]) == (0, "GreaterThanThreshold")
    assert alarm["AlarmActions"] == [operators(synthesized)]


def dead_letter_queues(synthesized) -> set[str]:
    """Every queue the template uses as a dead-letter queue, by logical id."""
    found = {
        arn_target(q["Properties"]["RedrivePolicy"]["deadLetterTargetArn"])
        for q in synthesized.of_type("AWS::SQS::Queue").values()
        if "RedrivePolicy" in q["Properties"]
    }
    found |= {
        arn_target(f["Properties"]["DeadLetterConfig"]["TargetArn"])
        for f in synthesized.of_type("AWS::Lambda::Function").values()
        if "DeadLetterConfig" in f["Properties"]
    }
    found |= {
        arn_target(s["Properties"]["Target"]["DeadLetterConfig"]["Arn"])
        for s in synthesized.of_type("AWS::Scheduler::Schedule").values()
        if "DeadLetterConfig" in s["Properties"]["Target"]
    }
    found |= {
        arn_target(t["DeadLetterConfig"]["Arn"])
        for r in synthesized.of_type("AWS::Events::Rule").values()
        for t in r["Properties"]["Targets"]
        if "DeadLetterConfig" in t
    }
    return found


def test_every_dead_letter_queue_in_the_template_has_an_alarm(synthesized):
    # Given every queue something dead-letters into (queues, functions, schedules, rules)
    expected = dead_letter_queues(synthesized)
    stack = synthesized.stack
    assert expected == {
        synthesized.logical_id(q)
        for q in (
            *stack.messaging.dead_letter_queues.values(),
            *stack.functions.dead_letter_queues.values(),
        )
    }
    topic = operators(synthesized)
    # When the SQS alarms are read
    alarmed = {
        a["Dimensions"][0]["Value"]["Fn::GetAtt"][0]
        for a in alarms(synthesized)
        if a.get("Namespace") == "AWS/SQS"
        and a.get("MetricName") == "ApproximateNumberOfMessagesVisible"
        and a["Threshold"] == 0
        and topic in a["AlarmActions"]
    }
    # Then each one alarms on its first message
    assert alarmed == expected


def test_every_alarm_notifies_the_operators_on_alarm_and_on_ok(synthesized):
    # Given every alarm of the stack
    topic = operators(synthesized)
    found = alarms(synthesized)
    assert found
    for alarm in found:
        # Then it emails the operators when it fires and when it clears
        assert alarm["AlarmActions"] == [topic], alarm["AlarmDescription"]
        assert alarm["OKActions"] == [topic], alarm["AlarmDescription"]


def test_every_alarm_treats_missing_data_as_fine_and_says_what_to_do(synthesized):
    # Given every alarm of the stack
    for alarm in alarms(synthesized):
        # Then no data (nothing happened) is not a breach
        assert alarm["TreatMissingData"] == "notBreaching", alarm["AlarmDescription"]
        # And its description tells the operator what happened and what to do
        assert len(alarm["AlarmDescription"]) > 80, alarm["AlarmDescription"]
        assert len(alarm["AlarmDescription"]) <= 1024, alarm["AlarmDescription"]
