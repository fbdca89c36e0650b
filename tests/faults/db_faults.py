"""
Real database failures, injected where the driver runs a statement (``connection.execute_wrapper``).

``failing_statement(pattern, nth)`` makes the ``nth`` statement whose SQL matches ``pattern`` raise the driver
family's ``OperationalError`` instead of running (as a lost connection or a server gone away does mid-transaction);
every other statement, before and after, runs for real.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import OperationalError, connection


@dataclass
class Injection:
    pattern: re.Pattern[str]
    nth: int
    seen: int = 0
    fired: bool = False
    statements: list[str] = field(default_factory=list)

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        if not self.fired and self.pattern.search(sql):
            self.seen += 1
            if self.seen == self.nth:
                self.fired = True
                self.statements.append(sql)
                raise OperationalError(2013, "Lost connection to server during query (injected)")
        return execute(sql, params, many, context)


@contextmanager
def failing_statement(pattern: str, nth: int = 1) -> Iterator[Injection]:
    injection = Injection(re.compile(pattern, re.IGNORECASE | re.DOTALL), nth)
    with connection.execute_wrapper(injection):
        yield injection
    assert injection.fired, f"no statement matched {pattern!r} {nth} times (saw {injection.seen})"
