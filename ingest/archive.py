"""The archive: every file read is kept byte for byte, a loaded one in archive/<load_id>/ with its
load.json manifest (what `pbk rebuild` reloads from), a rejected or refused one in
archive/rejected/<load_id>/. A loaded file's copy is in place and durable before its batch commits
(a hard link to the private copy taken at intake, or a verified copy on another filesystem), and
removed again if the batch does not commit."""
from __future__ import annotations

import datetime as dt
import errno
import hashlib
import json
import os
import shutil
from pathlib import Path

from . import faults
from .intake import Taken, printable
from .results import FileResult
from base.files import fsync_path


def archive_copy(taken: Taken, dest_dir: Path, name: str) -> Path:
    """Put the private copy's bytes at dest_dir/name, durable, before the batch commits. The copy
    was fsync'd and hashed as it was written (intake.take), so on the same filesystem the archive
    entry is a hard link to it: no second write of a national file (3 GB, 8 s at SF 1). An archive
    on another filesystem (a mount of its own) gets a copy, verified against the sha256 taken when
    the file was read: a short copy (disk full) raises and leaves nothing behind."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / name
    partial = dest_dir / f".{name}.partial"
    try:
        partial.unlink(missing_ok=True)
        if not _linked(taken.copy, partial):
            _copy_verified(taken, partial, name)
        if partial.stat().st_size != taken.bytes:
            raise OSError(f"archive copy of {printable(name)} has {partial.stat().st_size:,} "
                          f"bytes, the file read {taken.bytes:,}")
        os.replace(partial, dest)
        fsync_path(dest_dir)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return dest


def _linked(source: Path, target: Path) -> bool:
    """Hard-link source at target; False where a link cannot be made (another filesystem, one
    without hard links), or when the disk-full fault test asks for the copying path."""
    if faults.archive_full_after() is not None:
        return False
    try:
        os.link(source, target)
    except OSError as exc:
        if exc.errno in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP):
            return False
        raise
    return True


def _copy_verified(taken: Taken, partial: Path, name: str) -> None:
    full_after = faults.archive_full_after()
    with open(taken.copy, "rb") as src, open(partial, "wb") as dst:
        digest, written = hashlib.sha256(), 0
        while chunk := src.read(1 << 20):
            if full_after is not None and written + len(chunk) > full_after:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(partial))
            dst.write(chunk)
            digest.update(chunk)
            written += len(chunk)
        dst.flush()
        os.fsync(dst.fileno())
    if digest.hexdigest() != taken.sha256:
        raise OSError(f"archive copy of {printable(name)} does not match the file read "
                      f"(sha256 {digest.hexdigest()[:12]} vs {taken.sha256[:12]})")


MANIFEST = "load.json"   # beside each loaded file in archive/<load_id>/


def write_manifest(dest_dir: Path, result: FileResult, kind_option: str | None,
                   sheet: str | None, started: dt.datetime) -> None:
    """What `pbk rebuild` needs to load the archived file again exactly as it was loaded."""
    doc = {"load_id": result.load_id, "source_file": result.file, "sha256": result.sha256,
           "kind": result.kind, "kind_option": kind_option, "sheet": sheet,
           "started_at": started.isoformat(), "rows_loaded": result.rows_loaded,
           "rows_quarantined": result.rows_quarantined}
    tmp = dest_dir / f".{MANIFEST}.partial"
    with open(tmp, "w") as fh:
        json.dump(doc, fh, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, dest_dir / MANIFEST)


def set_aside(path: Path, dest_dir: Path) -> Path:
    """Move a refused entry (symlink, FIFO) out of landing as it is, without opening it."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / path.name
    os.rename(path, dest)
    return dest


def discard_copy(archived_to: str) -> None:
    """Remove the archive copy of a batch that did not commit (its whole archive/<load_id>/)."""
    shutil.rmtree(Path(archived_to).parent, ignore_errors=True)
