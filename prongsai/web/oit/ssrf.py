"""The link checker's guard against server-side request forgery: which addresses it may connect to.

A URL's host name is resolved **once**; every address it resolves to must be a public unicast address, and the
checker then connects to the address it checked (``linkcheck`` pins it), so a second DNS answer cannot re-bind
the name to an internal address.  Refused, whatever the name or the notation:

- IPv4 that is not global: private (10/8, 172.16/12, 192.168/16), loopback (127/8, unless ``allow_loopback``),
  link-local (169.254/16, cloud metadata), shared (100.64/10), "this network" (0/8), benchmarking (198.18/15),
  IETF (192.0.0/24), documentation, multicast, reserved (240/4), broadcast;
- IPv6 that is not global unicast: loopback, unspecified, link-local, unique-local (fc00::/7, e.g.
  fd00:ec2::254), site-local, multicast, discard (100::/64), documentation;
- every IPv6 form that carries an IPv4 address and could reach it through a relay or a translator, refused
  outright whatever the IPv4 inside: IPv4-mapped (::ffff:0:0/96), IPv4-compatible (::/96), IPv4-translated
  (::ffff:0:0:0/96), 6to4 (2002::/16), Teredo (2001::/32), NAT64 (64:ff9b::/96) and local-use NAT64
  (64:ff9b:1::/48).  A deployment on an IPv6-only network with DNS64 may allow NAT64 addresses
  (``allow_nat64``); then the IPv4 inside must itself be global.

No Django settings needed: it is used by the checker in a worker, and tested alone.  A refusal carries an English
msgid (``gettext_noop``) and its parameters; ``Refused.message`` reads it in the active language.
"""

from __future__ import annotations

import ipaddress
import socket

from django.utils.translation import gettext_noop

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

NAT64 = ipaddress.ip_network("64:ff9b::/96")
#: IPv6 ranges that embed or tunnel to IPv4, each refused (see the module's doc)
TRANSITION_RANGES = (
    (ipaddress.ip_network("::ffff:0:0/96"), "IPv4-mapped"),
    (ipaddress.ip_network("::ffff:0:0:0/96"), "IPv4-translated"),
    (ipaddress.ip_network("::/96"), "IPv4-compatible"),
    (ipaddress.ip_network("2002::/16"), "6to4"),
    (ipaddress.ip_network("2001::/32"), "Teredo"),
    (NAT64, "NAT64"),
    (ipaddress.ip_network("64:ff9b:1::/48"), "NAT64 local-use"),
)
#: further IPv6 ranges that are never global (older Pythons do not classify all of them)
NOT_GLOBAL_V6 = (
    ipaddress.ip_network("100::/64"),  # discard-only
    ipaddress.ip_network("2001:db8::/32"),  # documentation
    ipaddress.ip_network("3fff::/20"),  # documentation (RFC 9637)
    ipaddress.ip_network("fec0::/10"),  # site-local (deprecated)
    ipaddress.ip_network("fc00::/7"),  # unique local
    ipaddress.ip_network("fe80::/10"),  # link-local
    ipaddress.ip_network("ff00::/8"),  # multicast
    ipaddress.ip_network("2001::/23"),  # IETF protocol assignments (Teredo, benchmarking, ORCHID …)
)
#: further IPv4 ranges that are never global
NOT_GLOBAL_V4 = (
    ipaddress.ip_network("0.0.0.0/8"),
    ipaddress.ip_network("100.64.0.0/10"),
    ipaddress.ip_network("192.0.0.0/24"),
    ipaddress.ip_network("198.18.0.0/15"),
    ipaddress.ip_network("240.0.0.0/4"),
)


class Refused(Exception):
    """The URL may not be fetched (scheme, or an address the SSRF guard refuses).  ``str()`` is the English
    text (logs, the check's ``error``); ``text`` and ``params`` are what a recorded check stores."""

    def __init__(self, code: str, text: str, **params):
        super().__init__(text % params if params else text)
        self.code = code
        self.text = text
        self.params = params

    @property
    def message(self) -> str:
        """The refusal in the active language."""
        from prongsai.web.oit.checktext import describe  # Django's translation, needed only when read

        return describe(self.text, self.params)


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 transition form carries (mapped, compatible, translated, 6to4, Teredo, NAT64)."""
    value = int(ip)
    if ip in TRANSITION_RANGES[0][0] or ip in TRANSITION_RANGES[1][0] or ip in TRANSITION_RANGES[2][0] or ip in NAT64:
        return ipaddress.IPv4Address(value & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]  # the client's (obfuscated) address
    return None


def _ipv4_allowed(ip: ipaddress.IPv4Address, allow_loopback: bool) -> bool:
    if ip.is_loopback:
        return allow_loopback
    if any(ip in net for net in NOT_GLOBAL_V4):
        return False
    return ip.is_global and not (
        ip.is_private or ip.is_link_local or ip.is_multicast or ip.is_reserved or ip.is_unspecified
    )


def address_allowed(ip: IPAddress, allow_loopback: bool, allow_nat64: bool = False) -> bool:
    """May the checker connect to ``ip``?  (See the module's doc for what is refused.)"""
    if isinstance(ip, ipaddress.IPv4Address):
        return _ipv4_allowed(ip, allow_loopback)
    if ip.scope_id:
        return False
    if ip == ipaddress.IPv6Address("::1"):
        return allow_loopback
    if allow_nat64 and ip in NAT64:
        inner = embedded_ipv4(ip)
        return inner is not None and _ipv4_allowed(inner, False)
    if any(ip in net for net, _ in TRANSITION_RANGES):
        return False
    if any(ip in net for net in NOT_GLOBAL_V6):
        return False
    return ip.is_global and not (
        ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or ip.is_site_local
        or ip.is_loopback
    )


def why_refused(ip: IPAddress) -> str:
    """A short English name of the range an address is in (for logs and messages)."""
    if isinstance(ip, ipaddress.IPv6Address):
        for net, name in TRANSITION_RANGES:
            if ip in net:
                inner = embedded_ipv4(ip)
                return f"{name} of {inner}" if inner is not None else name
    return "internal or non-public"


def resolve(host: str, port: int, allow_loopback: bool, allow_nat64: bool = False) -> str:
    """The address to connect to; every address the name resolves to must be allowed (no mixed answers)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise Refused(
            "dns", gettext_noop("Domain name %(host)s not found (%(error)s)"), host=host, error=str(exc)
        ) from None
    addresses: list[IPAddress] = []
    for family, _type, _proto, _name, sockaddr in infos:
        if family in (socket.AF_INET, socket.AF_INET6):
            # (mypy) for AF_INET and AF_INET6, getaddrinfo's address is a str
            addresses.append(ipaddress.ip_address(sockaddr[0].split("%")[0]))  # type: ignore[union-attr]
    if not addresses:
        raise Refused("dns", gettext_noop("No address found for %(host)s"), host=host)
    for ip in addresses:
        if not address_allowed(ip, allow_loopback, allow_nat64):
            raise Refused(
                "private_address",
                gettext_noop("Checking internal or private network addresses is not allowed (%(host)s → %(ip)s)"),
                host=host,
                ip=str(ip),
            )
    # Prefer IPv4 (many government sites publish AAAA records that do not answer).
    addresses.sort(key=lambda a: a.version)
    return str(addresses[0])
