"""Cognito: a closed user pool with the recruiting role groups."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.infra


def _pool(synthesized) -> dict:
    return synthesized.properties(synthesized.stack.identity.user_pool)


def test_user_pool_has_the_recruiting_role_groups(synthesized):
    # Given the user pool groups
    groups = {
        g["Properties"]["GroupName"]
        for g in synthesized.of_type("AWS::Cognito::UserPoolGroup").values()
    }
    # Then every role of the platform is a group
    assert groups == {"admin", "recruiter", "hiring_manager", "interviewer"}


def test_only_admins_create_users(synthesized):
    # Then nobody signs themselves up
    assert _pool(synthesized)["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True


def test_sign_in_requires_totp_mfa(synthesized):
    # Given the user pool
    props = _pool(synthesized)
    # Then MFA is required, by authenticator app (no SMS)
    assert props["MfaConfiguration"] == "ON"
    assert props["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]


def test_passwords_are_long_and_mixed(synthesized):
    # Given the password policy
    policy = _pool(synthesized)["Policies"]["PasswordPolicy"]
    # Then it asks for 12 characters of every kind
    assert policy["MinimumLength"] >= 12
    assert all(
        policy[k]
        for k in ("RequireLowercase", "RequireUppercase", "RequireNumbers", "RequireSymbols")
    )


def test_threat_protection_blocks_risky_sign_ins(synthesized):
    # Given the user pool
    props = _pool(synthesized)
    # Then the Plus plan's threat protection enforces
    assert props["UserPoolTier"] == "PLUS"
    assert props["UserPoolAddOns"] == {"AdvancedSecurityMode": "ENFORCED"}


def test_app_client_is_public_and_hides_whether_users_exist(synthesized):
    # Given the app client
    (client,) = synthesized.of_type("AWS::Cognito::UserPoolClient").values()
    props = client["Properties"]
    # Then it has no secret (browser app), uses SRP, and does not reveal users
    assert props["GenerateSecret"] is False
    assert "ALLOW_USER_SRP_AUTH" in props["ExplicitAuthFlows"]
    assert props["PreventUserExistenceErrors"] == "ENABLED"
