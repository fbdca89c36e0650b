"""
Receiver URLs must not reach the vault's own network (SSRF): only public addresses, unless an operator allows more.

TLDR: :func:`check_url` refuses a URL that is not http(s), has credentials, or whose host resolves to any address
that is not global (private, loopback, link-local, reserved, multicast) and not inside
``VE_EDU_VAULT_WEBHOOK_ALLOWED_NETWORKS``. It runs when a subscription is saved. At delivery, :func:`check_form`
checks the URL's form and the connection itself resolves the name once through :func:`allowed_addresses` and
connects to an address it just checked (``outbound.GuardedAdapter``): a name that answers a public address to a
check and a private one to the connection (DNS rebinding) never gets the connection. Deliveries never follow
redirects.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from ve_edu_vault import conf

__all__ = ["BlockedURLError", "allowed_addresses", "check_form", "check_url"]


class BlockedURLError(ValueError):
    """The URL is not one deliveries may go to (the message says why)."""


def _allowed(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    for network in conf.webhook_allowed_networks():
        if address in ipaddress.ip_network(network, strict=False):
            return True
    return address.is_global and not address.is_multicast


def check_form(url: str) -> tuple[str, int]:
    """The host and port of ``url``, or :class:`BlockedURLError` unless it is http(s) with a host and no credentials."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise BlockedURLError(_("This is not a valid URL.")) from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BlockedURLError(_("A webhook URL must start with http:// or https:// and name a host."))
    if parts.username or parts.password:
        raise BlockedURLError(_("A webhook URL must not carry a user name or password."))
    return parts.hostname, port or (443 if parts.scheme == "https" else 80)


def allowed_addresses(host: str, port: int) -> list[str]:
    """Resolve ``host`` once; its addresses if every one is allowed, else :class:`BlockedURLError`."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise BlockedURLError(_("The host of this URL cannot be resolved.")) from exc
    addresses = []
    for info in infos:
        text = str(info[4][0]).split("%", 1)[0]
        address = ipaddress.ip_address(text)
        if not _allowed(address):
            raise BlockedURLError(
                _("This URL resolves to {address}, a private or reserved address webhooks may not reach.").format(
                    address=address
                )
            )
        if text not in addresses:
            addresses.append(text)
    return addresses


def check_url(url: str) -> None:
    """Raise :class:`BlockedURLError` unless ``url`` is http(s) and every address of its host is allowed."""
    allowed_addresses(*check_form(url))
