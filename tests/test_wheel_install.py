"""A normal (non-editable) install works: the wheel built from the repository, installed into a
fresh virtual environment, runs `pbk demo` outside the repository. What the code reads at run time
besides Python (the dbt project, the GX configuration, the Data Docs stylesheet, the dbt wrapper,
the generator's vocabulary) must be in the wheel for this to pass.

The wheel is installed without its dependencies, which the fresh venv reads from the project's
venv (a .pth line; that venv's own .pth files, the editable install among them, are not
processed there, so every project module comes from the wheel). Installing a gigabyte of
dependencies again would only repeat `make install`, with the same constraints.txt, and triple
the test's time.
"""
from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
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
    _run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-deps",
          "--disable-pip-version-check", str(wheel)], timeout=300)
    fresh_site = next((venv / "lib").glob("python3.*/site-packages"))
    project_site = Path(sysconfig.get_paths()["purelib"])
    (fresh_site / "zz_dependencies.pth").write_text(f"{project_site}\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PBK_HOME",
                                                              "DAGSTER_HOME", "VIRTUAL_ENV")}
    # dbt's command comes with the dependencies: the project venv's
    env["PATH"] = os.pathsep.join([str(venv / "bin"), str(Path(sys.executable).parent),
                                   "/usr/bin", "/bin"])
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    where = _run([str(venv / "bin" / "python"), "-c",
                  "import base.dbt, expectations.gx_context as g, orchestration, pbk; "
                  "print(base.dbt.PROJECT_DIR, g.CONFIG_DIR, pbk.__file__)"],
                 cwd=outside, env=env).stdout.split()
    assert all(w.startswith(str(fresh_site)) for w in where), where   # the wheel's, not the repo's
    assert Path(where[0], "dbt_project.yml").exists()
    assert _run([str(venv / "bin" / "pbk"), "--version"], cwd=outside, env=env).stdout.strip() \
        == "pbk 0.1.0"
    home = tmp_path / "home"
    demo = _run([str(venv / "bin" / "pbk"), "demo"], cwd=outside, env={**env, "PBK_HOME": str(home)},
                timeout=900)
    assert "Dagster run" in demo.stdout and "(succeeded)" in demo.stdout
    assert (home / "published" / "pbk.duckdb").exists()
    assert (home / "docs" / "dq" / "index.html").exists()
