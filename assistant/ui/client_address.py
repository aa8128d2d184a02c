"""Who a request really comes from, for the sign-in back-off.

Behind a reverse proxy every request reaches the server from the proxy's address, so a
back-off keyed on it would make one reporter's typos lock out the whole desk. The proxy
says who it forwarded for in X-Forwarded-For; that header is believed only when the
request comes from a proxy listed in serve.trusted_proxies (anyone else could write it
to dodge the back-off). Addresses are read right to left: each trusted proxy appends
the address it saw, so the first untrusted one from the right is the client.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.datastructures import Headers
from starlette.types import Scope

from assistant.errors import AssistantError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """serve.trusted_proxies ('10.0.0.5', '10.0.0.0/24', '::1') as networks."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as exc:
            raise AssistantError(
                f"serve.trusted_proxies: '{entry}' is not an address or network.",
                hint="List proxy addresses or networks, e.g. 127.0.0.1 or 10.0.0.0/24.",
            ) from exc
    return tuple(networks)


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(scope: Scope, networks: tuple[Network, ...]) -> str:
    """The client's address: the peer, or, when the peer is a trusted proxy, the
    rightmost X-Forwarded-For address that is not itself a trusted proxy."""
    peer = str((scope.get("client") or ("?", 0))[0])
    if not networks or not _trusted(peer, networks):
        return peer
    forwarded = Headers(scope=scope).getlist("x-forwarded-for")
    hops = [hop.strip() for line in forwarded for hop in line.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            return hop
    return hops[0] if hops else peer
