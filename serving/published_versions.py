"""The versions under `$PBK_HOME/published/` and the switch between them.

Layout::

    versions/<version>/pbk.duckdb           views (or tables) over the Parquet files
                                             (<version> = <UTC publish time>_<check run id>)
    versions/<version>/parquet/<schema>/<table>.parquet   (unchanged tables: hard links to the
                                                            previous version's file)
    versions/<version>/manifest.json         version, run id, tables, row counts, sha256s
    current -> versions/<version>            the one symlink a publish replaces (rename(2))
    pbk.duckdb -> current/pbk.duckdb         stable paths BI tools open
    parquet -> current/parquet
    manifest.json -> current/manifest.json

A new version is written completely into `versions/.tmp-...`, flushed to disk, renamed to
`versions/<version>`, and only then `current` is replaced with `os.replace` of a new symlink: a
reader resolving `published/pbk.duckdb` (or a Parquet path) gets the previous complete version or
the new complete version, never a mix, and a reader holding a connection to the previous version
keeps reading it while that version is kept (files are never modified; an old version is deleted
only when it is neither current nor among the last `keep`).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import shutil
import time
from pathlib import Path

from base.files import fsync_path
from base.settings import paths

KEEP_VERSIONS = 3   # default; PBK_PUBLISH_KEEP_VERSIONS sets it for a warehouse (versions share
                    # the files of unchanged tables; a changed fact table costs its full size)


def versions_to_keep() -> int:
    """How many published versions a publish keeps: PBK_PUBLISH_KEEP_VERSIONS, else KEEP_VERSIONS."""
    raw = os.environ.get("PBK_PUBLISH_KEEP_VERSIONS")
    if raw is None or not raw.strip():
        return KEEP_VERSIONS
    try:
        keep = int(raw)
    except ValueError:
        keep = 0
    if keep < 1:
        raise ValueError(f"PBK_PUBLISH_KEEP_VERSIONS={raw!r}: must be a whole number of at least 1 "
                         "(the version being published is always kept)")
    return keep
DB_NAME = "pbk.duckdb"
STABLE_LINKS = {DB_NAME: f"current/{DB_NAME}", "parquet": "current/parquet",
                "manifest.json": "current/manifest.json"}


def published_dir(home) -> Path:
    return paths(home).published


def current_version_dir(home) -> Path | None:
    """The directory of the current published version (symlink resolved once), or None."""
    link = published_dir(home) / "current"
    if not link.is_symlink() and not link.exists():
        return None
    target = Path(os.path.realpath(link))
    return target if (target / DB_NAME).exists() else None


def current_manifest(home) -> dict | None:
    return manifest_of(current_version_dir(home))


def manifest_of(version_dir: Path | None) -> dict | None:
    """The manifest.json of a version directory (None when there is none or it cannot be read)."""
    if version_dir is None:
        return None
    try:
        return json.loads((version_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


@contextlib.contextmanager
def publish_lock(root: Path):
    """One publish at a time under `root` (an flock, released when the holder dies)."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".publish.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def new_version_id(root: Path, run_id: str | None) -> str:
    """<publish time, UTC>_<check run id>: unique, and name order is publish order."""
    while True:
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        version = "".join(c if c.isalnum() or c in "-_." else "_"
                          for c in f"{stamp}_{run_id or 'unchecked'}")
        if not (root / "versions" / version).exists():
            return version


def staging_dir(root: Path, version: str) -> Path:
    """Where `version` is written before it is complete (hidden from readers and from pruning's
    list of versions; a killed publish leaves it for the next prune)."""
    return root / "versions" / f".tmp-{version}-{os.getpid()}"


def add_version(root: Path, staging: Path, version: str) -> Path:
    """Move a complete, flushed version from its staging directory to versions/<version>."""
    final = root / "versions" / version
    os.rename(staging, final)
    fsync_path(root / "versions")
    return final


def switch_current(root: Path, version: str) -> None:
    """The switch: one rename(2) of a symlink; the stable links point through `current`."""
    _replace_symlink(root / "current", f"versions/{version}")
    for name, target in STABLE_LINKS.items():
        _replace_symlink(root / name, target)
    fsync_path(root)


def _replace_symlink(link: Path, target: str) -> None:
    """Point `link` at `target` atomically (a new symlink renamed over the old entry)."""
    if link.is_symlink() and os.readlink(link) == target:
        return
    if link.exists() and link.is_dir() and not link.is_symlink():
        # a real directory from an older layout: move it aside (one-time)
        link.rename(link.with_name(f".legacy-{link.name}-{time.time_ns()}"))
    tmp = link.with_name(f".{link.name}.tmp-{os.getpid()}-{time.time_ns()}")
    os.symlink(target, tmp)
    os.replace(tmp, link)


def prune_versions(root: Path, keep: int, current: str) -> list[str]:
    """Remove the versions that are neither `current` nor among the last `keep` published, and the
    staging directories of killed publishes (the caller holds the publish lock)."""
    versions = root / "versions"
    removed = []
    for tmp in versions.glob(".tmp-*"):
        shutil.rmtree(tmp, ignore_errors=True)
    for link in [d for d in versions.iterdir() if d.is_symlink()]:
        link.unlink()   # a version's path pointing at its staging directory (a killed publish)

    def published_at(name: str) -> str:
        try:
            return json.loads((versions / name / "manifest.json").read_text())["published_at"]
        except (OSError, ValueError, KeyError):
            return ""

    names = sorted((d.name for d in versions.iterdir() if d.is_dir() and not d.name.startswith(".")),
                   key=lambda n: (published_at(n), n))
    keep_names = set(names[-max(keep, 1):]) | {current}
    for name in names:
        if name not in keep_names:
            shutil.rmtree(versions / name, ignore_errors=True)
            removed.append(name)
    return removed
