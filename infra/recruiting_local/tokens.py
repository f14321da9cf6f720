"""Local stand-ins for Cognito ID tokens: one signed JWT per role.

In the stack, recruiter routes sit behind a Cognito user pool authorizer and
groups carry roles. Locally the runner signs equivalent tokens (HS256 with a
per-run secret), checks them on recruiter routes, and passes the claims to
the handler where API Gateway would (``requestContext.authorizer.claims``).
"""

from __future__ import annotations

import secrets
import time
from typing import Any

import jwt

ROLES = ("admin", "recruiter", "hiring_manager", "interviewer")
ISSUER = "recruiting-local"


class LocalIssuer:
    def __init__(self, secret: str | None = None) -> None:
        self.secret = secret or secrets.token_urlsafe(32)

    def token(self, role: str, subject: str | None = None, hours: int = 12) -> str:
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "sub": subject or f"local-{role}",
            "email": f"{role}@demo.local",
            "cognito:groups": [role],
            "token_use": "id",
            "iat": now,
            "exp": now + hours * 3600,
        }
        return jwt.encode(claims, self.secret, algorithm="HS256")

    def verify(self, authorization: str | None) -> dict[str, Any] | None:
        """The claims of a valid bearer token, else None (the caller answers 401)."""
        if not authorization:
            return None
        token = authorization.removeprefix("Bearer ").strip()
        try:
            claims: dict[str, Any] = jwt.decode(
                token, self.secret, algorithms=["HS256"], issuer=ISSUER
            )
        except jwt.PyJWTError:
            return None
        return claims
