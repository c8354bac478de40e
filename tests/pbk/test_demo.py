"""`pbk demo` end to end in a fresh PBK_HOME, as `make demo` runs it."""
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[2]


def test_demo_generates_and_ingests_the_sample(tmp_path):
    env = {**os.environ, "PBK_HOME": str(tmp_path / "pbk")}
    out = subprocess.run([sys.executable, "-m", "pbk.cli", "demo"], env=env, cwd=REPO,
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
    # it ends pointing to the data-quality page; its progress went to stderr, step by step
    assert out.stdout.rstrip().endswith(str(tmp_path / "pbk" / "docs" / "dq" / "index.html"))
    steps = [line.split("] ", 1)[1].split(":")[0] for line in out.stderr.splitlines()
             if line.startswith("[")]
    assert [s for s in dict.fromkeys(steps) if not s.startswith("ingest ")] == [
        "pbk run", "ingest", "dbt build", "mart checks (GX)", "data-quality pages", "publish",
        "source freshness", "dbt docs"]
    assert {s for s in steps if s.startswith("ingest ")} == {
        f"ingest {info['file']}" for info in manifest["files"].values()}


def test_telemetry_is_off_everywhere(tmp_path):
    import yaml

    code = ("import os, base.settings as s, orchestration.instance as i; p = s.paths(); "
            "i.ensure_instance(p); "
            "print(os.environ['DBT_SEND_ANONYMOUS_USAGE_STATS'], os.environ['GX_ANALYTICS_ENABLED'])")
    env = {k: v for k, v in os.environ.items()
           if k not in ("DBT_SEND_ANONYMOUS_USAGE_STATS", "GX_ANALYTICS_ENABLED")}
    env["PBK_HOME"] = str(tmp_path / "pbk")
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True,
                         text=True, check=True)
    assert out.stdout.split() == ["false", "false"]
    dagster_yaml = yaml.safe_load((tmp_path / "pbk" / "dagster" / "dagster.yaml").read_text())
    assert dagster_yaml["telemetry"] == {"enabled": False}
