"""
One try of one delivery (HTTP), and when to try again.

TLDR: a POST of the exact body bytes with the signed headers, no redirects followed, connect and read timeouts, at
most 64 KiB of the answer read; a 2xx is a success, anything else (another status, a timeout, a refused
connection, a blocked address) a failure to retry after :func:`retry_delay`: doubling from the base, capped, with
"equal jitter" (between half and all of the doubled wait), so receivers coming back are not hit by every sender at
once and the wait still grows.
"""

from __future__ import annotations

import random
from datetime import datetime

import requests

from .data import AttemptOutcome, OutgoingMessage
from .signing import signed_headers
from .urlguard import BlockedURLError, check_url

READ_LIMIT = 64 * 1024
USER_AGENT = "ve-edu-vault-webhooks/1"


def retry_delay(attempts: int, *, base: float, cap: float, rng: random.Random | None = None) -> float:
    """Seconds to wait after the ``attempts``-th failed try (1 for the first)."""
    ceiling = min(cap, base * (2 ** max(attempts - 1, 0)))
    return (rng or random).uniform(ceiling / 2, ceiling)


def send(
    message: OutgoingMessage, *, at: datetime, timeout: float, session: requests.Session | None = None
) -> AttemptOutcome:
    """POST ``message`` now; never raises for what the receiver or the network does."""
    try:
        check_url(message.url)
    except BlockedURLError as exc:
        return AttemptOutcome(ok=False, error=f"blocked: {exc}")
    headers = {**signed_headers(message.message_id, message.body, message.secrets, at=at), "user-agent": USER_AGENT}
    http = session or requests
    try:
        response = http.post(
            message.url,
            data=message.body,
            headers=headers,
            timeout=(timeout, timeout),
            allow_redirects=False,
            stream=True,
        )
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
