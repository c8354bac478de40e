"""`pbk demo` end to end in a fresh PBK_HOME, as `make demo` runs it."""
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[1]


def test_demo_generates_and_ingests_the_sample(tmp_path):
    env = {**os.environ, "PBK_HOME": str(tmp_path / "pbk")}
    out = subprocess.run([sys.executable, "-m", "ingest.cli", "demo"], env=env, cwd=REPO,
                         capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stdout + out.stderr
    manifest = json.loads((tmp_path / "pbk" / "sample" / "manifest.json").read_text())
    con = duckdb.connect(str(tmp_path / "pbk" / "warehouse.duckdb"), read_only=True)
    loaded = dict(con.execute("SELECT kind, rows_read FROM ops.load_log WHERE status = 'loaded'")
                  .fetchall())
    con.close()
    assert loaded == {kind: info["rows"] for kind, info in manifest["files"].items()}
    assert "realization.csv" in out.stdout and "quarantined" in out.stdout
    assert list((tmp_path / "pbk" / "landing").iterdir()) == []
