"""
The JSON parser of every vault endpoint: DRF's, refusing bodies nested deeper than :data:`MAX_DEPTH`.

TLDR: Python's ``json`` module recurses once per ``[`` or ``{``; a 50,000-deep body (100 kB) ends
in ``RecursionError`` and a 500 (issue 18, item 5). The body is measured first, in one pass over
its brackets outside strings (regular expressions in C, then a loop over the brackets alone), and
refused with a 400 ``malformed_request`` naming the limit before ``json`` sees it. Nothing the
vault accepts comes close: a question's content is about 6 levels deep, an answer at most
``questions.answers.MAX_DEPTH`` (10) inside ``answers`` / response / part.
"""

from __future__ import annotations

import io
import re
from typing import IO, Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

#: The deepest nesting of arrays and objects a request body may have.
MAX_DEPTH = 64

# A JSON string (escapes included), then the brackets left outside strings.
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(rb"[\[\]{}]")
_OPENING = frozenset((b"[", b"{"))


def nesting_depth(raw: bytes, *, stop_above: int | None = None) -> int:
    """
    The deepest nesting of ``[`` and ``{`` in a JSON text (counting stops once past ``stop_above``).

    Brackets inside strings do not count; an unterminated string counts what follows it, so the
    result is never smaller than what ``json`` would recurse into.
    """
    depth = deepest = 0
    for bracket in _BRACKET.findall(_STRING.sub(b"", raw)):
        if bracket in _OPENING:
            depth += 1
            if depth > deepest:
                deepest = depth
                if stop_above is not None and deepest > stop_above:
                    break
        else:
            depth -= 1
    return deepest


class VaultJSONParser(JSONParser):
    """DRF's ``JSONParser`` after a bound on the body's nesting depth."""

    max_depth = MAX_DEPTH

    def parse(self, stream: IO[bytes], media_type: str | None = None, parser_context: Any = None) -> Any:
        raw = stream.read()
        if nesting_depth(raw, stop_above=self.max_depth) > self.max_depth:
            raise ParseError(f"JSON parse error - the body is nested too deeply (at most {self.max_depth} levels).")
        return super().parse(io.BytesIO(raw), media_type, parser_context)
