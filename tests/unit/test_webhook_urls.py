"""Webhook URLs: https only, no credentials, and only public addresses, however written."""

from __future__ import annotations

import pytest

from recruiting.webhooks import urls


def _resolver(answers: dict[str, list[str]]) -> urls.Resolver:
    return lambda host, port: answers.get(host, [])


def _refused(url: str, *, allow_private: bool = False, answers=None) -> str:
    with pytest.raises(urls.UrlRefused) as refused:
        urls.check(url, allow_private=allow_private, resolve=_resolver(answers or {}))
    return refused.value.rule


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.255.255.254",
        "0.0.0.0",  # noqa: S104 (an address refused, not one bound)
        "10.0.0.1",
        "172.16.5.4",
        "172.31.255.255",
        "192.168.0.1",
        "100.64.0.1",  # shared address space (carrier-grade NAT)
        "169.254.169.254",  # the instance metadata service
        "192.0.0.1",
        "192.0.2.10",  # documentation
        "198.18.0.1",  # benchmarking
        "198.51.100.7",
        "203.0.113.9",
        "224.0.0.251",  # multicast
        "239.255.255.250",
        "240.0.0.1",  # reserved
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",  # link-local
        "fc00::1",  # unique local
        "fd00:ec2::254",  # the metadata service over IPv6
        "ff02::1",  # multicast
        "2001:db8::1",  # documentation
        "2001::1",  # Teredo
        "2002:a00:1::1",  # 6to4
        "100::1",  # discard
        "::ffff:127.0.0.1",  # IPv4-mapped loopback
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
        "64:ff9b:1::1",  # local-use NAT64
        "::127.0.0.1",  # IPv4-compatible (deprecated)
    ],
)
def test_non_public_addresses_are_refused_as_literals_and_as_dns_answers(address):
    host = f"[{address}]" if ":" in address else address
    assert _refused(f"https://{host}/hook") == "private_address"
    assert _refused("https://hooks.acme.example/", answers={"hooks.acme.example": [address]}) == (
        "private_address"
    )


@pytest.mark.parametrize(
    "address", ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "64:ff9b::808:808"]
)
def test_public_addresses_are_called_at_the_address_checked(address):
    target = urls.check(
        "https://hooks.acme.example:8443/in?x=1",
        resolve=_resolver({"hooks.acme.example": [address]}),
    )
    assert target.addresses == (address,)
    assert (target.scheme, target.host, target.port, target.path) == (
        "https",
        "hooks.acme.example",
        8443,
        "/in?x=1",
    )
    assert target.host_header == "hooks.acme.example:8443"


def test_every_address_a_name_resolves_to_must_be_public():
    answers = {"mixed.acme.example": ["93.184.215.14", "10.0.0.3"]}
    assert _refused("https://mixed.acme.example/", answers=answers) == "private_address"


@pytest.mark.parametrize(
    ("url", "rule"),
    [
        ("http://hooks.acme.example/", "https_required"),
        ("ftp://hooks.acme.example/", "https_required"),
        ("file:///etc/passwd", "https_required"),
        ("hooks.acme.example/x", "https_required"),
        ("https://user:secret@hooks.acme.example/", "credentials"),
        ("https://user@hooks.acme.example/", "credentials"),
        ("https:///nohost", "host_missing"),
        ("https://hooks.acme.example:99999/", "syntax"),
        ("https://hooks.acme.example/a b", "syntax"),
        ("https://hooks.acme.example/\x00", "syntax"),
        ("https://127.1/", "ip_literal_form"),
        ("https://2130706433/", "ip_literal_form"),
        ("https://0x7f.0.0.1/", "ip_literal_form"),
        ("https://017700000001/", "ip_literal_form"),
        ("https://nowhere.acme.example/", "unresolvable"),
        ("https://hooks.acme.example/" + "x" * 2048, "too_long"),
    ],
)
def test_broken_rules_are_named(url, rule):
    assert _refused(url, answers={"hooks.acme.example": ["93.184.215.14"]}) == rule


def test_locally_http_and_loopback_are_allowed_but_nothing_else_private():
    target = urls.check("http://127.0.0.1:8080/hook", allow_private=True)
    assert (target.scheme, target.addresses, target.host_header) == (
        "http",
        ("127.0.0.1",),
        "127.0.0.1:8080",
    )
    assert urls.check("http://[::1]:9/", allow_private=True).host_header == "[::1]:9"
    assert _refused("http://169.254.169.254/", allow_private=True) == "private_address"
    assert _refused("http://10.0.0.1/", allow_private=True) == "private_address"
    assert _refused("ftp://127.0.0.1/", allow_private=True) == "https_required"


def test_an_international_host_name_is_checked_in_its_ascii_form():
    seen = []

    def resolve(host: str, port: int) -> list[str]:
        seen.append(host)
        return ["93.184.215.14"]

    target = urls.check("https://bücher.example/hook", resolve=resolve)
    assert seen == ["xn--bcher-kva.example"]
    assert target.host == "xn--bcher-kva.example"
