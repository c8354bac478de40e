"""The warehouse resource (PBK_HOME, the one-writer lock) and the retry rule for transient errors."""
from __future__ import annotations

import contextlib
import fcntl
import os
import random
import time
from pathlib import Path
from typing import Iterator

from dagster import ConfigurableResource, InitResourceContext, RetryRequested
from pydantic import PrivateAttr

from base.settings import Paths, paths

# A step that hits a transient error is retried this many times, waiting
# RETRY_BASE_SECONDS * 2**attempt (+-25 % jitter) in between: 10 s, 20 s, 40 s.
MAX_RETRIES = 3
RETRY_BASE_SECONDS = float(os.environ.get("PBK_RETRY_BASE_SECONDS", "10"))

# What a transient failure looks like: another process holds the DuckDB file (a BI tool or `pbk
# status` reading the warehouse directly), the disk was momentarily full, a file was busy.
TRANSIENT_MARKERS = (
    "could not set lock on file",
    "conflicting lock is held",
    "database is locked",
    "resource temporarily unavailable",
    "no space left on device",
    "text file busy",
    "connection reset",
    "timed out",
)


def is_transient(exc: BaseException | str) -> bool:
    text = str(exc).lower()
    if any(marker in text for marker in TRANSIENT_MARKERS):
        return True
    cause = getattr(exc, "__cause__", None) if not isinstance(exc, str) else None
    return cause is not None and is_transient(cause)


def backoff_seconds(retry_number: int) -> float:
    return RETRY_BASE_SECONDS * (2 ** retry_number) * random.uniform(0.75, 1.25)


def retry_if_transient(context, exc: BaseException) -> None:
    """Raise RetryRequested (with exponential backoff) when exc is transient; else return, and the
    caller re-raises: a data error is not retried."""
    if is_transient(exc):
        wait = backoff_seconds(context.retry_number)
        context.log.warning(f"transient error, retry {context.retry_number + 1} of {MAX_RETRIES} "
                            f"in {wait:.0f} s: {exc}")
        raise RetryRequested(max_retries=MAX_RETRIES, seconds_to_wait=wait) from exc


class WarehouseLockTimeout(RuntimeError):
    pass


@contextlib.contextmanager
def warehouse_lock(home: Path, timeout: float | None = None, on_wait=None) -> Iterator[None]:
    """Exclusive lock on $PBK_HOME/warehouse.lock: one writing run per warehouse. Blocks until the
    holder finishes (or raises WarehouseLockTimeout after `timeout` seconds). The lock is released
    by the kernel if the holder dies, so a killed run never wedges the next one."""
    path = paths(home).lock
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            if on_wait:
                on_wait(holder)
            started = time.monotonic()
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if timeout is not None and time.monotonic() - started > timeout:
                        raise WarehouseLockTimeout(
                            f"the warehouse in {home} is being written by another run ({holder}) "
                            f"for more than {timeout:.0f} s") from None
                    time.sleep(0.5)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} since {time.strftime('%Y-%m-%d %H:%M:%S')}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


def _read_holder(fd: int) -> str:
    try:
        return os.pread(fd, 200, 0).decode(errors="replace").strip() or "unknown holder"
    except OSError:
        return "unknown holder"


class WarehouseResource(ConfigurableResource):
    """The runtime directory (PBK_HOME) of the warehouse a run writes.

    For the duration of a run (the jobs use the in-process executor, so the resource is set up once
    per run) it holds the exclusive warehouse lock: a second run, say `pbk run` started while the
    nightly schedule runs, waits for the first instead of failing on DuckDB's file lock."""

    home: str
    lock_timeout_seconds: float = 6 * 3600.0
    engine: str = "duckdb"
    """What builds the dbt project: duckdb (dbt-duckdb, the warehouse file) or spark (dbt-spark on
    the raw batches as Parquet; orchestration/engines.py, docs/spark.md). Default PBK_ENGINE."""

    _held: contextlib.ExitStack | None = PrivateAttr(default=None)

    @property
    def paths(self) -> Paths:
        return paths(self.home)

    def setup_for_execution(self, context: InitResourceContext) -> None:
        stack = contextlib.ExitStack()
        log = context.log

        def waiting(holder: str) -> None:
            if log:
                log.info(f"warehouse busy ({holder}); waiting for the other run to finish")

        stack.enter_context(warehouse_lock(self.paths.home, self.lock_timeout_seconds, waiting))
        self._held = stack

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        if self._held is not None:
            self._held.close()
            self._held = None
