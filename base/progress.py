"""What a long step is doing, for the person watching: each stage reports its step and phase here
(`report`), and whoever runs the pipeline decides where that goes (`showing`). By default it goes
nowhere: the Dagster UI, the daemon and library callers see nothing extra; the `pbk` command shows
it on a terminal (pbk/progress_display.py) and never in `--json` output.

A report is a step ("ingest budget.csv", "dbt build", "publish"), a phase of it ("typing
5,411 rows"), and optionally how far it is (done of total). `finished` closes a step with its
outcome, so a display can leave one line per finished step.
"""
from __future__ import annotations

import contextlib
import threading
from typing import Protocol


class ProgressSink(Protocol):
    def update(self, step: str, phase: str, done: int | None, total: int | None) -> None: ...

    def finished(self, step: str, outcome: str) -> None: ...


_sink: ProgressSink | None = None
_lock = threading.Lock()


def report(step: str, phase: str = "", done: int | None = None, total: int | None = None) -> None:
    sink = _sink
    if sink is not None:
        with _lock:
            sink.update(step, phase, done, total)


def finished(step: str, outcome: str = "done") -> None:
    sink = _sink
    if sink is not None:
        with _lock:
            sink.finished(step, outcome)


@contextlib.contextmanager
def showing(sink: ProgressSink | None):
    """Send every report of the block to `sink` (None: nowhere)."""
    global _sink
    before, _sink = _sink, sink
    try:
        yield sink
    finally:
        _sink = before
