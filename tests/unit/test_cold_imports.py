"""What importing each Lambda handler loads, in a fresh interpreter (its cold start).

``benchmarks/cold_start.py`` times the imports; these tests pin down what keeps
them cheap, deterministically: pydantic models build at first use, the API
handlers load their services (and storage) at first request, and no handler
pulls in Powertools' parser models.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from recruiting import wiring

PROBE = """
import json, sys
import {module}
from pydantic import BaseModel

def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)

ours = ("recruiting", "intake", "recruiter", "privacy", "outreach", "reminders",
        "report_exports", "resume_parser", "search_indexer", "webhooks")
built = sorted(
    f"{{model.__module__}}.{{model.__qualname__}}"
    for model in subclasses(BaseModel)
    if model.__module__.split(".")[0] in ours and model.__pydantic_complete__
)
print(json.dumps({{"modules": sorted(sys.modules), "built": built}}))
"""

# Built at import on purpose: the settings (read on every cold start) and the
# default pipeline's stages (a module constant of Stage instances).
BUILT_AT_IMPORT = {
    "recruiting.config.Settings",
    "recruiting.models.jobs.Automation",
    "recruiting.models.jobs.Stage",
}


def _import(module: str) -> dict[str, list[str]]:
    env = {**os.environ, "AWS_DEFAULT_REGION": "us-east-1"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(module=module)],
        capture_output=True,
        check=False,
        env=env,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    loaded: dict[str, list[str]] = json.loads(done.stdout)
    return loaded


@pytest.mark.parametrize("function", wiring.FUNCTIONS, ids=lambda f: f.name)
def test_a_cold_import_builds_no_model_and_loads_no_parser_model(function):
    # When the handler is imported in a fresh interpreter
    loaded = _import(function.module)
    # Then the domain's pydantic models are not built yet (each builds at first use)
    assert set(loaded["built"]) <= BUILT_AT_IMPORT
    # And Powertools' parser models (every event source's, loaded by the batch
    # utility when pydantic is imported first) are not loaded
    assert "aws_lambda_powertools.utilities.parser" not in loaded["modules"]


@pytest.mark.parametrize("function", [wiring.INTAKE, wiring.RECRUITER], ids=lambda f: f.name)
def test_the_api_handlers_load_services_and_storage_at_first_request(function):
    # When an API handler is imported in a fresh interpreter
    loaded = _import(function.module)
    # Then no service and no storage module is loaded (each route loads what it uses)
    early = [
        m
        for m in loaded["modules"]
        if m.startswith(("pynamodb", "recruiting.storage", "recruiting.ats.pipeline"))
        or m
        in (
            "recruiting.intake.service",
            "recruiting.outreach.service",
            "recruiting.distribution.service",
            "recruiting.webhooks.service",
            "recruiting.ats.sources",
        )
    ]
    assert early == []
    # But boto3 is, as any Lambda function's is (the cold-start benchmark's baseline)
    assert "boto3" in loaded["modules"]
