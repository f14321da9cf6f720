"""One webhook request: POST the body to an address that passed the URL check.

urllib3 (already in the Lambda runtime with botocore) connects to the checked IP
address itself, never to the name, so DNS cannot answer differently between the check
and the connection; TLS still sends the host name (SNI) and verifies the certificate
against it, and the Host header names it. Nothing is retried here and no redirect is
followed (the queue retries, and a redirect would go to an unchecked URL). At most the
first KB of the answer is read.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

import urllib3
from botocore.httpsession import where as default_ca_bundle
from urllib3.exceptions import HTTPError, NewConnectionError, SSLError
from urllib3.exceptions import TimeoutError as Urllib3Timeout

from recruiting.webhooks.urls import Target

RESPONSE_BYTES = 1024


@dataclass(frozen=True)
class Answer:
    """What the endpoint answered, how long it took to answer, and its body's start."""

    status: int
    duration_ms: int
    body: str


class NoAnswer(Exception):
    """The request got no HTTP answer (timeout, refused, TLS, reset): ``error`` says which."""

    def __init__(self, error: str, duration_ms: int) -> None:
        super().__init__(error)
        self.error = error
        self.duration_ms = duration_ms


def _elapsed_ms(started: float) -> int:
    return max(0, round((time.monotonic() - started) * 1000))


def post(
    target: Target,
    address: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    timeout: float,
    ca_certs: str | None = None,
) -> Answer:
    """POST ``body`` to ``target`` at ``address`` within ``timeout`` seconds in all.

    urllib3's timeouts bound each connect and each read, not the request: an
    endpoint that drips its answer a byte at a time could hold the function for
    minutes. So the request runs on a worker thread, and the attempt fails when
    the deadline passes; the thread is left to end on its own read timeouts
    (its answer is ignored; receivers deduplicate by ``webhook-id``)."""
    outcome: list[Answer | NoAnswer] = []
    started = time.monotonic()

    def attempt() -> None:
        try:
            outcome.append(_post(target, address, body, headers, timeout, ca_certs))
        except NoAnswer as error:
            outcome.append(error)
        except Exception as error:  # anything else urllib3 or ssl raise
            outcome.append(NoAnswer(f"connection: {_reason(error)}", _elapsed_ms(started)))

    worker = threading.Thread(target=attempt, name="webhook-post", daemon=True)
    worker.start()
    worker.join(timeout)
    if not outcome:
        raise NoAnswer(f"timeout after {timeout:g} s", _elapsed_ms(started))
    result = outcome[0]
    if isinstance(result, NoAnswer):
        raise result
    return result


def _post(
    target: Target,
    address: str,
    body: bytes,
    headers: Mapping[str, str],
    timeout: float,
    ca_certs: str | None,
) -> Answer:
    limit = urllib3.Timeout(total=timeout)
    pool: urllib3.HTTPConnectionPool
    if target.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            address,
            target.port,
            timeout=limit,
            retries=False,
            maxsize=1,
            cert_reqs="CERT_REQUIRED",
            ca_certs=ca_certs or default_ca_bundle(),
            server_hostname=target.host,
            assert_hostname=target.host,
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, target.port, timeout=limit, retries=False)
    started = time.monotonic()
    try:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body,
            headers={**headers, "Host": target.host_header},
            retries=False,
            redirect=False,
            assert_same_host=False,
            preload_content=False,
        )
        duration = _elapsed_ms(started)
        try:
            start = response.read(RESPONSE_BYTES, decode_content=False) or b""
        except HTTPError:
            start = b""  # the status line and headers came; the body's start did not
        return Answer(
            status=int(response.status),
            duration_ms=duration,
            body=start[:RESPONSE_BYTES].decode("utf-8", errors="replace"),
        )
    except NewConnectionError as error:  # refused, unreachable (a TimeoutError subclass)
        raise NoAnswer(f"connection: {_reason(error)}", _elapsed_ms(started)) from error
    except Urllib3Timeout as error:
        raise NoAnswer(f"timeout after {timeout:g} s", _elapsed_ms(started)) from error
    except SSLError as error:
        raise NoAnswer(f"tls: {_reason(error)}", _elapsed_ms(started)) from error
    except HTTPError as error:
        raise NoAnswer(f"connection: {_reason(error)}", _elapsed_ms(started)) from error
    finally:
        pool.close()


def _reason(error: Exception) -> str:
    """The root cause (``ConnectionRefusedError: ...``), shown to admins in the log."""
    cause: BaseException = error
    while cause.__cause__ is not None:
        cause = cause.__cause__
    return f"{type(cause).__name__}: {cause}"[:300]
