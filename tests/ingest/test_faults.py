"""Bad nights in landing, with real processes: a poison file set aside while the night goes on,
files still being written when a run starts, a disk that fills up while a file is taken or
archived, a FIFO, and names that try to forge terminal lines. The bad nights of a whole `pbk run`
are in tests/orchestration/test_faults.py."""
from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import threading
import time
from pathlib import Path

from tests.support.hostile_corpus import HEADER, csv_text, row
from ingest.loader import ingest_landing
from base.settings import paths
from tests.support.processes import PBK, REPO, env_for, query


def test_poison_file_is_set_aside_and_the_night_goes_on(tmp_path):
    home = tmp_path / "home"
    (home / "landing").mkdir(parents=True)
    (home / "landing" / "a_poison.csv").write_text(csv_text([row(i) for i in range(1, 11)]))
    (home / "landing" / "b_good.csv").write_text(csv_text([row(i) for i in range(11, 21)]))
    env = env_for(home, PBK_FAULT_CRASH_ON="a_poison.csv")
    first = subprocess.run(PBK + ["ingest", "--json"], cwd=REPO, env=env, capture_output=True,
                           text=True, timeout=300)
    assert first.returncode == 1   # an internal error is reported as one
    got = {r["file"]: r for r in json.loads(first.stdout)}
    assert got["b_good.csv"]["status"] == "loaded" and got["b_good.csv"]["rows_loaded"] == 10
    assert got["a_poison.csv"]["status"] == "rejected"
    assert got["a_poison.csv"]["reason"] == ("internal error (please report it): RuntimeError: "
                                             "injected loader fault on a_poison.csv")
    assert sorted(os.listdir(home / "landing")) == []   # set aside: the next night is not blocked
    [set_aside] = list((home / "archive" / "rejected").glob("*/a_poison.csv"))
    assert set_aside.read_text() == csv_text([row(i) for i in range(1, 11)])
    second = subprocess.run(PBK + ["ingest", "--json"], cwd=REPO, env=env, capture_output=True,
                            text=True, timeout=300)
    assert (second.returncode, json.loads(second.stdout)) == (0, [])


def test_disk_full_while_taking_a_file_leaves_no_trace_and_says_so(tmp_path):
    home = tmp_path / "home"
    (home / "landing").mkdir(parents=True)
    big = home / "landing" / "big.csv"
    with open(big, "w") as fh:
        fh.write(",".join(HEADER) + "\n")
        for i in range(1, 200_001):
            fh.write(",".join(row(i)) + "\n")
    size = big.stat().st_size
    assert size > 12_000_000

    def limit_file_size():   # a write past 12 MB fails with EFBIG, as a full disk fails ENOSPC
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (12_000_000, 12_000_000))

    proc = subprocess.run(PBK + ["ingest", "--json"], cwd=REPO, env=env_for(home),
                          capture_output=True, text=True, timeout=300, preexec_fn=limit_file_size)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert json.loads(proc.stdout)["error"].startswith("File too large")
    assert big.stat().st_size == size                       # the file waits in landing
    assert not (home / "archive").exists() or not any((home / "archive").rglob("*.csv"))
    assert query(home / "warehouse.duckdb",
                 "SELECT count(*) FROM ops.load_log WHERE status = 'loaded'") == [(0,)]
    assert query(home / "warehouse.duckdb", "SELECT count(*) FROM raw.realization") == [(0,)]
    proc = subprocess.run(PBK + ["ingest", "--json"], cwd=REPO, env=env_for(home),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and json.loads(proc.stdout)[0]["rows_loaded"] == 200_000


def test_disk_full_while_archiving_rolls_the_batch_back(tmp_path):
    home = tmp_path / "home"
    (home / "landing").mkdir(parents=True)
    f = home / "landing" / "real.csv"
    f.write_text(csv_text([row(i) for i in range(1, 30001)]))
    env = env_for(home, PBK_FAULT_ARCHIVE_FULL_AFTER="1000000")
    proc = subprocess.run(PBK + ["ingest", "--json"], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert json.loads(proc.stdout)["error"].startswith("No space left on device")
    assert f.exists()
    assert query(home / "warehouse.duckdb", "SELECT count(*) FROM raw.realization") == [(0,)]
    assert query(home / "warehouse.duckdb",
                 "SELECT count(*) FROM ops.load_log WHERE status = 'loaded'") == [(0,)]
    assert not any(p.is_file() for p in (home / "archive").rglob("*"))   # no partial copy
    proc = subprocess.run(PBK + ["ingest", "--json"], cwd=REPO, env=env_for(home),
                          capture_output=True, text=True, timeout=300)
    [r] = json.loads(proc.stdout)
    assert (proc.returncode, r["rows_loaded"]) == (0, 30000)
    [(archived, sha)] = query(home / "warehouse.duckdb",
                              "SELECT archived_to, source_sha256 FROM ops.load_log "
                              "WHERE status = 'loaded'")
    import hashlib
    assert hashlib.sha256(Path(archived).read_bytes()).hexdigest() == sha


def test_archive_entry_is_a_link_to_the_copy_taken_or_a_verified_copy_elsewhere(tmp_path,
                                                                                 monkeypatch):
    import errno
    import hashlib

    from ingest import archive
    from ingest.intake import take

    source = tmp_path / "real.csv"
    source.write_text(csv_text([row(i) for i in range(1, 101)]))
    taken = take(source, tmp_path / "tmp")
    linked = archive.archive_copy(taken, tmp_path / "archive" / "L1", "real.csv")
    # same filesystem: the archive entry is the private copy's inode, nothing written twice
    assert linked.stat().st_ino == taken.copy.stat().st_ino
    assert linked.stat().st_nlink == 2

    def cross_device(src, dst):   # what os.link raises when archive/ is another mount
        raise OSError(errno.EXDEV, os.strerror(errno.EXDEV), str(dst))

    monkeypatch.setattr(archive.os, "link", cross_device)
    copied = archive.archive_copy(taken, tmp_path / "archive" / "L2", "real.csv")
    assert copied.stat().st_ino != taken.copy.stat().st_ino
    assert hashlib.sha256(copied.read_bytes()).hexdigest() == taken.sha256
    assert sorted(p.name for p in copied.parent.iterdir()) == ["real.csv"]   # no .partial left


def test_file_still_being_written_waits_for_a_later_run(tmp_path, monkeypatch):
    home = paths(tmp_path / "home").ensure()
    monkeypatch.setenv("PBK_SETTLE_SECONDS", "1.5")
    target = home.landing / "real.csv"
    stop = threading.Event()

    def upload():   # an upload tool writing in place, a few rows at a time
        with open(target, "w") as fh:
            fh.write(",".join(HEADER) + "\n")
            i = 0
            while not stop.is_set():
                for _ in range(50):
                    i += 1
                    fh.write(",".join(row(i)) + "\n")
                fh.flush()
                time.sleep(0.1)
        return i

    writer = threading.Thread(target=upload)
    writer.start()
    time.sleep(0.5)
    try:
        assert ingest_landing(home) == []          # still changing after the settle wait
        assert target.exists()
    finally:
        stop.set()
        writer.join()
    rows_written = len(target.read_text().splitlines()) - 1
    time.sleep(1.6)
    [r] = ingest_landing(home)
    assert (r.status, r.rows_read, r.rows_loaded) == ("loaded", rows_written, rows_written)
    assert not target.exists()
    archived = Path(r.archived_to)
    assert len(archived.read_text().splitlines()) - 1 == rows_written
    import hashlib
    assert hashlib.sha256(archived.read_bytes()).hexdigest() == r.sha256


def test_file_names_cannot_forge_status_lines(tmp_path):
    home = tmp_path / "home"
    (home / "landing").mkdir(parents=True)
    name = "real\n  2026-01-01  \x1b[32mforged.csv"
    (home / "landing" / name).write_text(csv_text([row(1)]))
    subprocess.run(PBK + ["ingest"], cwd=REPO, env=env_for(home), capture_output=True,
                   timeout=300)
    status = subprocess.run(PBK + ["status"], cwd=REPO, env=env_for(home), capture_output=True,
                            text=True, timeout=300)
    assert status.returncode == 0
    assert "\x1b" not in status.stdout
    assert "real\\n  2026-01-01  \\x1b[32mforged.csv" in status.stdout
    assert not any(line.lstrip().startswith("2026-01-01") for line in status.stdout.splitlines())


def test_fifo_in_landing_never_blocks_and_is_set_aside(tmp_path):
    from orchestration.landing import scan_landing

    home = paths(tmp_path / "home").ensure()
    os.mkfifo(home.landing / "pipe.csv")
    (home.landing / "real.csv").write_text(csv_text([row(i) for i in range(1, 6)]))
    found = {f.name: f.kind for f in scan_landing(home)}      # returns: nothing was opened
    assert found == {"pipe.csv": None, "real.csv": "realization"}
    proc = subprocess.run(PBK + ["ingest", "--json"], cwd=REPO, env=env_for(home.home),
                          capture_output=True, text=True, timeout=120)
    got = {r["file"]: r for r in json.loads(proc.stdout)}
    assert proc.returncode == 2
    assert got["real.csv"]["rows_loaded"] == 5
    assert got["pipe.csv"]["reason"].startswith("a FIFO (named pipe), not a regular file")
    assert os.listdir(home.landing) == []
    [aside] = list((home.archive / "rejected").glob("*/pipe.csv"))
    assert aside.is_fifo()
