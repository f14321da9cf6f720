"""Lambda functions: one per declared function, each packaged and configured alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from recruiting import wiring

pytestmark = pytest.mark.infra

DECLARED = [pytest.param(f, id=f.name) for f in wiring.FUNCTIONS]


def test_every_declared_function_is_deployed(synthesized):
    # Given the wiring's functions
    declared = {f.handler for f in wiring.FUNCTIONS}
    # When the stack is synthesized
    handlers = {
        r["Properties"]["Handler"]
        for r in synthesized.of_type("AWS::Lambda::Function").values()
        if "S3Key" in r["Properties"]["Code"]  # CDK's own handlers are inline
    }
    # Then there is exactly one function per declaration
    assert handlers == declared


@pytest.mark.parametrize("declared", DECLARED)
def test_function_runs_python_3_12_on_arm64(synthesized, declared):
    # Given a declared function
    function = synthesized.stack.functions.functions[declared.name]
    # When it is synthesized
    props = synthesized.properties(function)
    # Then it runs on Graviton with the Python the layers are built for
    assert props["Runtime"] == "python3.12"
    assert props["Architectures"] == ["arm64"]


@pytest.mark.parametrize("declared", DECLARED)
def test_function_traces_with_x_ray(synthesized, declared):
    # Given a declared function
    props = synthesized.properties(synthesized.stack.functions.functions[declared.name])
    # Then active tracing is on
    assert props["TracingConfig"] == {"Mode": "Active"}


@pytest.mark.parametrize("declared", DECLARED)
def test_function_has_declared_memory_and_timeout(synthesized, declared):
    # Given a declared function
    props = synthesized.properties(synthesized.stack.functions.functions[declared.name])
    # Then its sizing comes from the wiring
    assert props["MemorySize"] == declared.memory_mb
    assert props["Timeout"] == declared.timeout_seconds


@pytest.mark.parametrize("declared", DECLARED)
def test_function_logs_to_its_own_log_group_with_retention(synthesized, declared):
    # Given a declared function
    props = synthesized.properties(synthesized.stack.functions.functions[declared.name])
    # When its logging configuration is read
    log_group_id = props["LoggingConfig"]["LogGroup"]["Ref"]
    log_group = synthesized.resources[log_group_id]
    # Then it writes JSON to a log group that expires its events
    assert props["LoggingConfig"]["LogFormat"] == "JSON"
    assert log_group["Properties"]["RetentionInDays"] == 30


@pytest.mark.parametrize("declared", DECLARED)
def test_function_environment_names_every_resource_it_touches(synthesized, declared):
    # Given a declared function and the resources its wiring names
    expected = (
        {wiring.table(key).env for key, _ in declared.tables}
        | {wiring.bucket(access.bucket).env for access in declared.buckets}
        | {wiring.queue(key).env for key in (*declared.consumes, *declared.sends_to)}
        | {wiring.bus(key).env for key in declared.publishes_to}
    )
    # When its environment is read
    env = synthesized.properties(synthesized.stack.functions.functions[declared.name])[
        "Environment"
    ]["Variables"]
    # Then every resource is there by its declared name, with Powertools settings
    assert expected <= set(env)
    assert env["POWERTOOLS_SERVICE_NAME"] == (declared.service or declared.name)
    assert env["POWERTOOLS_METRICS_NAMESPACE"] == "Recruiting"
    assert env["LOG_LEVEL"] == "INFO"


@pytest.mark.parametrize("declared", DECLARED)
def test_function_does_not_trace_responses_or_errors(synthesized, declared):
    # Given a declared function (its responses carry personal data)
    env = synthesized.properties(synthesized.stack.functions.functions[declared.name])[
        "Environment"
    ]["Variables"]
    # Then the tracer keeps them out of X-Ray
    assert env["POWERTOOLS_TRACER_CAPTURE_RESPONSE"] == "false"
    assert env["POWERTOOLS_TRACER_CAPTURE_ERROR"] == "false"


@pytest.mark.parametrize("declared", DECLARED)
def test_function_code_holds_only_its_own_folder(synthesized, declared):
    # Given a declared function
    props = synthesized.properties(synthesized.stack.functions.functions[declared.name])
    # When its staged code asset is listed
    asset = synthesized.outdir / f"asset.{Path(props['Code']['S3Key']).stem}"
    top_level = {p.name for p in asset.iterdir()}
    # Then it is the function's own folder and nothing else
    assert top_level == {declared.name}
    assert not list(asset.rglob("__pycache__"))


@pytest.mark.parametrize("declared", DECLARED)
def test_function_gets_the_shared_layer_and_its_dependency_layers(synthesized, declared):
    # Given a declared function
    functions = synthesized.stack.functions
    props = synthesized.properties(functions.functions[declared.name])
    # When its layers are read
    layers = {ref["Ref"] for ref in props["Layers"]}
    # Then they are the shared package and the declared dependency layers
    expected = {synthesized.logical_id(functions.shared_layer)} | {
        synthesized.logical_id(functions.dependency_layers[n]) for n in declared.dependency_layers
    }
    assert layers == expected


def test_layers_are_built_for_python_3_12_on_arm64(synthesized):
    # Given the stack's layers
    layers = synthesized.of_type("AWS::Lambda::LayerVersion").values()
    # Then each says what it is compatible with
    for layer in layers:
        assert layer["Properties"]["CompatibleRuntimes"] == ["python3.12"]
        assert layer["Properties"]["CompatibleArchitectures"] == ["arm64"]
