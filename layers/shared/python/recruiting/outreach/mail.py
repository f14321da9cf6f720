"""Outreach e-mail: build one MIME message, then hand it to Amazon SES v2 or a local outbox.

The message is built here, not by SES templates, so the unsubscribe headers mailbox providers
require of bulk senders (RFC 2369 List-Unsubscribe, RFC 8058 one-click) are always present and
exact. Sending reports one of four outcomes so the outreach queue can decide what to do next:

- ``Sent``: SES accepted the message (or the outbox wrote it).
- ``Throttled``: SES refused for rate or quota; back off, then retry.
- ``Rejected``: this message or recipient will never be accepted; do not retry it.
- ``Unavailable``: SES cannot send for anyone right now (account, configuration, credentials,
  network before the request left, 5xx); the message was not sent, retry via the queue.
- ``Unknown``: the request may have reached SES and we cannot tell whether it was accepted
  (a read timeout, a connection closed mid-response). Retrying may send a duplicate, so the
  caller must decide (e.g. record the step as uncertain) instead of retrying blindly.
"""

from __future__ import annotations

import email
import email.errors
import email.policy
import hashlib
import os
import tempfile
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.utils import format_datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    HTTPClientError,
    ParamValidationError,
)
from botocore.exceptions import ConnectionError as BotoConnectionError

from recruiting.clock import now

# RFC 5322's hard limit on a line, CRLF excluded.
_MAX_LINE = 998

# Headers whose values are identifiers or URIs. The stdlib folds at 78 characters and, to do
# so, turns a long unbreakable token (an unsubscribe URL) into RFC 2047 encoded-words, which
# mailbox providers then cannot use; these are written on one line instead.
_UNFOLDED = frozenset({"list-unsubscribe", "x-outreach-key", "message-id"})
_WIDE = email.policy.SMTP.clone(max_line_length=_MAX_LINE)


class _OutreachPolicy(email.policy.EmailPolicy):
    """The SMTP policy (CRLF, fold at 78), except identifier headers are never folded."""

    def fold(self, name: str, value: str) -> str:
        if name.lower() in _UNFOLDED:
            return _WIDE.fold(name, value)
        return super().fold(name, value)

    def fold_binary(self, name: str, value: str) -> bytes:
        if name.lower() in _UNFOLDED:
            return _WIDE.fold_binary(name, value)
        return super().fold_binary(name, value)


_POLICY = _OutreachPolicy(linesep="\r\n")


# --- building a message --------------------------------------------------------------------


def _single_line(header: str, value: str) -> str:
    """Refuse line breaks (header injection) and other control characters, naming the header.

    The stdlib refuses CR and LF too, but without saying which header; checking every value
    first means a bad value never reaches the message at all.
    """
    for character in value:
        if (
            character in "\r\n"
            or (ord(character) < 32 and character != "\t")
            or (character in "\x7f\x85\u2028\u2029")
        ):
            raise ValueError(f"{header}: header value contains a line break or control character")
    return value


def _address(header: str, value: str, display_name: str = "") -> Address:
    """A single plain ``user@domain`` address, or ValueError naming the header.

    Only ASCII addresses: a non-ASCII local part needs SMTPUTF8, which SES raw sending
    does not offer; domains must already be in their ASCII (punycode) form.
    """
    _single_line(header, value)
    _single_line(header, display_name)
    try:
        address = Address(display_name=display_name, addr_spec=value)
    except (ValueError, IndexError, email.errors.MessageError) as error:
        raise ValueError(f"{header}: invalid e-mail address {value!r}") from error
    if not (address.username and address.domain and value.isascii()):
        raise ValueError(f"{header}: invalid e-mail address {value!r}")
    return address


def _uri(header: str, value: str) -> str:
    """A URI that can sit inside ``<...>``: printable ASCII, no spaces or angle brackets."""
    _single_line(header, value)
    if not value.isascii() or not value.isprintable() or any(c in value for c in " <>"):
        raise ValueError(f"{header}: URI must be printable ASCII without spaces or <>")
    return value


def _list_unsubscribe(url: str, mailto: str | None) -> str:
    """RFC 2369 value; RFC 8058 one-click needs the HTTPS URI, the mailto is a fallback."""
    header = "List-Unsubscribe"
    parts = urlsplit(_uri(header, url))
    local = parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost")
    if not (parts.scheme == "https" or local) or not parts.netloc:
        # RFC 8058 needs HTTPS; plain HTTP only for `make run` on this machine.
        raise ValueError(f"{header}: the unsubscribe URL must be an https:// URL")
    value = f"<{url}>"
    if mailto is not None:
        uri = mailto if mailto.lower().startswith("mailto:") else f"mailto:{mailto}"
        _uri(header, uri)
        _address(header, uri[len("mailto:") :].split("?", 1)[0])
        value += f", <{uri}>"
    if len(header) + 2 + len(value) > _MAX_LINE:
        raise ValueError(f"{header}: longer than one {_MAX_LINE}-character header line")
    return value


def _outreach_key(message_key: str) -> str:
    """The key travels in a header SES leaves alone, so bounces and replies can be matched."""
    header = "X-Outreach-Key"
    _single_line(header, message_key)
    if not message_key or not message_key.isascii() or not message_key.isprintable():
        raise ValueError(f"{header}: must be non-empty printable ASCII")
    if " " in message_key or len(message_key) > 256:
        raise ValueError(f"{header}: must have no spaces and at most 256 characters")
    return message_key


def _message_id(message_key: str, domain: str) -> str:
    """The same key always gives the same Message-ID, so a re-built message is recognisable.

    SES replaces Message-ID (and Date) with its own when it sends; the deterministic one
    still identifies local outbox copies, and X-Outreach-Key survives SES.
    """
    digest = hashlib.sha256(message_key.encode()).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def build_message(
    *,
    sender: str,
    sender_name: str,
    recipient: str,
    subject: str,
    text: str,
    html: str,
    unsubscribe_url: str,
    unsubscribe_mailto: str | None,
    message_key: str,
    reply_to: tuple[str, ...] = (),
) -> bytes:
    """One multipart/alternative message (text and HTML), CRLF line endings, 7-bit clean.

    Every header value is validated first: a value with CR or LF raises ValueError naming
    the header instead of smuggling in another header (Bcc: ...). Bodies are
    quoted-printable so the message is 7-bit and survives any relay unchanged.

    ``reply_to`` lists the addresses a reply goes to (RFC 5322 allows several): the
    sender's own mailbox and the address that tells the platform a person replied.
    """
    from_address = _address("From", sender, display_name=sender_name)
    to_address = _address("To", recipient)
    message = EmailMessage(policy=_POLICY)
    message["From"] = from_address
    message["To"] = to_address
    if reply_to:
        message["Reply-To"] = [_address("Reply-To", address) for address in reply_to]
    message["Subject"] = _single_line("Subject", subject)
    message["Date"] = format_datetime(now())
    message["Message-ID"] = _message_id(message_key, from_address.domain)
    message["List-Unsubscribe"] = _list_unsubscribe(unsubscribe_url, unsubscribe_mailto)
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["X-Outreach-Key"] = _outreach_key(message_key)
    message.set_content(text, subtype="plain", cte="quoted-printable")
    message.add_alternative(html, subtype="html", cte="quoted-printable")
    for part in message.iter_parts():
        # add_alternative copies MIME-Version into the part; it belongs on the top level only.
        del part["MIME-Version"]
    return message.as_bytes()


def check_header(header: str, value: str) -> str:
    """``value`` if it can be (part of) one header line, else ValueError naming ``header``."""
    return _single_line(header, value)


def check_address(header: str, value: str) -> str:
    """``value`` if it is one plain ASCII address, else ValueError naming ``header``."""
    _address(header, value)
    return value


def build_notice(
    *,
    sender: str,
    sender_name: str,
    recipient: str,
    subject: str,
    text: str,
    message_key: str,
    calendar: bytes | None = None,
    method: str | None = None,
) -> bytes:
    """A transactional message to one person (an invitation, a reminder): plain text,
    and with ``calendar`` an iTIP part (``text/calendar; method=...``) that calendars
    act on, plus the same as an ``invite.ics`` attachment for clients that only show
    attachments. Headers are checked as in ``build_message``; no unsubscribe headers:
    these are about the recipient's own work or interview, not marketing."""
    message = EmailMessage(policy=_POLICY)
    message["From"] = _address("From", sender, display_name=sender_name)
    message["To"] = _address("To", recipient)
    message["Subject"] = _single_line("Subject", subject)
    message["Date"] = format_datetime(now())
    message["Message-ID"] = _message_id(message_key, sender.rsplit("@", 1)[-1])
    message["X-Outreach-Key"] = _outreach_key(message_key)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: responders stay quiet
    message.set_content(text, subtype="plain", cte="quoted-printable")
    if calendar is not None:
        if method not in ("REQUEST", "CANCEL"):
            raise ValueError("method: REQUEST or CANCEL")
        message.add_alternative(
            calendar.decode(), subtype="calendar", params={"method": method}, cte="quoted-printable"
        )
        message.add_attachment(
            calendar, maintype="application", subtype="ics", filename="invite.ics"
        )
    for part in message.walk():
        if part is not message:
            del part["MIME-Version"]
    return message.as_bytes()


# --- outcomes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    """Accepted: SES's MessageId (or the outbox's own id), for matching later events."""

    message_id: str


class Throttled(Exception):
    """SES refused for rate or quota (sending rate, daily quota): nothing sent, retry later.

    SES v2 TooManyRequestsException (429) and LimitExceededException; also the generic
    AWS Throttling / ThrottlingException codes, which SES uses for "Maximum sending rate
    exceeded" and "Daily message quota exceeded".
    """


class Rejected(Exception):
    """This message or recipient will not be accepted however often it is sent: do not retry.

    SES v2 MessageRejected (invalid content, unverified recipient in the sandbox) and
    BadRequestException (the request itself is invalid).
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Unavailable(Exception):
    """SES cannot send anything right now; nothing was sent, so retry through the queue.

    Account and configuration problems are not the recipient's fault, so they are not
    ``Rejected``: AccountSuspendedException, SendingPausedException,
    MailFromDomainNotVerifiedException, NotFoundException (configuration set), access
    denied, 5xx, any error code we do not know, and failures before the request left
    (EndpointConnectionError, connect timeout, no credentials).
    """


class Unknown(Exception):
    """We cannot know whether SES accepted the message (the request may have arrived).

    Read timeout, connection closed before the response, a broken response stream. A
    blind retry could send the e-mail twice.
    """


class Mailer(Protocol):
    """Sends one raw message to one recipient, or raises one of the outcomes above."""

    def send(self, raw: bytes, *, recipient: str, sender: str) -> Sent: ...


# --- Amazon SES v2 ---------------------------------------------------------------------------

_THROTTLED = frozenset(
    {"TooManyRequestsException", "LimitExceededException", "Throttling", "ThrottlingException"}
)
_REJECTED = frozenset({"MessageRejected", "BadRequestException"})


def _classify(error: ClientError) -> Exception:
    """SES answered with an error, so the message was not sent; decide whether to retry."""
    details = error.response.get("Error", {})
    code = details.get("Code", "")
    text = f"{code}: {details.get('Message', '')}"
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    if code in _THROTTLED or status == 429:
        return Throttled(text)
    if code in _REJECTED:
        return Rejected(text)
    return Unavailable(text)


class SesMailer:
    """Sends through SES v2 ``SendEmail`` with raw content, one attempt per call.

    botocore's retries are off: the queue retries with back-off, and an ambiguous timeout
    must surface as ``Unknown`` rather than be re-sent automatically. Note the setting is
    ``total_max_attempts=1``: botocore reads ``max_attempts`` as *retries* (``max_attempts=1``
    becomes two attempts, and standard mode retries read timeouts).
    """

    def __init__(self, configuration_set: str | None, client: Any | None = None) -> None:
        self.configuration_set = configuration_set
        self._client = client

    def _ses(self) -> Any:
        """Created on first use so importing or building a mailer needs no AWS setup."""
        if self._client is None:
            config = Config(retries={"mode": "standard", "total_max_attempts": 1})
            self._client = boto3.client("sesv2", config=config)
        return self._client

    def send(self, raw: bytes, *, recipient: str, sender: str) -> Sent:
        request: dict[str, Any] = {
            "FromEmailAddress": sender,
            "Destination": {"ToAddresses": [recipient]},
            "Content": {"Raw": {"Data": raw}},
        }
        if self.configuration_set is not None:
            request["ConfigurationSetName"] = self.configuration_set
        try:
            response = self._ses().send_email(**request)
        except ClientError as error:
            raise _classify(error) from error
        except HTTPClientError as error:
            raise Unknown(str(error)) from error
        except BotoConnectionError as error:
            raise Unavailable(str(error)) from error
        except ParamValidationError:
            raise  # our bug, not an outcome of sending
        except BotoCoreError as error:
            raise Unavailable(str(error)) from error
        return Sent(message_id=response["MessageId"])


# --- local outbox ----------------------------------------------------------------------------


def _message_id_hash(raw: bytes) -> str:
    """A short name part tying the file to its Message-ID (the whole message if it has none)."""
    headers = BytesHeaderParser(policy=email.policy.default).parsebytes(raw)
    basis = str(headers["Message-ID"] or "").encode() or raw
    return hashlib.sha256(basis).hexdigest()[:16]


class LocalOutbox:
    """On a laptop, outreach e-mail lands in a directory of .eml files instead of SES.

    Names start with a UTC timestamp so sorting by name is sending order. Each file is
    written under a temporary name and renamed, so a reader never sees half a message.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def send(self, raw: bytes, *, recipient: str, sender: str) -> Sent:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = now().strftime("%Y%m%dT%H%M%S%fZ")
        target = self.directory / f"{stamp}-{_message_id_hash(raw)}.eml"
        descriptor, temporary = tempfile.mkstemp(dir=self.directory, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(raw)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return Sent(message_id=str(uuid.uuid4()))

    def messages(self) -> list[EmailMessage]:
        """Everything sent so far, oldest first, parsed (for tests and the README)."""
        if not self.directory.is_dir():
            return []
        return [
            email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            for path in sorted(self.directory.glob("*.eml"))
        ]


def mailer_from_env(environ: Mapping[str, str]) -> Mailer:
    """OUTREACH_OUTBOX_DIR selects the local outbox (make run); otherwise SES."""
    outbox = environ.get("OUTREACH_OUTBOX_DIR")
    if outbox:
        return LocalOutbox(Path(outbox))
    return SesMailer(environ.get("SES_CONFIGURATION_SET") or None)
