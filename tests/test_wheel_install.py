"""A normal (non-editable) install works: the wheel built from the repository, installed with its
dependencies (the versions of constraints.txt) into a fresh virtual environment, runs `pbk demo`
outside the repository. What the code reads at run time besides Python (the dbt project, the GX
configuration, the Data Docs stylesheet, the dbt wrapper, the generator's vocabulary) must be in
the wheel for this to pass."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _run(args, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(args, capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, (args, done.stdout[-3000:], done.stderr[-3000:])
    return done


def test_the_wheel_runs_the_demo_from_a_fresh_venv(tmp_path):
    wheels = tmp_path / "wheels"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
          "--disable-pip-version-check", "-w", str(wheels), str(REPO)], timeout=600)
    wheel = next(wheels.glob("pbk_warehouse-*.whl"))
    shipped = set(zipfile.ZipFile(wheel).namelist())
    tracked = _run(["git", "ls-files", "dbt_project"], cwd=REPO).stdout.split()
    assert set(tracked) <= shipped                  # the whole dbt project
    assert {"expectations/gx/great_expectations.yml", "expectations/gx/offline.css",
            "orchestration/dbt_child"} <= shipped
    assert not any(name.startswith("tests/") for name in shipped)

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], timeout=300)
    # --no-compile: byte-compiling a gigabyte of dependencies is most of an install's time
    _run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-compile",
          "--disable-pip-version-check", "-c", str(REPO / "constraints.txt"), str(wheel)],
         timeout=1200)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PBK_HOME",
                                                              "DAGSTER_HOME", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}/usr/bin:/bin"
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    where = _run([str(venv / "bin" / "python"), "-c",
                  "import base.dbt, orchestration; print(base.dbt.PROJECT_DIR)"],
                 cwd=outside, env=env).stdout.strip()
    assert where.startswith(str(venv)) and Path(where, "dbt_project.yml").exists()
    assert _run([str(venv / "bin" / "pbk"), "--version"], cwd=outside, env=env).stdout.strip() \
        == "pbk 0.1.0"
    home = tmp_path / "home"
    demo = _run([str(venv / "bin" / "pbk"), "demo"], cwd=outside, env={**env, "PBK_HOME": str(home)},
                timeout=900)
    assert "Dagster run" in demo.stdout and "(succeeded)" in demo.stdout
    assert (home / "published" / "pbk.duckdb").exists()
    assert (home / "docs" / "dq" / "index.html").exists()
