"""Progress of `pbk ingest` (and, through the same display, `pbk run` and `pbk demo`): live lines
on a terminal (a pseudo-terminal here), plain timestamped lines when stderr is a file, nothing
with --json (stdout stays one JSON document)."""
from __future__ import annotations

import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "docs" / "examples" / "realization_omspan.csv"


def _env(home: Path) -> dict:
    return {**os.environ, "PBK_HOME": str(home), "TERM": "xterm", "COLUMNS": "160"}


def _on_a_terminal(args: list[str], env: dict) -> tuple[int, str, str]:
    """Run with stderr on a pseudo-terminal: (exit code, stdout, what the terminal showed)."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "pbk.cli", *args], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=follower, text=True)
    os.close(follower)
    shown = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:     # the process closed the terminal
                break
            if not chunk:
                break
            shown += chunk
        elif proc.poll() is not None:
            break
    out = proc.stdout.read()
    code = proc.wait(timeout=300)
    os.close(leader)
    return code, out, re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown.decode("utf-8", "replace"))


def test_progress_on_a_terminal_and_not_in_json(tmp_path):
    data = tmp_path / "realization.csv"
    shutil.copy(EXAMPLE, data)
    code, out, shown = _on_a_terminal(["ingest", str(data)], _env(tmp_path / "home"))
    assert code == 0, shown
    # the live line names the file and its phase; the finished line its outcome
    assert "ingest realization.csv: checking" in shown
    assert re.search(r"✓ ingest realization\.csv: loaded [\d,]+ rows into raw\.realization, "
                     r"quarantined 0 \(\d+\.\d s\)", shown), shown
    assert "realization.csv" in out and "loaded" in out           # the results table, on stdout

    again = tmp_path / "again.csv"
    shutil.copy(EXAMPLE, again)
    code, out, shown = _on_a_terminal(["ingest", "--json", str(again)], _env(tmp_path / "home2"))
    assert code == 0
    assert shown.strip() == ""                                    # nothing but the JSON
    assert json.loads(out)[0]["status"] == "loaded"


def test_plain_lines_when_not_a_terminal(tmp_path):
    data = tmp_path / "realization.csv"
    shutil.copy(EXAMPLE, data)
    done = subprocess.run([sys.executable, "-m", "pbk.cli", "ingest", str(data)], cwd=REPO,
                          env=_env(tmp_path / "home"), capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert lines and all(re.match(r"\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d WIB\] ingest realization\.csv: ",
                                  line) for line in lines), lines
    assert lines[-1].endswith("quarantined 0")
