"""One webhook request: to the checked address, with the host name kept for TLS (SNI and
certificate) and the Host header; no redirects followed; at most 1 KB of the answer read."""

from __future__ import annotations

import datetime as dt
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from recruiting.webhooks import transport
from recruiting.webhooks.urls import Target

NAME = "hooks.example.test"


def _certificate(
    subject: str, issuer_key: Any, issuer: x509.Name | None, ca: bool
) -> tuple[x509.Certificate, Any]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer or name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(subject)]), critical=False
        )
    return builder.sign(issuer_key or key, hashes.SHA256()), key


@dataclass
class Server:
    port: int
    ca_file: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    server_names: list[str | None] = field(default_factory=list)
    status: int = 200
    body: bytes = b'{"ok": true}'
    headers: dict[str, str] = field(default_factory=dict)


def _serve(tmp_path: Path, certificate_name: str) -> Iterator[Server]:
    ca, ca_key = _certificate("Test CA", None, None, ca=True)  # self-signed
    leaf, leaf_key = _certificate(certificate_name, ca_key, ca.subject, ca=False)
    (tmp_path / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "leaf.pem").write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "leaf.key").write_bytes(
        leaf_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "leaf.pem", tmp_path / "leaf.key")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            state.requests.append(
                {
                    "path": self.path,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "body": self.rfile.read(length),
                }
            )
            self.send_response(state.status)
            for name, value in state.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(state.body)))
            self.end_headers()
            self.wfile.write(state.body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state = Server(server.server_address[1], str(tmp_path / "ca.pem"))

    def remember(sock: Any, server_name: str | None, ctx: Any) -> None:
        state.server_names.append(server_name)

    context.sni_callback = remember
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def tls_server(tmp_path):
    yield from _serve(tmp_path, NAME)


@pytest.fixture
def wrong_name_server(tmp_path):
    yield from _serve(tmp_path, "someone-else.example.test")


def test_the_request_goes_to_the_checked_address_with_the_name_for_tls_and_host(tls_server):
    # Given a name checked to resolve to 127.0.0.1 (no DNS is asked again)
    target = Target("https", NAME, tls_server.port, "/in?x=1", ("127.0.0.1",))
    # When the request is sent to that address
    answer = transport.post(
        target,
        "127.0.0.1",
        b'{"id":"e1"}',
        {"webhook-id": "e1", "Content-Type": "application/json"},
        timeout=5,
        ca_certs=tls_server.ca_file,
    )
    # Then TLS named the host (SNI) and verified its certificate against it
    assert tls_server.server_names == [NAME]
    # And the request carried the host name, the path and the body as given
    [request] = tls_server.requests
    assert request["headers"]["host"] == f"{NAME}:{tls_server.port}"
    assert request["path"] == "/in?x=1"
    assert request["body"] == b'{"id":"e1"}'
    assert request["headers"]["webhook-id"] == "e1"
    assert (answer.status, answer.body) == (200, '{"ok": true}')
    assert answer.duration_ms >= 0


def test_a_certificate_for_another_name_is_refused(wrong_name_server):
    target = Target("https", NAME, wrong_name_server.port, "/", ("127.0.0.1",))
    with pytest.raises(transport.NoAnswer) as failed:
        transport.post(
            target, "127.0.0.1", b"{}", {}, timeout=5, ca_certs=wrong_name_server.ca_file
        )
    assert failed.value.error.startswith("tls: ")
    assert wrong_name_server.requests == []


def test_a_redirect_is_an_answer_not_followed_and_only_1_kb_is_kept(tls_server):
    tls_server.status = 302
    tls_server.headers = {"Location": "https://169.254.169.254/latest/meta-data"}
    tls_server.body = b"x" * 5000
    target = Target("https", NAME, tls_server.port, "/", ("127.0.0.1",))
    answer = transport.post(target, "127.0.0.1", b"{}", {}, timeout=5, ca_certs=tls_server.ca_file)
    assert answer.status == 302
    assert answer.body == "x" * 1024
    assert len(tls_server.requests) == 1


def test_no_listener_is_a_connection_error():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    target = Target("http", "127.0.0.1", port, "/", ("127.0.0.1",))
    with pytest.raises(transport.NoAnswer) as failed:
        transport.post(target, "127.0.0.1", b"{}", {}, timeout=2)
    assert failed.value.error.startswith("connection: ConnectionRefusedError")


def test_an_endpoint_that_drips_its_answer_fails_at_the_deadline():
    import socket
    import time

    # Given an endpoint that answers at once, then sends its body a byte at a time
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    stop = threading.Event()

    def drip() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
            while not stop.wait(0.3):
                try:
                    connection.sendall(b"x")
                except OSError:
                    return

    threading.Thread(target=drip, daemon=True).start()
    target = Target("http", "127.0.0.1", listener.getsockname()[1], "/", ("127.0.0.1",))
    started = time.monotonic()
    # When a delivery is sent with a 1-second timeout
    try:
        with pytest.raises(transport.NoAnswer) as failed:
            transport.post(target, "127.0.0.1", b"{}", {}, timeout=1)
    finally:
        stop.set()
        listener.close()
    # Then the attempt fails after about a second, not after the whole body
    assert failed.value.error == "timeout after 1 s"
    assert time.monotonic() - started < 2
