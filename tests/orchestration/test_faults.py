"""Bad nights of `pbk run`, with real processes and signals: a run killed during dbt (no orphan dbt,
the rerun works at once), no connection off the machine. The bad nights of taking files from
landing are in tests/ingest/test_faults.py, a warehouse held open by another process in
tests/base/test_warehouse_file.py, a damaged one and `pbk rebuild` in tests/pbk/test_rebuild.py."""
from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from tests.support.processes import PBK, REPO, env_for, query


pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:dagster_dbt.*")


# Records every connection a Python process (pbk, and the dbt it starts) opens to anything but
# this machine; the addresses go to $PBK_NET_LOG.
SITECUSTOMIZE = '''
import os, socket
from tests.support.processes import PBK, REPO, env_for, query
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
