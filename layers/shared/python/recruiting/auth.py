"""Who is calling the recruiter API, and what their role lets them do.

In the stack a Cognito user pool authorizer verifies the JWT and API Gateway
hands its claims to the function (``requestContext.authorizer.claims``); the
local runner does the same with its own signed tokens. Roles are Cognito
groups. This module turns claims into a ``Principal`` and answers "may they?"
for each kind of record; services ask it before reading or writing anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from recruiting.errors import Forbidden, Unauthenticated


class Role(StrEnum):
    ADMIN = "admin"
    RECRUITER = "recruiter"
    HIRING_MANAGER = "hiring_manager"
    INTERVIEWER = "interviewer"


# Most powerful first: a person in several groups acts with the strongest.
_RANK = (Role.ADMIN, Role.RECRUITER, Role.HIRING_MANAGER, Role.INTERVIEWER)


@dataclass(frozen=True)
class Principal:
    user_id: str
    role: Role
    email: str | None = None

    @property
    def is_staff(self) -> bool:
        """Admins and recruiters run the process and see every job."""
        return self.role in (Role.ADMIN, Role.RECRUITER)


def _groups(value: Any) -> list[str]:
    # REST API authorizers pass claims as strings ("[admin, recruiter]" or
    # "admin,recruiter"); HTTP APIs and the local runner pass a list.
    if isinstance(value, list):
        return [str(v) for v in value]
    return [g for g in re.split(r"[\[\],\s]+", str(value or "")) if g]


def principal_from_claims(claims: dict[str, Any] | None) -> Principal:
    if not claims or not claims.get("sub"):
        raise Unauthenticated("a valid token is required")
    roles = {r.value for r in Role}
    groups = [g for g in _groups(claims.get("cognito:groups")) if g in roles]
    if not groups:
        raise Forbidden("your account has no recruiting role")
    role = next(r for r in _RANK if r.value in groups)
    return Principal(user_id=str(claims["sub"]), role=role, email=claims.get("email"))


def require(principal: Principal, *roles: Role) -> None:
    if principal.role not in roles:
        raise Forbidden(f"the {principal.role.value} role cannot do this")
