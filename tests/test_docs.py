"""The documented extract contract is the enforced one."""
import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_extracts_doc_is_generated_from_the_contracts():
    spec = importlib.util.spec_from_file_location("gen", REPO / "scripts" / "gen_extract_docs.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    committed = (REPO / "docs" / "extracts.md").read_text(encoding="utf-8")
    assert committed == gen.render(), "run: python scripts/gen_extract_docs.py"
