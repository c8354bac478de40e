"""Fault injection for the crash-safety tests (tests/ingest/test_faults.py,
tests/orchestration/test_faults.py): each hook does nothing unless its PBK_FAULT_* variable is
set, so the faults are injected into the real loader, not a copy."""
from __future__ import annotations

import os
import time
from pathlib import Path


def pause_before_commit() -> None:
    """Fault injection for the atomicity test: with PBK_FAULT_PAUSE_BEFORE_COMMIT=<flag file>, the
    loader signals that the batch is written but not committed, then waits to be killed."""
    flag = os.environ.get("PBK_FAULT_PAUSE_BEFORE_COMMIT")
    if flag:
        Path(flag).touch()
        time.sleep(120)


def crash_on(name: str) -> None:
    """Fault injection for the poison-file test: PBK_FAULT_CRASH_ON=<file name> makes the loader
    fail on that file as a bug would."""
    if os.environ.get("PBK_FAULT_CRASH_ON") == name:
        raise RuntimeError(f"injected loader fault on {name}")


def archive_full_after() -> int | None:
    """Fault injection for the disk-full test: PBK_FAULT_ARCHIVE_FULL_AFTER=<bytes> makes the
    archive behave as one on another filesystem (copied, not hard-linked) whose disk fills up past
    that many bytes: the copy fails with ENOSPC mid-way."""
    limit = os.environ.get("PBK_FAULT_ARCHIVE_FULL_AFTER")
    return int(limit) if limit else None
