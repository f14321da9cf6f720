"""Outreach e-mail: the message recipients' mailboxes see, and what SES's answers mean."""

from __future__ import annotations

import email
import email.policy
import hashlib
import re
import threading
import uuid
from collections.abc import Iterator
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import (
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from botocore.stub import Stubber
from moto import mock_aws

from recruiting.outreach import mail
from recruiting.outreach.mail import (
    LocalOutbox,
    Rejected,
    SesMailer,
    Throttled,
    Unavailable,
    Unknown,
    build_message,
    mailer_from_env,
)

SENDER = "zoe@acme.example"
RECIPIENT = "ada@example.com"
URL = "https://crm.acme.example/u/tok123"
MAILTO = "unsubscribe@acme.example"
KEY = "org1#seq1#step2#prospect9"


def _build(**overrides: Any) -> bytes:
    fields: dict[str, Any] = {
        "sender": SENDER,
        "sender_name": "Zoë Recruiter",
        "recipient": RECIPIENT,
        "subject": "A role you might like",
        "text": "Hello Ada,\nwe are hiring. Café on us.\n",
        "html": "<p>Hello Ada,</p><p>we are hiring. Café on us.</p>\n",
        "unsubscribe_url": URL,
        "unsubscribe_mailto": MAILTO,
        "message_key": KEY,
    }
    fields.update(overrides)
    return build_message(**fields)


def _parse(raw: bytes) -> EmailMessage:
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def _header_lines(raw: bytes) -> list[str]:
    return raw.split(b"\r\n\r\n", 1)[0].decode("ascii").split("\r\n")


# --- the message ---------------------------------------------------------------------------


def test_message_carries_the_unsubscribe_and_identity_headers_exactly():
    # Given a message with both unsubscribe routes
    raw = _build()
    # When a mail client reads it
    message = _parse(raw)
    lines = _header_lines(raw)
    # Then the RFC 2369 / RFC 8058 headers are on the wire exactly, unencoded
    assert f"List-Unsubscribe: <{URL}>, <mailto:{MAILTO}>" in lines
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in lines
    assert f"X-Outreach-Key: {KEY}" in lines
    # And the Message-ID is derived from the key and the sender's domain
    digest = hashlib.sha256(KEY.encode()).hexdigest()[:32]
    assert message["Message-ID"] == f"<{digest}@acme.example>"
    # And the addressing headers name the right people
    assert message["From"].addresses[0].display_name == "Zoë Recruiter"
    assert message["From"].addresses[0].addr_spec == SENDER
    assert message["To"] == RECIPIENT
    assert message["Subject"] == "A role you might like"
    assert message["Date"].datetime is not None
    # And each of those headers appears once
    for name in ("From", "To", "Subject", "Date", "Message-ID", "List-Unsubscribe"):
        assert len(message.get_all(name) or []) == 1, name


def test_message_id_is_the_same_for_the_same_key_and_differs_otherwise():
    # Given the same outreach key built twice and another key
    first, again = _parse(_build()), _parse(_build())
    other = _parse(_build(message_key="org1#seq1#step3#prospect9"))
    # Then the same key gives the same Message-ID and another key a different one
    assert first["Message-ID"] == again["Message-ID"]
    assert other["Message-ID"] != first["Message-ID"]


def test_message_is_multipart_alternative_with_text_and_html_and_7bit_on_the_wire():
    # Given a message whose bodies contain non-ASCII text
    raw = _build()
    # When it is parsed
    message = _parse(raw)
    # Then it offers a plain and an HTML alternative with the bodies intact (CRLF line ends)
    assert message.get_content_type() == "multipart/alternative"
    parts = [part.get_content_type() for part in message.iter_parts()]
    assert parts == ["text/plain", "text/html"]
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert plain is not None
    assert html is not None
    assert plain.get_content() == "Hello Ada,\r\nwe are hiring. Café on us.\r\n"
    assert html.get_content() == "<p>Hello Ada,</p><p>we are hiring. Café on us.</p>\r\n"
    # And the bytes are plain ASCII with CRLF line ends, safe for any relay
    assert raw.isascii()
    assert b"\n" not in raw.replace(b"\r\n", b"")


def test_display_name_with_quotes_and_commas_stays_one_sender():
    # Given a display name that would split the From header if written naively
    raw = _build(sender_name='Zoë "Z", <eve@x.io>')
    # When it is parsed
    message = _parse(raw)
    # Then there is still exactly one sender, with the name kept as text
    addresses = message["From"].addresses
    assert len(addresses) == 1
    assert addresses[0].addr_spec == SENDER
    assert addresses[0].display_name == 'Zoë "Z", <eve@x.io>'


def test_without_a_mailto_only_the_https_unsubscribe_is_offered():
    # Given no mailto unsubscribe address
    raw = _build(unsubscribe_mailto=None)
    # Then List-Unsubscribe holds just the one-click URL
    assert f"List-Unsubscribe: <{URL}>" in _header_lines(raw)


def test_a_mailto_uri_with_a_subject_is_kept_as_given():
    # Given a full mailto: URI
    mailto = "mailto:unsubscribe@acme.example?subject=unsubscribe"
    raw = _build(unsubscribe_mailto=mailto)
    # Then it is written as given
    assert f"List-Unsubscribe: <{URL}>, <{mailto}>" in _header_lines(raw)


def test_a_long_unsubscribe_url_stays_readable_on_one_line():
    # Given an unsubscribe URL far longer than the usual 78-character fold
    url = "https://crm.acme.example/unsubscribe/" + "a" * 300
    # When the message is built
    raw = _build(unsubscribe_url=url)
    # Then the URL is on the wire verbatim, not RFC 2047-encoded
    assert f"List-Unsubscribe: <{url}>, <mailto:{MAILTO}>" in _header_lines(raw)
    assert _parse(raw)["List-Unsubscribe"] == f"<{url}>, <mailto:{MAILTO}>"


@pytest.mark.parametrize(
    ("field", "value", "header"),
    [
        ("subject", "Hello\r\nBcc: victim@example.net", "Subject"),
        ("subject", "Hello\nBcc: victim@example.net", "Subject"),
        ("subject", "Hello\rBcc: victim@example.net", "Subject"),
        ("sender_name", "Zoe\r\nBcc: victim@example.net", "From"),
        ("sender", "zoe@acme.example\r\nBcc: victim@example.net", "From"),
        ("recipient", "ada@example.com\r\nBcc: victim@example.net", "To"),
        ("recipient", "ada@example.com\nBcc: victim@example.net", "To"),
        ("unsubscribe_url", "https://crm.acme.example/u\r\nBcc: v@example.net", "List-Unsubscribe"),
        ("unsubscribe_mailto", "u@acme.example\r\nBcc: v@example.net", "List-Unsubscribe"),
        ("message_key", "key\r\nBcc: victim@example.net", "X-Outreach-Key"),
    ],
)
def test_header_injection_is_refused_naming_the_header(field: str, value: str, header: str):
    # Given a value that tries to start a new header line
    # When the message is built
    with pytest.raises(ValueError, match=re.escape(header)) as refused:
        _build(**{field: value})
    # Then it is refused, naming the header, and no message exists to leak
    assert "line break" in str(refused.value)


def test_replies_go_to_every_reply_to_address_and_injection_is_refused():
    # Given a message whose replies go to the sender and a tracking address
    raw = _build(reply_to=(SENDER, "reply+abc.123@replies.acme.example"))
    # Then Reply-To lists both, once
    reply_to = _parse(raw)["Reply-To"]
    assert [a.addr_spec for a in reply_to.addresses] == [
        SENDER,
        "reply+abc.123@replies.acme.example",
    ]
    assert sum(line.startswith("Reply-To:") for line in _header_lines(raw)) == 1
    # And an address smuggling in another header is refused, naming Reply-To
    with pytest.raises(ValueError, match="Reply-To"):
        _build(reply_to=(SENDER, "x@acme.example\r\nBcc: victim@example.net"))
    # And without reply addresses there is no Reply-To header
    assert _parse(_build())["Reply-To"] is None


@pytest.mark.parametrize(
    "address",
    [
        "not-an-address",
        "ada@",
        "@example.com",
        "ada@example.com, eve@example.net",
        "Ada <ada@example.com>",
        "a b@example.com",
        "adä@example.com",
        "",
    ],
)
def test_invalid_recipient_address_is_refused(address: str):
    # Given a recipient that is not one plain address
    # When the message is built, Then it is refused naming the To header
    with pytest.raises(ValueError, match="To: invalid e-mail address"):
        _build(recipient=address)


def test_invalid_sender_address_is_refused():
    # Given a sender that is not an address
    # When the message is built, Then it is refused naming the From header
    with pytest.raises(ValueError, match="From: invalid e-mail address"):
        _build(sender="zoe.acme.example")


@pytest.mark.parametrize(
    "url",
    ["http://crm.acme.example/u/1", "mailto:u@acme.example", "https:///nohost", "https://a b/"],
)
def test_unsubscribe_url_must_be_https(url: str):
    # Given an unsubscribe URL RFC 8058 one-click cannot use
    # When the message is built, Then it is refused naming List-Unsubscribe
    with pytest.raises(ValueError, match="List-Unsubscribe"):
        _build(unsubscribe_url=url)


# --- SES v2 ---------------------------------------------------------------------------------


@pytest.fixture
def ses() -> Iterator[tuple[Any, Stubber]]:
    client = boto3.client(
        "sesv2",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def _expected(raw: bytes, configuration_set: str | None = "outreach") -> dict[str, Any]:
    params: dict[str, Any] = {
        "FromEmailAddress": SENDER,
        "Destination": {"ToAddresses": [RECIPIENT]},
        "Content": {"Raw": {"Data": raw}},
    }
    if configuration_set is not None:
        params["ConfigurationSetName"] = configuration_set
    return params


def test_ses_accepting_returns_its_message_id(ses: tuple[Any, Stubber]):
    # Given SES that accepts the raw message sent with the configuration set
    client, stubber = ses
    raw = _build()
    stubber.add_response("send_email", {"MessageId": "ses-id-1"}, _expected(raw))
    # When it is sent
    sent = SesMailer("outreach", client=client).send(raw, recipient=RECIPIENT, sender=SENDER)
    # Then the outcome carries SES's MessageId
    assert sent == mail.Sent(message_id="ses-id-1")


def test_without_a_configuration_set_none_is_sent(ses: tuple[Any, Stubber]):
    # Given no configuration set (the stub checks the exact request)
    client, stubber = ses
    raw = _build()
    stubber.add_response("send_email", {"MessageId": "ses-id-2"}, _expected(raw, None))
    # When it is sent
    sent = SesMailer(None, client=client).send(raw, recipient=RECIPIENT, sender=SENDER)
    # Then the request had no ConfigurationSetName and SES's id comes back
    assert sent.message_id == "ses-id-2"


@pytest.mark.parametrize(
    ("code", "status", "outcome"),
    [
        ("TooManyRequestsException", 429, Throttled),
        ("LimitExceededException", 400, Throttled),
        ("Throttling", 400, Throttled),
        ("MessageRejected", 400, Rejected),
        ("BadRequestException", 400, Rejected),
        ("AccountSuspendedException", 400, Unavailable),
        ("SendingPausedException", 400, Unavailable),
        ("MailFromDomainNotVerifiedException", 400, Unavailable),
        ("NotFoundException", 404, Unavailable),
        ("AccessDeniedException", 403, Unavailable),
        ("InternalFailure", 500, Unavailable),
        ("ServiceUnavailable", 503, Unavailable),
    ],
)
def test_ses_errors_become_outcomes(
    ses: tuple[Any, Stubber], code: str, status: int, outcome: type[Exception]
):
    # Given SES answering with an error
    client, stubber = ses
    stubber.add_client_error(
        "send_email", service_error_code=code, service_message="nope", http_status_code=status
    )
    # When a message is sent
    with pytest.raises(outcome) as raised:
        SesMailer("outreach", client=client).send(_build(), recipient=RECIPIENT, sender=SENDER)
    # Then the outcome says what to do next, and keeps SES's code for the log
    assert code in str(raised.value)


def test_rejection_keeps_ses_reason(ses: tuple[Any, Stubber]):
    # Given SES rejecting the content
    client, stubber = ses
    stubber.add_client_error(
        "send_email",
        service_error_code="MessageRejected",
        service_message="Email address is not verified.",
        http_status_code=400,
    )
    # When a message is sent
    with pytest.raises(Rejected) as rejected:
        SesMailer(None, client=client).send(_build(), recipient=RECIPIENT, sender=SENDER)
    # Then the reason says why, for the recruiter
    assert rejected.value.reason == "MessageRejected: Email address is not verified."


class _FailingClient:
    """A client whose send fails in the network layer, as botocore reports it."""

    def __init__(self, error: Exception) -> None:
        self.error = error
        self.calls = 0

    def send_email(self, **_: Any) -> dict[str, Any]:
        self.calls += 1
        raise self.error


@pytest.mark.parametrize(
    ("error", "outcome"),
    [
        (ReadTimeoutError(endpoint_url="x"), Unknown),
        (ConnectionClosedError(endpoint_url="x"), Unknown),
        (EndpointConnectionError(endpoint_url="x"), Unavailable),
        (ConnectTimeoutError(endpoint_url="x"), Unavailable),
    ],
)
def test_network_failures_split_into_unknown_and_unavailable(
    error: Exception, outcome: type[Exception]
):
    # Given a client that fails after (read timeout) or before (no connection) sending
    client = _FailingClient(error)
    # When a message is sent
    with pytest.raises(outcome):
        SesMailer(None, client=client).send(_build(), recipient=RECIPIENT, sender=SENDER)
    # Then it was tried exactly once: nothing is retried here
    assert client.calls == 1


def test_default_client_is_created_lazily_with_a_single_attempt(monkeypatch: pytest.MonkeyPatch):
    # Given boto3 whose client factory is recorded and answers with a stubbed SES
    real_client: Any = boto3.client
    created: list[tuple[str, Any]] = []

    def recording_client(service: str, config: Any = None) -> Any:
        created.append((service, config))
        client = real_client(
            service,
            config=config,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        stubber = Stubber(client)
        stubber.add_response("send_email", {"MessageId": "lazy"})
        stubber.add_response("send_email", {"MessageId": "lazy"})
        stubber.activate()
        return client

    monkeypatch.setattr(boto3, "client", recording_client)
    # When a mailer is built
    mailer = SesMailer(None)
    # Then no client exists yet
    assert created == []
    # When it sends twice
    first = mailer.send(_build(), recipient=RECIPIENT, sender=SENDER)
    second = mailer.send(_build(), recipient=RECIPIENT, sender=SENDER)
    # Then one SES v2 client was made, with botocore's retries off, and it was used
    assert [service for service, _ in created] == ["sesv2"]
    assert created[0][1].retries == {"mode": "standard", "total_max_attempts": 1}
    assert first.message_id == second.message_id == "lazy"


class _SilentSes(BaseHTTPRequestHandler):
    """Reads the request, then never answers in time: the client cannot know the outcome."""

    requests = 0
    release = threading.Event()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        type(self).requests += 1
        self.release.wait(5)

    def log_message(self, format: str, *args: Any) -> None:  # quiet test output
        return


@pytest.fixture
def silent_ses() -> Iterator[tuple[str, type[_SilentSes]]]:
    class Handler(_SilentSes):
        requests = 0
        release = threading.Event()

    handler = Handler
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler
    handler.release.set()
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_a_read_timeout_is_unknown_and_never_retried_by_botocore(
    monkeypatch: pytest.MonkeyPatch, silent_ses: tuple[str, type[_SilentSes]]
):
    # Given the default client pointed at an endpoint that takes the request and stays silent
    endpoint, handler = silent_ses
    real_client: Any = boto3.client

    def local_client(service: str, config: Any) -> Any:
        quick = config.merge(Config(connect_timeout=1, read_timeout=0.3))
        return real_client(
            service,
            config=quick,
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    monkeypatch.setattr(boto3, "client", local_client)
    # When a message is sent
    with pytest.raises(Unknown):
        SesMailer(None).send(_build(), recipient=RECIPIENT, sender=SENDER)
    # Then SES saw the request exactly once: the ambiguous send was not repeated
    assert handler.requests == 1


@pytest.fixture
def moto_ses(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        yield boto3.client("sesv2")


def test_ses_in_moto_sends_the_raw_message_from_a_verified_domain(moto_ses: Any):
    # Given the sender's domain verified in SES
    moto_ses.create_email_identity(EmailIdentity="acme.example")
    # When the built message is sent with the default client
    sent = SesMailer(None).send(_build(), recipient=RECIPIENT, sender=SENDER)
    # Then SES accepted it and gave an id
    assert sent.message_id


def test_ses_in_moto_rejects_an_unverified_sender(moto_ses: Any):
    # Given no verified identity for the sender
    # When the message is sent
    with pytest.raises(Rejected) as rejected:
        SesMailer(None).send(_build(), recipient=RECIPIENT, sender=SENDER)
    # Then SES's refusal arrives as a rejection with its reason
    assert "MessageRejected" in rejected.value.reason


# --- local outbox ---------------------------------------------------------------------------


def test_outbox_writes_a_readable_eml_with_the_headers(tmp_path: Path):
    # Given an outbox directory that does not exist yet
    outbox = LocalOutbox(tmp_path / "outbox")
    raw = _build()
    # When a message is sent
    sent = outbox.send(raw, recipient=RECIPIENT, sender=SENDER)
    # Then one .eml file holds exactly the message, with no temporary file left behind
    files = sorted(p.name for p in (tmp_path / "outbox").iterdir())
    assert len(files) == 1
    assert re.fullmatch(r"\d{8}T\d{12}Z-[0-9a-f]{16}\.eml", files[0])
    assert (tmp_path / "outbox" / files[0]).read_bytes() == raw
    # And it reads back with its headers and bodies
    (message,) = outbox.messages()
    assert message["To"] == RECIPIENT
    assert message["List-Unsubscribe"] == f"<{URL}>, <mailto:{MAILTO}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["X-Outreach-Key"] == KEY
    plain = message.get_body(preferencelist=("plain",))
    assert plain is not None
    assert "Café" in plain.get_content()
    # And the outcome carries a fresh id
    assert uuid.UUID(sent.message_id)


def test_outbox_keeps_every_send_in_order(tmp_path: Path):
    # Given two messages sent one after the other
    outbox = LocalOutbox(tmp_path)
    first = outbox.send(_build(subject="First"), recipient=RECIPIENT, sender=SENDER)
    second = outbox.send(_build(subject="Second"), recipient=RECIPIENT, sender=SENDER)
    # When the outbox is read
    subjects = [message["Subject"] for message in outbox.messages()]
    # Then both are there, oldest first, each with its own id
    assert subjects == ["First", "Second"]
    assert first.message_id != second.message_id


def test_an_empty_outbox_has_no_messages(tmp_path: Path):
    # Given an outbox nothing was sent to
    # Then it lists nothing
    assert LocalOutbox(tmp_path / "never").messages() == []


# --- choosing the mailer --------------------------------------------------------------------


def test_outbox_dir_selects_the_local_outbox(tmp_path: Path):
    # Given OUTREACH_OUTBOX_DIR
    mailer = mailer_from_env({"OUTREACH_OUTBOX_DIR": str(tmp_path), "SES_CONFIGURATION_SET": "x"})
    # Then the local outbox in that directory is used
    assert isinstance(mailer, LocalOutbox)
    assert mailer.directory == tmp_path


@pytest.mark.parametrize(
    ("environ", "configuration_set"),
    [
        ({"SES_CONFIGURATION_SET": "outreach"}, "outreach"),
        ({"SES_CONFIGURATION_SET": ""}, None),
        ({"OUTREACH_OUTBOX_DIR": ""}, None),
        ({}, None),
    ],
)
def test_otherwise_ses_is_used(environ: dict[str, str], configuration_set: str | None):
    # Given no outbox directory
    mailer = mailer_from_env(environ)
    # Then SES is used, with the configuration set when one is named
    assert isinstance(mailer, SesMailer)
    assert mailer.configuration_set == configuration_set
