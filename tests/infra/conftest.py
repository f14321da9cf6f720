"""Synthesizes the stack once per test run and shares the template.

The dependency layer is built first (skipped when its stamp is current), as
the stack packages it. cdk-nag runs in the tests themselves (``nag.findings``),
so one finding fails one test, not the synthesis every test depends on.
"""

from __future__ import annotations

import os

# jsii starts Node when aws_cdk is first imported; silence its Node 20 notice.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App
from aws_cdk.assertions import Template

from recruiting_infra.application import cdk_json_context, create_app
from recruiting_infra.declaration import Declaration
from recruiting_infra.layers import build_layers
from recruiting_infra.settings import Settings
from recruiting_infra.stack import RecruitingStack

CONTEXT = {
    "sender_email": "jobs@acme.example",
    "reply_domain": "replies.acme.example",
    "careers_site_origins": "https://careers.acme.example, https://jobs.acme.example",
    "operators_email": "ops@acme.example",
    "organisation_name": "Acme Robotics",
    "organisation_url": "https://acme.example",
    "careers_page_url": "https://careers.acme.example/jobs",
}


@dataclass(frozen=True)
class Synthesized:
    """A synthesized app: its stack, template (as assertions and as JSON) and assets."""

    app: App
    stack: RecruitingStack
    template: Template
    outdir: Path

    @cached_property
    def _template_text(self) -> str:
        # ``Template.to_json`` is a round trip to jsii's Node process (~0.2 s); the
        # template does not change once synthesized, so it is fetched once.
        return json.dumps(self.template.to_json())

    @property
    def resources(self) -> dict[str, dict[str, Any]]:
        """Logical id -> resource; a fresh copy on every call (tests may change it)."""
        return dict(json.loads(self._template_text)["Resources"])

    def of_type(self, resource_type: str) -> dict[str, dict[str, Any]]:
        """Logical id -> resource, for every resource of ``resource_type``."""
        return {k: r for k, r in self.resources.items() if r["Type"] == resource_type}

    def logical_id(self, construct: Any) -> str:
        """The template logical id of an L2 construct (its default child)."""
        return str(self.stack.resolve(self.stack.get_logical_id(construct.node.default_child)))

    def properties(self, construct: Any) -> dict[str, Any]:
        """The template properties of an L2 construct."""
        return dict(self.resources[self.logical_id(construct)].get("Properties", {}))


def synthesize(outdir: Path, declaration: Declaration | None = None) -> Synthesized:
    """Build the app as ``infra/app.py`` does (nag runs in the tests) and synthesize it."""
    build_layers()
    if declaration is None:
        app, stack = create_app(outdir=str(outdir), context=CONTEXT, with_nag=False)
    else:
        app = App(outdir=str(outdir), context={**cdk_json_context(), **CONTEXT})
        stack = RecruitingStack(
            app, "Generated", settings=Settings.from_context(app.node), declaration=declaration
        )
    return Synthesized(app=app, stack=stack, template=Template.from_stack(stack), outdir=outdir)


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """The project's stack, generated from ``recruiting.wiring``, synthesized once."""
    return synthesize(tmp_path_factory.mktemp("cdk.out"))


@pytest.fixture(scope="session")
def synthesize_declaration(
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[[Declaration], Synthesized]:
    """Synthesize a stack from another declaration (to exercise every kind of trigger)."""

    def run(declaration: Declaration) -> Synthesized:
        return synthesize(tmp_path_factory.mktemp("cdk.out"), declaration)

    return run
