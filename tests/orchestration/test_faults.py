"""Bad nights of `pbk run`, with real processes and signals: a run killed during dbt (no orphan dbt,
the rerun works at once), no connection off the machine, a warehouse held open by another process
or damaged (errors that name the cause), `pbk rebuild` from the archive alone ending with the same
figures. The bad nights of taking files from landing are in tests/ingest/test_faults.py."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.support.hostile_corpus import csv_text, row

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:dagster_dbt.*")

REPO = Path(__file__).resolve().parents[2]
PBK = [sys.executable, "-m", "pbk.cli"]
FIGURES = ("SELECT count(*), sum(budget_amount), sum(realized_amount) FROM marts.mart_absorption")

# Records every connection a Python process (pbk, and the dbt it starts) opens to anything but
# this machine; the addresses go to $PBK_NET_LOG.
SITECUSTOMIZE = '''
import os, socket
_connect = socket.socket.connect
def _guarded(self, address):
    host = address[0] if isinstance(address, tuple) else str(address)
    if self.family in (socket.AF_INET, socket.AF_INET6) and host not in ("127.0.0.1", "::1", "localhost"):
        with open(os.environ["PBK_NET_LOG"], "a") as fh:
            fh.write(f"{os.getpid()} {address}\\n")
        raise OSError("network disabled in this test")
    return _connect(self, address)
socket.socket.connect = _guarded
'''


def env_for(home: Path, **extra) -> dict:
    return {**os.environ, "PBK_HOME": str(home), "DAGSTER_HOME": str(home / "dagster"),
            "PBK_RETRY_BASE_SECONDS": "0.1", **extra}


def query(db: Path, sql: str):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def drop_sample(home: Path, seed: int = 20251) -> None:
    from pbk.generator.extracts import generate

    sample = home / "sample"
    manifest = generate(sample, scale=0.001, seed=seed, dirty_fraction=0.0)
    (home / "landing").mkdir(parents=True, exist_ok=True)
    for info in manifest["files"].values():
        (sample / info["file"]).replace(home / "landing" / info["file"])


def children_running(pid: int, word: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        state, ppid = fields[0], int(fields[1])
        if ppid == pid and word in cmd and state != "Z":
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        return (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]) != "Z"
    except OSError:
        return False


@pytest.fixture(scope="module")
def night(tmp_path_factory):
    """A run killed (SIGKILL) while dbt builds, then the rerun at once, offline-guarded."""
    base = tmp_path_factory.mktemp("faults")
    home = base / "home"
    drop_sample(home)
    guard = base / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(SITECUSTOMIZE)
    net_log = base / "net.log"
    env = env_for(home, PYTHONPATH=f"{guard}{os.pathsep}{REPO}", PBK_NET_LOG=str(net_log))
    first = subprocess.Popen(PBK + ["run", "--json"], cwd=REPO, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    dbt = []
    deadline = time.time() + 600
    while not dbt and time.time() < deadline and first.poll() is None:
        dbt = children_running(first.pid, "build")
        time.sleep(0.2)
    assert dbt, "dbt build never started"
    time.sleep(1.0)
    first.kill()
    first.communicate()
    time.sleep(1.0)
    orphans = [pid for pid in dbt if alive(pid)]
    # a file whose headers match no kind: `pbk run` says it was rejected (exit 2), as `pbk ingest`
    (home / "landing" / "unknown_headers.csv").write_text("kolom_a,kolom_b\n1,2\n")
    rerun = subprocess.run(PBK + ["run", "--json"], cwd=REPO, env=env, capture_output=True,
                           text=True, timeout=900)
    return home, orphans, rerun, net_log


def test_killed_run_leaves_no_orphan_dbt_and_the_rerun_works_at_once(night):
    home, orphans, rerun, _ = night
    assert orphans == []
    assert rerun.returncode == 2, rerun.stderr[-3000:]
    doc = json.loads(rerun.stdout)
    assert doc["success"] and not doc["errors"]
    [unknown] = doc["ingest"]["unrecognised"]
    assert (unknown["file"], unknown["status"]) == ("unknown_headers.csv", "rejected")
    assert unknown["reason"].startswith("headers match no extract kind")
    assert query(home / "warehouse.duckdb", "SELECT count(*) FROM marts.mart_absorption")[0][0] > 0


def test_nothing_in_a_run_connects_off_the_machine(night):
    _, _, rerun, net_log = night
    assert json.loads(rerun.stdout)["success"]
    assert not net_log.exists() or net_log.read_text() == ""


def test_warehouse_held_open_names_the_holder(night, tmp_path):
    home, *_ = night
    busy = tmp_path / "busy"
    shutil.copytree(home, busy, ignore=shutil.ignore_patterns("dagster"))
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; "
                               "c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
                               "time.sleep(300)", str(busy / "warehouse.duckdb")],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        (busy / "landing").mkdir(exist_ok=True)
        (busy / "landing" / "real.csv").write_text(csv_text([row(1)]))
        ingest = subprocess.run(PBK + ["ingest", "--json"], cwd=REPO, env=env_for(busy),
                                capture_output=True, text=True, timeout=300)
        assert ingest.returncode == 1
        error = json.loads(ingest.stdout)["error"]
        assert error.startswith(f"the warehouse {busy / 'warehouse.duckdb'} is open in process "
                                f"{holder.pid}")
        assert (busy / "landing" / "real.csv").exists()   # nothing taken
        status = subprocess.run(PBK + ["status"], cwd=REPO, env=env_for(busy),
                                capture_output=True, text=True, timeout=300)
        assert status.returncode == 0, status.stderr
        assert f"note: the warehouse {busy / 'warehouse.duckdb'} is open in process" in status.stdout
        assert "Traceback" not in status.stdout + status.stderr
        run = subprocess.run(PBK + ["run", "--json"], cwd=REPO, env=env_for(busy),
                             capture_output=True, text=True, timeout=600)
        assert run.returncode == 1
        errors = json.loads(run.stdout)["errors"]
        assert any(f"is open in process {holder.pid}" in e for e in errors), errors
    finally:
        holder.kill()
        holder.wait()


def test_damaged_warehouse_is_named_and_rebuild_restores_the_same_figures(night):
    home, *_ = night
    before = query(home / "warehouse.duckdb", FIGURES)
    loads_before = query(home / "warehouse.duckdb",
                         "SELECT load_id, source_file, rows_loaded, rows_quarantined FROM "
                         "ops.load_log WHERE status = 'loaded' ORDER BY load_id")
    data = (home / "warehouse.duckdb").read_bytes()
    (home / "warehouse.duckdb").write_bytes(data[: len(data) // 3])   # truncated, as by a crash
    status = subprocess.run(PBK + ["status"], cwd=REPO, env=env_for(home), capture_output=True,
                            text=True, timeout=300)
    assert status.returncode == 1
    assert f"the warehouse file {home / 'warehouse.duckdb'} cannot be opened" in status.stderr
    assert "Restore it with `pbk rebuild`" in status.stderr and "Traceback" not in status.stderr
    rebuild = subprocess.run(PBK + ["rebuild", "--json"], cwd=REPO, env=env_for(home),
                             capture_output=True, text=True, timeout=900)
    assert rebuild.returncode == 0, rebuild.stdout[-2000:] + rebuild.stderr[-2000:]
    doc = json.loads(rebuild.stdout)
    assert doc["success"] and doc["differences"] == [] and doc["files"] == len(loads_before)
    assert Path(doc["kept_aside"]).read_bytes() == data[: len(data) // 3]
    assert query(home / "warehouse.duckdb", FIGURES) == before
    assert query(home / "warehouse.duckdb",
                 "SELECT load_id, source_file, rows_loaded, rows_quarantined FROM ops.load_log "
                 "WHERE status = 'loaded' ORDER BY load_id") == loads_before
