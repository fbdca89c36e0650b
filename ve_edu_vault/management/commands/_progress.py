"""A text progress bar for long commands, on stderr (stdout stays the command's report, e.g. ``--json``)."""

from __future__ import annotations

import time
from typing import Any


class ProgressBar:
    """``bar(done, total)``: redrawn in place on a terminal, one line per tenth otherwise (logs stay short)."""

    def __init__(self, stream: Any, label: str, *, width: int = 30) -> None:
        self.stream = stream
        self.label = label
        self.width = width
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self._last_tenth = -1
        self._last_draw = 0.0

    def __call__(self, done: int, total: int) -> None:
        total = max(total, 1)
        done = min(done, total)
        filled = round(self.width * done / total)
        line = f"{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {done}/{total}"
        if self.tty:
            now = time.monotonic()
            if done == total or now - self._last_draw > 0.1:
                self._last_draw = now
                self.stream.write("\r" + line + ("\n" if done == total else ""))
                self.stream.flush()
            return
        tenth = 10 * done // total
        if tenth != self._last_tenth:
            self._last_tenth = tenth
            self.stream.write(line + "\n")
