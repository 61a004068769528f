"""Client addresses and allow-lists (IPv4/IPv6 addresses or CIDR ranges from the settings)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache


@lru_cache(maxsize=64)
def networks(entries: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    parsed = []
    for entry in entries:
        try:
            parsed.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ValueError(f"not an IP address or CIDR range: '{entry}'") from None
    return tuple(parsed)


def parse(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    address = (address or "").strip()
    if address.startswith("[") and "]" in address:  # [v6]:port
        address = address[1 : address.index("]")]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:  # ::ffff:127.0.0.1 is 127.0.0.1
        return ip.ipv4_mapped
    return ip


def within(address: str, entries: Iterable[str]) -> bool:
    ip = parse(address)
    if ip is None:
        return False
    return any(ip in net for net in networks(tuple(entries)) if net.version == ip.version)
