"""API fuzzing: schemathesis generates requests from ``/openapi.json`` for every
operation and checks that no answer is a 5xx and that every answer is one the
document declares (status code, content type, body schema).

The API is served as ``make run`` serves it: the local runner's HTTP server
over the real Lambda handlers, recruiter routes behind a local admin token,
on a free loopback port, inside the moto-backed AWS the ``aws`` fixture
builds (moto's mock is process-wide, so the server thread sees it too).

Bounded and deterministic: ``MAX_EXAMPLES`` requests per operation,
derandomized, no example database. Each operation mixes requests that fit
the schema, requests that break it, and both aimed at ids that exist (the
seeded boards and jobs, one application, one pool) so the fuzzer gets past
the 404s.

schemathesis' own pytest integration (``from_fixture(...).parametrize()``)
does not run under pytest 9.2 (it sets ``Node._nodeid``, which pytest
renamed), hence one pytest test per route driving ``as_strategy``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from conftest import API_KEY, aws_environment
from recruiting import wiring
from recruiting.clock import now
from recruiting.demo import seed
from recruiting.storage.jobs import JobRepository
from recruiting_local.server import Functions, make_server
from recruiting_local.tokens import LocalIssuer
from support import application, basic_auth

MAX_EXAMPLES = 8
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
ROUTES = sorted({(r.path, r.method) for f in wiring.FUNCTIONS for r in f.routes})


@dataclass
class FuzzedApi:
    base_url: str
    schema: Any
    admin: dict[str, str]
    # Path parameter values that exist, by parameter name.
    known: dict[str, list[str]]


def _reset_dependencies() -> None:
    from intake import dependencies as intake
    from recruiter import dependencies as recruiter

    intake.use(None)
    recruiter.use(None)


@pytest.fixture(scope="module")
def fuzzed() -> Iterator[FuzzedApi]:
    """One stack for the module (the ``aws`` fixture's environment, the demo
    seed): provisioning moto for each route would dominate the run."""
    with aws_environment():
        demo = seed(JobRepository(), now(), api_key=API_KEY)
        _reset_dependencies()
        issuer = LocalIssuer()
        server = make_server("127.0.0.1", 0, Functions(), issuer)
        thread = threading.Thread(target=server.serve_forever, name="fuzzed-api", daemon=True)
        thread.start()
        base_url = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            admin = {"Authorization": f"Bearer {issuer.token('admin')}"}
            intern = demo.open_job_ids[2]  # no questions, no consent rules
            receipt = requests.post(
                f"{base_url}/jobs/{intern}/applications",
                json=application(answers={}, consent={}),
                timeout=30,
            ).json()
            pool = requests.post(
                f"{base_url}/ats/pools", json={"name": "Fuzzed"}, headers=admin, timeout=30
            ).json()
            requests.put(
                f"{base_url}/ats/pools/{pool['pool_id']}/candidates/{receipt['candidate_id']}",
                headers=admin,
                timeout=30,
            ).raise_for_status()
            yield FuzzedApi(
                base_url=base_url,
                schema=schemathesis.openapi.from_url(f"{base_url}/openapi.json"),
                admin=admin,
                known={
                    "job_id": [str(i) for i in (*demo.open_job_ids, demo.closed_job_id)],
                    "board_token": list(demo.board_tokens),
                    "candidate_id": [receipt["candidate_id"]],
                    "application_id": [receipt["application_id"]],
                    "pool_id": [pool["pool_id"]],
                },
            )
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=10)
            _reset_dependencies()


def test_the_document_describes_every_declared_route(fuzzed: FuzzedApi) -> None:
    documented = {
        (operation.path, operation.method.upper())
        for result in fuzzed.schema.get_all_operations()
        for operation in [result.ok()]
    }
    assert documented == set(ROUTES)


def _cases(fuzzed: FuzzedApi, operation: Any) -> st.SearchStrategy[Any]:
    modes = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    strategies = [operation.as_strategy(mode) for mode in modes]
    names = [p.name for p in operation.path_parameters]
    if names and all(name in fuzzed.known for name in names):
        ids = st.fixed_dictionaries({n: st.sampled_from(fuzzed.known[n]) for n in names})
        strategies.append(
            ids.flatmap(
                lambda chosen: st.one_of(
                    [operation.as_strategy(mode, path_parameters=chosen) for mode in modes]
                )
            )
        )
    return st.one_of(strategies)


@pytest.mark.parametrize(("path", "method"), ROUTES, ids=[f"{m} {p}" for p, m in ROUTES])
def test_no_server_errors_and_every_answer_is_documented(
    fuzzed: FuzzedApi, path: str, method: str
) -> None:
    operation = fuzzed.schema[path][method]
    headers: dict[str, str] = {}
    if path.startswith("/ats/"):
        headers = fuzzed.admin
    elif path.startswith("/v1/boards/") and method == "POST":
        headers = basic_auth(API_KEY)

    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.data_too_large,
        ],
    )
    @given(case=_cases(fuzzed, operation))
    def fuzz(case: Any) -> None:
        case.call_and_validate(base_url=fuzzed.base_url, headers=headers, checks=CHECKS)

    fuzz()


@pytest.mark.parametrize("method", ["HEAD", "TRACE", "QUERY"])
def test_methods_no_route_declares_are_refused_not_a_server_error(
    fuzzed: FuzzedApi, method: str
) -> None:
    # Found while fuzzing: http.server answered these 501 with an HTML page.
    reply = requests.request(method, f"{fuzzed.base_url}/jobs", timeout=30)
    assert reply.status_code == 405
    assert reply.content == (b"" if method == "HEAD" else b'{"message": "Method Not Allowed"}')
