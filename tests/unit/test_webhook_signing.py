"""Webhook signatures are the Standard Webhooks symmetric scheme (standardwebhooks.com)."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from recruiting.webhooks import signing


def _reference(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The specification's algorithm, written out here independently of the code."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    content = f"{message_id}.{timestamp}.".encode() + body
    return base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()


def test_the_specifications_test_vector():
    # The vector of the reference Python library (standard-webhooks, test_sign_function)
    signature = signing.sign(
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        1614265330,
        b'{"test": 2432232314}',
    )
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_a_signature_is_hmac_sha256_over_id_timestamp_and_body_with_the_decoded_secret():
    secret = signing.new_secret()
    body = '{"id":"e1","type":"job.opened","data":{"job_id":4000001,"title":"Ingénieur"}}'
    signature = signing.sign(secret, "e1", 1795629270, body.encode())
    assert signature == "v1," + _reference(secret, "e1", 1795629270, body.encode())
    # And it changes with each part it covers
    assert signing.sign(secret, "e2", 1795629270, body.encode()) != signature
    assert signing.sign(secret, "e1", 1795629271, body.encode()) != signature
    assert signing.sign(secret, "e1", 1795629270, body.encode() + b" ") != signature


def test_a_new_secret_is_whsec_and_the_base64_of_32_random_bytes():
    secrets = {signing.new_secret() for _ in range(20)}
    assert len(secrets) == 20
    for secret in secrets:
        assert secret.startswith("whsec_")
        assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32


def test_during_a_rotation_both_secrets_sign_space_separated():
    new, old = signing.new_secret(), signing.new_secret()
    body = b'{"id":"e1"}'
    header = signing.signature_header([new, old], "e1", 1795629270, body)
    assert header.split(" ") == [
        "v1," + _reference(new, "e1", 1795629270, body),
        "v1," + _reference(old, "e1", 1795629270, body),
    ]
    # A receiver holding either secret accepts it; one holding neither does not
    assert signing.verify(new, "e1", 1795629270, body, header)
    assert signing.verify(old, "e1", 1795629270, body, header)
    assert not signing.verify(signing.new_secret(), "e1", 1795629270, body, header)


@pytest.mark.parametrize("secret", ["whsec_", "whsec_not base64!", ""])
def test_a_broken_secret_is_refused(secret):
    with pytest.raises(ValueError, match="secret"):
        signing.sign(secret, "e1", 1, b"{}")
