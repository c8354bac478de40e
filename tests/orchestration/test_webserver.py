"""orchestration/__init__.py: the code location `dagster-webserver -m orchestration` loads (what
`make dev` starts) serves the whole graph.
"""
import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support.orchestration import MARTS, REPO, env_for

# dagster-dbt 0.29 calls a deprecated Dagster API internally
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:dagster_dbt.*")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_webserver_shows_graph_from_landing_to_marts(home_copy, first_run):
    """`dagster-webserver -m orchestration` on 127.0.0.1 (what `make dev` starts, without the
    daemon) loads the code location and serves the whole graph."""
    port = _free_port()
    exe = Path(sys.executable).parent / "dagster-webserver"
    proc = subprocess.Popen([str(exe), "-m", "orchestration", "-h", "127.0.0.1", "-p", str(port)],
                            cwd=REPO, env=env_for(home_copy), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        query = json.dumps({"query": "{ shouldShowNux assetNodes { assetKey { path } groupName "
                                     "dependencyKeys { path } } }"}).encode()
        deadline = time.time() + 180
        doc = None
        while time.time() < deadline:
            assert proc.poll() is None, proc.stderr.read()[-3000:]
            try:
                req = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=query,
                                             headers={"Content-Type": "application/json"})
                doc = json.loads(urllib.request.urlopen(req, timeout=10).read())
                if doc.get("data", {}).get("assetNodes"):
                    break
            except OSError:
                pass
            time.sleep(1)
        nodes = {"/".join(n["assetKey"]["path"]): n for n in doc["data"]["assetNodes"]}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    assert {n["groupName"] for n in nodes.values()} == {"ingest", "staging", "intermediate", "core",
                                                        "marts", "quality", "serving"}
    deps = {k: {"/".join(d["path"]) for d in n["dependencyKeys"]} for k, n in nodes.items()}
    assert "raw/realization" in deps["staging/stg_realization"]
    assert "staging/stg_realization" in deps["core/fact_realization"]
    assert {f"marts/{m}" for m in MARTS} <= deps["quality/dq_report"]
    # every asset the run built, and the ops tables the audit views read (written by ingest)
    assert set(nodes) == set(first_run.assets) | {"ops/load_log", "ops/quarantine",
                                                   "ops/dq_results"}
    assert "ops/quarantine" in deps["audit/quarantine"]
    assert doc["data"]["shouldShowNux"] is False     # no "Join the Dagster community" form
