"""Builds the CDK app: the stack from context settings, checked by cdk-nag."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

from aws_cdk import App

from recruiting_infra import nag
from recruiting_infra.paths import REPO_ROOT
from recruiting_infra.settings import Settings
from recruiting_infra.stack import RecruitingStack

DEFAULT_STACK_NAME = "Recruiting"
CDK_JSON = REPO_ROOT / "cdk.json"


def cdk_json_context() -> dict[str, Any]:
    """The ``context`` of ``cdk.json`` (feature flags, settings).

    The ``cdk`` CLI passes it to the app itself; read here too so that
    ``python infra/app.py`` and the tests synthesize the same template.
    """
    if not CDK_JSON.is_file():
        return {}
    return dict(json.loads(CDK_JSON.read_text()).get("context", {}))


def create_app(
    *,
    outdir: str | None = None,
    context: Mapping[str, Any] | None = None,
    with_nag: bool = True,
) -> tuple[App, RecruitingStack]:
    """The app and its one stack; nothing here looks anything up in AWS.

    ``context`` (``sender_email``, ``careers_site_origins``, ``operators_email``,
    ... see ``recruiting_infra.settings``) wins over the CLI's and ``cdk.json``'s.
    The stack is environment-agnostic: it deploys to whatever account and
    region the deploying credentials select.
    """
    app = App(
        # The CDK CLI tells the app where to write through CDK_OUTDIR.
        outdir=outdir or os.environ.get("CDK_OUTDIR") or "cdk.out",
        context=cdk_json_context(),
        post_cli_context=dict(context or {}),
    )
    stack_name = str(app.node.try_get_context("stack_name") or DEFAULT_STACK_NAME)
    stack = RecruitingStack(app, stack_name, settings=Settings.from_context(app.node))
    if with_nag:
        nag.add_checks(app)
    return app, stack
