"""The declaration and settings the stack is generated from."""

from __future__ import annotations

import dataclasses

import pytest
from aws_cdk import App

from recruiting import wiring
from recruiting_infra.declaration import Declaration
from recruiting_infra.settings import Settings

pytestmark = pytest.mark.infra


def test_the_project_wiring_is_a_valid_declaration():
    # Given the project's wiring
    # When it is validated
    Declaration.from_wiring().validate()
    # Then nothing is raised


def test_a_function_naming_an_undeclared_table_is_refused():
    # Given a function wired to a table nobody declared
    stray = dataclasses.replace(wiring.INTAKE, tables=(("ledgers", "read"),))
    declaration = dataclasses.replace(Declaration.from_wiring(), functions=(stray,))
    # When it is validated
    with pytest.raises(ValueError, match="table 'ledgers' is not declared"):
        declaration.validate()


def test_a_queue_that_hides_messages_shorter_than_its_consumer_runs_is_refused():
    # Given a consumer that may run longer than its queue's visibility timeout
    queue = dataclasses.replace(wiring.RESUME_UPLOADS_QUEUE, visibility_timeout_seconds=30)
    consumer = dataclasses.replace(
        wiring.INTAKE, routes=(), consumes=(queue.key,), timeout_seconds=60
    )
    declaration = dataclasses.replace(
        Declaration.from_wiring(), functions=(consumer,), queues=(queue,)
    )
    # When it is validated
    with pytest.raises(ValueError, match="visibility timeout"):
        declaration.validate()


def test_one_route_for_two_functions_is_refused():
    # Given two functions declaring the same route
    twin = dataclasses.replace(wiring.INTAKE, name="twin")
    declaration = dataclasses.replace(Declaration.from_wiring(), functions=(wiring.INTAKE, twin))
    # When it is validated
    with pytest.raises(ValueError, match="routed to intake and twin"):
        declaration.validate()


def test_settings_come_from_context():
    # Given deployment settings passed as CDK context
    app = App(
        context={
            "sender_email": "jobs@acme.example",
            "careers_site_origins": "https://careers.acme.example/, https://jobs.acme.example",
            "operators_email": "ops@acme.example",
            "deletion_protection": "false",
            "api_rate_limit": "20",
            "organisation_name": "Acme Robotics",
            "organisation_url": "https://acme.example",
            "organisation_logo_url": "https://acme.example/logo.png",
            "careers_page_url": "https://careers.acme.example/jobs",
        }
    )
    # When the settings are read
    settings = Settings.from_context(app.node)
    # Then they are the context's, origins split and normalised
    assert settings.deployment == wiring.Deployment(
        sender_email="jobs@acme.example",
        careers_site_origins=("https://careers.acme.example", "https://jobs.acme.example"),
        operators_email="ops@acme.example",
        organisation_name="Acme Robotics",
        organisation_url="https://acme.example",
        organisation_logo_url="https://acme.example/logo.png",
        careers_page_url="https://careers.acme.example/jobs",
    )
    assert settings.deletion_protection is False
    assert settings.api_rate_limit == 20


def test_settings_default_to_the_wiring_deployment():
    # Given no context
    settings = Settings.from_context(App().node)
    # Then the wiring's deployment defaults apply, and data is protected
    assert settings.deployment == wiring.Deployment()
    assert settings.deletion_protection is True


def test_the_organisation_and_careers_page_reach_every_function(synthesized):
    # Given a stack synthesized with the organisation settings (tests/infra/conftest.py)
    for declared in wiring.FUNCTIONS:
        function = synthesized.stack.functions.functions[declared.name]
        env = synthesized.properties(function)["Environment"]["Variables"]
        # Then every function can name the employer and link to a job's page
        assert env["ORGANISATION_NAME"] == "Acme Robotics"
        assert env["ORGANISATION_URL"] == "https://acme.example"
        assert env["CAREERS_PAGE_URL"] == "https://careers.acme.example/jobs"
        # And a setting left out is left to the functions' default
        assert "ORGANISATION_LOGO_URL" not in env
