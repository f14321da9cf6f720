"""Matching received mail to the person it answers, and telling people from responders."""

from __future__ import annotations

import pytest

from recruiting.outreach.replies import addressed_to, automatic, reply_address

KEY = "test-key"
DOMAIN = "replies.acme.example"
PERSON = "0123456789abcdef0123456789abcdef"


def test_a_reply_address_fits_an_smtp_local_part_and_names_its_person():
    # Given the reply address of a person
    address = reply_address(PERSON, KEY, DOMAIN)
    # Then its local part fits in 64 characters (RFC 5321)
    assert len(address.split("@")[0]) <= 64
    # And it leads back to that person, whatever the case or brackets a relay adds
    assert addressed_to([address], KEY, DOMAIN) == PERSON
    assert addressed_to([f"<{address.upper()}>"], KEY, DOMAIN) == PERSON
    assert addressed_to(["recruiting@acme.example", address], KEY, DOMAIN) == PERSON


@pytest.mark.parametrize(
    "address",
    [
        f"reply+{PERSON}.{'0' * 24}@{DOMAIN}",  # forged signature
        reply_address(PERSON, "another-key", DOMAIN),  # signed by another deployment
        reply_address(PERSON, KEY, "replies.evil.example"),  # another domain
        f"reply+{PERSON}@{DOMAIN}",  # no signature
        f"reply+{reply_address(PERSON, KEY, DOMAIN).split('+')[1].split('@')[0][:-1]}@{DOMAIN}",
        f"unsubscribe@{DOMAIN}",
        "",
    ],
)
def test_forged_or_foreign_addresses_match_nobody(address: str):
    assert addressed_to([address], KEY, DOMAIN) is None


@pytest.mark.parametrize(
    ("headers", "subject", "source", "why"),
    [
        ({"auto-submitted": "auto-replied"}, "Re: Hi", "ada@example.com", "auto_submitted"),
        ({"auto-submitted": "auto-generated"}, "Hi", "ada@example.com", "auto_submitted"),
        ({"x-autoreply": "yes"}, "Re: Hi", "ada@example.com", "responder_header"),
        ({"precedence": "bulk"}, "Re: Hi", "ada@example.com", "precedence"),
        ({"precedence": "auto_reply"}, "Re: Hi", "ada@example.com", "precedence"),
        (
            {"content-type": "multipart/report; report-type=delivery-status"},
            "Re: Hi",
            "ada@example.com",
            "delivery_report",
        ),
        ({}, "Re: Hi", "<>", "null_sender"),
        ({}, "Re: Hi", "MAILER-DAEMON@mx.example.com", "null_sender"),
        ({}, "Out of Office: Hi Ada", "ada@example.com", "subject"),
        ({}, "Automatic reply: Hi Ada", "ada@example.com", "subject"),
        ({}, "Abwesenheitsnotiz: Hallo", "ada@example.com", "subject"),
        ({}, "Réponse automatique : Bonjour", "ada@example.com", "subject"),
    ],
)
def test_automatic_answers_are_recognised(headers, subject, source, why):
    assert automatic(headers, subject, source) == why


@pytest.mark.parametrize(
    ("headers", "subject"),
    [
        ({"auto-submitted": "no"}, "Re: Hi Ada"),
        ({}, "Re: Hi Ada"),
        ({}, "About the out of office policy"),
        ({"precedence": "first-class"}, "Yes please"),
    ],
)
def test_a_persons_reply_is_not_automatic(headers, subject):
    assert automatic(headers, subject, "ada@example.com") is None
