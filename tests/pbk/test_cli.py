"""The `pbk` command line itself: its version, the description of every command, and a bad
argument as a message (exit code 2), not a traceback. Run as an operator runs it (the console
script of the .venv)."""
from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

PBK = Path(sys.executable).with_name("pbk")


def _pbk(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(PBK), *args], capture_output=True, text=True, timeout=120)


def test_version_is_the_installed_package():
    done = _pbk("--version")
    assert (done.returncode, done.stdout.strip()) == (0, f"pbk {version('pbk-warehouse')}")


def test_each_command_help_opens_with_its_description():
    done = _pbk("demo", "--help")
    assert done.returncode == 0
    assert "generate a small sample into landing and run the pipeline" in done.stdout


def test_a_scale_that_is_not_positive_is_a_message_not_a_traceback(tmp_path):
    done = _pbk("generate", "--scale", "-1", "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert "argument --scale: -1 must be greater than 0" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


def test_a_mistyped_path_is_an_error_and_nothing_is_recorded(tmp_path):
    """`pbk ingest` of a path that does not exist: a message naming it, exit 1, and no row in
    ops.load_log (a rejected load of kind None would claim the warehouse saw a file)."""
    import os

    home = tmp_path / "home"
    missing = tmp_path / "realisasi_2025.cvs"
    done = subprocess.run([str(PBK), "ingest", str(missing)],
                          env={**os.environ, "PBK_HOME": str(home)}, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 1
    assert done.stderr.strip() == f"pbk ingest: no such file or folder ({missing})"
    assert not (home / "warehouse.duckdb").exists()
