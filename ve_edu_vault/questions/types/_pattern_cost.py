"""
What compiling an author's regular expression will cost, estimated before the ``regex`` module compiles it.

TLDR: the ``regex`` module unrolls counted repeats when it compiles. ``(?:(?:a{300}){300}){300}`` is 24
characters, and compiling it took over 20 s and 6 GB of memory (stopped there); a compile cannot be interrupted
(the matching time limit does not apply to it). :func:`pattern_weight` estimates the size of the
compiled program: every atom weighs 1, a sequence or an alternation the sum of its items, and an
item repeated at least ``n`` times (``{n}``, ``{n,}``, ``{n,m}``) ``n`` times its weight. Measured on
regex 2026.11: ``(?:a{1000}){1000}`` (weight 10^6) takes a second and 280 MB, ``(?:a{100}){100}``
(10^4) 24 ms; a weight of a few thousand compiles in microseconds. Unbounded repeats (``*``, ``+``,
``{0,n}``) are loops, not unrolled, and weigh nothing extra.

The scan over-estimates rather than under-estimates where it does not follow the syntax exactly
(a POSIX class inside a set ends the set early for it, so more of the pattern counts as structure).
What it cannot follow it refuses: verbose mode (``(?x)``, where ``#`` starts a comment that could hide
brackets) and version 1 syntax (``(?V1)``, nested sets), neither of which capa patterns use.
"""

from __future__ import annotations

import re

__all__ = ["PatternRefused", "pattern_weight"]

_QUANTIFIER = re.compile(r"\{(\d*)(?:,\d*)?\}")
_INLINE_FLAGS = re.compile(r"\(\?([A-Za-z0-9-]+)[:)]")
_BRACED_ESCAPES = frozenset("pPNxXgkL")  # \p{Letter}, \N{name}, \x{263a}, \g<name>, \L<list> ...


class PatternRefused(ValueError):
    """The pattern uses syntax whose cost cannot be estimated (its message says which)."""


def _skip_set(pattern: str, start: int) -> int:
    """The index after the set ``[...]`` opening at ``start`` (``]`` first in the set is literal)."""
    index = start + 1
    if pattern.startswith("^", index):
        index += 1
    if pattern.startswith("]", index):
        index += 1
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char == "]":
            return index + 1
        index += 1
    return len(pattern)


def _escape_end(pattern: str, start: int) -> int:
    """The index after the escape starting at ``start`` (a backslash), braces or brackets included."""
    end = start + 2
    if end < len(pattern) and pattern[start + 1] in _BRACED_ESCAPES and pattern[end] in "{<":
        close = pattern.find("}" if pattern[end] == "{" else ">", end)
        return len(pattern) if close < 0 else close + 1
    return end


def _check_flags(pattern: str, start: int) -> None:
    match = _INLINE_FLAGS.match(pattern, start)
    if match is None:
        return
    turned_on = match.group(1).split("-", 1)[0]
    if "x" in turned_on:
        raise PatternRefused("Verbose mode (?x) is not supported in patterns.")
    if "V1" in turned_on:
        raise PatternRefused("Version 1 syntax (?V1) is not supported in patterns.")


def pattern_weight(pattern: str) -> int:
    """The estimated size of ``pattern`` once compiled (see the module docstring); :class:`PatternRefused`."""
    # One frame per open group: [weight of the finished items, weight of the last item (a repeat applies to it)].
    frames: list[list[int]] = [[0, 0]]

    def item(weight: int) -> None:
        frame = frames[-1]
        frame[0] += frame[1]
        frame[1] = weight

    index, length = 0, len(pattern)
    while index < length:
        char = pattern[index]
        if char == "\\":
            index = _escape_end(pattern, index)
            item(1)
        elif char == "[":
            index = _skip_set(pattern, index)
            item(1)
        elif char == "(":
            if pattern.startswith("(?#", index):  # a comment, up to the first ")"
                close = pattern.find(")", index)
                index = length if close < 0 else close + 1
                continue
            _check_flags(pattern, index)
            frames.append([0, 0])
            index += 1
        elif char == ")":
            if len(frames) > 1:
                done, last = frames.pop()
                item(done + last)
            index += 1
        elif char == "|":
            frame = frames[-1]
            frame[0] += frame[1]
            frame[1] = 0
            index += 1
        elif char == "{" and (quantifier := _QUANTIFIER.match(pattern, index)) is not None:
            frames[-1][1] *= max(1, int(quantifier.group(1) or 0))
            index = quantifier.end()
        else:
            item(1)
            index += 1
    while len(frames) > 1:  # unclosed groups (the compiler refuses them): count what they hold
        done, last = frames.pop()
        item(done + last)
    return frames[0][0] + frames[0][1]
