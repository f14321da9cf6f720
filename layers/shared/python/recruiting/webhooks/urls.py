"""Which URLs a webhook may be sent to, and the addresses to connect to.

A webhook URL is typed by an admin and called by the platform from inside AWS, so a URL
that reaches the platform's own network (the instance metadata service at
169.254.169.254, a VPC address, loopback) would be a request forgery. The rules:

- ``https://`` only (``http://`` too when ``allow_private``, for ``make run``);
- no user name or password in the URL (secrets belong in the signing secret);
- the host is a name, or an IP address in canonical form (``127.1``, ``2130706433`` and
  ``0x7f.0.0.1`` are refused rather than guessed at);
- every address the host resolves to is a public unicast address: not loopback,
  private, shared (CGNAT), link-local, multicast, documentation, benchmarking or any
  other special-purpose range (IANA's registries), IPv4-mapped and NAT64 IPv6 addresses
  judged by the IPv4 address inside. ``allow_private`` lets loopback through.

The check runs at registration and again before every attempt (DNS answers change); the
request then connects to an address that passed, so a second lookup cannot swap in
another (``transport``).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2048
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]


class UrlRefused(Exception):
    """The URL may not be called; ``rule`` names the broken rule."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message


@dataclass(frozen=True)
class Target:
    """A URL that passed, and the addresses its host resolved to (each checked)."""

    scheme: str
    host: str  # the name (or canonical IP) as TLS and the Host header need it
    port: int
    path: str  # path and query, as sent on the request line
    addresses: tuple[str, ...]

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return host if self.port == default else f"{host}:{self.port}"


def _networks(*cidrs: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(c) for c in cidrs)


# Named by the reason given when an address is in them; checked in this order.
_LOOPBACK = _networks("127.0.0.0/8", "::1/128")
_UNSPECIFIED = _networks("0.0.0.0/8", "::/128")
_LINK_LOCAL = _networks("169.254.0.0/16", "fe80::/10")
_MULTICAST = _networks("224.0.0.0/4", "ff00::/8")
_PRIVATE = _networks(
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7", "fec0::/10"
)
# IANA IPv4 and IPv6 special-purpose address registries: not globally reachable.
_SPECIAL = _networks(
    "192.0.0.0/24",
    "192.0.2.0/24",
    "192.31.196.0/24",
    "192.52.193.0/24",
    "192.88.99.0/24",
    "192.175.48.0/24",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "240.0.0.0/4",
    "64:ff9b:1::/48",
    "100::/64",
    "2001::/23",
    "2001:db8::/32",
    "2002::/16",
    "3fff::/20",
    "5f00::/16",
)
# IPv6 unicast outside 2000::/3 is not assigned for global use (but see the embedded
# IPv4 forms below, judged by their IPv4 address).
_GLOBAL_UNICAST_V6 = ipaddress.ip_network("2000::/3")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_REASONS = (
    (_LOOPBACK, "loopback"),
    (_UNSPECIFIED, "unspecified"),
    (_LINK_LOCAL, "link-local"),
    (_MULTICAST, "multicast"),
    (_PRIVATE, "private"),
    (_SPECIAL, "reserved"),
)


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv4-mapped (``::ffff:a.b.c.d``) or NAT64 address stands for."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFF_FFFF)
    return None


def refusal(address: IPAddress) -> str | None:
    """Why an address may not be called (``loopback``, ``private``, ...), or None."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = _embedded_ipv4(address)
        if inner is not None:
            return refusal(inner)
    for networks, reason in _REASONS:
        if any(address.version == n.version and address in n for n in networks):
            return reason
    if isinstance(address, ipaddress.IPv6Address) and address not in _GLOBAL_UNICAST_V6:
        return "reserved"
    # Whatever the running Python's tables add (they grow between versions).
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link-local"
    if address.is_multicast:
        return "multicast"
    if address.is_private:
        return "private"
    if address.is_reserved or address.is_unspecified or not address.is_global:
        return "reserved"
    return None


def allowed(address: IPAddress, allow_private: bool) -> str | None:
    """None if ``address`` may be called, else the reason it may not."""
    reason = refusal(address)
    if reason == "loopback" and allow_private:
        return None
    return reason


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the host resolves to (IPv4 and IPv6), in the resolver's order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


# A last label of digits or 0x-hex: a host the C resolver reads as an IPv4 address
# (127.1, 2130706433, 0x7f.1), which no DNS name can be (RFC 3696: TLDs are not numeric).
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if _NUMERIC_LABEL.match(host.rstrip(".").rsplit(".", 1)[-1]):
        raise UrlRefused(
            "ip_literal_form",
            "write an IP address in its usual form (four decimal numbers, or IPv6), "
            "or use a host name",
        )
    return None


def parse(url: str, *, allow_private: bool) -> tuple[str, str, int, str]:
    """Scheme, host, port and request target of an acceptable URL, without resolving it."""
    if len(url) > MAX_URL_LENGTH:
        raise UrlRefused("too_long", f"at most {MAX_URL_LENGTH} characters")
    if not url.isprintable() or any(c.isspace() for c in url):
        raise UrlRefused("syntax", "a URL has no spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise UrlRefused("syntax", f"not a URL: {error}") from error
    schemes = ("https", "http") if allow_private else ("https",)
    if parts.scheme.lower() not in schemes:
        raise UrlRefused("https_required", "must be an https:// URL")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise UrlRefused(
            "credentials",
            "must not carry a user name or password; verify requests by their signature",
        )
    host = parts.hostname or ""
    if not host:
        raise UrlRefused("host_missing", "must name a host")
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError as error:
            raise UrlRefused("syntax", "the host name is not a valid domain name") from error
    scheme = parts.scheme.lower()
    port = port if port is not None else (443 if scheme == "https" else 80)
    if port == 0:
        raise UrlRefused("port", "port 0 cannot be called")
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return scheme, host, port, target


def check(url: str, *, allow_private: bool = False, resolve: Resolver = system_resolver) -> Target:
    """The URL as a ``Target`` whose every address may be called, or ``UrlRefused``."""
    scheme, host, port, path = parse(url, allow_private=allow_private)
    literal = _literal(host)
    if literal is not None:
        candidates = [str(literal)]
    else:
        try:
            candidates = resolve(host, port)
        except (OSError, UnicodeError) as error:
            raise UrlRefused("unresolvable", f"the host {host} does not resolve") from error
        if not candidates:
            raise UrlRefused("unresolvable", f"the host {host} does not resolve")
    addresses: list[str] = []
    for candidate in candidates:
        try:
            address = ipaddress.ip_address(candidate.split("%", 1)[0])
        except ValueError as error:
            raise UrlRefused("unresolvable", f"the host {host} does not resolve") from error
        reason = allowed(address, allow_private)
        if reason is not None:
            what = "is" if literal is not None else "resolves to"
            article = "an" if reason[0] in "aeiou" else "a"
            raise UrlRefused(
                "private_address",
                f"the host {what} {article} {reason} address; only public addresses may be called",
            )
        addresses.append(str(address))
    return Target(scheme, host, port, path, tuple(addresses))
