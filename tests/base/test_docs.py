"""The documented extract contract is the enforced one."""
import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_docs_are_generated_from_the_contracts_and_rules():
    spec = importlib.util.spec_from_file_location("gen", REPO / "scripts" / "gen_docs.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    committed = (REPO / "docs" / "extracts.md").read_text(encoding="utf-8")
    assert committed == gen.render(), "run: python scripts/gen_docs.py"
    committed = (REPO / "docs" / "data_quality.md").read_text(encoding="utf-8")
    assert committed == gen.render_dq(), "run: python scripts/gen_docs.py"
