"""The key that signs links in e-mails (unsubscribe, surveys).

Locally it is the ``LINK_SIGNING_KEY`` environment variable; in the stack a
Secrets Manager secret (``LINK_SIGNING_SECRET_ARN``), read once per container,
so the key is never in the template or the function's configuration.
"""

from __future__ import annotations

import os
from functools import cache


@cache
def link_signing_key() -> str:
    if key := os.environ.get("LINK_SIGNING_KEY"):
        return key
    arn = os.environ.get("LINK_SIGNING_SECRET_ARN")
    if not arn:
        raise RuntimeError("no link signing key: set LINK_SIGNING_KEY or LINK_SIGNING_SECRET_ARN")
    import boto3

    secret: str = boto3.client("secretsmanager").get_secret_value(SecretId=arn)["SecretString"]
    return secret
