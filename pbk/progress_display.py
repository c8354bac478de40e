"""Where `pbk run`, `pbk demo` and `pbk ingest` show progress (base/progress.py): on a terminal a
live line drawn by rich (the step, its phase, how far) and one line per finished step; otherwise
(a cron job, a log file) one plain timestamped line per phase; with `--json` nothing. Always on
stderr: stdout keeps the results."""
from __future__ import annotations

import contextlib
import datetime as dt
import sys
import time

from base.local_time import wib
from base.progress import showing
from ingest.intake import printable


class PlainLines:
    """One line per phase change, with the time in WIB: readable in a log file."""

    def __init__(self, stream):
        self.stream = stream
        self.last: tuple[str, str] | None = None

    def update(self, step, phase, done, total):
        if (step, phase) == self.last:
            return      # the same phase moving on: no line per row count
        self.last = (step, phase)
        self._line(f"{printable(step)}: {phase}" + (f" ({done:,} of {total:,})"
                                                    if done is not None and total else ""))

    def finished(self, step, outcome):
        self.last = None
        self._line(f"{printable(step)}: {outcome}")

    def _line(self, text: str) -> None:
        now = dt.datetime.now(dt.timezone.utc)
        print(f"[{wib(now)}] {text}", file=self.stream, flush=True)


class LiveLine:
    """A rich status line for the running step, and a line per finished step."""

    def __init__(self, stream):
        from rich.console import Console

        self.console = Console(file=stream, highlight=False, soft_wrap=True)
        self.status = None
        self.started: dict[str, float] = {}

    def update(self, step, phase, done, total):
        self.started.setdefault(step, time.monotonic())
        text = f"[bold]{_markup(printable(step))}[/bold]: {_markup(phase)}"
        if done is not None and total:
            text += f" [dim]{done:,} of {total:,} ({100 * done / total:.0f}%)[/dim]"
        if self.status is None:
            self.status = self.console.status(text)
            self.status.start()
        else:
            self.status.update(text)

    def finished(self, step, outcome):
        seconds = time.monotonic() - self.started.pop(step, time.monotonic())
        self.console.print(f"[green]✓[/green] {_markup(printable(step))}: {_markup(outcome)} "
                           f"[dim]({seconds:.1f} s)[/dim]")

    def stop(self):
        if self.status is not None:
            self.status.stop()


def _markup(text: str) -> str:
    from rich.markup import escape

    return escape(text)


@contextlib.contextmanager
def progress_shown(json_output: bool = False, stream=None):
    """Progress of the block on `stream` (stderr): live on a terminal, plain lines otherwise,
    nothing for --json."""
    stream = stream or sys.stderr
    if json_output:
        with showing(None):
            yield
        return
    sink = LiveLine(stream) if stream.isatty() else PlainLines(stream)
    try:
        with showing(sink):
            yield
    finally:
        if isinstance(sink, LiveLine):
            sink.stop()
