"""
One try of one delivery (HTTP), and when to try again.

TLDR: a POST of the exact body bytes with the signed headers, no redirects followed, connect and read timeouts, at
most 64 KiB of the answer read; a 2xx is a success, anything else (another status, a timeout, a refused
connection, a blocked address) a failure to retry after :func:`retry_delay`: doubling from the base, capped, with
"equal jitter" (between half and all of the doubled wait), so receivers coming back are not hit by every sender at
once and the wait still grows. Connections are made by :class:`GuardedAdapter`: the receiver's name is resolved
once per new connection, every address checked (``urlguard``) and the socket opened to a checked address, so a
name that rebinds between a check and the connection cannot reach a private address; TLS still verifies the
certificate against the name.
"""

from __future__ import annotations

import random
import socket
from datetime import datetime
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from .data import AttemptOutcome, OutgoingMessage
from .signing import signed_headers
from .urlguard import BlockedURLError, allowed_addresses, check_form

READ_LIMIT = 64 * 1024
USER_AGENT = "ve-edu-vault-webhooks/1"


class _Guarded:
    """Mixed into urllib3's connections: open the socket to an address resolved and checked here, once.

    urllib3 connects to ``_dns_host`` and uses ``host`` for the Host header, SNI and certificate checks
    (``urllib3/connection.py``, ``HTTPConnection._new_conn``): only the address the socket goes to changes."""

    _dns_host: str
    port: int

    def _new_conn(self) -> socket.socket:
        name = self._dns_host
        addresses = allowed_addresses(name, self.port)
        last: Exception | None = None
        for address in addresses:
            self._dns_host = address
            try:
                return super()._new_conn()  # type: ignore[misc,no-any-return]
            except OSError as exc:  # urllib3's connection errors; try the next checked address
                last = exc
            finally:
                self._dns_host = name
        assert last is not None
        raise last


class _GuardedHTTPConnection(_Guarded, HTTPConnection):
    pass


class _GuardedHTTPSConnection(_Guarded, HTTPSConnection):
    pass


class _GuardedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    """A requests adapter whose connections go only to addresses ``urlguard`` allowed (see the module's TLDR)."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _GuardedHTTPPool, "https": _GuardedHTTPSPool}


def guarded_session() -> requests.Session:
    """A session for deliveries: no proxies from the environment, connections through :class:`GuardedAdapter`."""
    session = requests.Session()
    session.trust_env = False  # a proxy would resolve the name itself: the check would not bind the connection
    adapter = GuardedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def retry_delay(attempts: int, *, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Seconds to wait after the ``attempts``-th failed try (1 for the first)."""
    ceiling = min(cap, base * (2 ** max(attempts - 1, 0)))
    return (rng or random).uniform(ceiling / 2, ceiling)


def send(message: OutgoingMessage, *, at: datetime, timeout: float, session: requests.Session) -> AttemptOutcome:
    """POST ``message`` now through ``session`` (:func:`guarded_session`); never raises for what the receiver or
    the network does."""
    try:
        check_form(message.url)
    except BlockedURLError as exc:
        return AttemptOutcome(ok=False, error=f"blocked: {exc}")
    headers = {**signed_headers(message.message_id, message.body, message.secrets, at=at), "user-agent": USER_AGENT}
    try:
        response = session.post(
            message.url,
            data=message.body,
            headers=headers,
            timeout=(timeout, timeout),
            allow_redirects=False,
            stream=True,
        )
    except BlockedURLError as exc:  # raised by the guarded connection: nothing was sent
        return AttemptOutcome(ok=False, error=f"blocked: {exc}")
    except requests.RequestException as exc:
        return AttemptOutcome(ok=False, error=f"{type(exc).__name__}: {exc}"[:2000])
    keep = False
    try:
        raw = response.raw.read(READ_LIMIT + 1, decode_content=True) or b""
        keep = len(raw) <= READ_LIMIT  # read to its end: the connection can serve the next delivery
    except Exception as exc:  # a broken answer after the status line: the status still counts
        raw = f"(answer unreadable: {type(exc).__name__})".encode()
    finally:
        if keep:
            response.raw.release_conn()
        else:
            response.close()  # an answer longer than we read: drop the connection rather than drain it
    raw = raw[:READ_LIMIT]
    body = raw.decode("utf-8", errors="replace")
    ok = 200 <= response.status_code < 300
    return AttemptOutcome(
        ok=ok, status=response.status_code, body=body, error="" if ok else f"HTTP {response.status_code}"
    )
