"""Cognito: the user pool of recruiters, hiring managers and interviewers."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_cognito as cognito
from constructs import Construct

from recruiting_infra.declaration import pascal

# Role groups, carried in the ID token's ``cognito:groups`` claim.
GROUPS: dict[str, str] = {
    "admin": "Manages users, settings and privacy requests",
    "recruiter": "Runs jobs, pipelines, talent pools and outreach",
    "hiring_manager": "Sees the candidates of their jobs and decides",
    "interviewer": "Sees assigned interviews and submits scorecards",
}


class Identity(Construct):
    """A closed user pool (admins invite users), TOTP MFA required, threat protection on."""

    def __init__(self, scope: Construct, construct_id: str, *, deletion_protection: bool) -> None:
        super().__init__(scope, construct_id)
        self.user_pool = cognito.UserPool(
            self,
            "UserPool",
            self_sign_up_enabled=False,
            sign_in_aliases=cognito.SignInAliases(email=True),
            sign_in_case_sensitive=False,
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            mfa=cognito.Mfa.REQUIRED,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            password_policy=cognito.PasswordPolicy(
                min_length=12,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=True,
                temp_password_validity=Duration.days(3),
            ),
            # These users see personal data: block compromised credentials and
            # risky sign-ins (the Plus plan's threat protection).
            feature_plan=cognito.FeaturePlan.PLUS,
            standard_threat_protection_mode=cognito.StandardThreatProtectionMode.FULL_FUNCTION,
            deletion_protection=deletion_protection,
            removal_policy=RemovalPolicy.RETAIN if deletion_protection else RemovalPolicy.DESTROY,
        )
        for precedence, (group, description) in enumerate(GROUPS.items()):
            self.user_pool.add_group(
                f"{pascal(group)}Group",
                group_name=group,
                description=description,
                precedence=precedence,
            )
        self.client = self.user_pool.add_client(
            "RecruiterAppClient",
            auth_flows=cognito.AuthFlow(user_srp=True),
            generate_secret=False,  # a browser app cannot keep a secret
            prevent_user_existence_errors=True,
            enable_token_revocation=True,
            access_token_validity=Duration.hours(1),
            id_token_validity=Duration.hours(1),
            refresh_token_validity=Duration.days(30),
        )
