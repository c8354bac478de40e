"""The layout of docs/architecture.md holds: each package imports only the packages below it (every
import statement, function-level ones included, read from the source), and each package imports
alone in a fresh interpreter (no cycle hidden by import order)."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# top to bottom: a package may import only the packages after it
LAYERS = ("pbk", "orchestration", "serving", "ingest", "expectations", "base")


def project_imports(package: str) -> dict[str, set[str]]:
    """{imported project package: the files of `package` importing it}, every import statement."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module" \
                    and node.args and isinstance(node.args[0], ast.Constant):
                names = [node.args[0].value]   # importlib.import_module("pkg.module")
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in LAYERS and top != package:
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


@pytest.mark.parametrize("package", LAYERS)
def test_imports_point_down_the_layers(package):
    allowed = set(LAYERS[LAYERS.index(package) + 1:])
    upward = {imported: sorted(files) for imported, files in project_imports(package).items()
              if imported not in allowed}
    assert upward == {}, f"{package}/ imports packages above it: {upward}"


def test_the_reader_sees_imports_inside_functions():
    # the check above would pass vacuously if it missed the lazy imports the layout relies on
    assert "expectations" in project_imports("ingest")          # loader: GX runner, lazily
    assert "ingest" in project_imports("serving")               # trace re-reads archived files
    assert set(project_imports("pbk")) == {"orchestration", "serving", "ingest", "base"}


@pytest.mark.parametrize("package", LAYERS + ("pbk.generator", "serving.trace"))
def test_each_package_imports_alone(package):
    done = subprocess.run([sys.executable, "-c", f"import {package}"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
